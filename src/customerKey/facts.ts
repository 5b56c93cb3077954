/**
 * Customer Key facts as data: limits, links to the Microsoft pages, the Key Vault Premium vs
 * Managed HSM comparison for the choice card, the mandatory retention period commands and the
 * billing notes. Everything here is paraphrased from /work/shared/docs/customer-key-facts.md, with
 * its source id; items Microsoft has not confirmed are flagged `unconfirmed`.
 */
import { say, type Message } from '../core';

/** A link to a Microsoft page, for cards and fixes. */
export interface DocLink {
  readonly title: string;
  readonly url: string;
}

/** Microsoft pages Keyward cites. */
export const DOC_LINKS = {
  customerKeySetUp: { title: 'Set up Customer Key', url: 'https://learn.microsoft.com/purview/customer-key-set-up' },
  customerKeyOverview: { title: 'Service encryption with Customer Key', url: 'https://learn.microsoft.com/purview/customer-key-overview' },
  customerKeyManage: { title: 'Manage Customer Key', url: 'https://learn.microsoft.com/purview/customer-key-manage' },
  customerKeyManagedHsm: { title: 'Customer Key with Managed HSM', url: 'https://learn.microsoft.com/purview/customer-key-managedhsm' },
  customerKeyRoll: { title: 'Roll or rotate Customer Key keys', url: 'https://learn.microsoft.com/purview/customer-key-availability-key-roll' },
  availabilityKey: { title: 'Learn about the availability key', url: 'https://learn.microsoft.com/purview/customer-key-availability-key-understand' },
  keyVaultRbac: { title: 'Key Vault RBAC guide', url: 'https://learn.microsoft.com/azure/key-vault/general/rbac-guide' },
  keyVaultSoftDelete: { title: 'Key Vault soft-delete overview', url: 'https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview' },
  keyVaultAboutKeys: { title: 'About keys (Key Vault)', url: 'https://learn.microsoft.com/azure/key-vault/keys/about-keys' },
  keyVaultNaming: { title: 'Resource naming rules (Microsoft.KeyVault)', url: 'https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules' },
  managedHsmOverview: { title: 'Managed HSM overview', url: 'https://learn.microsoft.com/azure/key-vault/managed-hsm/overview' },
  managedHsmQuickstart: { title: 'Managed HSM quickstart (CLI)', url: 'https://learn.microsoft.com/azure/key-vault/managed-hsm/quick-create-cli' },
  managedHsmSecurityDomain: { title: 'Managed HSM security domain', url: 'https://learn.microsoft.com/azure/key-vault/managed-hsm/security-domain' },
  managedHsmSoftDelete: { title: 'Managed HSM soft-delete overview', url: 'https://learn.microsoft.com/azure/key-vault/managed-hsm/soft-delete-overview' },
  managedHsmRoles: { title: 'Managed HSM built-in roles', url: 'https://learn.microsoft.com/azure/key-vault/managed-hsm/built-in-roles' },
  managedHsmLimits: { title: 'Managed HSM service limits', url: 'https://learn.microsoft.com/azure/key-vault/managed-hsm/service-limits' },
  managedHsmAboutKeys: { title: 'About keys (Managed HSM)', url: 'https://learn.microsoft.com/azure/key-vault/managed-hsm/about-keys' },
  chooseKeyManagement: { title: 'How to choose a key management solution', url: 'https://learn.microsoft.com/azure/security/fundamentals/key-management-choose' },
  subscriptionStates: { title: 'Azure subscription states', url: 'https://learn.microsoft.com/azure/cost-management-billing/manage/subscription-states' },
  keyVaultPricing: { title: 'Azure Key Vault pricing', url: 'https://azure.microsoft.com/pricing/details/key-vault/' },
} as const satisfies Record<string, DocLink>;

/** Numbers the rules depend on. */
export const CUSTOMER_KEY_LIMITS = {
  /** Vault names and HSM names: length bounds [S25]. */
  containerNameMinLength: 3,
  containerNameMaxLength: 24,
  /** Key object names [S24]. */
  keyNameMaxLength: 127,
  /** RSA sizes Key Vault and Managed HSM accept [S30, S31]. */
  keySizes: [2048, 3072, 4096] as const,
  defaultKeySize: 3072,
  /** Soft-delete retention, days [S21, S18]. */
  softDeleteRetentionMinDays: 7,
  softDeleteRetentionMaxDays: 90,
  /** 90 days gives `Recoverable+ProtectedSubscription`; fewer gives `CustomizedRecoverable…` [S23]. */
  recommendedRetentionDays: 90,
  /** Security domain: 3–10 wrapping keys, quorum 2–10 [S20, S33]. */
  securityDomainMinOfficers: 3,
  securityDomainMaxOfficers: 10,
  securityDomainMinQuorum: 2,
  securityDomainMaxQuorum: 10,
  /** Managed HSMs per subscription per region (July 2025 include) [S45]. */
  managedHsmsPerSubscriptionPerRegion: 5,
  /** Role assignments per key in a Managed HSM [S45]. */
  managedHsmRoleAssignmentsPerKey: 10,
  /** Active Exchange mailbox DEPs per tenant [S2]. */
  exchangeDepsPerTenant: 50,
  /** The only expiry date Microsoft 365 validation accepts, if one is set at all [S2]. */
  acceptedExpiryDate: '9999-12-31',
} as const;

/** The key recovery level Customer Key expects on every key [S2, S23]. */
export const REQUIRED_RECOVERY_LEVEL = 'Recoverable+ProtectedSubscription';
/** What a key reports when retention is 7–89 days with the mandatory retention period [S23]. */
export const CUSTOMIZED_RECOVERY_LEVEL = 'CustomizedRecoverable+ProtectedSubscription';

/** One row of the Premium vs Managed HSM comparison. */
export interface ComparisonRow {
  readonly topic: string;
  readonly keyVaultPremium: string;
  readonly managedHsm: string;
  readonly links: readonly DocLink[];
}

/**
 * Key Vault Premium vs Managed HSM, for the choice card. Phone-friendly: each row is a topic with
 * two short texts, so a card can render it as stacked facts instead of a wide table.
 */
export const PROTECTION_COMPARISON: readonly ComparisonRow[] = [
  {
    topic: 'Tenancy',
    keyVaultPremium: 'Multitenant, HSM-backed service; Microsoft holds the root of trust.',
    managedHsm: 'Single-tenant pool of HSM partitions; you hold the security domain ("key sovereignty").',
    links: [DOC_LINKS.chooseKeyManagement, DOC_LINKS.managedHsmOverview],
  },
  {
    topic: 'FIPS validation',
    keyVaultPremium:
      'FIPS 140-3 Level 3 per current Azure Key Vault docs for keys on HSM platform 2 (new keys). Each key version reports hsmPlatform: 2 = 140-3 L3, 1 = older 140-2 L2 platform, 0 = software. Keyward checks it.',
    managedHsm: 'FIPS 140-3 Level 3 per current Azure Key Vault docs (single tier). Some older pages still say 140-2 Level 3.',
    links: [DOC_LINKS.keyVaultAboutKeys, DOC_LINKS.managedHsmAboutKeys],
  },
  {
    topic: 'Billing',
    keyVaultPremium: 'Per operation, plus a monthly charge per HSM-protected key.',
    managedHsm:
      'A fixed hourly charge per HSM from the moment it is provisioned, also while soft-deleted, until it is purged; with purge protection that is the whole retention period after deletion.',
    links: [DOC_LINKS.keyVaultPricing, DOC_LINKS.managedHsmSoftDelete],
  },
  {
    topic: 'Your duties',
    keyVaultPremium: 'None beyond the keys: Microsoft runs and backs up the HSMs.',
    managedHsm:
      'A security-domain ceremony: 3 to 10 officers each hold an RSA key pair offline, with a quorum of 2 to 10. Lose the security domain and the quorum and recovery is impossible; Microsoft cannot help.',
    links: [DOC_LINKS.managedHsmSecurityDomain],
  },
  {
    topic: 'What Customer Key needs',
    keyVaultPremium: 'A pair of vaults per workload, one in each subscription: up to six vaults for all three workloads.',
    managedHsm: 'Two HSMs in total, one in each subscription, shared by all workloads (one key per workload in each).',
    links: [DOC_LINKS.customerKeySetUp, DOC_LINKS.customerKeyManagedHsm],
  },
  {
    topic: 'Access control',
    keyVaultPremium: 'Azure RBAC (default) or legacy access policies.',
    managedHsm: 'Azure RBAC for the resource, plus local RBAC inside the HSM for keys.',
    links: [DOC_LINKS.keyVaultRbac, DOC_LINKS.managedHsmRoles],
  },
  {
    topic: 'Regions',
    keyVaultPremium: 'Every public region.',
    managedHsm: 'Not every region; capacity errors ("Pool creation is disabled in this region") happen. An HSM cannot be moved later.',
    links: [DOC_LINKS.managedHsmOverview],
  },
];

/** A command an operator can copy. */
export interface CommandSnippet {
  readonly shell: 'powershell' | 'azureCli';
  readonly script: string;
  /** Whether Microsoft's Customer Key documentation shows this form. */
  readonly documentedForCustomerKey: boolean;
  readonly note?: string;
}

/** Feature that marks a subscription undeletable for the mandatory retention period [S2, P9]. */
export const MANDATORY_RETENTION_FEATURE = {
  featureName: 'mandatoryRetentionPeriodEnabled',
  /** `Microsoft.Resources`, not `Microsoft.KeyVault` (an old doc bug, facts §0.4). */
  providerNamespace: 'Microsoft.Resources',
} as const;

/**
 * The commands to register the mandatory retention period on one subscription. The subscription
 * id must already be validated (a GUID); it is embedded as a quoted literal anyway.
 */
export function mandatoryRetentionCommands(subscriptionId: string): CommandSnippet[] {
  const sub = subscriptionId.replace(/'/g, "''");
  return [
    {
      shell: 'powershell',
      script: [
        `Set-AzContext -SubscriptionId '${sub}'`,
        `Register-AzProviderFeature -FeatureName ${MANDATORY_RETENTION_FEATURE.featureName} -ProviderNamespace ${MANDATORY_RETENTION_FEATURE.providerNamespace}`,
        `Get-AzProviderFeature -FeatureName ${MANDATORY_RETENTION_FEATURE.featureName} -ProviderNamespace ${MANDATORY_RETENTION_FEATURE.providerNamespace}`,
      ].join('\n'),
      documentedForCustomerKey: true,
      note: 'RegistrationState must read Registered. Microsoft must confirm the registration, which can take days (historically up to five business days after Microsoft is notified).',
    },
    {
      shell: 'azureCli',
      script: [
        `az account set --subscription ${sub}`,
        `az feature register --namespace ${MANDATORY_RETENTION_FEATURE.providerNamespace} --name ${MANDATORY_RETENTION_FEATURE.featureName}`,
        `az feature show --namespace ${MANDATORY_RETENTION_FEATURE.providerNamespace} --name ${MANDATORY_RETENTION_FEATURE.featureName}`,
      ].join('\n'),
      documentedForCustomerKey: false,
      note: 'The generic Azure CLI form of the same ARM feature registration; not shown in the Customer Key documentation.',
    },
  ];
}

/** Billing notes for a plan or the choice card (plans keep their English `text`, which is hashed). */
export const COST_NOTES = {
  keyVaultPremium: say(
    'cost.keyVaultPremium',
    'Key Vault Premium bills per operation plus a monthly charge per HSM-protected key; Microsoft 365 caches keys, so operations are few. See the Key Vault pricing page.',
  ),
  managedHsmHourly: say(
    'cost.managedHsmHourly',
    'Each Managed HSM bills a fixed hourly charge from the moment it is provisioned (before activation too), whether or not it is used.',
  ),
  managedHsmSoftDeleted: say(
    'cost.managedHsmSoftDeleted',
    'A deleted Managed HSM keeps billing while soft-deleted, until it is purged; with purge protection it cannot be purged before the retention period ends, so you pay for the whole retention period.',
  ),
  managedHsmPair: say('cost.managedHsmPair', 'Customer Key needs two HSMs, so the hourly charge applies twice.'),
  managedHsmPrice: say('cost.managedHsmPrice', 'Keyward does not quote a price (UNCONFIRMED); check the Azure pricing page for your region.'),
  teardownBillingUntilPurge: say(
    'cost.teardownBillingUntilPurge',
    'Billing for a Managed HSM stops only when its purge has completed; a Disabled subscription blocks the purge while billing continues.',
  ),
} as const satisfies Record<string, Message>;

/** The sentence the operator must acknowledge before a plan with a Managed HSM can be submitted. */
export const MANAGED_HSM_COST_ACKNOWLEDGMENT =
  'I understand that each Managed HSM is billed hourly from the moment it is provisioned, that billing continues while it is soft-deleted, and that with purge protection it continues through the whole retention period after deletion.';

/**
 * The availability key, for the choice card and the key-roll cards [S8, S5, S35; Purview "Learn
 * about the availability key" and "Roll or rotate a Customer Key or an availability key"].
 */
export const AVAILABILITY_KEY = {
  what: say(
    'availabilityKey.what',
    'Besides your two keys, every Data Encryption Policy has a third root key, the availability key. Microsoft creates and holds it; you cannot see, use or roll it.',
  ),
  whenUsed: say(
    'availabilityKey.whenUsed',
    'Microsoft uses it only to keep data available when neither of your keys can be reached for a reason other than your deliberate action (an outage), and to recover data at your request if you lose both keys. If you revoke access to your keys on purpose, Exchange does not fall back to it.',
  ),
  roll: say(
    'availabilityKey.roll',
    'Rolling key A or key B never touches the availability key: Microsoft rolls it. A new Exchange mailbox policy gets a new availability key; SharePoint rolls its intermediate key instead when a new policy is registered.',
  ),
} as const satisfies Record<string, Message>;
