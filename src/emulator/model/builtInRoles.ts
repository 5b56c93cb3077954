/**
 * Built-in role definitions the emulator evaluates. Data actions come from Azure's built-in roles
 * reference (Key Vault, Azure RBAC) and the Managed HSM local RBAC built-in roles table.
 */
export interface RoleDefinition {
  id: string;
  roleName: string;
  description: string;
  dataActions: readonly string[];
  notDataActions: readonly string[];
}

/** Azure RBAC roles (assigned through ARM at subscription, resource group, vault or key scope). */
export const AZURE_ROLES: readonly RoleDefinition[] = [
  role('00482a5a-887f-4fb3-b363-3b7fe8e74483', 'Key Vault Administrator', 'Perform all data plane operations on a key vault and all objects in it.', [
    'Microsoft.KeyVault/vaults/*',
  ]),
  role('14b46e9e-c2b7-41b4-b07b-48a6ebf60603', 'Key Vault Crypto Officer', 'Perform any action on the keys of a key vault, except manage permissions.', [
    'Microsoft.KeyVault/vaults/keys/*',
    'Microsoft.KeyVault/vaults/keyrotationpolicies/*',
  ]),
  role('12338af0-0e69-4776-bea7-57ae8d297424', 'Key Vault Crypto User', 'Perform cryptographic operations using keys.', [
    'Microsoft.KeyVault/vaults/keys/read',
    'Microsoft.KeyVault/vaults/keys/update/action',
    'Microsoft.KeyVault/vaults/keys/backup/action',
    'Microsoft.KeyVault/vaults/keys/encrypt/action',
    'Microsoft.KeyVault/vaults/keys/decrypt/action',
    'Microsoft.KeyVault/vaults/keys/wrap/action',
    'Microsoft.KeyVault/vaults/keys/unwrap/action',
    'Microsoft.KeyVault/vaults/keys/sign/action',
    'Microsoft.KeyVault/vaults/keys/verify/action',
  ]),
  role('e147488a-f6f5-4113-8e2d-b22465e65bf6', 'Key Vault Crypto Service Encryption User', 'Read metadata of keys and perform wrap/unwrap operations.', [
    'Microsoft.KeyVault/vaults/keys/read',
    'Microsoft.KeyVault/vaults/keys/wrap/action',
    'Microsoft.KeyVault/vaults/keys/unwrap/action',
  ]),
  role('08bbd89e-9f13-488c-ac41-acfcb10c90ab', 'Key Vault Crypto Service Release User', 'Release keys.', ['Microsoft.KeyVault/vaults/keys/release/action']),
  role('21090545-7ca7-4776-b22c-e363652d74d2', 'Key Vault Reader', 'Read metadata of key vaults and its certificates, keys, and secrets.', [
    'Microsoft.KeyVault/vaults/*/read',
    'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
  ]),
  // Control-plane roles: no data actions, so they never open the data plane (as in Azure).
  role('a68e7c17-0ab2-4c09-9a58-125dae29748c', 'Key Vault Purge Operator', 'Allows permanent deletion of soft-deleted vaults.', []),
  role('f25e0fa2-a7c8-4377-a976-54943a77a395', 'Key Vault Contributor', 'Manage key vaults, but does not allow access to data.', []),
  role('8b54135c-b56d-4d72-a534-26097cfdc8d8', 'Key Vault Data Access Administrator', 'Manage access to Azure Key Vault by adding or removing role assignments.', []),
  role('18500a29-7fe2-46b2-a342-b16a415e101d', 'Managed HSM contributor', 'Lets you manage managed HSM pools, but not access to them.', []),
  role('8e3af657-a8ff-443c-a75c-2fe8c4bcb635', 'Owner', 'Grants full access to manage all resources.', []),
  role('b24988ac-6180-42a0-ab88-20f7382dd24c', 'Contributor', 'Grants full access to manage all resources, but does not allow you to assign roles.', []),
  role('acdd72a7-3385-48ef-bd42-f606fba81ae7', 'Reader', 'View all resources, but does not allow you to make any changes.', []),
];

const HSM = 'Microsoft.KeyVault/managedHsm';

/** Managed HSM local RBAC built-in roles (data actions per the built-in roles table). */
export const HSM_ROLES: readonly RoleDefinition[] = [
  role(
    'a290e904-7015-4bba-90c8-60543313cdb4',
    'Managed HSM Administrator',
    'Grants permissions to perform all operations related to the security domain, full backup and restore, and role management. Not permitted to perform any key management operations.',
    [
      `${HSM}/securitydomain/download/action`,
      `${HSM}/securitydomain/upload/action`,
      `${HSM}/securitydomain/upload/read`,
      `${HSM}/securitydomain/transferkey/read`,
      ...roleManagement(true),
      `${HSM}/backup/start/action`,
      `${HSM}/backup/status/action`,
      `${HSM}/restore/start/action`,
      `${HSM}/restore/status/action`,
    ],
  ),
  role(
    '515eb02d-2335-4d2d-92f2-b1cbdf9c3778',
    'Managed HSM Crypto Officer',
    'Grants permissions to perform all role management, purge or recover deleted keys, and export keys. Not permitted to perform any other key management operations.',
    [`${HSM}/keys/deletedKeys/read/action`, `${HSM}/keys/deletedKeys/recover/action`, `${HSM}/keys/deletedKeys/delete`, `${HSM}/keys/export/action`, ...roleManagement(true)],
  ),
  role(
    '21dbd100-6940-42c2-9190-5d6cb909625b',
    'Managed HSM Crypto User',
    'Grants permissions to perform all key management operations except purge or recover deleted keys and export keys.',
    [
      `${HSM}/keys/read/action`,
      `${HSM}/keys/write/action`,
      `${HSM}/keys/rotate/action`,
      `${HSM}/keys/create`,
      `${HSM}/keys/delete`,
      `${HSM}/keys/backup/action`,
      `${HSM}/keys/restore/action`,
      `${HSM}/keys/release/action`,
      `${HSM}/keys/import/action`,
      `${HSM}/keys/encrypt/action`,
      `${HSM}/keys/decrypt/action`,
      `${HSM}/keys/wrap/action`,
      `${HSM}/keys/unwrap/action`,
      `${HSM}/keys/sign/action`,
      `${HSM}/keys/verify/action`,
      `${HSM}/rng/action`,
      ...roleManagement(false),
    ],
  ),
  role('4bd23610-cdcf-4971-bdee-bdc562cc28e4', 'Managed HSM Policy Administrator', 'Grants permissions to create and delete role assignments.', [...roleManagement(true)]),
  role('2c18b078-7c48-4d3a-af88-5a3a1b3f82b3', 'Managed HSM Crypto Auditor', 'Grants read permissions to read (but not use) key attributes.', [
    `${HSM}/keys/read/action`,
    ...roleManagement(false),
  ]),
  role('33413926-3206-4cdd-b39a-83574fe37a17', 'Managed HSM Crypto Service Encryption User', 'Grants permissions to use a key for service encryption.', [
    `${HSM}/keys/read/action`,
    `${HSM}/keys/wrap/action`,
    `${HSM}/keys/unwrap/action`,
  ]),
  role('21dbd100-6940-42c2-9190-5d6cb909625c', 'Managed HSM Crypto Service Release User', 'Grants permissions to release a key to a trusted execution environment.', [
    `${HSM}/keys/release/action`,
  ]),
  role('7b127d3c-77bd-4e3e-bbe0-dbb8971fa7f8', 'Managed HSM Backup', 'Grants permissions to perform single-key or whole-HSM backup.', [
    `${HSM}/keys/backup/action`,
    `${HSM}/backup/start/action`,
    `${HSM}/backup/status/action`,
  ]),
  role('6efe6056-5259-49d2-8b3d-d3d73544b20b', 'Managed HSM Restore', 'Grants permissions to perform single-key or whole-HSM restore.', [
    `${HSM}/keys/restore/action`,
    `${HSM}/restore/start/action`,
    `${HSM}/restore/status/action`,
  ]),
];

export const HSM_ADMINISTRATOR_ROLE_ID = 'a290e904-7015-4bba-90c8-60543313cdb4';

export function findAzureRole(id: string): RoleDefinition | undefined {
  const lower = id.toLowerCase();
  return AZURE_ROLES.find((r) => r.id === lower);
}

export function findHsmBuiltInRole(id: string): RoleDefinition | undefined {
  const lower = id.toLowerCase();
  return HSM_ROLES.find((r) => r.id === lower);
}

/** Azure-style wildcard match, case-insensitive; `*` spans any characters including `/`. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`, 'i');
  return regex.test(action);
}

export function roleAllows(definition: Pick<RoleDefinition, 'dataActions' | 'notDataActions'>, action: string): boolean {
  return definition.dataActions.some((p) => actionMatches(p, action)) && !definition.notDataActions.some((p) => actionMatches(p, action));
}

function roleManagement(write: boolean): string[] {
  const read = [`${HSM}/roleAssignments/read/action`, `${HSM}/roleDefinitions/read/action`];
  if (!write) return read;
  return [...read, `${HSM}/roleAssignments/write/action`, `${HSM}/roleAssignments/delete/action`, `${HSM}/roleDefinitions/write/action`, `${HSM}/roleDefinitions/delete/action`];
}

function role(id: string, roleName: string, description: string, dataActions: string[]): RoleDefinition {
  return { id, roleName, description, dataActions, notDataActions: [] };
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
