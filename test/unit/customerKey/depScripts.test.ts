import assert from 'node:assert/strict';
import { isAppError, sha256Hex, textOf, isMessage } from '../../../src/core';
import {
  buildDepRefreshScript,
  buildDepScript,
  buildMailboxOffboardingScript,
  validateDepRequest,
  type DepRequest,
  type ExchangeDepRequest,
  type MultiWorkloadDepRequest,
  type SharePointDepRequest,
} from '../../../src/customerKey';
import { SUB_A, SUB_B, TENANT } from './fixtures/specs';

const V1 = 'f635a23bd4a44b9996ff6aadd88d42ba';
const V2 = '2b3e8f1d754f438dacdec1f0945f251a';
const MW_A = 'https://contoso-ck-mw-a.vault.azure.net/keys/ck-mw-a';
const MW_B = 'https://contoso-ck-mw-b.vault.azure.net/keys/ck-mw-b';

function multi(overrides: Partial<MultiWorkloadDepRequest> = {}): MultiWorkloadDepRequest {
  return {
    scope: 'multiWorkload',
    tenantId: TENANT,
    policyName: 'Contoso-MW',
    description: 'Tenant-wide policy',
    // Versioned and :443 forms go in; the cmdlets get versionless URIs.
    keys: [
      { uri: `https://contoso-ck-mw-a.vault.azure.net:443/keys/ck-mw-a/${V1}`, subscriptionId: SUB_A },
      { uri: `${MW_B}/`, subscriptionId: SUB_B },
    ],
    ...overrides,
  };
}

function exchange(overrides: Partial<ExchangeDepRequest> = {}): ExchangeDepRequest {
  return {
    scope: 'exchange',
    tenantId: TENANT,
    policyName: 'Contoso-EX',
    keys: [
      { uri: 'https://contoso-ck-ex-a.vault.azure.net/keys/ck-ex-a', subscriptionId: SUB_A },
      { uri: 'https://contoso-ck-ex-b.vault.azure.net/keys/ck-ex-b', subscriptionId: SUB_B },
    ],
    mailboxes: { list: ['adele@contoso.com', "o'brien@contoso.com"] },
    ...overrides,
  };
}

function sharePoint(overrides: Partial<SharePointDepRequest> = {}): SharePointDepRequest {
  return {
    scope: 'sharePoint',
    tenantId: TENANT,
    geos: [
      {
        adminUrl: 'https://contoso-admin.sharepoint.com',
        primary: { uri: `https://contoso-ck-sp-a.vault.azure.net/keys/ck-sp-a/${V1}`, subscriptionId: SUB_A },
        secondary: { uri: `https://contoso-ck-sp-b.vault.azure.net/keys/ck-sp-b/${V2.toUpperCase()}`, subscriptionId: SUB_B },
      },
    ],
    ...overrides,
  };
}

function lineIndex(script: string, pattern: RegExp): number {
  const index = script.split('\n').findIndex((line) => pattern.test(line));
  assert.ok(index >= 0, `no line matches ${pattern}`);
  return index;
}

describe('DEP scripts', () => {
  describe('multi-workload', () => {
    const s = buildDepScript(multi());

    it('when generated, then the onboarding validation (Validate mode, MDEP) comes before the policy', () => {
      const validate = lineIndex(s.script, /^\$Validation = New-CustomerKeyOnboardingRequest /);
      assert.ok(validate < lineIndex(s.script, /New-M365DataAtRestEncryptionPolicy /));
      assert.match(
        s.script,
        new RegExp(
          `New-CustomerKeyOnboardingRequest -OrganizationId '${TENANT}' -Scenario 'MDEP' -Subscription1 '${SUB_A}' -KeyIdentifier1 '${MW_A}' -Subscription2 '${SUB_B}' -KeyIdentifier2 '${MW_B}' -OnboardingMode 'Validate'`,
        ),
      );
      assert.match(s.script, /ValidationResult\)" -ne 'Success'\) \{\n\s+throw/);
    });

    it('when generated, then New-M365DataAtRestEncryptionPolicy gets -Name and two versionless -AzureKeyIDs, then the tenant assignment', () => {
      assert.match(s.script, new RegExp(`New-M365DataAtRestEncryptionPolicy -Name 'Contoso-MW' -AzureKeyIDs '${MW_A}', '${MW_B}' -Description 'Tenant-wide policy'`));
      assert.match(s.script, /^Set-M365DataAtRestEncryptionPolicyAssignment -DataEncryptionPolicy 'Contoso-MW'$/m);
      assert.ok(lineIndex(s.script, /New-M365DataAtRestEncryptionPolicy /) < lineIndex(s.script, /^Set-M365DataAtRestEncryptionPolicyAssignment/));
      assert.deepEqual(s.modules, ['M365CustomerKeyOnboarding', 'ExchangeOnlineManagement']);
      assert.deepEqual(s.adminRoles, ['Compliance Administrator']);
      assert.equal(s.sha256, sha256Hex(s.script));
      assert.equal(s.fileName, 'keyward-dep-multiworkload-Contoso-MW.ps1');
      assert.ok(s.unconfirmed.length > 0);
    });

    it('when run with a managed identity, then it connects app-only and says that is unconfirmed', () => {
      const mi = buildDepScript(multi({ connection: { kind: 'managedIdentity', organization: 'contoso.onmicrosoft.com' } }));
      assert.match(mi.script, /^Connect-ExchangeOnline -ManagedIdentity -Organization 'contoso.onmicrosoft.com' -ShowBanner:\$false$/m);
      assert.ok(mi.unconfirmed.some((u) => /app-only/.test(textOf(u))));
    });

    // Issue 11 item 12: what Keyward runs itself leaves out steps that need an interactive sign-in, and says why.
    it('when Keyward runs it app-only, then the interactive onboarding check is left out and the script says why', () => {
      const mi = buildDepScript(multi({ connection: { kind: 'managedIdentity', organization: 'contoso.onmicrosoft.com' } }));
      assert.doesNotMatch(mi.script, /CustomerKeyOnboarding/);
      assert.deepEqual(mi.modules, ['ExchangeOnlineManagement']);
      assert.match(mi.leftOut.map(textOf).join(' '), /interactive.*onboarding step/);
      const ex = buildDepScript(exchange({ connection: { kind: 'managedIdentity', organization: 'contoso.onmicrosoft.com' } }));
      assert.doesNotMatch(ex.script, /CustomerKeyOnboarding/);
      assert.equal(buildDepScript(multi()).leftOut.length, 0);
    });

    it('when run with a user-assigned managed identity, then it names the identity by client id, and a client id that is not a GUID is refused', () => {
      const uami = buildDepScript(multi({ connection: { kind: 'managedIdentity', organization: 'contoso.onmicrosoft.com', accountId: '5f1c0a2e-7d41-4b6a-9c3e-0000000000a1' } }));
      assert.match(
        uami.script,
        /^Connect-ExchangeOnline -ManagedIdentity -ManagedIdentityAccountId '5f1c0a2e-7d41-4b6a-9c3e-0000000000a1' -Organization 'contoso.onmicrosoft.com' -ShowBanner:\$false$/m,
      );
      assert.throws(() => buildDepScript(multi({ connection: { kind: 'managedIdentity', organization: 'contoso.onmicrosoft.com', accountId: "x'; whoami" } })), /client id/);
    });

    it('when the older onboarding module is chosen, then it takes vault and key names', () => {
      const old = buildDepScript(multi({ onboarding: { parameterStyle: 'vaultAndKeyName' } }));
      assert.match(old.script, /-VaultName1 'contoso-ck-mw-a' -KeyName1 'ck-mw-a' -Subscription2 '[^']+' -VaultName2 'contoso-ck-mw-b' -KeyName2 'ck-mw-b'/);
    });

    it('when validation is switched off, then the script has no onboarding step', () => {
      const plain = buildDepScript(multi({ onboarding: { validate: false } }));
      assert.doesNotMatch(plain.script, /CustomerKeyOnboarding/);
      assert.deepEqual(plain.modules, ['ExchangeOnlineManagement']);
    });
  });

  describe('Exchange', () => {
    it('when generated for a list, then New-DataEncryptionPolicy takes the URIs and Set-Mailbox assigns each mailbox', () => {
      const s = buildDepScript(exchange());
      assert.match(s.script, /Scenario 'EXO'/);
      assert.match(
        s.script,
        /New-DataEncryptionPolicy -Name 'Contoso-EX' -AzureKeyIDs 'https:\/\/contoso-ck-ex-a\.vault\.azure\.net\/keys\/ck-ex-a', 'https:\/\/contoso-ck-ex-b\.vault\.azure\.net\/keys\/ck-ex-b'/,
      );
      assert.match(s.script, /^Set-Mailbox -Identity 'adele@contoso.com' -DataEncryptionPolicy 'Contoso-EX'$/m);
      assert.match(s.script, /^Set-Mailbox -Identity 'o''brien@contoso.com' -DataEncryptionPolicy 'Contoso-EX'$/m);
      assert.match(s.script, /^Get-DataEncryptionPolicy -Identity 'Contoso-EX' \| Format-List$/m);
    });

    // Issue 11 item 6: unlicensed user mailboxes cannot take a mailbox DEP, so "all" means every eligible one.
    it('when generated for all mailboxes, then it assigns licensed user mailboxes and shared mailboxes only, and lists the unlicensed ones it skipped', () => {
      const s = buildDepScript(exchange({ mailboxes: { all: true } }));
      assert.doesNotMatch(s.script, /Get-EXOMailbox -ResultSize Unlimited \| ForEach-Object/);
      assert.match(s.script, /^\$UserMailboxes = @\(Get-Mailbox -ResultSize 'Unlimited' -RecipientTypeDetails 'UserMailbox'\)$/m);
      assert.match(
        s.script,
        /^\$Eligible = @\(\$UserMailboxes \| Where-Object \{ \$_\.SKUAssigned -eq \$true \}\) \+ @\(Get-Mailbox -ResultSize 'Unlimited' -RecipientTypeDetails 'SharedMailbox'\)$/m,
      );
      assert.match(s.script, /^\$Eligible \| ForEach-Object \{\n\s+Set-Mailbox -Identity \$_\.PrimarySmtpAddress -DataEncryptionPolicy 'Contoso-EX'\n\}/m);
      assert.match(s.script, /^\$Skipped = @\(\$UserMailboxes \| Where-Object \{ \$_\.SKUAssigned -ne \$true \}\)$/m);
      assert.match(s.script, /Skipped \$\(\$Skipped\.Count\) user mailbox\(es\) without a licence/);
      assert.ok(lineIndex(s.script, /^\$Skipped \| Format-Table/) < lineIndex(s.script, /^Get-DataEncryptionPolicy -Identity 'Contoso-EX' \| Format-List$/));
    });

    it('when the keys are in Managed HSMs, then the URIs are used and the HSM URI question is flagged', () => {
      const s = buildDepScript(
        exchange({
          keys: [
            { uri: 'https://contoso-hsm-a.managedhsm.azure.net/keys/ck-ex', subscriptionId: SUB_A },
            { uri: 'https://contoso-hsm-b.managedhsm.azure.net/keys/ck-ex', subscriptionId: SUB_B },
          ],
        }),
      );
      assert.match(s.script, /-AzureKeyIDs 'https:\/\/contoso-hsm-a\.managedhsm\.azure\.net\/keys\/ck-ex', 'https:\/\/contoso-hsm-b\.managedhsm\.azure\.net\/keys\/ck-ex'/);
      assert.ok(s.unconfirmed.some((u) => /managedhsm/.test(textOf(u))));
    });
  });

  describe('SharePoint', () => {
    const s = buildDepScript(sharePoint());

    it('when generated, then Register-SPODataEncryptionPolicy gets vault name, key name and version for both keys, not URIs', () => {
      const line = s.script.split('\n').find((l) => l.includes('Register-SPODataEncryptionPolicy')) ?? '';
      assert.equal(
        line.trim(),
        `Register-SPODataEncryptionPolicy -PrimaryKeyVaultName 'contoso-ck-sp-a' -PrimaryKeyName 'ck-sp-a' -PrimaryKeyVersion '${V1}' -SecondaryKeyVaultName 'contoso-ck-sp-b' -SecondaryKeyName 'ck-sp-b' -SecondaryKeyVersion '${V2}'`,
      );
      assert.doesNotMatch(line, /https:/);
      assert.match(s.script, /^Connect-SPOService -Url 'https:\/\/contoso-admin\.sharepoint\.com'$/m);
      assert.deepEqual(s.adminRoles, ['SharePoint Administrator']);
      assert.ok(lineIndex(s.script, /New-CustomerKeyOnboardingRequest .*-Scenario 'SPO'/) < lineIndex(s.script, /Register-SPODataEncryptionPolicy/));
    });

    it('when there are two geos, then each geo connects to its own admin URL and registers once', () => {
      const two = buildDepScript(sharePoint({ geos: [...sharePoint().geos, { ...sharePoint().geos[0]!, adminUrl: 'https://contosoeur-admin.sharepoint.com' }] }));
      assert.equal(two.script.match(/^\s*Register-SPODataEncryptionPolicy /gm)?.length, 2);
      assert.match(two.script, /Connect-SPOService -Url 'https:\/\/contosoeur-admin\.sharepoint\.com'/);
    });

    // Issue 11 item 4: Register-SPODataEncryptionPolicy documents only vault name, key name and version.
    it('when the keys are in Managed HSMs, then no Register script is written and the message says Microsoft documents no form for HSM keys', () => {
      const req = sharePoint();
      const geo = req.geos[0]!;
      const hsm = {
        ...req,
        geos: [
          {
            ...geo,
            primary: { uri: `https://contoso-hsm-a.managedhsm.azure.net/keys/ck-sp/${V1}`, subscriptionId: SUB_A },
            secondary: { uri: `https://contoso-hsm-b.managedhsm.azure.net/keys/ck-sp/${V2}`, subscriptionId: SUB_B },
          },
        ],
      };
      const errors = validateDepRequest(hsm);
      assert.match(textOf(errors['geos.0.primary.uri'] ?? ''), /Register-SPODataEncryptionPolicy documents only.*vault name.*Managed HSM/);
      assert.throws(
        () => buildDepScript(hsm),
        (e: unknown) => isAppError(e, 'ValidationFailed'),
      );
    });

    it('when a key has no version, then it is refused with a message at that key', () => {
      const req = sharePoint();
      const geo = req.geos[0]!;
      const errors = validateDepRequest({ ...req, geos: [{ ...geo, secondary: { ...geo.secondary, uri: 'https://contoso-ck-sp-b.vault.azure.net/keys/ck-sp-b' } }] });
      assert.match(textOf(errors['geos.0.secondary.uri'] ?? ''), /needs the key version/);
    });
  });

  describe('offboarding a mailbox DEP', () => {
    it('when mailboxes leave an Exchange DEP, then each gets Set-Mailbox -DataEncryptionPolicy $null and no support request is mentioned', () => {
      const s = buildMailboxOffboardingScript({ policyName: 'Contoso-EX', mailboxes: { list: ['adele@contoso.com'] } });
      assert.match(s.script, /^Set-Mailbox -Identity 'adele@contoso\.com' -DataEncryptionPolicy \$null$/m);
      assert.doesNotMatch(s.script, /support request/);
      assert.equal(s.purpose, 'offboard');
      assert.equal(s.fileName, 'keyward-offboard-exchange-Contoso-EX.ps1');
    });

    it('when every mailbox on the policy leaves it, then only mailboxes on that policy are selected', () => {
      const s = buildMailboxOffboardingScript({ policyName: 'Contoso-EX', mailboxes: { all: true } });
      assert.match(s.script, /Where-Object \{ "\$\(\$_\.DataEncryptionPolicy\)" -eq 'Contoso-EX' \}/);
      assert.ok(s.unconfirmed.length > 0);
      assert.throws(
        () => buildMailboxOffboardingScript({ policyName: "x'; whoami", mailboxes: { all: true } }),
        (e: unknown) => isAppError(e, 'ValidationFailed'),
      );
    });
  });

  describe('refresh after a key roll', () => {
    it('when a SharePoint key in a Managed HSM rolled, then Update-SPODataEncryptionPolicy uses its documented key-URI form, never the HSM name as -KeyVaultName', () => {
      const s = buildDepRefreshScript({
        dep: { scope: 'sharePoint', adminUrl: 'https://contoso-admin.sharepoint.com' },
        newKeyUri: `https://contoso-hsm-b.managedhsm.azure.net/keys/ck-sp/${V2}`,
        keyType: 'Secondary',
      });
      assert.doesNotMatch(s.script, /-KeyVaultName/);
      assert.match(
        s.script,
        new RegExp(`^Update-SPODataEncryptionPolicy -KeyVaultUri 'https://contoso-hsm-b\\.managedhsm\\.azure\\.net/keys/ck-sp/${V2}' -KeyType 'Secondary'$`, 'm'),
      );
      assert.ok(s.unconfirmed.some((u) => /KeyVaultUri/.test(textOf(u))));
    });

    it('when a SharePoint key in a vault rolled, then Update-SPODataEncryptionPolicy gets vault name, key name and version', () => {
      const s = buildDepRefreshScript({
        dep: { scope: 'sharePoint', adminUrl: 'https://contoso-admin.sharepoint.com' },
        newKeyUri: `https://contoso-ck-sp-a.vault.azure.net/keys/ck-sp-a/${V1}`,
        keyType: 'Primary',
      });
      assert.match(s.script, new RegExp(`^Update-SPODataEncryptionPolicy -KeyVaultName 'contoso-ck-sp-a' -KeyName 'ck-sp-a' -KeyVersion '${V1}' -KeyType 'Primary'$`, 'm'));
    });

    it('when the multi-workload key rolled, then Set-M365DataAtRestEncryptionPolicy -Refresh is generated', () => {
      const s = buildDepRefreshScript({ dep: { scope: 'multiWorkload', policyName: 'Contoso-MW' } });
      assert.match(s.script, /^Set-M365DataAtRestEncryptionPolicy -Identity 'Contoso-MW' -Refresh$/m);
      assert.equal(s.purpose, 'refresh');
    });

    it('when an Exchange key rolled, then Set-DataEncryptionPolicy -Refresh is generated', () => {
      const s = buildDepRefreshScript({ dep: { scope: 'exchange', policyName: 'Contoso-EX' } });
      assert.match(s.script, /^Set-DataEncryptionPolicy -Identity 'Contoso-EX' -Refresh$/m);
    });

    it('when a SharePoint key rolled, then Update-SPODataEncryptionPolicy gets vault, key, new version and key type', () => {
      const s = buildDepRefreshScript({
        dep: { scope: 'sharePoint', adminUrl: 'https://contoso-admin.sharepoint.com' },
        newKeyUri: `https://contoso-ck-sp-b.vault.azure.net/keys/ck-sp-b/${V2}`,
        keyType: 'Secondary',
      });
      assert.match(s.script, new RegExp(`^Update-SPODataEncryptionPolicy -KeyVaultName 'contoso-ck-sp-b' -KeyName 'ck-sp-b' -KeyVersion '${V2}' -KeyType 'Secondary'$`, 'm'));
    });

    it('when the SharePoint refresh has no version, then it is refused', () => {
      assert.throws(
        () =>
          buildDepRefreshScript({
            dep: { scope: 'sharePoint', adminUrl: 'https://contoso-admin.sharepoint.com' },
            newKeyUri: 'https://contoso-ck-sp-b.vault.azure.net/keys/ck-sp-b',
            keyType: 'Secondary',
          }),
        (e: unknown) => isAppError(e, 'ValidationFailed'),
      );
    });
  });

  describe('hostile input', () => {
    // The parse-tree proofs (code unchanged, value one literal) are in scriptGrammar.test.ts.
    const REFUSALS: Array<[string, DepRequest, string]> = [
      ['a policy name with a quote and command', multi({ policyName: "x'; Remove-Item -Recurse C:\\ #" }), 'policyName'],
      ['a policy name with $()', multi({ policyName: '$(whoami)' }), 'policyName'],
      ['a description with a newline', multi({ description: 'ok\nRemove-Item -Recurse C:\\' }), 'description'],
      ['a description with a smart quote', multi({ description: 'Contoso\u2019s keys' }), 'description'],
      ['a description with a bidi override', multi({ description: 'safe \u202E)(ecalper' }), 'description'],
      ['a key URI with a quote', multi({ keys: [{ uri: "https://a.vault.azure.net/keys/k';whoami", subscriptionId: SUB_A }, multi().keys[1]] }), 'keys.0.uri'],
      ['a key URI with a newline', multi({ keys: [multi().keys[0], { uri: 'https://b.vault.azure.net/keys/k\nwhoami', subscriptionId: SUB_B }] }), 'keys.1.uri'],
      ['a subscription id with code', multi({ keys: [{ uri: MW_A, subscriptionId: "x'; whoami" }, multi().keys[1]] }), 'keys.0.subscriptionId'],
      ['a tenant id with backticks', multi({ tenantId: '`whoami`' }), 'tenantId'],
      ['a mailbox with a command', exchange({ mailboxes: { list: ["a@b.com'; Remove-Mailbox x"] } }), 'mailboxes.0'],
      ['a mailbox with a newline', exchange({ mailboxes: { list: ['a@b.com\nRemove-Mailbox x'] } }), 'mailboxes.0'],
      ['an admin URL with code', sharePoint({ geos: [{ ...sharePoint().geos[0]!, adminUrl: "https://contoso-admin.sharepoint.com'; whoami" }] }), 'geos.0.adminUrl'],
      ['a scenario with code', multi({ onboarding: { scenarios: { multiWorkload: "MDEP'; whoami" } } }), 'onboarding.scenarios.multiWorkload'],
      ['an organisation with code', multi({ connection: { kind: 'managedIdentity', organization: "contoso.com'; whoami" } }), 'connection'],
    ];
    for (const [what, req, field] of REFUSALS) {
      it(`when given ${what}, then the script is refused with a message at ${field}`, () => {
        assert.throws(
          () => buildDepScript(req),
          (e: unknown) => isAppError(e, 'ValidationFailed') && isMessage((e.details.errors as Record<string, unknown>)[field]),
        );
      });
    }

    it('when both keys are the same, or in one subscription, then the script is refused', () => {
      const same = validateDepRequest(
        multi({
          keys: [
            { uri: MW_A, subscriptionId: SUB_A },
            { uri: `${MW_A}/${V1}`, subscriptionId: SUB_B },
          ],
        }),
      );
      assert.match(textOf(same['keys.1.uri'] ?? ''), /different keys/);
      const oneSub = validateDepRequest(
        multi({
          keys: [
            { uri: MW_A, subscriptionId: SUB_A },
            { uri: MW_B, subscriptionId: SUB_A },
          ],
        }),
      );
      assert.match(textOf(oneSub['keys.1.subscriptionId'] ?? ''), /two different Azure subscriptions/);
    });
  });
});
