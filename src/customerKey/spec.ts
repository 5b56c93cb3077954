/**
 * `CustomerKeySpec`: the validated parameters of a Customer Key setup, and `CustomerKeyDraft`: what
 * a journey has collected so far, as typed. A spec only comes out of `validateSpec`, so code that
 * holds one may rely on every rule in this folder having passed.
 */
import type { Workload } from './workloads';

/** Where the keys live. */
export type Protection = 'keyVaultPremium' | 'managedHsm';
export const PROTECTIONS: readonly Protection[] = ['keyVaultPremium', 'managedHsm'];

/**
 * The two sites. Each DEP has two keys, one per site; each site is its own subscription (and
 * region). Site A's key is SharePoint's "primary" key, site B's the "secondary" one.
 */
export type SiteId = 'A' | 'B';
export const SITE_IDS: readonly SiteId[] = ['A', 'B'];

/** Vault permission model (Key Vault Premium only; Managed HSM always uses local RBAC). */
export type AccessModel = 'rbac' | 'accessPolicy';
export const ACCESS_MODELS: readonly AccessModel[] = ['rbac', 'accessPolicy'];

/** RSA key size in bits. Keys are always RSA-HSM (HSM-protected). */
export type KeySize = 2048 | 3072 | 4096;

/** A person identified by Entra object id. */
export interface Person {
  readonly objectId: string;
  readonly displayName: string;
}

/** Subscription, resource group and region of one site. */
export interface SiteLocation {
  /** Lower-case GUID. */
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** ARM location name (`westeurope`). */
  readonly region: string;
}

/** One workload's vault and key in a Premium site. */
export interface PremiumVaultSpec {
  readonly workload: Workload;
  readonly vaultName: string;
  readonly keyName: string;
}

export interface PremiumSiteSpec extends SiteLocation {
  /** One vault per workload, in workload order (facts §1.3: one vault per DEP type per subscription). */
  readonly vaults: readonly PremiumVaultSpec[];
}

/** One workload's key in an HSM. */
export interface HsmKeySpec {
  readonly workload: Workload;
  readonly keyName: string;
}

export interface ManagedHsmSiteSpec extends SiteLocation {
  readonly hsmName: string;
  /** One key per workload, in workload order. */
  readonly keys: readonly HsmKeySpec[];
}

/** Managed HSM settings shared by both HSMs. */
export interface ManagedHsmSettings {
  /**
   * Human initial administrators (object ids). The setup plan adds Keyward's writer identity,
   * which must be an initial administrator to run the security-domain activation.
   */
  readonly initialAdminObjectIds: readonly string[];
  /** 7–90, fixed at creation; 90 recommended. */
  readonly softDeleteRetentionDays: number;
  /** Security-domain officers, 3–10; each holds one wrapping key pair offline. */
  readonly officers: readonly Person[];
  /** Shares needed to recover the security domain, 2–10 and ≤ officers. */
  readonly quorum: number;
  /** The operator ticked the Managed HSM billing acknowledgment. */
  readonly costAcknowledged: true;
}

/** Custodians who approve changes to each site's key (separation of duties, facts §1.2). */
export type KeyApprovers = Readonly<Record<SiteId, readonly string[]>>;

interface SpecCommon {
  /** Non-empty, canonical order, no duplicates. */
  readonly workloads: readonly Workload[];
  readonly keySize: KeySize;
  /** Object ids of each key's custodians; may be empty when the policy does not demand them. */
  readonly approvers: KeyApprovers;
}

export interface PremiumSpec extends SpecCommon {
  readonly protection: 'keyVaultPremium';
  readonly accessModel: AccessModel;
  readonly sites: Readonly<Record<SiteId, PremiumSiteSpec>>;
}

export interface ManagedHsmSpec extends SpecCommon {
  readonly protection: 'managedHsm';
  readonly sites: Readonly<Record<SiteId, ManagedHsmSiteSpec>>;
  readonly hsm: ManagedHsmSettings;
}

/** The validated parameters of a Customer Key setup. */
export type CustomerKeySpec = PremiumSpec | ManagedHsmSpec;

/** Defaults a card shows before the operator changes anything. */
export const SPEC_DEFAULTS = {
  keySize: 3072 as KeySize,
  /**
   * RBAC is Azure's default and recommended vault model; access policies are Customer Key's
   * historically documented path and stay available (design note: UNCONFIRMED choices).
   */
  accessModel: 'rbac' as AccessModel,
  softDeleteRetentionDays: 90,
  quorum: 3,
} as const;

// ---------------------------------------------------------------------------------------------
// Draft: what the journey holds between cards. Every value exactly as submitted (strings).

export interface SiteDraft {
  subscriptionId?: string;
  resourceGroup?: string;
  region?: string;
  /** Premium: vault name per workload. */
  vaultNames?: Partial<Record<Workload, string>>;
  /** Managed HSM: the HSM name. */
  hsmName?: string;
  /** Key name per workload. */
  keyNames?: Partial<Record<Workload, string>>;
}

export interface OfficerDraft {
  displayName?: string;
  objectId?: string;
}

export interface HsmDraft {
  initialAdminObjectIds?: string[];
  /** Officers chosen with the people picker (object ids); their names come from the directory. */
  officerIds?: string[];
  softDeleteRetentionDays?: string;
  officers?: OfficerDraft[];
  quorum?: string;
  costAcknowledged?: string;
}

/** Everything collected so far, as typed. Validation reads it and never changes it. */
export interface CustomerKeyDraft {
  protection?: string;
  workloads?: string[];
  sites?: Partial<Record<SiteId, SiteDraft>>;
  keySize?: string;
  accessModel?: string;
  hsm?: HsmDraft;
  approvers?: Partial<Record<SiteId, string[]>>;
}

/** The journey's cards, in order. `hsm` only applies to Managed HSM. */
export type SetupStep = 'choice' | 'sites' | 'names' | 'hsm' | 'approvers';
export const SETUP_STEPS: readonly SetupStep[] = ['choice', 'sites', 'names', 'hsm', 'approvers'];

/**
 * Field paths, shared by the card inputs (`id`), validation messages and `draftFromForm`:
 * `protection`, `workloads`, `sites.A.subscriptionId`, `sites.A.resourceGroup`, `sites.A.region`,
 * `sites.A.vaultName.exchange`, `sites.A.hsmName`, `sites.A.keyName.exchange`, `keySize`,
 * `accessModel`, `hsm.initialAdminObjectIds`, `hsm.softDeleteRetentionDays`,
 * `hsm.officers.0.displayName`, `hsm.officers.0.objectId`, `hsm.officers`, `hsm.quorum`,
 * `hsm.costAcknowledged`, `approvers.A`, `approvers.B`.
 */
export type FieldPath = string;

export const fieldPaths = {
  protection: 'protection',
  workloads: 'workloads',
  subscriptionId: (site: SiteId) => `sites.${site}.subscriptionId`,
  resourceGroup: (site: SiteId) => `sites.${site}.resourceGroup`,
  region: (site: SiteId) => `sites.${site}.region`,
  vaultName: (site: SiteId, workload: Workload) => `sites.${site}.vaultName.${workload}`,
  hsmName: (site: SiteId) => `sites.${site}.hsmName`,
  keyName: (site: SiteId, workload: Workload) => `sites.${site}.keyName.${workload}`,
  keySize: 'keySize',
  accessModel: 'accessModel',
  initialAdminObjectIds: 'hsm.initialAdminObjectIds',
  softDeleteRetentionDays: 'hsm.softDeleteRetentionDays',
  officers: 'hsm.officers',
  officerIds: 'hsm.officerIds',
  /** One people picker per officer (any client can pick one person per picker; Teams can pick several in one). */
  officerPick: (index: number) => `hsm.officerIds.${index}`,
  /**
   * The typed fallback beside a picker (`sites.A.subscriptionId.typed`, `approvers.A.typed`,
   * `hsm.initialAdminObjectIds.typed`): where a value is not among the choices, or the client
   * has no picker. Messages are kept at the picker's path.
   */
  typed: (path: string) => `${path}.typed`,
  officerName: (index: number) => `hsm.officers.${index}.displayName`,
  officerObjectId: (index: number) => `hsm.officers.${index}.objectId`,
  quorum: 'hsm.quorum',
  costAcknowledged: 'hsm.costAcknowledged',
  approvers: (site: SiteId) => `approvers.${site}`,
} as const;

/** The card (journey step) a field belongs to. */
export function stepOfField(field: FieldPath): SetupStep {
  const path = field.replace(/\.typed$/, '');
  if (path === 'protection' || path === 'workloads') return 'choice';
  if (/^sites\.[AB]\.(subscriptionId|resourceGroup|region)$/.test(path)) return 'sites';
  if (path.startsWith('sites.') || path === 'keySize' || path === 'accessModel') return 'names';
  if (path.startsWith('hsm.')) return 'hsm';
  return 'approvers';
}
