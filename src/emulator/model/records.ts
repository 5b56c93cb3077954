import type { PrivateKeyMaterial } from './privateKeyMaterial';

/**
 * The emulator's state, as plain records. Times are epoch milliseconds inside the model; the wire
 * layers turn them into epoch seconds (data plane) or ISO strings (ARM).
 */
export type SubscriptionState = 'Enabled' | 'Warned' | 'PastDue' | 'Disabled' | 'Deleted';
export const SUBSCRIPTION_STATES: readonly SubscriptionState[] = ['Enabled', 'Warned', 'PastDue', 'Disabled', 'Deleted'];

export type FeatureState = 'NotRegistered' | 'Pending' | 'Registering' | 'Registered' | 'Unregistering' | 'Unregistered';
export const FEATURE_STATES: readonly FeatureState[] = ['NotRegistered', 'Pending', 'Registering', 'Registered', 'Unregistering', 'Unregistered'];

/** `Microsoft.Resources/mandatoryRetentionPeriodEnabled`: the feature Customer Key needs. */
export const MANDATORY_RETENTION_FEATURE = 'Microsoft.Resources/mandatoryRetentionPeriodEnabled';

export interface SubscriptionRecord {
  id: string;
  displayName: string;
  tenantId: string;
  state: SubscriptionState;
  /** Keyed `<namespace>/<feature>` as ARM names them. */
  features: Record<string, FeatureState>;
}

export interface ResourceGroupRecord {
  subscriptionId: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  createdAt: number;
}

export type PrincipalKind = 'ManagedIdentity' | 'User' | 'ServicePrincipal';

export interface PrincipalRecord {
  objectId: string;
  clientId?: string;
  displayName: string;
  kind: PrincipalKind;
}

export interface AccessPolicyEntry {
  tenantId: string;
  objectId: string;
  applicationId?: string;
  permissions: { keys?: string[]; secrets?: string[]; certificates?: string[]; storage?: string[] };
}

export interface AuditStamp {
  at: number;
  by: string;
  byType: PrincipalKind;
}

export interface DeletionInfo {
  deletedAt: number;
  scheduledPurgeAt: number;
}

export interface VaultRecord {
  /** Internal id: keys belong to this, so a purged-then-recreated name starts empty. */
  uid: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  tags: Record<string, string>;
  tenantId: string;
  sku: 'standard' | 'premium';
  accessPolicies: AccessPolicyEntry[];
  enabledForDeployment: boolean;
  enabledForDiskEncryption: boolean;
  enabledForTemplateDeployment: boolean;
  softDeleteRetentionInDays: number;
  enableRbacAuthorization: boolean;
  enablePurgeProtection: boolean;
  publicNetworkAccess: string;
  networkAcls?: unknown;
  created: AuditStamp;
  modified: AuditStamp;
  deleted?: DeletionInfo;
}

export type HsmProvisioningState = 'Provisioning' | 'Succeeded' | 'Deleting';

export interface HsmRoleAssignmentRecord {
  name: string;
  /** `/`, `/keys` or `/keys/<name>`. */
  scope: string;
  roleDefinitionId: string;
  principalId: string;
}

export interface HsmRoleDefinitionRecord {
  name: string;
  roleName: string;
  description: string;
  dataActions: string[];
  notDataActions: string[];
  assignableScopes: string[];
}

export interface ManagedHsmRecord {
  uid: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  tags: Record<string, string>;
  tenantId: string;
  skuName: string;
  initialAdminObjectIds: string[];
  softDeleteRetentionInDays: number;
  enablePurgeProtection: boolean;
  publicNetworkAccess: string;
  networkAcls?: unknown;
  provisioningState: HsmProvisioningState;
  /** When the running create/delete finishes (lazily applied against the clock). */
  transitionAt: number;
  activated: boolean;
  securityDomain?: { downloadedAt: number; required: number; officerCount: number };
  roleAssignments: HsmRoleAssignmentRecord[];
  customRoleDefinitions: HsmRoleDefinitionRecord[];
  created: AuditStamp;
  modified: AuditStamp;
  deleted?: DeletionInfo;
}

/** Azure RBAC (control plane) role assignment, e.g. Key Vault Crypto User at vault scope. */
export interface RoleAssignmentRecord {
  name: string;
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  principalType: string;
  description?: string;
  created: AuditStamp;
}

export type KeyType = 'RSA' | 'RSA-HSM' | 'EC' | 'EC-HSM';
export type KeyOperation = 'encrypt' | 'decrypt' | 'sign' | 'verify' | 'wrapKey' | 'unwrapKey' | 'import' | 'export';
export const KEY_OPERATIONS: readonly KeyOperation[] = ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey', 'import', 'export'];

export interface PublicJwk {
  kty: 'RSA' | 'EC';
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

export interface KeyVersionRecord {
  version: string;
  kty: KeyType;
  keySize?: number;
  curve?: string;
  keyOps: KeyOperation[];
  enabled: boolean;
  notBefore?: number;
  expires?: number;
  exportable?: boolean;
  created: number;
  updated: number;
  tags: Record<string, string>;
  releasePolicy?: { contentType?: string; immutable?: boolean; data?: string };
  publicJwk: PublicJwk;
  privateKey: PrivateKeyMaterial;
}

export interface LifetimeAction {
  trigger: { timeAfterCreate?: string; timeBeforeExpiry?: string };
  action: { type: 'Rotate' | 'Notify' };
}

export interface RotationPolicyRecord {
  lifetimeActions: LifetimeAction[];
  expiryTime?: string;
  created: number;
  updated: number;
}

export interface KeyRecord {
  /** uid of the vault or Managed HSM holding the key. */
  containerUid: string;
  name: string;
  /** Oldest first; the last one is the current version. */
  versions: KeyVersionRecord[];
  rotationPolicy?: RotationPolicyRecord;
  deleted?: DeletionInfo;
  /**
   * A soft delete or a recover still in progress (Azure takes a few seconds): until `until`, a
   * deleting key is not yet readable as deleted and a recovering one not yet as a key.
   */
  transition?: KeyTransition;
}

export interface KeyTransition {
  kind: 'deleting' | 'recovering';
  until: number;
}

export type OperationKind = 'hsmCreate' | 'hsmDelete' | 'hsmPurge';

/** A long-running ARM operation a client polls (Managed HSM create, delete, purge). */
export interface OperationRecord {
  id: string;
  kind: OperationKind;
  subscriptionId: string;
  location: string;
  hsmName: string;
  resourceGroup: string;
  startedAt: number;
  completesAt: number;
  /** The resource URL (relative) a Location-mode create finishes on. */
  resourcePath: string;
  /** Set once a purge has been carried out, so a later HSM of the same name is never touched. */
  applied?: boolean;
}
