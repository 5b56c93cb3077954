import { accessPolicyGrants } from './accessPolicies';
import { findAzureRole, findHsmBuiltInRole, roleAllows } from './builtInRoles';
import type { EmulatorState } from './emulatorState';
import type { Caller } from './modelContext';
import type { ManagedHsmRecord, VaultRecord } from './records';
import { forbidden } from './serviceError';
import { vaultResourceId } from './vaultService';

/** Every data-plane key operation, named after the access-policy permission where one exists. */
export type KeyAction =
  | 'get'
  | 'list'
  | 'create'
  | 'import'
  | 'update'
  | 'delete'
  | 'backup'
  | 'restore'
  | 'recover'
  | 'purge'
  | 'encrypt'
  | 'decrypt'
  | 'wrapKey'
  | 'unwrapKey'
  | 'sign'
  | 'verify'
  | 'release'
  | 'rotate'
  | 'getrotationpolicy'
  | 'setrotationpolicy'
  | 'getdeleted'
  | 'listdeleted'
  | 'rng';

const ACCESS_POLICY_PERMISSION: Record<KeyAction, string> = {
  get: 'get',
  list: 'list',
  create: 'create',
  import: 'import',
  update: 'update',
  delete: 'delete',
  backup: 'backup',
  restore: 'restore',
  recover: 'recover',
  purge: 'purge',
  encrypt: 'encrypt',
  decrypt: 'decrypt',
  wrapKey: 'wrapKey',
  unwrapKey: 'unwrapKey',
  sign: 'sign',
  verify: 'verify',
  release: 'release',
  rotate: 'rotate',
  getrotationpolicy: 'getrotationpolicy',
  setrotationpolicy: 'setrotationpolicy',
  // UNCONFIRMED: reading deleted keys is assumed to need get/list like live keys.
  getdeleted: 'get',
  listdeleted: 'list',
  rng: 'get',
};

const V = 'Microsoft.KeyVault/vaults';
const VAULT_DATA_ACTION: Record<KeyAction, string> = {
  get: `${V}/keys/read`,
  list: `${V}/keys/read`,
  getdeleted: `${V}/keys/read`,
  listdeleted: `${V}/keys/read`,
  create: `${V}/keys/create/action`,
  import: `${V}/keys/import/action`,
  update: `${V}/keys/update/action`,
  delete: `${V}/keys/delete`,
  backup: `${V}/keys/backup/action`,
  restore: `${V}/keys/restore/action`,
  recover: `${V}/keys/recover/action`,
  purge: `${V}/keys/purge/action`,
  encrypt: `${V}/keys/encrypt/action`,
  decrypt: `${V}/keys/decrypt/action`,
  wrapKey: `${V}/keys/wrap/action`,
  unwrapKey: `${V}/keys/unwrap/action`,
  sign: `${V}/keys/sign/action`,
  verify: `${V}/keys/verify/action`,
  release: `${V}/keys/release/action`,
  rotate: `${V}/keys/rotate/action`,
  getrotationpolicy: `${V}/keyrotationpolicies/read`,
  setrotationpolicy: `${V}/keyrotationpolicies/write`,
  rng: `${V}/rng/action`,
};

const H = 'Microsoft.KeyVault/managedHsm';
export const HSM_KEY_DATA_ACTION: Record<KeyAction, string> = {
  get: `${H}/keys/read/action`,
  list: `${H}/keys/read/action`,
  getrotationpolicy: `${H}/keys/read/action`,
  create: `${H}/keys/create`,
  import: `${H}/keys/import/action`,
  update: `${H}/keys/write/action`,
  setrotationpolicy: `${H}/keys/write/action`,
  delete: `${H}/keys/delete`,
  backup: `${H}/keys/backup/action`,
  restore: `${H}/keys/restore/action`,
  recover: `${H}/keys/deletedKeys/recover/action`,
  purge: `${H}/keys/deletedKeys/delete`,
  getdeleted: `${H}/keys/deletedKeys/read/action`,
  listdeleted: `${H}/keys/deletedKeys/read/action`,
  encrypt: `${H}/keys/encrypt/action`,
  decrypt: `${H}/keys/decrypt/action`,
  wrapKey: `${H}/keys/wrap/action`,
  unwrapKey: `${H}/keys/unwrap/action`,
  sign: `${H}/keys/sign/action`,
  verify: `${H}/keys/verify/action`,
  release: `${H}/keys/release/action`,
  rotate: `${H}/keys/rotate/action`,
  rng: `${H}/rng/action`,
};

/**
 * Data-plane authorization as Azure does it: access policies on access-policy vaults, Azure RBAC
 * (role assignments with data actions, inherited down from subscription to key) on RBAC vaults, and
 * local RBAC on Managed HSMs. Creating a vault grants its creator nothing on the data plane.
 */
export class Authorizer {
  constructor(private readonly state: EmulatorState) {}

  authorizeVault(vault: VaultRecord, caller: Caller, action: KeyAction, keyName?: string): void {
    if (!vault.enableRbacAuthorization) {
      const permission = ACCESS_POLICY_PERMISSION[action];
      if (accessPolicyGrants(vault.accessPolicies, caller.objectId, caller.tenantId, caller.appId, permission)) return;
      throw forbidden(
        'Forbidden',
        `The user, group or application '${describeCaller(caller)}' does not have keys ${permission} permission on key vault '${vault.name};location=${vault.location}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
        'ForbiddenByPolicy',
      );
    }
    const dataAction = VAULT_DATA_ACTION[action];
    const resource = `${vaultResourceId(vault)}${keyName ? `/keys/${keyName}` : ''}`;
    const resourceLower = resource.toLowerCase();
    const granted = [...this.state.roleAssignments.values()].some((assignment) => {
      if (assignment.principalId !== caller.objectId.toLowerCase()) return false;
      const scope = assignment.scope.toLowerCase();
      if (resourceLower !== scope && !resourceLower.startsWith(`${scope}/`)) return false;
      const definition = findAzureRole(assignment.roleDefinitionId);
      return definition !== undefined && roleAllows(definition, dataAction);
    });
    if (granted) return;
    throw forbidden(
      'Forbidden',
      `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: ${describeCaller(caller)}\r\nAction: '${dataAction}'\r\nResource: '${resourceLower}'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: null \r\nVault: ${vault.name};location=${vault.location}\r\n`,
      'ForbiddenByRbac',
    );
  }

  /** `scope` is the local RBAC scope of the target: `/`, `/keys` or `/keys/<name>`. */
  authorizeHsm(hsm: ManagedHsmRecord, caller: Caller, dataAction: string, scope: string): void {
    const target = scope.toLowerCase();
    const granted = hsm.roleAssignments.some((assignment) => {
      if (assignment.principalId !== caller.objectId.toLowerCase()) return false;
      const assigned = assignment.scope.toLowerCase();
      if (assigned !== '/' && target !== assigned && !target.startsWith(`${assigned}/`)) return false;
      const id = assignment.roleDefinitionId.split('/').pop() ?? '';
      const definition = findHsmBuiltInRole(id) ?? hsm.customRoleDefinitions.find((d) => d.name.toLowerCase() === id.toLowerCase());
      return definition !== undefined && roleAllows(definition, dataAction);
    });
    if (granted) return;
    throw forbidden(
      'Forbidden',
      `Caller is not authorized to perform action on resource.\r\nIf role assignments were changed recently, please observe propagation time.\r\nCaller: ${describeCaller(caller)}\r\nAction: '${dataAction}'\r\nResource: '${target}'\r\nAssignment: (not found)\r\nVault: ${hsm.name};location=${hsm.location}\r\n`,
      'ForbiddenByRbac',
    );
  }
}

function describeCaller(caller: Caller): string {
  return `${caller.appId ? `appid=${caller.appId};` : ''}oid=${caller.objectId};iss=https://sts.windows.net/${caller.tenantId}/`;
}
