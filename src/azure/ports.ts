/**
 * What the rest of Keyward may ask of Azure, in Keyward's own terms. This file imports nothing
 * from @azure/*, so journeys, the executor and tests can depend on these types; only
 * `azureGateway.ts` implements them with the SDKs. Every method names the role it needs.
 */

export interface SubscriptionInfo {
  subscriptionId: string;
  /** Enabled | Warned | PastDue | Disabled | Deleted */
  state: string;
  displayName?: string;
  tenantId?: string;
  quotaId?: string;
}

export interface NameAvailability {
  available: boolean;
  /** AlreadyExists | AccountNameInvalid | … as Azure says. */
  reason?: string;
  message?: string;
}

export interface DeletedContainer {
  name: string;
  location?: string;
  deletionDate?: string;
  scheduledPurgeDate?: string;
  purgeProtectionEnabled?: boolean;
  resourceId?: string;
  tags?: Record<string, string>;
}

export interface AccessPolicy {
  objectId: string;
  tenantId: string;
  keys: string[];
}

export interface VaultInfo {
  id: string;
  name: string;
  location: string;
  vaultUri: string;
  sku: string;
  tenantId: string;
  softDeleteEnabled: boolean;
  softDeleteRetentionDays: number;
  purgeProtectionEnabled: boolean;
  rbacAuthorization: boolean;
  accessPolicies: AccessPolicy[];
  provisioningState?: string;
  tags: Record<string, string>;
}

export interface VaultCreateParameters {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tenantId: string;
  sku: 'premium' | 'standard';
  softDeleteRetentionDays: number;
  purgeProtection: boolean;
  rbacAuthorization: boolean;
  accessPolicies: AccessPolicy[];
  tags: Record<string, string>;
}

export interface ManagedHsmInfo {
  id: string;
  name: string;
  location: string;
  hsmUri: string;
  tenantId?: string;
  initialAdminObjectIds: string[];
  softDeleteRetentionDays: number;
  purgeProtectionEnabled: boolean;
  /** Succeeded | Provisioning | Failed | Updating | Deleting | Activated | … */
  provisioningState?: string;
  statusMessage?: string;
  /** Active | NotActivated | Unknown | Failed */
  activationStatus?: string;
  tags: Record<string, string>;
}

/** A region a subscription may use (ARM `GET /subscriptions/{id}/locations`). */
export interface SubscriptionLocation {
  /** ARM name (`westeurope`). */
  name: string;
  displayName: string;
  /** ARM's geography group (`Europe`), when it says one. */
  geography?: string;
  /** The region's pair (metadata.pairedRegion), when it has one. */
  pairedRegion?: string;
  /** Physical regions only; logical ones (`europe`, `global`) are left out by the gateway. */
}

/** A user of the tenant (Microsoft Graph `user`), the fields Keyward reads. */
export interface DirectoryUser {
  objectId: string;
  displayName: string;
  userPrincipalName?: string;
  accountEnabled?: boolean;
}

/** One subscribed SKU (Microsoft Graph subscribedSku), the fields Keyward reads. */
export interface SubscribedSku {
  skuId: string;
  skuPartNumber: string;
  capabilityStatus: string;
  enabledUnits: number;
  consumedUnits: number;
  servicePlans: Array<{ servicePlanId: string; servicePlanName: string }>;
}

/** A Managed HSM local custom role (PUT /providers/Microsoft.Authorization/roleDefinitions/{name}). */
export interface HsmCustomRoleDefinition {
  /** GUID. */
  name: string;
  roleName: string;
  description: string;
  dataActions: string[];
}

export interface ManagedHsmCreateParameters {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tenantId: string;
  initialAdminObjectIds: string[];
  softDeleteRetentionDays: number;
  purgeProtection: boolean;
  tags: Record<string, string>;
}

export interface KeyInfo {
  /** Versioned key id (kid). */
  id: string;
  name: string;
  version: string;
  keyType: string;
  keyOps: string[];
  enabled: boolean;
  /** ISO time or undefined when no expiry is set. */
  expiresOn?: string;
  notBefore?: string;
  createdOn?: string;
  recoveryLevel?: string;
  recoverableDays?: number;
  hsmPlatform?: string;
  tags: Record<string, string>;
  /** RSA modulus size in bits, when known. */
  keySize?: number;
}

export interface KeyCreateParameters {
  /** Vault or HSM URL, e.g. https://kv.vault.azure.net */
  containerUrl: string;
  name: string;
  keyType: 'RSA-HSM' | 'RSA';
  keySize: 2048 | 3072 | 4096;
  keyOps: string[];
  tags: Record<string, string>;
}

export interface RoleAssignmentInfo {
  id: string;
  name: string;
  scope: string;
  roleDefinitionId: string;
  principalId: string;
}

/** A Managed HSM security-domain officer's public key, as the download API wants it (JWK with x5c). */
export interface SecurityDomainCertificate {
  kty: 'RSA';
  n: string;
  e: string;
  x5c: string[];
  kid?: string;
  alg?: string;
  'x5t#S256'?: string;
}

export interface AzureReader {
  /** GET /subscriptions/{id} — Reader on the subscription. */
  getSubscription(subscriptionId: string): Promise<SubscriptionInfo>;
  /** GET /subscriptions — every subscription the identity has a role on (Reader on each). */
  listSubscriptions(): Promise<SubscriptionInfo[]>;
  /** GET /subscriptions/{id}/locations — the regions this subscription may use (Reader). */
  listLocations(subscriptionId: string): Promise<SubscriptionLocation[]>;
  /** A user of the tenant by object id, or undefined (Microsoft Graph `GET /users/{id}`; User.ReadBasic.All). */
  getUser(objectId: string): Promise<DirectoryUser | undefined>;
  /** Microsoft.Features feature state — Reader on the subscription. */
  getFeatureState(subscriptionId: string, providerNamespace: string, featureName: string): Promise<string>;
  resourceGroupExists(subscriptionId: string, resourceGroup: string): Promise<boolean>;
  /** checkNameAvailability (vaults are global) — Reader on the subscription. */
  checkVaultName(subscriptionId: string, name: string): Promise<NameAvailability>;
  checkManagedHsmName(subscriptionId: string, name: string): Promise<NameAvailability>;
  listDeletedVaults(subscriptionId: string): Promise<DeletedContainer[]>;
  listDeletedManagedHsms(subscriptionId: string): Promise<DeletedContainer[]>;
  getDeletedManagedHsm(subscriptionId: string, name: string, location: string): Promise<DeletedContainer | undefined>;
  getDeletedVault(subscriptionId: string, name: string, location: string): Promise<DeletedContainer | undefined>;
  listManagedHsms(subscriptionId: string): Promise<ManagedHsmInfo[]>;
  /** Locations where a resource type may be created (GET /subscriptions/{id}/providers/{ns}). */
  providerLocations(subscriptionId: string, providerNamespace: string, resourceType: string): Promise<string[]>;
  /** Which of `actions` the calling identity lacks at `scope` (Microsoft.Authorization/permissions). */
  missingActions(scope: string, actions: readonly string[]): Promise<string[]>;
  /** The tenant's subscribed licences (Microsoft Graph `GET /v1.0/subscribedSkus`; LicenseAssignment.Read.All). */
  subscribedSkus(): Promise<SubscribedSku[]>;
  /** Object id of the service principal of `appId` in the tenant (Microsoft Graph; Application.Read.All). */
  servicePrincipalObjectId(appId: string): Promise<string | undefined>;
  getVault(subscriptionId: string, resourceGroup: string, name: string): Promise<VaultInfo | undefined>;
  getManagedHsm(subscriptionId: string, resourceGroup: string, name: string): Promise<ManagedHsmInfo | undefined>;
  listRoleAssignments(scope: string): Promise<RoleAssignmentInfo[]>;
  listHsmRoleAssignments(hsmUrl: string, scope: string): Promise<RoleAssignmentInfo[]>;
  /** Newest version of a key (or the given version), or undefined (data plane: get permission / Crypto User or Reader role). */
  getKey(containerUrl: string, name: string, version?: string): Promise<KeyInfo | undefined>;
  listKeyVersions(containerUrl: string, name: string): Promise<KeyInfo[]>;
}

export interface AzureWriter extends AzureReader {
  ensureResourceGroup(subscriptionId: string, resourceGroup: string, location: string, tags: Record<string, string>): Promise<void>;
  createVault(parameters: VaultCreateParameters): Promise<VaultInfo>;
  addAccessPolicy(subscriptionId: string, resourceGroup: string, vaultName: string, policy: AccessPolicy): Promise<void>;
  /** Azure RBAC role assignment at an ARM scope (name = deterministic GUID for idempotency). */
  createRoleAssignment(
    scope: string,
    assignmentName: string,
    roleDefinitionId: string,
    principalId: string,
    principalType: 'ServicePrincipal' | 'User' | 'Group',
  ): Promise<RoleAssignmentInfo>;
  createManagedHsm(parameters: ManagedHsmCreateParameters, onProgress?: (state: string) => void): Promise<ManagedHsmInfo>;
  /** Starts the security-domain download; resolves with the security domain JSON (encrypted to the officers' keys). */
  downloadSecurityDomain(hsmUrl: string, certificates: SecurityDomainCertificate[], quorum: number): Promise<string>;
  createHsmRoleAssignment(hsmUrl: string, scope: string, assignmentName: string, roleDefinitionId: string, principalId: string): Promise<RoleAssignmentInfo>;
  /** Deletes a Managed HSM local role assignment by name at its scope (Administrator or Policy Administrator). */
  deleteHsmRoleAssignment(hsmUrl: string, scope: string, assignmentName: string): Promise<void>;
  /** Creates or replaces a Managed HSM local custom role definition at `/` (Administrator). */
  putHsmRoleDefinition(hsmUrl: string, definition: HsmCustomRoleDefinition): Promise<void>;
  createKey(parameters: KeyCreateParameters): Promise<KeyInfo>;
  /** Opaque, integrity-protected backup blob (backup permission / Crypto Officer or HSM Backup role). */
  backupKey(containerUrl: string, name: string): Promise<Buffer>;
  deleteVault(subscriptionId: string, resourceGroup: string, name: string): Promise<void>;
  purgeDeletedVault(subscriptionId: string, name: string, location: string): Promise<void>;
  deleteManagedHsm(subscriptionId: string, resourceGroup: string, name: string): Promise<void>;
  purgeDeletedManagedHsm(subscriptionId: string, name: string, location: string): Promise<void>;
}

/** Who the calling identity is, from the claims of its own token (never the token itself). */
export interface CallerIdentity {
  /** Entra object (principal) id: what access policies and role assignments name. */
  objectId: string;
  tenantId?: string;
  /** Application (client) id of the identity. */
  appId?: string;
}

/** Keyward's own identity as Azure sees it (no request beyond the cached token). */
export interface CallerIdentitySource {
  callerIdentity(): Promise<CallerIdentity>;
}

/** The result of a real wrap and unwrap performed as a given principal. */
export interface WrapProbeResult {
  wrapped: boolean;
  unwrapped: boolean;
}

/**
 * A real wrapKey + unwrapKey (RSA-OAEP-256, so both go to the service) with a token issued to the
 * principal whose client (app) id is given. Only the local emulator can issue such tokens for
 * Microsoft 365's first-party apps; against Azure it is never used.
 */
export interface WrapProbe {
  probe(keyId: string, clientId: string): Promise<WrapProbeResult>;
}

/** A data key wrapped by a Key Vault or Managed HSM key (envelope encryption). */
export interface WrappedKey {
  /** The versioned id of the key that wrapped it (unwrap uses exactly that version). */
  kid: string;
  alg: 'RSA-OAEP-256';
  /** Base64url of the wrapped bytes. */
  value: string;
}

/**
 * Wraps and unwraps data keys with a key that never leaves Key Vault or the HSM, through the
 * managed identity: the at-rest key of stored security domains in Azure, so no key file sits on
 * the host. Needs keys get, wrapKey, unwrapKey (access policy) or Key Vault Crypto Service
 * Encryption User on the key.
 */
export interface KeyWrapper {
  /** The configured key (its newest version wraps). */
  readonly keyId: string;
  wrap(key: Buffer): Promise<WrappedKey>;
  unwrap(wrapped: WrappedKey): Promise<Buffer>;
}
