import assert from 'node:assert/strict';
import {
  buildDepRefreshScript,
  buildDepScript,
  buildMailboxOffboardingScript,
  buildOnboardingScript,
  onboardingStatusCommand,
  CMDLET_SIGNATURES,
  mandatoryRetentionCommands,
  type DepRequest,
  type ExchangeConnection,
  type ExchangeDepRequest,
  type MultiWorkloadDepRequest,
  type SharePointDepRequest,
} from '../../../src/customerKey';
import { loadPowerShellChecker, type PowerShellChecker } from '../../helpers/psScriptChecker';
import { SUB_A, SUB_B, TENANT, WRITER_CLIENT_ID } from './fixtures/specs';

/**
 * Issue 11 item 11: every kind of script Keyward writes parses with PowerShell's grammar and calls
 * each cmdlet as its Microsoft page documents it (src/customerKey/cmdletSignatures.ts).
 */
const V1 = 'f635a23bd4a44b9996ff6aadd88d42ba';
const V2 = '2b3e8f1d754f438dacdec1f0945f251a';
const APP_ONLY: ExchangeConnection = { kind: 'managedIdentity', organization: 'contoso.onmicrosoft.com', accountId: WRITER_CLIENT_ID };

const vaultKeys = (w: string) =>
  [
    { uri: `https://contoso-ck-${w}-a.vault.azure.net/keys/ck-${w}-a`, subscriptionId: SUB_A },
    { uri: `https://contoso-ck-${w}-b.vault.azure.net/keys/ck-${w}-b`, subscriptionId: SUB_B },
  ] as const;
const hsmKeys = (w: string) =>
  [
    { uri: `https://contoso-hsm-a.managedhsm.azure.net/keys/ck-${w}`, subscriptionId: SUB_A },
    { uri: `https://contoso-hsm-b.managedhsm.azure.net/keys/ck-${w}`, subscriptionId: SUB_B },
  ] as const;

function multi(o: Partial<MultiWorkloadDepRequest> = {}): MultiWorkloadDepRequest {
  return { scope: 'multiWorkload', tenantId: TENANT, policyName: 'Contoso-MW', description: 'Tenant policy', keys: vaultKeys('mw'), ...o };
}
function exchange(o: Partial<ExchangeDepRequest> = {}): ExchangeDepRequest {
  return { scope: 'exchange', tenantId: TENANT, policyName: 'Contoso-EX', keys: vaultKeys('ex'), mailboxes: { list: ['adele@contoso.com'] }, ...o };
}
function sharePoint(o: Partial<SharePointDepRequest> = {}): SharePointDepRequest {
  return {
    scope: 'sharePoint',
    tenantId: TENANT,
    geos: [
      {
        adminUrl: 'https://contoso-admin.sharepoint.com',
        primary: { uri: `https://contoso-ck-sp-a.vault.azure.net/keys/ck-sp-a/${V1}`, subscriptionId: SUB_A },
        secondary: { uri: `https://contoso-ck-sp-b.vault.azure.net/keys/ck-sp-b/${V2}`, subscriptionId: SUB_B },
      },
    ],
    ...o,
  };
}

/** Every script kind Keyward writes, by name. */
function everyScript(): Array<[string, string]> {
  const scripts: Array<[string, string]> = [];
  const requests: Array<[string, DepRequest]> = [
    ['create: multi-workload', multi()],
    ['create: multi-workload, HSM keys', multi({ keys: hsmKeys('mw') })],
    ['create: multi-workload, module 1.0.x parameters', multi({ onboarding: { parameterStyle: 'vaultAndKeyName' } })],
    ['create: multi-workload, no onboarding validation', multi({ onboarding: { validate: false } })],
    ['create and assign: Exchange, listed mailboxes', exchange()],
    ['create and assign: Exchange, all eligible mailboxes', exchange({ mailboxes: { all: true } })],
    ['create: SharePoint, two geos', sharePoint({ geos: [...sharePoint().geos, { ...sharePoint().geos[0]!, adminUrl: 'https://contoso-eur-admin.sharepoint.com' }] })],
    ['app-only: multi-workload', multi({ connection: APP_ONLY })],
    ['app-only: Exchange, all eligible mailboxes', exchange({ mailboxes: { all: true }, connection: APP_ONLY })],
  ];
  for (const [name, request] of requests) {
    const made = buildDepScript(request);
    scripts.push([name, made.script]);
    made.verifyCommands.forEach((command, i) => scripts.push([`evidence ${i + 1}: ${name}`, command]));
  }
  const refreshes: Array<[string, Parameters<typeof buildDepRefreshScript>[0]]> = [
    ['refresh: multi-workload', { dep: { scope: 'multiWorkload', policyName: 'Contoso-MW' } }],
    ['refresh: Exchange', { dep: { scope: 'exchange', policyName: 'Contoso-EX' } }],
    ['app-only refresh: multi-workload', { dep: { scope: 'multiWorkload', policyName: 'Contoso-MW' }, connection: APP_ONLY }],
    ['app-only refresh: Exchange', { dep: { scope: 'exchange', policyName: 'Contoso-EX' }, connection: APP_ONLY }],
    [
      'refresh: SharePoint key A',
      {
        dep: { scope: 'sharePoint', adminUrl: 'https://contoso-admin.sharepoint.com' },
        newKeyUri: `https://contoso-ck-sp-a.vault.azure.net/keys/ck-sp-a/${V1}`,
        keyType: 'Primary',
      },
    ],
    [
      'refresh: SharePoint key B in a Managed HSM',
      {
        dep: { scope: 'sharePoint', adminUrl: 'https://contoso-admin.sharepoint.com' },
        newKeyUri: `https://contoso-hsm-b.managedhsm.azure.net/keys/ck-sp/${V2}`,
        keyType: 'Secondary',
      },
    ],
  ];
  for (const [name, input] of refreshes) {
    const made = buildDepRefreshScript(input);
    scripts.push([name, made.script]);
    made.verifyCommands.forEach((command, i) => scripts.push([`evidence ${i + 1}: ${name}`, command]));
  }
  scripts.push(['onboarding: multi-workload', buildOnboardingScript({ tenantId: TENANT, workload: 'multiWorkload', keys: vaultKeys('mw') }).script]);
  scripts.push(['onboarding: Exchange, HSM keys', buildOnboardingScript({ tenantId: TENANT, workload: 'exchange', keys: hsmKeys('ex') }).script]);
  scripts.push([
    'onboarding: SharePoint, module 1.0.x parameters',
    buildOnboardingScript({ tenantId: TENANT, workload: 'sharePoint', keys: vaultKeys('sp'), parameterStyle: 'vaultAndKeyName' }).script,
  ]);
  scripts.push(['evidence: onboarding status', onboardingStatusCommand(TENANT)]);
  scripts.push([
    'offboarding: listed mailboxes',
    buildMailboxOffboardingScript({ policyName: 'Contoso-EX', mailboxes: { list: ['adele@contoso.com', "o'brien@contoso.com"] } }).script,
  ]);
  scripts.push([
    'offboarding: every mailbox on the policy, app-only',
    buildMailboxOffboardingScript({ policyName: 'Contoso-EX', mailboxes: { all: true }, connection: APP_ONLY }).script,
  ]);
  for (const snippet of mandatoryRetentionCommands(SUB_A)) if (snippet.shell === 'powershell') scripts.push(['onboarding: mandatory retention registration', snippet.script]);
  return scripts;
}

describe('generated PowerShell against the grammar and the cmdlet pages', () => {
  let checker: PowerShellChecker;
  before(async () => {
    checker = await loadPowerShellChecker();
  });

  for (const [name, script] of everyScript()) {
    it(`when Keyward writes the ${name} script, then it parses and every cmdlet call matches its documented signature`, () => {
      assert.deepEqual(checker.check(script), [], script);
      assert.ok(checker.commands(script).length > 0);
    });
  }

  it('when a switch is written with a separate $false, then the checker fails it (and accepts -Switch:$false)', () => {
    const bad = checker.check("Connect-ExchangeOnline -ShowBanner $false -Organization 'contoso.onmicrosoft.com'");
    assert.equal(bad.length, 1);
    assert.match(bad[0]!.message, /ShowBanner is a switch.*ConnectionUri.*-ShowBanner:\$false/);
    assert.deepEqual(checker.check("Connect-ExchangeOnline -ShowBanner:$false -Organization 'contoso.onmicrosoft.com'"), []);
  });

  const BROKEN: Array<[string, string, RegExp]> = [
    ['an unknown cmdlet', 'Remove-Everything', /not in Keyward's cmdlet signature table/],
    ['an unknown parameter', "New-DataEncryptionPolicy -Name 'x' -AzureKeyIDs 'a', 'b' -Colour 'red'", /-Colour is not a parameter/],
    ['a missing mandatory parameter', "New-DataEncryptionPolicy -Name 'x'", /mandatory parameter missing: -AzureKeyIDs/],
    ['parameters from two sets', "Set-DataEncryptionPolicy -Identity 'x' -Refresh -Replace -AzureKeyIDs 'a', 'b'", /no parameter set/],
    ['a value parameter without its value', 'Set-M365DataAtRestEncryptionPolicyAssignment -DataEncryptionPolicy', /needs a value/],
    ['a bare value nothing takes', "Register-AzProviderFeature 'x' -FeatureName 'f' -ProviderNamespace 'p'", /no positional parameter/],
    ['a Boolean given a string', "New-DataEncryptionPolicy -Name 'x' -AzureKeyIDs 'a', 'b' -Enabled 'no'", /Boolean/],
    ['an abbreviated parameter', "New-CustomerKeyOnboardingRequest -Organization 'x'", /-Organization is not a parameter/],
    ['the same parameter twice', "Get-DataEncryptionPolicy -Identity 'a' -Identity 'b'", /given twice/],
    ['a syntax error', "Get-DataEncryptionPolicy -Identity 'a", /syntax error/],
    ['a typographic quote inside a literal', "Write-Warning 'it\u2019s'", /typographic quote/],
  ];
  for (const [what, script, message] of BROKEN) {
    it(`when a script has ${what}, then the checker reports it`, () => {
      const found = checker.check(script);
      assert.ok(
        found.some((v) => message.test(v.message)),
        JSON.stringify(found),
      );
    });
  }

  it('when a parameter name ends in digits, then it binds whole (the grammar splits it; the checker joins it)', () => {
    assert.deepEqual(checker.check("Get-CustomerKeyOnboardingRequest -OrganizationId 'x' -RequestId 'y'"), []);
    assert.deepEqual(
      checker.check(
        "New-CustomerKeyOnboardingRequest -OrganizationId 'o' -Scenario 'MDEP' -Subscription1 's' -KeyIdentifier1 'k' -Subscription2 's' -KeyIdentifier2 'k' -OnboardingMode 'Validate'",
      ),
      [],
    );
  });

  it('when the signature table is read, then every cmdlet names its Microsoft source page', () => {
    for (const s of CMDLET_SIGNATURES) assert.match(s.source, /^https:\/\/(learn\.microsoft\.com|www\.powershellgallery\.com)\//, s.name);
  });

  describe('hostile values never leave their literal', () => {
    const HOSTILE = [
      "'; Remove-Item -Recurse C:\\ #",
      '$(Remove-Item -Recurse C:\\)',
      '`whoami`',
      'Contoso\'s "quoted" policy #> <#',
      '@{a=1}; exit',
      '${env:PATH}',
      '-Confirm:$false',
      "''''",
    ];
    for (const text of HOSTILE) {
      it(`when the description is ${JSON.stringify(text)}, then the parse tree has the same code and the value is one literal`, () => {
        const benign = checker.literalSkeleton(buildDepScript(multi({ description: 'benign' })).script);
        const script = buildDepScript(multi({ description: text })).script;
        const hostile = checker.literalSkeleton(script);
        assert.equal(hostile.skeleton, benign.skeleton);
        assert.ok(hostile.literals.includes(text));
        assert.deepEqual(checker.check(script), []);
      });
    }

    it('when a mailbox address holds apostrophes, then the code of the assign script does not change', () => {
      const benign = checker.literalSkeleton(buildDepScript(exchange({ mailboxes: { list: ['a@contoso.com'] } })).script);
      const quoted = checker.literalSkeleton(buildDepScript(exchange({ mailboxes: { list: ["o'ne''il'@contoso.com"] } })).script);
      assert.equal(quoted.skeleton, benign.skeleton);
      assert.ok(quoted.literals.includes("o'ne''il'@contoso.com"));
    });

    it('when an offboarded mailbox address holds apostrophes, then the offboarding script keeps its code and the value stays one literal', () => {
      const benign = checker.literalSkeleton(buildMailboxOffboardingScript({ policyName: 'Contoso-EX', mailboxes: { list: ['a@contoso.com'] } }).script);
      const script = buildMailboxOffboardingScript({ policyName: 'Contoso-EX', mailboxes: { list: ["o'ne''il'@contoso.com"] } }).script;
      const quoted = checker.literalSkeleton(script);
      assert.equal(quoted.skeleton, benign.skeleton);
      assert.ok(quoted.literals.includes("o'ne''il'@contoso.com"));
      assert.deepEqual(checker.check(script), []);
    });

    const REFUSED = ['ok\nRemove-Item -Recurse C:\\', 'Contoso\u2019s keys', 'a \u201Bquote', 'safe \u202E)(ecalper', 'carriage\rreturn'];
    for (const text of REFUSED) {
      it(`when the description is ${JSON.stringify(text)}, then no script is written at all`, () => {
        assert.throws(() => buildDepScript(multi({ description: text })), /invalid value/);
      });
    }
  });
});
