/**
 * Ready-to-run PowerShell for Data Encryption Policies: the onboarding validation, then the DEP
 * cmdlets of each scope with the key form each expects (key URIs for the multi-workload and
 * Exchange DEPs; vault name, key name and version for SharePoint), then the Get- cmdlets whose
 * output the operator pastes back. Key-roll refresh scripts too.
 *
 * Injection: every value is validated first (`validateDepRequest`) and then emitted only through
 * `psLiteral` (single-quoted, quote doubled; smart quotes and control characters refused). Values
 * never appear inside comments or double-quoted strings.
 *
 * Sources: facts §1.7, §2 ([S9]–[S14], [S28]).
 */
import { appError, say, sha256Hex, type Message } from '../core';
import { DOC_LINKS } from './facts';
import { parseKeyIdentifier, type KeyIdentifier } from './keyUris';
import { validateDepPolicyName, validateFreeText, validateMailboxIdentity, validateSharePointAdminUrl, validateSubscriptionId, validateTenantId } from './naming';
import { lit, litList, psCode, psCommand, psLiteral, psSwitch, psSwitchValue } from './powershell';
import type { DepKeyInput, DepRef, DepRequest, DepScope, DepScript, ExchangeConnection, OnboardingOptions, SharePointGeoDep } from './depTypes';

export const ONBOARDING_MODULE = 'M365CustomerKeyOnboarding';
export const EXCHANGE_MODULE = 'ExchangeOnlineManagement';
export const SHAREPOINT_MODULE = 'Microsoft.Online.SharePoint.PowerShell';

/** `-Scenario` values; only MDEP is seen in practice (UNCONFIRMED for EXO and SPO). */
export const DEFAULT_ONBOARDING_SCENARIOS: Readonly<Record<DepScope, string>> = {
  multiWorkload: 'MDEP',
  exchange: 'EXO',
  sharePoint: 'SPO',
};

const UNCONFIRMED_ONBOARDING = say(
  'depScript.unconfirmed.onboarding',
  'Onboarding validation: the -Scenario value for this workload, the -OnboardingMode value Validate, the ValidationResult/FailedValidations output properties and the Reader-on-both-subscriptions requirement come from community guides, not Microsoft text.',
);
const UNCONFIRMED_HSM_URI = say(
  'depScript.unconfirmed.hsmUri',
  "Whether the DEP cmdlets accept managedhsm.azure.net key URIs is implied by Microsoft's Managed HSM page but not confirmed.",
);
const UNCONFIRMED_SPO_URI = say(
  'depScript.unconfirmed.spoUri',
  'Update-SPODataEncryptionPolicy -KeyVaultUri (the documented BYOK_Uri parameter set): whether it takes the versioned key identifier Keyward passes, and a managedhsm.azure.net key, is not confirmed.',
);
/** Register-SPODataEncryptionPolicy has one documented form (vault, key, version); none for HSM keys. */
export const SPO_REGISTER_HSM_UNDOCUMENTED = say(
  'depScript.spoRegisterHsm',
  'Register-SPODataEncryptionPolicy documents only a vault name, key name and key version (https://learn.microsoft.com/powershell/module/microsoft.online.sharepoint.powershell/register-spodataencryptionpolicy); Microsoft documents no form for a Managed HSM key, so Keyward does not write a guess. Ask Microsoft (Customer Key with Managed HSM: https://learn.microsoft.com/purview/customer-key-managedhsm) how to register SharePoint on Managed HSM keys, or use Key Vault keys for SharePoint.',
  {
    cmdlet: 'Register-SPODataEncryptionPolicy',
    reference: 'https://learn.microsoft.com/powershell/module/microsoft.online.sharepoint.powershell/register-spodataencryptionpolicy',
    page: 'https://learn.microsoft.com/purview/customer-key-managedhsm',
  },
);
/** Why an app-only script has no onboarding step. */
export const APP_ONLY_LEAVES_OUT_ONBOARDING = say(
  'depScript.appOnlyLeavesOut',
  'The onboarding check (New-CustomerKeyOnboardingRequest) is left out: the M365CustomerKeyOnboarding module signs a person in interactively and documents no managed-identity sign-in, so it cannot run unattended. It is the onboarding step of the journey, run by an operator; Keyward checks that step is done before this policy.',
);
const UNCONFIRMED_APP_ONLY = say('depScript.unconfirmed.appOnly', 'Whether every DEP cmdlet works app-only (Connect-ExchangeOnline -ManagedIdentity) is not confirmed.');

/**
 * How each kind of DEP is left again (Purview "Manage Customer Key"): a mailbox DEP comes off a
 * mailbox with `Set-Mailbox -DataEncryptionPolicy $null` (the mailbox is re-encrypted with
 * Microsoft-managed keys); only the multi-workload DEP needs Microsoft support to offboard; a
 * SharePoint DEP cannot go back to Microsoft-managed keys.
 */
export const DEP_OFFBOARDING: Readonly<Record<DepScope, Message>> = {
  multiWorkload: say(
    'depScript.offboarding.multiWorkload',
    'Once data is encrypted under this policy, its keys must stay available. Leaving Customer Key for the multi-workload policy needs a Microsoft support request; keep the vaults, keys and permissions until Microsoft has re-wrapped the data.',
  ),
  exchange: say(
    'depScript.offboarding.exchange',
    'Once mailboxes are encrypted under this policy, its keys must stay available. To take a mailbox off it, run Set-Mailbox -Identity <mailbox> -DataEncryptionPolicy $null (Exchange re-encrypts it with Microsoft-managed keys; Microsoft does not need to be asked); keep the keys until that has finished.',
    { command: 'Set-Mailbox -Identity <mailbox> -DataEncryptionPolicy $null' },
  ),
  sharePoint: say(
    'depScript.offboarding.sharePoint',
    'Registering a SharePoint DEP cannot be rolled back to Microsoft-managed keys, and the keys must stay available for as long as the data exists.',
  ),
};

/** A DEP script's title, from what a DEP plan keeps too (the scope, the policy name, the number of geos). */
export function depScriptTitle(scope: DepScope, policyName: string | null, geos: number): Message {
  if (scope === 'multiWorkload') return say('depScript.title.multiWorkload', `Multi-workload DEP ${policyName ?? ''}`, { name: policyName ?? '' });
  if (scope === 'exchange') return say('depScript.title.exchange', `Exchange mailbox DEP ${policyName ?? ''}`, { name: policyName ?? '' });
  return say('depScript.title.sharePoint', `SharePoint DEP (${geos} geo${geos === 1 ? '' : 's'})`, { count: geos });
}

/** A refresh script's title (a key roll's refresh of one DEP). */
export function refreshTitle(dep: DepRef, keyType: 'Primary' | 'Secondary'): Message {
  return dep.scope === 'sharePoint'
    ? say('depScript.title.sharePointRoll', `SharePoint key roll (${keyType})`, { keyType })
    : say('depScript.title.refresh', `Refresh ${dep.policyName.trim()}`, { name: dep.policyName.trim() });
}

/** Field-by-field problems of a DEP request; empty when it is valid. */
export function validateDepRequest(req: DepRequest): Record<string, Message> {
  const errors: Record<string, Message> = {};
  const check = (field: string, problem: Message | null) => {
    if (problem && !errors[field]) errors[field] = problem;
  };
  check('tenantId', validateTenantId(req.tenantId));
  const onboarding = req.onboarding ?? {};
  for (const [scope, value] of Object.entries(onboarding.scenarios ?? {})) {
    if (value !== undefined && !/^[A-Za-z]{2,16}$/.test(value))
      check(`onboarding.scenarios.${scope}`, say('onboarding.badScenario', `'${value}' is not a scenario name (letters only, such as MDEP).`, { value, example: 'MDEP' }));
  }
  if (req.scope === 'multiWorkload' || req.scope === 'exchange') {
    check('policyName', validateDepPolicyName(req.policyName));
    check('description', validateFreeText(req.description ?? '', 'depDescription', 256));
    checkKeyPair(req.keys, 'keys', errors, false, onboarding);
    check('connection', connectionProblem(req.connection));
    if (req.scope === 'exchange') {
      if ('list' in req.mailboxes) {
        if (req.mailboxes.list.length === 0) check('mailboxes', say('depScript.mailboxes.empty', 'List at least one mailbox, or choose all mailboxes.'));
        req.mailboxes.list.forEach((mailbox, i) => check(`mailboxes.${i}`, validateMailboxIdentity(mailbox)));
      }
    }
  } else {
    if (req.geos.length === 0) check('geos', say('depScript.geos.empty', 'Add the SharePoint admin URL and keys of at least one geo.'));
    const urls = new Set<string>();
    req.geos.forEach((geo, i) => {
      check(`geos.${i}.adminUrl`, validateSharePointAdminUrl(geo.adminUrl));
      const url = geo.adminUrl.trim().replace(/\/$/, '').toLowerCase();
      if (urls.has(url)) check(`geos.${i}.adminUrl`, say('depScript.geos.twice', 'This geo is listed twice; each geo has exactly one SharePoint DEP.'));
      urls.add(url);
      checkKeyPair([geo.primary, geo.secondary], `geos.${i}`, errors, true, onboarding, ['primary', 'secondary']);
    });
  }
  return errors;
}

function connectionProblem(connection: ExchangeConnection | undefined): Message | null {
  if (!connection || connection.kind === 'interactive') return null;
  if (connection.accountId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(connection.accountId.trim())) {
    return say('depScript.connection.clientId', `'${connection.accountId}' is not a managed identity client id (a GUID).`, { value: `'${connection.accountId}'` });
  }
  if (/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/.test(connection.organization.trim())) return null;
  return say(
    'depScript.connection.organization',
    `'${connection.organization}' is not an organisation domain. Use the tenant's initial domain, for example contoso.onmicrosoft.com.`,
    {
      value: `'${connection.organization}'`,
      example: 'contoso.onmicrosoft.com',
    },
  );
}

function checkKeyPair(
  keys: readonly DepKeyInput[],
  prefix: string,
  errors: Record<string, Message>,
  needVersion: boolean,
  onboarding: OnboardingOptions,
  names: readonly [string, string] = ['0', '1'],
): void {
  const parsed: (KeyIdentifier | undefined)[] = [];
  keys.forEach((key, i) => {
    const base = `${prefix}.${names[i] ?? i}`;
    const result = parseKeyIdentifier(key.uri);
    if (!result.ok) {
      errors[`${base}.uri`] ??= result.error;
      parsed.push(undefined);
    } else {
      if (needVersion && !result.key.version) {
        errors[`${base}.uri`] ??= say(
          'depScript.keys.needVersion',
          'SharePoint needs the key version: paste the full key identifier including the version, as (Get-AzKeyVaultKey -VaultName <vault> -Name <key>).Id prints it.',
          { command: '(Get-AzKeyVaultKey -VaultName <vault> -Name <key>).Id' },
        );
      }
      if (needVersion && result.key.kind === 'managedHsm') errors[`${base}.uri`] ??= SPO_REGISTER_HSM_UNDOCUMENTED;
      if (onboarding.validate !== false && onboarding.parameterStyle === 'vaultAndKeyName' && result.key.kind === 'managedHsm') {
        errors[`${base}.uri`] ??= say(
          'depScript.keys.hsmNeedsKeyIdentifier',
          "Managed HSM keys need the onboarding module's -KeyIdentifier parameters (module 1.1.0 or later); choose the keyIdentifier parameter style.",
          { parameter: '-KeyIdentifier', version: '1.1.0', style: 'keyIdentifier' },
        );
      }
      parsed.push(result.key);
    }
    const subProblem = validateSubscriptionId(key.subscriptionId);
    if (subProblem) errors[`${base}.subscriptionId`] ??= subProblem;
  });
  const [a, b] = parsed;
  if (a && b && a.versionlessUri.toLowerCase() === b.versionlessUri.toLowerCase()) {
    errors[`${prefix}.${names[1]}.uri`] ??= say('depScript.keys.same', 'The two keys of a policy must be different keys (one in each subscription).');
  }
  const [ka, kb] = keys;
  if (ka && kb && ka.subscriptionId.trim().toLowerCase() === kb.subscriptionId.trim().toLowerCase() && ka.subscriptionId.trim() !== '') {
    errors[`${prefix}.${names[1]}.subscriptionId`] ??= say('depScript.keys.sameSubscription', 'The two keys of a policy must be in two different Azure subscriptions.');
  }
}

function assertValid(req: DepRequest): void {
  const errors = validateDepRequest(req);
  if (Object.keys(errors).length > 0) {
    throw appError(
      'ValidationFailed',
      `The policy request has ${Object.keys(errors).length} invalid value(s): ${Object.values(errors)
        .map((e) => e.text)
        .join(' ')}`,
      { errors },
    );
  }
}

function parsedKey(uri: string): KeyIdentifier {
  const result = parseKeyIdentifier(uri);
  if (!result.ok) throw appError('ValidationFailed', result.error.text, { message: result.error });
  return result.key;
}

function header(title: string, lines: readonly string[]): string[] {
  return [
    `# ${title}`,
    '# Generated by Keyward from validated values. Every value is a single-quoted PowerShell literal.',
    ...lines.map((line) => `# ${line}`),
    '',
    "$ErrorActionPreference = 'Stop'",
    '',
  ];
}

function onboardingBlock(tenantId: string, scope: DepScope, keys: readonly [DepKeyInput, DepKeyInput], options: OnboardingOptions, step: string): string[] {
  const scenario = options.scenarios?.[scope] ?? DEFAULT_ONBOARDING_SCENARIOS[scope];
  const [a, b] = keys;
  const ka = parsedKey(a.uri);
  const kb = parsedKey(b.uri);
  const keyArgs: Array<readonly [string, ReturnType<typeof lit>]> =
    options.parameterStyle === 'vaultAndKeyName'
      ? [
          ['VaultName1', lit(ka.containerName)],
          ['KeyName1', lit(ka.keyName)],
          ['Subscription2', lit(b.subscriptionId.trim().toLowerCase())],
          ['VaultName2', lit(kb.containerName)],
          ['KeyName2', lit(kb.keyName)],
        ]
      : [
          ['KeyIdentifier1', lit(ka.versionlessUri)],
          ['Subscription2', lit(b.subscriptionId.trim().toLowerCase())],
          ['KeyIdentifier2', lit(kb.versionlessUri)],
        ];
  return [
    `# ${step}: ask Microsoft's Customer Key onboarding service to validate the keys (it changes nothing).`,
    `#   Module ${ONBOARDING_MODULE} from the PowerShell Gallery: Install-Module ${ONBOARDING_MODULE} -Scope CurrentUser`,
    '#   The signed-in account needs Reader on both subscriptions (community guidance).',
    `Import-Module ${ONBOARDING_MODULE}`,
    `$Validation = ${psCommand('New-CustomerKeyOnboardingRequest', [
      // -OrganizationId since module 1.0.0 (0.1.0 called it -Organization); Keyward writes full names.
      ['OrganizationId', lit(tenantId.trim().toLowerCase())],
      ['Scenario', lit(scenario)],
      ['Subscription1', lit(a.subscriptionId.trim().toLowerCase())],
      ...keyArgs,
      ['OnboardingMode', lit('Validate')],
    ])}`,
    '$Validation | Format-List',
    'if ("$($Validation.ValidationResult)" -ne \'Success\') {',
    "  throw 'The onboarding validation did not report Success. Fix the FailedValidations listed above and run this script again.'",
    '}',
    '',
  ];
}

function connectExchange(connection: ExchangeConnection | undefined): string {
  if (connection?.kind === 'managedIdentity') {
    return psCommand('Connect-ExchangeOnline', [
      ['ManagedIdentity', psSwitch],
      ...(connection.accountId ? [['ManagedIdentityAccountId', lit(connection.accountId.trim())] as const] : []),
      ['Organization', lit(connection.organization.trim())],
      // A switch: `-ShowBanner:$false` exactly (with a space, $false binds to -ConnectionUri).
      ['ShowBanner', psSwitchValue(false)],
    ]);
  }
  return psCommand('Connect-ExchangeOnline', [['ShowBanner', psSwitchValue(false)]]);
}

function finish(
  scope: DepScope,
  purpose: DepScript['purpose'],
  title: Message,
  fileStem: string,
  lines: string[],
  meta: {
    modules: string[];
    adminRoles: DepScript['adminRoles'][number][];
    unconfirmed: Message[];
    verifyCommands: string[];
    leftOut?: Message[];
  },
): DepScript {
  const script = `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
  return {
    scope,
    purpose,
    title,
    fileName: `keyward-${purpose === 'create' ? 'dep' : purpose}-${fileStem}.ps1`,
    modules: meta.modules,
    adminRoles: meta.adminRoles,
    script,
    sha256: sha256Hex(script),
    unconfirmed: meta.unconfirmed.filter((u, i) => meta.unconfirmed.findIndex((other) => other.id === u.id) === i),
    verifyCommands: meta.verifyCommands,
    leftOut: meta.leftOut ?? [],
  };
}

/**
 * The script that creates (and assigns) a DEP.
 * @throws AppError `ValidationFailed` with `details.errors` (field → message) for invalid values.
 */
export function buildDepScript(req: DepRequest): DepScript {
  assertValid(req);
  const onboarding = req.onboarding ?? {};
  // A script Keyward runs itself (app-only) leaves out what needs an interactive sign-in: the
  // onboarding module signs a person in; it documents no managed-identity sign-in (issue 11 item 12).
  const unattended = req.scope !== 'sharePoint' && req.connection?.kind === 'managedIdentity';
  const validate = onboarding.validate !== false && !unattended;
  const unconfirmed: Message[] = validate ? [UNCONFIRMED_ONBOARDING] : [];
  const leftOut: Message[] = unattended && onboarding.validate !== false ? [APP_ONLY_LEAVES_OUT_ONBOARDING] : [];

  if (req.scope === 'sharePoint') return sharePointScript(req.tenantId, req.geos, onboarding, validate, unconfirmed);

  const name = req.policyName.trim();
  const keyUris = req.keys.map((k) => parsedKey(k.uri));
  if (keyUris.some((k) => k.kind === 'managedHsm')) unconfirmed.push(UNCONFIRMED_HSM_URI);
  if (req.connection?.kind === 'managedIdentity') unconfirmed.push(UNCONFIRMED_APP_ONLY);
  const uris = keyUris.map((k) => k.versionlessUri);
  const description = (req.description ?? '').trim();
  const describe: Array<readonly [string, ReturnType<typeof lit>]> = description === '' ? [] : [['Description', lit(description)]];
  const lines: string[] = [];
  let step = 1;
  const steps = validate ? 3 : 2;

  if (req.scope === 'multiWorkload') {
    lines.push(
      ...header('Keyward: multi-workload Data Encryption Policy for the whole tenant', [
        `Needs: ${validate ? `${ONBOARDING_MODULE} and ` : ''}${EXCHANGE_MODULE}; role Compliance Administrator in Exchange Online.`,
        'Covers Teams chats and media, Exchange signal data, mailboxes without a mailbox DEP and Purview data; not SharePoint, OneDrive or Teams files.',
        `Docs: ${DOC_LINKS.customerKeyManage.url}`,
      ]),
    );
    if (validate) lines.push(...onboardingBlock(req.tenantId, 'multiWorkload', req.keys, onboarding, `Step ${step++} of ${steps}`));
    lines.push(
      `# Step ${step++} of ${steps}: create the policy with the two versionless key URIs (skipped if it already exists).`,
      connectExchange(req.connection),
      `if (-not (${psCommand('Get-M365DataAtRestEncryptionPolicy', [
        ['Identity', lit(name)],
        ['ErrorAction', lit('SilentlyContinue')],
      ])})) {`,
      `  ${psCommand('New-M365DataAtRestEncryptionPolicy', [['Name', lit(name)], ['AzureKeyIDs', litList(uris)], ...describe])}`,
      '}',
      '',
      `# Step ${step++} of ${steps}: assign it to the tenant (only one multi-workload DEP is assigned at a time).`,
      psCommand('Set-M365DataAtRestEncryptionPolicyAssignment', [['DataEncryptionPolicy', lit(name)]]),
      '',
      '# Paste the output of these two commands back into Keyward. New keys can take up to 24 hours to take effect.',
      `${psCommand('Get-M365DataAtRestEncryptionPolicy', [['Identity', lit(name)]])} | Format-List`,
      'Get-M365DataAtRestEncryptionPolicyAssignment | Format-List',
    );
    return finish('multiWorkload', 'create', depScriptTitle('multiWorkload', name, 0), `multiworkload-${name}`, lines, {
      modules: validate ? [ONBOARDING_MODULE, EXCHANGE_MODULE] : [EXCHANGE_MODULE],
      adminRoles: ['Compliance Administrator'],
      unconfirmed,
      leftOut,
      verifyCommands: [`Get-M365DataAtRestEncryptionPolicy -Identity ${psLiteral(name)} | Format-List`, 'Get-M365DataAtRestEncryptionPolicyAssignment | Format-List'],
    });
  }

  // Exchange mailbox DEP
  lines.push(
    ...header(`Keyward: Exchange mailbox Data Encryption Policy`, [
      `Needs: ${validate ? `${ONBOARDING_MODULE} and ` : ''}${EXCHANGE_MODULE}; role Compliance Administrator in Exchange Online (Set-Mailbox also needs Recipient management).`,
      'Each mailbox that gets the policy needs an appropriate licence; a mailbox has one DEP at a time (up to 50 mailbox DEPs per tenant).',
      `Docs: ${DOC_LINKS.customerKeyManage.url}`,
    ]),
  );
  if (validate) lines.push(...onboardingBlock(req.tenantId, 'exchange', req.keys, onboarding, `Step ${step++} of ${steps}`));
  lines.push(
    `# Step ${step++} of ${steps}: create the policy with the two versionless key URIs (skipped if it already exists).`,
    connectExchange(req.connection),
    `if (-not (${psCommand('Get-DataEncryptionPolicy', [
      ['Identity', lit(name)],
      ['ErrorAction', lit('SilentlyContinue')],
    ])})) {`,
    `  ${psCommand('New-DataEncryptionPolicy', [['Name', lit(name)], ['AzureKeyIDs', litList(uris)], ...describe])}`,
    '}',
    '',
  );
  if ('all' in req.mailboxes) {
    lines.push(...eligibleMailboxAssignment(name, `Step ${step++} of ${steps}`));
  } else {
    lines.push(`# Step ${step++} of ${steps}: assign it to the listed mailboxes.`);
    for (const mailbox of req.mailboxes.list) {
      lines.push(
        psCommand('Set-Mailbox', [
          ['Identity', lit(mailbox.trim())],
          ['DataEncryptionPolicy', lit(name)],
        ]),
      );
    }
  }
  lines.push(
    '',
    '# Paste the output of this command back into Keyward. A mailbox shows the policy in Get-MailboxStatistics <mailbox> | Format-List DataEncryptionPolicyID once encrypted.',
    `${psCommand('Get-DataEncryptionPolicy', [['Identity', lit(name)]])} | Format-List`,
  );
  return finish('exchange', 'create', depScriptTitle('exchange', name, 0), `exchange-${name}`, lines, {
    modules: validate ? [ONBOARDING_MODULE, EXCHANGE_MODULE] : [EXCHANGE_MODULE],
    adminRoles: ['Compliance Administrator', 'Recipient management (Set-Mailbox)'],
    unconfirmed,
    leftOut,
    verifyCommands: [`Get-DataEncryptionPolicy -Identity ${psLiteral(name)} | Format-List`],
  });
}

/**
 * "All mailboxes" means every mailbox that may take a mailbox DEP: user mailboxes with a licence
 * (SKUAssigned, a filterable Get-Mailbox property) and shared mailboxes, which need no licence of
 * their own when the tenant meets the user licensing requirement (Purview "Service encryption with
 * Customer Key"). Unlicensed user mailboxes would fail Set-Mailbox, so they are left out and listed.
 * Room and equipment mailboxes are left out too (the page does not say they qualify; UNCONFIRMED):
 * list them by name to include them.
 */
function eligibleMailboxAssignment(name: string, step: string): string[] {
  const users = psCommand('Get-Mailbox', [
    ['ResultSize', lit('Unlimited')],
    ['RecipientTypeDetails', lit('UserMailbox')],
  ]);
  const shared = psCommand('Get-Mailbox', [
    ['ResultSize', lit('Unlimited')],
    ['RecipientTypeDetails', lit('SharedMailbox')],
  ]);
  return [
    `# ${step}: assign it to every eligible mailbox: licensed user mailboxes and shared mailboxes (mailboxes on another mailbox DEP move to this one).`,
    '#   User mailboxes without a licence cannot take a mailbox DEP: they are skipped and listed at the end.',
    `$UserMailboxes = @(${users})`,
    '$Eligible = @($UserMailboxes | Where-Object { $_.SKUAssigned -eq $true }) + @(' + shared + ')',
    '$Skipped = @($UserMailboxes | Where-Object { $_.SKUAssigned -ne $true })',
    '$Eligible | ForEach-Object {',
    `  ${psCommand('Set-Mailbox', [
      ['Identity', psCode('$_.PrimarySmtpAddress')],
      ['DataEncryptionPolicy', lit(name)],
    ])}`,
    '}',
    'Write-Output "Assigned to $($Eligible.Count) mailbox(es). Skipped $($Skipped.Count) user mailbox(es) without a licence:"',
    "$Skipped | Format-Table -Property 'PrimarySmtpAddress', 'RecipientTypeDetails' -AutoSize",
  ];
}

function spoKeyArgs(prefix: 'Primary' | 'Secondary' | '', key: KeyIdentifier): Array<readonly [string, ReturnType<typeof lit>]> {
  if (!key.version) throw appError('ValidationFailed', 'SharePoint needs a versioned key identifier.');
  return [
    [`${prefix}KeyVaultName`, lit(key.containerName)],
    [`${prefix}KeyName`, lit(key.keyName)],
    [`${prefix}KeyVersion`, lit(key.version)],
  ];
}

function sharePointScript(tenantId: string, geos: readonly SharePointGeoDep[], onboarding: OnboardingOptions, validate: boolean, unconfirmed: Message[]): DepScript {
  const lines = header('Keyward: SharePoint, OneDrive and Teams files Data Encryption Policy (one per geo)', [
    `Needs: ${validate ? `${ONBOARDING_MODULE} and ` : ''}${SHAREPOINT_MODULE} (Windows PowerShell 5.1, or PowerShell 7 with -UseWindowsPowerShell); role SharePoint Administrator.`,
    'Registering starts encrypting the geo and cannot be rolled back to Microsoft-managed keys. Run it yourself; Keyward does not run SharePoint cmdlets.',
    `Docs: ${DOC_LINKS.customerKeyManage.url}`,
  ]);
  lines.push(`Import-Module ${SHAREPOINT_MODULE}`, '');
  geos.forEach((geo, i) => {
    const primary = parsedKey(geo.primary.uri);
    const secondary = parsedKey(geo.secondary.uri);
    const url = geo.adminUrl.trim().replace(/\/$/, '');
    lines.push(`# Geo ${i + 1} of ${geos.length}`);
    if (validate) {
      lines.push(...onboardingBlock(tenantId, 'sharePoint', [geo.primary, geo.secondary], onboarding, `Geo ${i + 1}, validation`));
    }
    lines.push(
      psCommand('Connect-SPOService', [['Url', lit(url)]]),
      '$Existing = Get-SPODataEncryptionPolicy -ErrorAction SilentlyContinue',
      'if ($Existing -and "$($Existing.State)" -ne \'Unregistered\') {',
      "  Write-Warning 'This geo already has a SharePoint DEP (state shown below); Keyward did not register another one. To change keys, use a key roll instead.'",
      '} else {',
      `  ${psCommand('Register-SPODataEncryptionPolicy', [...spoKeyArgs('Primary', primary), ...spoKeyArgs('Secondary', secondary)])}`,
      '}',
      '# Paste this output back into Keyward: State goes Registering (with % of sites) to Registered.',
      'Get-SPODataEncryptionPolicy | Format-List',
      'Disconnect-SPOService',
      '',
    );
  });
  return finish('sharePoint', 'create', depScriptTitle('sharePoint', null, geos.length), 'sharepoint', lines, {
    modules: validate ? [ONBOARDING_MODULE, SHAREPOINT_MODULE] : [SHAREPOINT_MODULE],
    adminRoles: ['SharePoint Administrator'],
    unconfirmed,
    verifyCommands: ['Get-SPODataEncryptionPolicy | Format-List'],
  });
}

/** What a key-roll refresh needs. */
export type DepRefreshInput =
  | { readonly dep: Extract<DepRef, { scope: 'multiWorkload' | 'exchange' }>; readonly connection?: ExchangeConnection }
  | {
      readonly dep: Extract<DepRef, { scope: 'sharePoint' }>;
      /** The new key version's full identifier (versioned). */
      readonly newKeyUri: string;
      /** Site A's key is Primary, site B's Secondary. */
      readonly keyType: 'Primary' | 'Secondary';
    };

/**
 * The script that tells a workload about a new key version after a roll. Roll one key at a time:
 * for SharePoint, wait until Get-SPODataEncryptionPolicy shows Registered again before rolling the
 * other key.
 * @throws AppError `ValidationFailed` for invalid values.
 */
export function buildDepRefreshScript(input: DepRefreshInput): DepScript {
  const dep = input.dep;
  if (dep.scope === 'sharePoint') {
    const errors: Record<string, Message> = {};
    const urlProblem = validateSharePointAdminUrl(dep.adminUrl);
    if (urlProblem) errors.adminUrl = urlProblem;
    const parsed = 'newKeyUri' in input ? parseKeyIdentifier(input.newKeyUri) : undefined;
    if (!parsed || !parsed.ok) errors.newKeyUri = parsed && !parsed.ok ? parsed.error : say('depScript.refresh.newVersion', 'Give the new key version.');
    else if (!parsed.key.version) errors.newKeyUri = say('depScript.refresh.needVersion', 'SharePoint needs the new key version: give the versioned key identifier.');
    const keyType = 'keyType' in input ? input.keyType : undefined;
    if (keyType !== 'Primary' && keyType !== 'Secondary')
      errors.keyType = say('depScript.refresh.keyType', 'The key type must be Primary (key A) or Secondary (key B).', { primary: 'Primary', secondary: 'Secondary' });
    if (Object.keys(errors).length > 0 || !parsed?.ok || !keyType) {
      throw appError(
        'ValidationFailed',
        `The refresh request is invalid: ${Object.values(errors)
          .map((e) => e.text)
          .join(' ')}`,
        { errors },
      );
    }
    const key = parsed.key;
    const lines = header('Keyward: tell SharePoint about the new key version (key roll)', [
      `Needs: ${SHAREPOINT_MODULE}; role SharePoint Administrator. Roll one key at a time.`,
      `Docs: ${DOC_LINKS.customerKeyRoll.url}`,
    ]);
    lines.push(
      `Import-Module ${SHAREPOINT_MODULE}`,
      psCommand('Connect-SPOService', [['Url', lit(dep.adminUrl.trim().replace(/\/$/, ''))]]),
      // Vault keys: the vault/key/version set. HSM keys: the documented BYOK_Uri set, never the
      // HSM's name as -KeyVaultName (issue 11 item 4).
      key.kind === 'managedHsm'
        ? psCommand('Update-SPODataEncryptionPolicy', [
            ['KeyVaultUri', lit(`${key.versionlessUri}/${key.version}`)],
            ['KeyType', lit(keyType)],
          ])
        : psCommand('Update-SPODataEncryptionPolicy', [...spoKeyArgs('', key), ['KeyType', lit(keyType)]]),
      '# Paste this output back into Keyward: State shows Rolling (with %) and then Registered. Do not roll the other key before that.',
      'Get-SPODataEncryptionPolicy | Format-List',
      'Disconnect-SPOService',
    );
    return finish('sharePoint', 'refresh', refreshTitle(input.dep, keyType), `sharepoint-${keyType.toLowerCase()}`, lines, {
      modules: [SHAREPOINT_MODULE],
      adminRoles: ['SharePoint Administrator'],
      unconfirmed: key.kind === 'managedHsm' ? [UNCONFIRMED_SPO_URI] : [],
      verifyCommands: ['Get-SPODataEncryptionPolicy | Format-List'],
    });
  }
  const connection = 'connection' in input ? input.connection : undefined;
  const errors: Record<string, Message> = {};
  const nameProblem = validateDepPolicyName(dep.policyName);
  if (nameProblem) errors.policyName = nameProblem;
  const connProblem = connectionProblem(connection);
  if (connProblem) errors.connection = connProblem;
  if (Object.keys(errors).length > 0)
    throw appError(
      'ValidationFailed',
      `The refresh request is invalid: ${Object.values(errors)
        .map((e) => e.text)
        .join(' ')}`,
      { errors },
    );
  const name = dep.policyName.trim();
  const multi = dep.scope === 'multiWorkload';
  const setCmd = multi ? 'Set-M365DataAtRestEncryptionPolicy' : 'Set-DataEncryptionPolicy';
  const getCmd = multi ? 'Get-M365DataAtRestEncryptionPolicy' : 'Get-DataEncryptionPolicy';
  const lines = header(`Keyward: refresh the ${multi ? 'multi-workload' : 'Exchange mailbox'} DEP after a key roll`, [
    `Needs: ${EXCHANGE_MODULE}; role Compliance Administrator in Exchange Online.`,
    `Docs: ${DOC_LINKS.customerKeyRoll.url}`,
  ]);
  lines.push(
    connectExchange(connection),
    psCommand(setCmd, [
      ['Identity', lit(name)],
      ['Refresh', psSwitch],
    ]),
    '# Paste this output back into Keyward.',
    `${psCommand(getCmd, [['Identity', lit(name)]])} | Format-List`,
  );
  return finish(dep.scope, 'refresh', refreshTitle(dep, 'Primary'), `${multi ? 'multiworkload' : 'exchange'}-${name}`, lines, {
    modules: [EXCHANGE_MODULE],
    adminRoles: ['Compliance Administrator'],
    unconfirmed: connection?.kind === 'managedIdentity' ? [UNCONFIRMED_APP_ONLY] : [],
    verifyCommands: [`${getCmd} -Identity ${psLiteral(name)} | Format-List`],
  });
}

/** Which mailboxes leave a mailbox DEP. */
export interface MailboxOffboardingInput {
  readonly policyName: string;
  /** `all`: every mailbox whose DataEncryptionPolicy is this policy; or a list. */
  readonly mailboxes: { readonly all: true } | { readonly list: readonly string[] };
  readonly connection?: ExchangeConnection;
}

const UNCONFIRMED_MAILBOX_DEP_PROPERTY = say(
  'depScript.unconfirmed.mailboxProperty',
  'Selecting "every mailbox on this policy" reads the DataEncryptionPolicy property of Get-Mailbox output; that the property is returned for every mailbox is not confirmed. List the mailboxes by name when in doubt.',
);

/**
 * The script that takes mailboxes off an Exchange mailbox DEP (`Set-Mailbox -DataEncryptionPolicy
 * $null`): Exchange re-encrypts them with Microsoft-managed keys. No support request is needed for
 * mailbox DEPs (only the multi-workload DEP needs Microsoft). Keep the keys until it has finished.
 * @throws AppError `ValidationFailed` for invalid values.
 */
export function buildMailboxOffboardingScript(input: MailboxOffboardingInput): DepScript {
  const errors: Record<string, Message> = {};
  const nameProblem = validateDepPolicyName(input.policyName);
  if (nameProblem) errors.policyName = nameProblem;
  const connProblem = connectionProblem(input.connection);
  if (connProblem) errors.connection = connProblem;
  if ('list' in input.mailboxes) {
    if (input.mailboxes.list.length === 0) errors.mailboxes = say('depScript.offboard.empty', 'List at least one mailbox, or choose every mailbox on this policy.');
    input.mailboxes.list.forEach((mailbox, i) => {
      const problem = validateMailboxIdentity(mailbox);
      if (problem) errors[`mailboxes.${i}`] ??= problem;
    });
  }
  if (Object.keys(errors).length > 0)
    throw appError(
      'ValidationFailed',
      `The offboarding request is invalid: ${Object.values(errors)
        .map((e) => e.text)
        .join(' ')}`,
      { errors },
    );
  const name = input.policyName.trim();
  const lines = header(`Keyward: take mailboxes off the Exchange mailbox DEP ${name}`, [
    `Needs: ${EXCHANGE_MODULE}; Recipient management in Exchange Online.`,
    "Exchange re-encrypts each mailbox with Microsoft-managed keys. Keep the policy's keys available until that has finished.",
    `Docs: ${DOC_LINKS.customerKeyManage.url}`,
  ]);
  lines.push(connectExchange(input.connection));
  if ('all' in input.mailboxes) {
    lines.push(
      `$OnPolicy = @(${psCommand('Get-Mailbox', [['ResultSize', lit('Unlimited')]])} | Where-Object { "$($_.DataEncryptionPolicy)" -eq ${psLiteral(name)} })`,
      '$OnPolicy | ForEach-Object {',
      `  ${psCommand('Set-Mailbox', [
        ['Identity', psCode('$_.PrimarySmtpAddress')],
        ['DataEncryptionPolicy', psCode('$null')],
      ])}`,
      '}',
      'Write-Output "Took $($OnPolicy.Count) mailbox(es) off the policy."',
    );
  } else {
    for (const mailbox of input.mailboxes.list)
      lines.push(
        psCommand('Set-Mailbox', [
          ['Identity', lit(mailbox.trim())],
          ['DataEncryptionPolicy', psCode('$null')],
        ]),
      );
  }
  const unconfirmed = [...('all' in input.mailboxes ? [UNCONFIRMED_MAILBOX_DEP_PROPERTY] : []), ...(input.connection?.kind === 'managedIdentity' ? [UNCONFIRMED_APP_ONLY] : [])];
  return finish('exchange', 'offboard', say('depScript.title.offboard', `Take mailboxes off ${name}`, { name }), `exchange-${name}`, lines, {
    modules: [EXCHANGE_MODULE],
    adminRoles: ['Recipient management (Set-Mailbox)'],
    unconfirmed,
    verifyCommands: ['Get-MailboxStatistics -Identity <mailbox> | Format-List DataEncryptionPolicyID'],
  });
}
