/**
 * The signatures of every cmdlet Keyward writes into a PowerShell script, transcribed from
 * Microsoft's cmdlet pages (one source URL per cmdlet): parameter names and aliases, switch or
 * value, parameter sets, which parameters are mandatory in which set, and positions.
 *
 * The test suite parses every script Keyward generates with a real PowerShell grammar and checks
 * each command against this table (test/helpers/psScriptChecker.ts). A parameter that is not here
 * is an error there, so a cmdlet Keyward starts using, or a parameter it adds, must be transcribed
 * from the page first.
 *
 * `complete: false` marks cmdlets of which only the parameters Keyward uses (and every mandatory
 * one of the sets they belong to) are transcribed — Set-Mailbox alone has several hundred.
 *
 * Snapshots read: MicrosoftDocs/office-docs-powershell (Exchange, 2026-08), MicrosoftDocs/
 * OfficeDocs-Sharepoint-PowerShell (2025-02, plus the live Update-/Restore- pages for the key-URI
 * sets), MicrosoftDocs/azure-docs-powershell (azps-16.2.0), MicrosoftDocs/PowerShell-Docs (7.4), and
 * the M365CustomerKeyOnboarding module's own exported functions in the PowerShell Gallery (1.1.x).
 */

/** One parameter of a cmdlet. */
export interface CmdletParameter {
  readonly name: string;
  /**
   * `switch` for a SwitchParameter (present or absent; a value only as `-Name:$false`), otherwise
   * the value type as the page gives it (`String`, `Boolean`, `MultiValuedProperty`, …).
   */
  readonly type: string;
  readonly aliases?: readonly string[];
  /** Parameter sets the parameter belongs to; absent means every set of the cmdlet. */
  readonly sets?: readonly string[];
  /** Mandatory in every set it belongs to (`true`) or only in the listed sets. */
  readonly mandatory?: true | readonly string[];
  /** Position for positional binding (the page's number; only the order matters). Absent: named only. */
  readonly position?: number;
}

export interface CmdletSignature {
  readonly name: string;
  readonly module: string;
  /** The Microsoft page the signature was transcribed from. */
  readonly source: string;
  /** The parameter sets by name; a cmdlet with one set uses `['(All)']`. */
  readonly sets: readonly string[];
  readonly parameters: readonly CmdletParameter[];
  /** Whether the cmdlet takes the common parameters (-ErrorAction, -WarningAction, …). */
  readonly commonParameters: boolean;
  /** False when only the parameters Keyward uses are transcribed (see file comment). */
  readonly complete: boolean;
  /** What the page does not settle; each entry is UNCONFIRMED. */
  readonly unconfirmed?: readonly string[];
}

/** The common parameters every cmdlet and advanced function takes (about_CommonParameters). */
export const COMMON_PARAMETERS: readonly CmdletParameter[] = [
  { name: 'Debug', type: 'switch', aliases: ['db'] },
  { name: 'ErrorAction', type: 'ActionPreference', aliases: ['ea'] },
  { name: 'ErrorVariable', type: 'String', aliases: ['ev'] },
  { name: 'InformationAction', type: 'ActionPreference', aliases: ['infa'] },
  { name: 'InformationVariable', type: 'String', aliases: ['iv'] },
  { name: 'OutBuffer', type: 'Int32', aliases: ['ob'] },
  { name: 'OutVariable', type: 'String', aliases: ['ov'] },
  { name: 'PipelineVariable', type: 'String', aliases: ['pv'] },
  { name: 'ProgressAction', type: 'ActionPreference', aliases: ['proga'] },
  { name: 'Verbose', type: 'switch', aliases: ['vb'] },
  { name: 'WarningAction', type: 'ActionPreference', aliases: ['wa'] },
  { name: 'WarningVariable', type: 'String', aliases: ['wv'] },
];
export const COMMON_PARAMETERS_SOURCE = 'https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_commonparameters';

const EXO = 'https://learn.microsoft.com/powershell/module/exchangepowershell/';
const SPO = 'https://learn.microsoft.com/powershell/module/microsoft.online.sharepoint.powershell/';
const AZ_ACCOUNTS = 'https://learn.microsoft.com/powershell/module/az.accounts/';
const AZ_RESOURCES = 'https://learn.microsoft.com/powershell/module/az.resources/';
const PS_CORE = 'https://learn.microsoft.com/powershell/module/microsoft.powershell.core/';
const PS_UTILITY = 'https://learn.microsoft.com/powershell/module/microsoft.powershell.utility/';
const ONBOARDING = 'https://www.powershellgallery.com/packages/M365CustomerKeyOnboarding/1.1.1/Content/exports%5C';

const confirm: CmdletParameter = { name: 'Confirm', type: 'switch', aliases: ['cf'] };
const whatIf: CmdletParameter = { name: 'WhatIf', type: 'switch', aliases: ['wi'] };
const domainController: CmdletParameter = { name: 'DomainController', type: 'Fqdn' };
const dataEncryptionPolicySets = ['RefreshKey', 'ReplaceKey', 'TenantAdminPurgeKeyRequest'] as const;

const SIGNATURES: readonly CmdletSignature[] = [
  // ------------------------------------------------------------------ Exchange Online PowerShell
  {
    name: 'Connect-ExchangeOnline',
    module: 'ExchangeOnlineManagement',
    source: `${EXO}connect-exchangeonline`,
    sets: ['(All)'],
    commonParameters: true,
    complete: false,
    parameters: [
      // Positions 0–7: a bare value after a switch binds here, so `-ShowBanner $false` sends $false to -ConnectionUri.
      { name: 'ConnectionUri', type: 'String', position: 0 },
      { name: 'AzureADAuthorizationEndpointUri', type: 'String', position: 1 },
      { name: 'ExchangeEnvironmentName', type: 'ExchangeEnvironment', position: 2 },
      { name: 'PSSessionOption', type: 'PSSessionOption', position: 3 },
      { name: 'DelegatedOrganization', type: 'String', position: 4 },
      { name: 'Prefix', type: 'String', position: 5 },
      { name: 'CommandName', type: 'String[]', position: 6 },
      { name: 'FormatTypeName', type: 'String[]', position: 7 },
      { name: 'AppId', type: 'String' },
      { name: 'Device', type: 'switch' },
      { name: 'ManagedIdentity', type: 'switch' },
      { name: 'ManagedIdentityAccountId', type: 'String' },
      { name: 'Organization', type: 'String' },
      { name: 'ShowBanner', type: 'switch' },
      { name: 'ShowProgress', type: 'Boolean' },
      { name: 'UserPrincipalName', type: 'String' },
    ],
  },
  {
    name: 'Disconnect-ExchangeOnline',
    module: 'ExchangeOnlineManagement',
    source: `${EXO}disconnect-exchangeonline`,
    sets: ['DefaultParameterSet', 'ConnectionId', 'ModulePrefix'],
    commonParameters: true,
    complete: true,
    parameters: [
      { name: 'ConnectionId', type: 'String[]', sets: ['ConnectionId'], mandatory: true },
      { name: 'ModulePrefix', type: 'String[]', sets: ['ModulePrefix'], mandatory: true },
      confirm,
      whatIf,
    ],
  },
  {
    name: 'New-M365DataAtRestEncryptionPolicy',
    module: 'ExchangeOnlineManagement',
    source: `${EXO}new-m365dataatrestencryptionpolicy`,
    sets: ['(All)'],
    commonParameters: true,
    complete: true,
    parameters: [
      { name: 'Name', type: 'String', mandatory: true, position: 0 },
      { name: 'AzureKeyIDs', type: 'MultiValuedProperty', mandatory: true },
      confirm,
      { name: 'Description', type: 'String' },
      domainController,
      { name: 'Enabled', type: 'Boolean' },
      whatIf,
    ],
  },
  {
    name: 'Get-M365DataAtRestEncryptionPolicy',
    module: 'ExchangeOnlineManagement',
    source: `${EXO}get-m365dataatrestencryptionpolicy`,
    sets: ['(All)'],
    commonParameters: true,
    complete: true,
    parameters: [{ name: 'Identity', type: 'DataEncryptionPolicyIdParameter', position: 0 }, confirm, domainController, whatIf],
  },
  {
    name: 'Set-M365DataAtRestEncryptionPolicy',
    module: 'ExchangeOnlineManagement',
    source: `${EXO}set-m365dataatrestencryptionpolicy`,
    sets: dataEncryptionPolicySets,
    commonParameters: true,
    complete: true,
    parameters: [
      { name: 'Identity', type: 'DataEncryptionPolicyIdParameter', mandatory: true, position: 0 },
      { name: 'AzureKeyIDs', type: 'MultiValuedProperty', sets: ['ReplaceKey'], mandatory: true },
      { name: 'Replace', type: 'switch', sets: ['ReplaceKey'], mandatory: true },
      { name: 'Refresh', type: 'switch', sets: ['RefreshKey'], mandatory: true },
      { name: 'Force', type: 'switch', sets: ['TenantAdminPurgeKeyRequest'] },
      confirm,
      { name: 'Description', type: 'String' },
      domainController,
      { name: 'Enabled', type: 'Boolean' },
      { name: 'Name', type: 'String' },
      whatIf,
    ],
  },
  {
    name: 'Set-M365DataAtRestEncryptionPolicyAssignment',
    module: 'ExchangeOnlineManagement',
    source: `${EXO}set-m365dataatrestencryptionpolicyassignment`,
    sets: ['(All)'],
    commonParameters: true,
    complete: true,
    parameters: [{ name: 'DataEncryptionPolicy', type: 'DataEncryptionPolicyIdParameter', mandatory: true }],
  },
  {
    name: 'Get-M365DataAtRestEncryptionPolicyAssignment',
    module: 'ExchangeOnlineManagement',
    source: `${EXO}get-m365dataatrestencryptionpolicyassignment`,
    sets: ['(All)'],
    commonParameters: true,
    complete: true,
    parameters: [],
  },
  {
    name: 'New-DataEncryptionPolicy',
    module: 'ExchangeOnlineManagement',
    source: `${EXO}new-dataencryptionpolicy`,
    sets: ['(All)'],
    commonParameters: true,
    complete: true,
    parameters: [
      { name: 'Name', type: 'String', mandatory: true, position: 1 },
      { name: 'AzureKeyIDs', type: 'MultiValuedProperty', mandatory: true },
      confirm,
      { name: 'Description', type: 'String' },
      domainController,
      { name: 'Enabled', type: 'Boolean' },
      whatIf,
    ],
  },
  {
    name: 'Get-DataEncryptionPolicy',
    module: 'ExchangeOnlineManagement',
    source: `${EXO}get-dataencryptionpolicy`,
    sets: ['(All)'],
    commonParameters: true,
    complete: true,
    parameters: [{ name: 'Identity', type: 'DataEncryptionPolicyIdParameter', position: 1 }, confirm, domainController, whatIf],
  },
  {
    name: 'Set-DataEncryptionPolicy',
    module: 'ExchangeOnlineManagement',
    source: `${EXO}set-dataencryptionpolicy`,
    sets: ['RefreshKey', 'ReplaceKey', 'TenantAdminPurgeKeyRequest', 'DCAdminPurgeKeyRequest'],
    commonParameters: true,
    complete: true,
    parameters: [
      { name: 'Identity', type: 'DataEncryptionPolicyIdParameter', mandatory: true, position: 1 },
      { name: 'AzureKeyIDs', type: 'MultiValuedProperty', sets: ['ReplaceKey'], mandatory: true },
      { name: 'Replace', type: 'switch', sets: ['ReplaceKey'], mandatory: true },
      { name: 'Refresh', type: 'switch', sets: ['RefreshKey'], mandatory: true },
      { name: 'PermanentDataPurgeContact', type: 'String', sets: ['TenantAdminPurgeKeyRequest', 'DCAdminPurgeKeyRequest'], mandatory: ['TenantAdminPurgeKeyRequest'] },
      { name: 'PermanentDataPurgeReason', type: 'String', sets: ['TenantAdminPurgeKeyRequest', 'DCAdminPurgeKeyRequest'], mandatory: true },
      { name: 'PermanentDataPurgeRequested', type: 'switch', sets: ['TenantAdminPurgeKeyRequest'], mandatory: true },
      { name: 'Force', type: 'switch', sets: ['TenantAdminPurgeKeyRequest', 'DCAdminPurgeKeyRequest'] },
      confirm,
      { name: 'Description', type: 'String' },
      domainController,
      { name: 'Enabled', type: 'Boolean' },
      { name: 'Name', type: 'String' },
      whatIf,
    ],
  },
  {
    name: 'Set-Mailbox',
    module: 'ExchangeOnlineManagement',
    source: `${EXO}set-mailbox`,
    // The page lists -DataEncryptionPolicy in the cloud-only sets, not in the on-premises "Identity"
    // default set; ExcludeFromAllHolds stands for them here (each adds only its own optional switch).
    sets: ['Identity', 'ExcludeFromAllHolds'],
    commonParameters: true,
    complete: false,
    parameters: [
      { name: 'Identity', type: 'MailboxIdParameter', mandatory: true, position: 1 },
      { name: 'DataEncryptionPolicy', type: 'DataEncryptionPolicyIdParameter', sets: ['ExcludeFromAllHolds'] },
      { name: 'ExcludeFromAllHolds', type: 'switch', sets: ['ExcludeFromAllHolds'] },
      confirm,
      whatIf,
    ],
    unconfirmed: [
      'Which of the cloud parameter sets PowerShell picks for -Identity with -DataEncryptionPolicy (the page lists it in several that differ only by an optional switch).',
    ],
  },
  {
    name: 'Get-Mailbox',
    module: 'ExchangeOnlineManagement',
    source: `${EXO}get-mailbox`,
    sets: ['Identity', 'AnrSet', 'DatabaseSet', 'ServerSet', 'MailboxPlanSet'],
    commonParameters: true,
    complete: false,
    parameters: [
      { name: 'Identity', type: 'MailboxIdParameter', sets: ['Identity'], position: 1 },
      { name: 'Filter', type: 'String' },
      { name: 'RecipientTypeDetails', type: 'RecipientTypeDetails[]' },
      { name: 'ResultSize', type: 'Unlimited' },
    ],
  },
  {
    name: 'Get-MailboxStatistics',
    module: 'ExchangeOnlineManagement',
    source: `${EXO}get-mailboxstatistics`,
    sets: ['Identity', 'Database', 'Server'],
    commonParameters: true,
    complete: false,
    parameters: [{ name: 'Identity', type: 'GeneralMailboxOrMailUserIdParameter', sets: ['Identity'], mandatory: true, position: 1 }],
  },
  // ------------------------------------------------------------------ SharePoint Online Management Shell
  {
    name: 'Connect-SPOService',
    module: 'Microsoft.Online.SharePoint.PowerShell',
    source: `${SPO}connect-sposervice`,
    sets: ['AuthenticationUrl', 'AuthenticationLocation'],
    commonParameters: true,
    complete: true,
    parameters: [
      { name: 'AuthenticationUrl', type: 'String', sets: ['AuthenticationUrl'], mandatory: true },
      { name: 'ClientTag', type: 'String' },
      { name: 'Credential', type: 'CredentialCmdletPipeBind' },
      { name: 'Region', type: 'AADCrossTenantAuthenticationLocation', sets: ['AuthenticationLocation'] },
      { name: 'Url', type: 'UrlCmdletPipeBind', mandatory: true },
      { name: 'ModernAuth', type: 'Boolean' },
    ],
  },
  {
    name: 'Disconnect-SPOService',
    module: 'Microsoft.Online.SharePoint.PowerShell',
    source: `${SPO}disconnect-sposervice`,
    sets: ['(All)'],
    commonParameters: true,
    complete: true,
    parameters: [],
  },
  {
    name: 'Get-SPODataEncryptionPolicy',
    module: 'Microsoft.Online.SharePoint.PowerShell',
    source: `${SPO}get-spodataencryptionpolicy`,
    sets: ['(All)'],
    // The page shows no parameters at all; as a compiled cmdlet it takes the common ones.
    commonParameters: true,
    complete: true,
    parameters: [],
    unconfirmed: ['The page lists no [<CommonParameters>]; Keyward relies on -ErrorAction, which every compiled cmdlet takes.'],
  },
  {
    name: 'Register-SPODataEncryptionPolicy',
    module: 'Microsoft.Online.SharePoint.PowerShell',
    source: `${SPO}register-spodataencryptionpolicy`,
    // Only the vault-name, key-name and key-version form is documented: no key-URI set.
    sets: ['(All)'],
    commonParameters: true,
    complete: true,
    parameters: [
      { name: 'PrimaryKeyVaultName', type: 'String', mandatory: true },
      { name: 'PrimaryKeyName', type: 'String', mandatory: true },
      { name: 'PrimaryKeyVersion', type: 'Guid', mandatory: true },
      { name: 'SecondaryKeyVaultName', type: 'String', mandatory: true },
      { name: 'SecondaryKeyName', type: 'String', mandatory: true },
      { name: 'SecondaryKeyVersion', type: 'Guid', mandatory: true },
      whatIf,
      confirm,
    ],
  },
  {
    name: 'Update-SPODataEncryptionPolicy',
    module: 'Microsoft.Online.SharePoint.PowerShell',
    source: `${SPO}update-spodataencryptionpolicy`,
    sets: ['BYOK_MultipleParameters', 'BYOK_Uri'],
    commonParameters: true,
    complete: true,
    parameters: [
      { name: 'KeyVaultName', type: 'String', sets: ['BYOK_MultipleParameters'], mandatory: true },
      { name: 'KeyName', type: 'String', sets: ['BYOK_MultipleParameters'], mandatory: true },
      { name: 'KeyVersion', type: 'Guid', sets: ['BYOK_MultipleParameters'], mandatory: true },
      { name: 'KeyVaultUri', type: 'Uri', sets: ['BYOK_Uri'], mandatory: true },
      { name: 'KeyType', type: 'CustomerKeyVaultKeyType', mandatory: true },
      whatIf,
      confirm,
    ],
    unconfirmed: [
      'Whether -KeyVaultUri takes the versioned key identifier (Keyward passes it, since the other set needs the version) and whether it accepts a managedhsm.azure.net key.',
    ],
  },
  {
    name: 'Restore-SPODataEncryptionPolicy',
    module: 'Microsoft.Online.SharePoint.PowerShell',
    source: `${SPO}restore-spodataencryptionpolicy`,
    sets: ['BYOK_MultipleParameters', 'BYOK_Uri'],
    commonParameters: true,
    complete: true,
    parameters: [
      { name: 'PrimaryKeyVaultName', type: 'String', sets: ['BYOK_MultipleParameters'], mandatory: true },
      { name: 'PrimaryKeyName', type: 'String', sets: ['BYOK_MultipleParameters'], mandatory: true },
      { name: 'PrimaryKeyVersion', type: 'Guid', sets: ['BYOK_MultipleParameters'], mandatory: true },
      { name: 'SecondaryKeyVaultName', type: 'String', sets: ['BYOK_MultipleParameters'], mandatory: true },
      { name: 'SecondaryKeyName', type: 'String', sets: ['BYOK_MultipleParameters'], mandatory: true },
      { name: 'SecondaryKeyVersion', type: 'Guid', sets: ['BYOK_MultipleParameters'], mandatory: true },
      { name: 'PrimaryKeyVaultUri', type: 'Uri', sets: ['BYOK_Uri'], mandatory: true },
      { name: 'SecondaryKeyVaultUri', type: 'Uri', sets: ['BYOK_Uri'], mandatory: true },
    ],
  },
  // ------------------------------------------------------------------ M365CustomerKeyOnboarding
  {
    name: 'New-CustomerKeyOnboardingRequest',
    module: 'M365CustomerKeyOnboarding',
    source: `${ONBOARDING}New-CustomerKeyOnboardingRequest.ps1`,
    // The function has one parameter set. The two "sets" here are the two module generations Keyward
    // supports (both readings, see OnboardingOptions.parameterStyle): 1.1.x takes -KeyIdentifier1/2,
    // 1.0.x took -VaultName1/-KeyName1 (and …2). A call must fit one generation, never a mix.
    sets: ['KeyIdentifier (module 1.1.x)', 'VaultAndKeyName (module 1.0.x)'],
    // [CmdletBinding(PositionalBinding=$false)]: named only, and the common parameters apply.
    commonParameters: true,
    complete: false,
    parameters: [
      { name: 'OrganizationId', type: 'String', mandatory: true },
      { name: 'Scenario', type: 'KeyScenario', mandatory: true },
      { name: 'Subscription1', type: 'String', mandatory: true },
      { name: 'KeyIdentifier1', type: 'String', sets: ['KeyIdentifier (module 1.1.x)'], mandatory: true },
      { name: 'VaultName1', type: 'String', sets: ['VaultAndKeyName (module 1.0.x)'], mandatory: true },
      { name: 'KeyName1', type: 'String', sets: ['VaultAndKeyName (module 1.0.x)'], mandatory: true },
      { name: 'Subscription2', type: 'String' },
      { name: 'KeyIdentifier2', type: 'String', sets: ['KeyIdentifier (module 1.1.x)'] },
      { name: 'VaultName2', type: 'String', sets: ['VaultAndKeyName (module 1.0.x)'] },
      { name: 'KeyName2', type: 'String', sets: ['VaultAndKeyName (module 1.0.x)'] },
      { name: 'OnboardingMode', type: 'String' },
    ],
    unconfirmed: [
      'Only OrganizationId, Scenario, Subscription1 and KeyIdentifier1 (1.1.x) or VaultName1 (1.0.x) were read in the module files; KeyName1, the …2 parameters and OnboardingMode (and whether they are mandatory) come from community scripts.',
      'The KeyScenario values other than MDEP, and the OnboardingMode values Validate and Enable.',
    ],
  },
  {
    name: 'Get-CustomerKeyOnboardingRequest',
    module: 'M365CustomerKeyOnboarding',
    source: `${ONBOARDING}Get-CustomerKeyOnboardingRequest.ps1`,
    sets: ['(All)'],
    commonParameters: true,
    complete: true,
    parameters: [
      { name: 'OrganizationId', type: 'String', mandatory: true },
      { name: 'RequestId', type: 'String' },
    ],
  },
  // ------------------------------------------------------------------ Az PowerShell
  {
    name: 'Set-AzContext',
    module: 'Az.Accounts',
    source: `${AZ_ACCOUNTS}set-azcontext`,
    sets: ['Context', 'TenantObject', 'SubscriptionObject', 'Subscription', 'TenantNameOnly'],
    commonParameters: true,
    complete: false,
    parameters: [
      { name: 'Subscription', type: 'String', aliases: ['SubscriptionId', 'SubscriptionName'], sets: ['Subscription'], mandatory: true, position: 0 },
      { name: 'Tenant', type: 'String', aliases: ['Domain', 'TenantId'], sets: ['Subscription', 'TenantNameOnly'], mandatory: ['TenantNameOnly'] },
      { name: 'Context', type: 'PSAzureContext', sets: ['Context'], mandatory: true, position: 0 },
      { name: 'Force', type: 'switch' },
    ],
  },
  {
    name: 'Register-AzProviderFeature',
    module: 'Az.Resources',
    source: `${AZ_RESOURCES}register-azproviderfeature`,
    sets: ['(All)'],
    commonParameters: true,
    complete: false,
    parameters: [{ name: 'FeatureName', type: 'String', mandatory: true }, { name: 'ProviderNamespace', type: 'String', mandatory: true }, whatIf, confirm],
  },
  {
    name: 'Get-AzProviderFeature',
    module: 'Az.Resources',
    source: `${AZ_RESOURCES}get-azproviderfeature`,
    sets: ['ListAvailableParameterSet', 'GetFeature'],
    commonParameters: true,
    complete: false,
    parameters: [
      { name: 'ProviderNamespace', type: 'String', mandatory: ['GetFeature'] },
      { name: 'FeatureName', type: 'String', sets: ['GetFeature'], mandatory: true },
      { name: 'ListAvailable', type: 'switch', sets: ['ListAvailableParameterSet'] },
    ],
  },
  {
    name: 'New-AzADServicePrincipal',
    module: 'Az.Resources',
    source: `${AZ_RESOURCES}new-azadserviceprincipal`,
    sets: [
      'SimpleParameterSet',
      'ApplicationIdParameterSet',
      'ApplicationObjectParameterSet',
      'DisplayNameWithPasswordCredentialParameterSet',
      'DisplayNameWithKeyCredentialParameterSet',
      'DisplayNameWithKeyPlainParameterSet',
    ],
    commonParameters: true,
    complete: false,
    parameters: [{ name: 'ApplicationId', type: 'Guid', aliases: ['AppId'], sets: ['ApplicationIdParameterSet'] }],
  },
  // ------------------------------------------------------------------ PowerShell itself
  {
    name: 'Import-Module',
    module: 'Microsoft.PowerShell.Core',
    source: `${PS_CORE}import-module`,
    sets: ['Name', 'PSSession', 'CimSession', 'UseWindowsPowerShell', 'FullyQualifiedName', 'Assembly', 'ModuleInfo'],
    commonParameters: true,
    complete: false,
    parameters: [
      { name: 'Name', type: 'String[]', sets: ['Name', 'PSSession', 'CimSession', 'UseWindowsPowerShell'], mandatory: true, position: 0 },
      { name: 'UseWindowsPowerShell', type: 'switch', aliases: ['UseWinPS'], sets: ['UseWindowsPowerShell'], mandatory: true },
    ],
  },
  {
    name: 'Format-List',
    module: 'Microsoft.PowerShell.Utility',
    source: `${PS_UTILITY}format-list`,
    sets: ['(All)'],
    commonParameters: true,
    complete: false,
    parameters: [
      { name: 'Property', type: 'Object[]', position: 0 },
      { name: 'InputObject', type: 'PSObject' },
    ],
  },
  {
    name: 'Format-Table',
    module: 'Microsoft.PowerShell.Utility',
    source: `${PS_UTILITY}format-table`,
    sets: ['(All)'],
    commonParameters: true,
    complete: false,
    parameters: [
      { name: 'Property', type: 'Object[]', position: 0 },
      { name: 'AutoSize', type: 'switch' },
      { name: 'InputObject', type: 'PSObject' },
    ],
  },
  {
    name: 'ForEach-Object',
    module: 'Microsoft.PowerShell.Core',
    source: `${PS_CORE}foreach-object`,
    sets: ['ScriptBlockSet', 'PropertyAndMethodSet', 'ParallelParameterSet'],
    commonParameters: true,
    complete: false,
    parameters: [
      { name: 'Process', type: 'ScriptBlock[]', sets: ['ScriptBlockSet'], mandatory: true, position: 0 },
      { name: 'InputObject', type: 'PSObject' },
    ],
  },
  {
    name: 'Where-Object',
    module: 'Microsoft.PowerShell.Core',
    source: `${PS_CORE}where-object`,
    // The page lists 31 sets (one per comparison operator); Keyward only writes script blocks.
    sets: ['ScriptBlockSet', 'EqualSet'],
    commonParameters: true,
    complete: false,
    parameters: [
      { name: 'FilterScript', type: 'ScriptBlock', sets: ['ScriptBlockSet'], mandatory: true, position: 0 },
      { name: 'Property', type: 'String', sets: ['EqualSet'], mandatory: true, position: 0 },
      { name: 'InputObject', type: 'PSObject' },
    ],
  },
  {
    name: 'Write-Warning',
    module: 'Microsoft.PowerShell.Utility',
    source: `${PS_UTILITY}write-warning`,
    sets: ['(All)'],
    commonParameters: true,
    complete: true,
    parameters: [{ name: 'Message', type: 'String', aliases: ['Msg'], mandatory: true, position: 0 }],
  },
  {
    name: 'Write-Output',
    module: 'Microsoft.PowerShell.Utility',
    source: `${PS_UTILITY}write-output`,
    sets: ['(All)'],
    commonParameters: true,
    complete: true,
    parameters: [
      { name: 'InputObject', type: 'PSObject[]', mandatory: true, position: 0 },
      { name: 'NoEnumerate', type: 'switch' },
    ],
  },
];

const BY_NAME = new Map(SIGNATURES.map((s) => [s.name.toLowerCase(), s] as const));

/** Every transcribed cmdlet. */
export const CMDLET_SIGNATURES: readonly CmdletSignature[] = SIGNATURES;

/** The signature of a cmdlet (case-insensitive), or undefined when Keyward has none. */
export function cmdletSignature(name: string): CmdletSignature | undefined {
  return BY_NAME.get(name.toLowerCase());
}
