/**
 * Azure role definitions and Key Vault access-policy permission sets Customer Key uses.
 *
 * Sources: Key Vault RBAC guide [S15], Managed HSM built-in roles [S16], azure-wire.md §3.
 * Ids marked `verify: true` come from general Azure knowledge rather than the fact sheet; they are
 * the published built-in ids as far as we know, and the executor resolves roles by id, so a wrong
 * id fails loudly (RoleDefinitionDoesNotExist) instead of granting something else.
 */

/** Where a role is evaluated. */
export type RolePlane = 'azureRbac' | 'managedHsmLocalRbac';

export interface RoleDefinition {
  readonly id: string;
  readonly name: string;
  readonly plane: RolePlane;
  /** What it allows, in one line. */
  readonly allows: string;
  /** True when the id is not from the fact sheet (see file comment). */
  readonly verify?: boolean;
}

function role(id: string, name: string, plane: RolePlane, allows: string, verify?: boolean): RoleDefinition {
  return verify ? { id, name, plane, allows, verify } : { id, name, plane, allows };
}

/** Built-in roles by short key. */
export const ROLES = {
  // Azure RBAC, Key Vault data plane (RBAC-model vaults only)
  keyVaultCryptoServiceEncryptionUser: role(
    'e147488a-f6f5-4113-8e2d-b22465e65bf6',
    'Key Vault Crypto Service Encryption User',
    'azureRbac',
    'Read key metadata and wrap/unwrap: what the Microsoft 365 service principals need on an RBAC vault.',
  ),
  keyVaultReader: role(
    '21090545-7ca7-4776-b22c-e363652d74d2',
    'Key Vault Reader',
    'azureRbac',
    "Read metadata of vaults and keys (not their use): Keyward's reader identity, for verify and health checks.",
  ),
  keyVaultCryptoOfficer: role(
    '14b46e9e-c2b7-41b4-b07b-48a6ebf60603',
    'Key Vault Crypto Officer',
    'azureRbac',
    'All key operations except managing permissions: Keyward uses it to create, back up and roll keys.',
  ),
  keyVaultPurgeOperator: role('a68e7c17-0ab2-4c09-9a58-125dae29748c', 'Key Vault Purge Operator', 'azureRbac', 'Purge soft-deleted vaults (teardown only).'),
  keyVaultDataAccessAdministrator: role(
    '8b54135c-b56d-4d72-a534-26097cfdc8d8',
    'Key Vault Data Access Administrator',
    'azureRbac',
    'Create role assignments, but only for Key Vault data roles: least privilege for granting RBAC vault access.',
    true,
  ),
  keyVaultContributor: role('f25e0fa2-a7c8-4377-a976-54943a77a395', 'Key Vault Contributor', 'azureRbac', 'Create and manage vaults (control plane only, no key access).', true),
  managedHsmContributor: role(
    '18500a29-7fe2-46b2-a342-b16a415e101d',
    'Managed HSM Contributor',
    'azureRbac',
    'Create, delete, recover and purge Managed HSMs (control plane only, no key access).',
    true,
  ),
  reader: role('acdd72a7-3385-48ef-bd42-f606fba81ae7', 'Reader', 'azureRbac', 'Read resources and subscription state.', true),
  contributor: role(
    'b24988ac-6180-42a0-ab88-20f7382dd24c',
    'Contributor',
    'azureRbac',
    'Manage all resources, no role assignments: what creating a resource group in a subscription needs (doctor).',
    true,
  ),
  // Managed HSM local RBAC (data plane)
  managedHsmAdministrator: role(
    'a290e904-7015-4bba-90c8-60543313cdb4',
    'Managed HSM Administrator',
    'managedHsmLocalRbac',
    'Security domain, full backup/restore and role management; no key operations.',
  ),
  managedHsmCryptoOfficer: role(
    '515eb02d-2335-4d2d-92f2-b1cbdf9c3778',
    'Managed HSM Crypto Officer',
    'managedHsmLocalRbac',
    'Role management, purge/recover deleted keys, export.',
  ),
  managedHsmCryptoUser: role(
    '21dbd100-6940-42c2-9190-5d6cb909625b',
    'Managed HSM Crypto User',
    'managedHsmLocalRbac',
    'Key operations including create, rotate, backup and wrap; no purge: Keyward uses it for keys.',
  ),
  managedHsmCryptoServiceEncryptionUser: role(
    '33413926-3206-4cdd-b39a-83574fe37a17',
    'Managed HSM Crypto Service Encryption User',
    'managedHsmLocalRbac',
    'Read key, wrap and unwrap: what the Microsoft 365 service principals need, at key scope.',
  ),
  managedHsmPolicyAdministrator: role('4bd23610-cdcf-4971-bdee-bdc562cc28e4', 'Managed HSM Policy Administrator', 'managedHsmLocalRbac', 'Create and delete role assignments.'),
  managedHsmCryptoAuditor: role('2c18b078-7c48-4d3a-af88-5a3a1b3f82b3', 'Managed HSM Crypto Auditor', 'managedHsmLocalRbac', 'Read-only view of keys and settings.'),
  managedHsmBackup: role('7b127d3c-77bd-4e3e-bbe0-dbb8971fa7f8', 'Managed HSM Backup', 'managedHsmLocalRbac', 'Full HSM backup.'),
  managedHsmRestore: role('6efe6056-5259-49d2-8b3d-d3d73544b20b', 'Managed HSM Restore', 'managedHsmLocalRbac', 'Full HSM restore.'),
} as const satisfies Record<string, RoleDefinition>;

export type RoleKey = keyof typeof ROLES;

/**
 * Key permissions a Microsoft 365 service principal gets through a vault access policy. Exactly
 * these three; anything more breaks least privilege (readiness warns about extras).
 */
export const M365_KEY_PERMISSIONS = ['get', 'wrapKey', 'unwrapKey'] as const;

/**
 * Key permissions Keyward's writer identity gets through an access policy on a vault it creates:
 * enough to create, find and back up keys and roll them (create makes a new version), and
 * deliberately not delete or purge (facts §1.8: administrators should not hold delete).
 */
export const KEYWARD_KEY_PERMISSIONS = ['get', 'list', 'create', 'backup'] as const;

/**
 * Key permissions Keyward's reader identity gets through an access policy: read the key's
 * attributes for `verify`, DEP key checks and the health check — never use or change it.
 */
export const KEYWARD_READER_KEY_PERMISSIONS = ['get', 'list'] as const;

/** Key operations allowed on a Customer Key key. */
export const CUSTOMER_KEY_KEY_OPS = ['wrapKey', 'unwrapKey'] as const;

/**
 * Keyward's own key rights, without delete and purge (issue 11 item 7). Key Vault Crypto Officer
 * (`Microsoft.KeyVault/vaults/keys/*`) and Managed HSM Crypto User both include key delete, and
 * Crypto Officer purge too, so Keyward uses custom roles that list only what its steps call: read
 * keys, create keys (a key roll is a create with the same name), back them up — and on an HSM read
 * role assignments and definitions, for readiness. The Azure role is defined in
 * infra/keywardRoles.bicep (its id goes in KEYWARD_VAULT_KEY_ROLE_ID); the Managed HSM role is
 * created by the setup plan itself while Keyward is still an HSM administrator.
 * Action names: Key Vault RBAC guide and Managed HSM role management / built-in roles pages.
 */
export const KEYWARD_VAULT_KEY_DATA_ACTIONS = [
  'Microsoft.KeyVault/vaults/keys/read',
  'Microsoft.KeyVault/vaults/keys/create/action',
  'Microsoft.KeyVault/vaults/keys/backup/action',
] as const;

export const KEYWARD_HSM_KEY_DATA_ACTIONS = [
  'Microsoft.KeyVault/managedHsm/keys/read/action',
  'Microsoft.KeyVault/managedHsm/keys/create',
  'Microsoft.KeyVault/managedHsm/keys/backup/action',
  'Microsoft.KeyVault/managedHsm/roleAssignments/read/action',
  'Microsoft.KeyVault/managedHsm/roleDefinitions/read/action',
] as const;

/** Data actions Keyward must never hold on a Customer Key key (delete, purge, and ways around them). */
export const FORBIDDEN_KEYWARD_DATA_ACTIONS = [
  'Microsoft.KeyVault/vaults/keys/delete',
  'Microsoft.KeyVault/vaults/keys/purge/action',
  'Microsoft.KeyVault/vaults/keys/update/action',
  'Microsoft.KeyVault/managedHsm/keys/delete',
  'Microsoft.KeyVault/managedHsm/keys/deletedKeys/delete',
  'Microsoft.KeyVault/managedHsm/keys/write/action',
  'Microsoft.KeyVault/managedHsm/roleAssignments/write/action',
] as const;

/**
 * The Managed HSM local custom role Keyward creates in each HSM. Its name must be a GUID; this one
 * is fixed so every HSM and every run use the same definition.
 */
export const KEYWARD_HSM_KEY_ROLE = {
  id: '6b3f5e2a-8d4c-4f1e-9a7b-2c5d8e1f4a90',
  name: 'Keyward Customer Key Key Writer',
  description: 'Read, create (and so roll) and back up keys; read role assignments. No delete, no purge, no role management.',
  dataActions: KEYWARD_HSM_KEY_DATA_ACTIONS,
} as const;

/** Role name of the Azure custom role in infra/keywardRoles.bicep. */
export const KEYWARD_VAULT_KEY_ROLE_NAME = 'Keyward Customer Key Key Writer';
