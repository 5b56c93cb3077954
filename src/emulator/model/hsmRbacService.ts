import { HSM_ROLES } from './builtInRoles';
import { type ModelContext } from './modelContext';
import { isGuid, nameKey } from './names';
import type { HsmRoleAssignmentRecord, HsmRoleDefinitionRecord, ManagedHsmRecord } from './records';
import { badParameter, conflict, notFound } from './serviceError';

/** A role definition as the HSM data plane shows it (built-in or custom). */
export interface HsmRoleDefinitionView {
  name: string;
  roleName: string;
  description: string;
  type: 'AKVBuiltInRole' | 'CustomRole';
  dataActions: readonly string[];
  notDataActions: readonly string[];
  assignableScopes: readonly string[];
}

/**
 * Managed HSM local RBAC: role definitions (built-in, plus custom ones) and role assignments at
 * `/`, `/keys` or `/keys/<name>`. Principal ids are not checked against the directory, as the
 * service itself accepts unknown assignees (a known field problem: app id given for object id).
 */
export class HsmRbacService {
  constructor(private readonly context: ModelContext) {}

  listDefinitions(hsm: ManagedHsmRecord): HsmRoleDefinitionView[] {
    return [
      ...HSM_ROLES.map((role): HsmRoleDefinitionView => ({
        name: role.id,
        roleName: role.roleName,
        description: role.description,
        type: 'AKVBuiltInRole',
        dataActions: role.dataActions,
        notDataActions: role.notDataActions,
        assignableScopes: ['/'],
      })),
      ...hsm.customRoleDefinitions.map((role): HsmRoleDefinitionView => ({ ...role, type: 'CustomRole' })),
    ];
  }

  getDefinition(hsm: ManagedHsmRecord, name: string): HsmRoleDefinitionView {
    const found = this.listDefinitions(hsm).find((d) => d.name.toLowerCase() === name.toLowerCase());
    if (!found) throw notFound('RoleDefinitionNotFound', `The role definition '${name}' was not found.`);
    return found;
  }

  putDefinition(hsm: ManagedHsmRecord, name: string, body: unknown): HsmRoleDefinitionView {
    if (!isGuid(name)) throw badParameter('The role definition name must be a GUID.');
    if (HSM_ROLES.some((r) => r.id === name.toLowerCase())) throw badParameter('Built-in role definitions cannot be changed.');
    const properties = objectField(objectField(body, 'The request body').properties, 'properties');
    const permissions = Array.isArray(properties.permissions) ? (properties.permissions[0] as Record<string, unknown> | undefined) : undefined;
    const dataActions = stringList(permissions?.dataActions, 'permissions[0].dataActions');
    if (dataActions.length === 0) throw badParameter('A role definition needs at least one data action in permissions[0].dataActions.');
    const definition: HsmRoleDefinitionRecord = {
      name: name.toLowerCase(),
      roleName: typeof properties.roleName === 'string' && properties.roleName ? properties.roleName : name,
      description: typeof properties.description === 'string' ? properties.description : '',
      dataActions,
      notDataActions: stringList(permissions?.notDataActions, 'permissions[0].notDataActions'),
      assignableScopes: ['/'],
    };
    hsm.customRoleDefinitions = [...hsm.customRoleDefinitions.filter((d) => d.name !== definition.name), definition];
    this.touch(hsm);
    return { ...definition, type: 'CustomRole' };
  }

  deleteDefinition(hsm: ManagedHsmRecord, name: string): HsmRoleDefinitionView {
    const found = hsm.customRoleDefinitions.find((d) => d.name === name.toLowerCase());
    if (!found) throw notFound('RoleDefinitionNotFound', `The custom role definition '${name}' was not found.`);
    if (hsm.roleAssignments.some((a) => (a.roleDefinitionId.split('/').pop() ?? '').toLowerCase() === found.name)) {
      throw conflict('RoleDefinitionHasAssignments', 'The role definition is in use by role assignments; delete them first.');
    }
    hsm.customRoleDefinitions = hsm.customRoleDefinitions.filter((d) => d !== found);
    this.touch(hsm);
    return { ...found, type: 'CustomRole' };
  }

  /** Assignments at `scope` or above it (listing at `/` does not show key-scoped ones). */
  listAssignments(hsm: ManagedHsmRecord, scope: string, filter?: string): HsmRoleAssignmentRecord[] {
    const target = normalizeScope(scope).toLowerCase();
    const principal = filter?.match(/principalId\s+eq\s+'([^']+)'/i)?.[1]?.toLowerCase();
    return hsm.roleAssignments.filter((a) => {
      const assigned = a.scope.toLowerCase();
      const applies = assigned === '/' || assigned === target || target.startsWith(`${assigned}/`);
      return applies && (principal === undefined || a.principalId === principal);
    });
  }

  getAssignment(hsm: ManagedHsmRecord, scope: string, name: string): HsmRoleAssignmentRecord {
    const target = normalizeScope(scope).toLowerCase();
    const found = hsm.roleAssignments.find((a) => a.name === name.toLowerCase() && a.scope.toLowerCase() === target);
    if (!found) throw notFound('RoleAssignmentNotFound', `The role assignment '${name}' was not found at scope '${scope}'.`);
    return found;
  }

  putAssignment(hsm: ManagedHsmRecord, scope: string, name: string, body: unknown): HsmRoleAssignmentRecord {
    const normalized = normalizeScope(scope);
    if (!isGuid(name)) throw badParameter('The role assignment name must be a GUID.');
    const properties = objectField(objectField(body, 'The request body').properties, 'properties');
    const roleDefinitionId = properties.roleDefinitionId;
    if (typeof roleDefinitionId !== 'string' || roleDefinitionId === '') throw badParameter('properties.roleDefinitionId is required.');
    const roleName = roleDefinitionId.split('/').pop() ?? '';
    if (!this.listDefinitions(hsm).some((d) => d.name.toLowerCase() === roleName.toLowerCase())) {
      throw badParameter(`The role definition '${roleDefinitionId}' does not exist in this managed HSM.`);
    }
    if (!isGuid(properties.principalId)) throw badParameter('properties.principalId must be the object id (GUID) of a user, group or service principal.');
    if (hsm.roleAssignments.some((a) => a.name === name.toLowerCase())) {
      throw conflict('Conflict', `A role assignment named '${name}' already exists.`, 'RoleAssignmentExists');
    }
    const atScope = hsm.roleAssignments.filter((a) => a.scope.toLowerCase() === normalized.toLowerCase()).length;
    const limit = normalized.toLowerCase().startsWith('/keys/') ? 10 : 50;
    if (atScope >= limit) throw badParameter(`Scope '${normalized}' already has ${atScope} role assignments, the most it can hold.`);
    const assignment: HsmRoleAssignmentRecord = {
      name: name.toLowerCase(),
      scope: normalized,
      roleDefinitionId,
      principalId: properties.principalId.toLowerCase(),
    };
    hsm.roleAssignments = [...hsm.roleAssignments, assignment];
    this.touch(hsm);
    return assignment;
  }

  deleteAssignment(hsm: ManagedHsmRecord, scope: string, name: string): HsmRoleAssignmentRecord {
    const found = this.getAssignment(hsm, scope, name);
    hsm.roleAssignments = hsm.roleAssignments.filter((a) => a !== found);
    this.touch(hsm);
    return found;
  }

  private touch(hsm: ManagedHsmRecord): void {
    this.context.state.markDirty('hsm', nameKey(hsm.name));
  }
}

/** `/`, `/keys` or `/keys/<name>`; a trailing slash is dropped as the SDK does. */
export function normalizeScope(scope: string): string {
  const trimmed = scope === '/' ? '/' : scope.replace(/\/+$/, '') || '/';
  if (trimmed === '/') return '/';
  const match = /^\/keys(?:\/([0-9a-zA-Z-]{1,127}))?$/i.exec(trimmed);
  if (!match) throw badParameter(`Invalid scope '${scope}'. Managed HSM role assignments take the scope '/', '/keys' or '/keys/<key name>'.`);
  return match[1] ? `/keys/${match[1]}` : '/keys';
}

function objectField(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badParameter(`${what} must be a JSON object.`);
  return value as Record<string, unknown>;
}

function stringList(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw badParameter(`${what} must be an array of strings.`);
  return value as string[];
}
