import { AZURE_ROLES, type RoleDefinition, findAzureRole } from './builtInRoles';
import { resourceGroupKey } from './emulatorState';
import { type Caller, type ModelContext, nowMs } from './modelContext';
import { isGuid, nameKey } from './names';
import type { PrincipalDirectory } from './principalDirectory';
import type { RoleAssignmentRecord } from './records';
import { badRequest, conflict, notFound } from './serviceError';
import type { SubscriptionService } from './subscriptionService';
import { requireObject } from './vaultService';

const SCOPE = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+)(?:\/providers\/Microsoft\.KeyVault\/(vaults|managedHSMs)\/([^/]+)(?:\/keys\/([^/]+))?)?)?$/i;

export function roleAssignmentId(scope: string, name: string): string {
  return `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
}

export function roleDefinitionId(subscriptionId: string, roleId: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}

/**
 * Azure RBAC role assignments (Microsoft.Authorization/roleAssignments) at subscription, resource
 * group, vault, Managed HSM or key scope. Only the Key Vault data roles carry data actions, so only
 * they open a vault's data plane, as in Azure.
 */
export class RoleAssignmentService {
  constructor(
    private readonly context: ModelContext,
    private readonly subscriptions: SubscriptionService,
    private readonly principals: PrincipalDirectory,
  ) {}

  put(scope: string, name: string, body: unknown, caller: Caller): { assignment: RoleAssignmentRecord; created: boolean } {
    const parsed = this.resolveScope(scope);
    this.subscriptions.assertWritable(parsed.subscriptionId);
    if (!isGuid(name)) {
      throw badRequest('InvalidRoleAssignmentId', `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);
    }
    const properties = requireObject(requireObject(body, 'The request body must be a JSON object with properties.').properties, 'The properties property is required.');
    const definition = this.resolveRoleDefinition(properties.roleDefinitionId);
    const principalId = properties.principalId;
    if (!isGuid(principalId)) throw badRequest('InvalidPrincipalId', 'A valid principal ID must be provided for role assignment.');
    const principal = this.principals.byObjectId(principalId);
    if (!principal) {
      throw badRequest(
        'PrincipalNotFound',
        `Principal ${principalId.replace(/-/g, '')} does not exist in the directory ${this.context.state.meta.tenantId}. Check that you have the correct principal ID (the object id, not the application id).`,
      );
    }
    const id = roleAssignmentId(parsed.scope, name);
    const existing = this.context.state.roleAssignments.get(id.toLowerCase());
    if (existing) {
      const same = existing.roleDefinitionId === definition.id && existing.principalId === principalId.toLowerCase();
      if (same) throw conflict('RoleAssignmentExists', 'The role assignment already exists.');
      throw badRequest('RoleAssignmentUpdateNotPermitted', 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.');
    }
    const duplicate = [...this.context.state.roleAssignments.values()].find(
      (a) => a.scope.toLowerCase() === parsed.scope.toLowerCase() && a.roleDefinitionId === definition.id && a.principalId === principalId.toLowerCase(),
    );
    if (duplicate) throw conflict('RoleAssignmentExists', 'The role assignment already exists.');
    const assignment: RoleAssignmentRecord = {
      name: name.toLowerCase(),
      scope: parsed.scope,
      roleDefinitionId: definition.id,
      principalId: principalId.toLowerCase(),
      principalType: typeof properties.principalType === 'string' ? properties.principalType : principal.kind === 'User' ? 'User' : 'ServicePrincipal',
      ...(typeof properties.description === 'string' ? { description: properties.description } : {}),
      created: { at: nowMs(this.context), by: caller.objectId, byType: caller.kind },
    };
    this.context.state.roleAssignments.set(id.toLowerCase(), assignment);
    this.context.state.markDirty('roleAssignment', id.toLowerCase());
    return { assignment, created: true };
  }

  get(scope: string, name: string): RoleAssignmentRecord {
    const parsed = this.resolveScope(scope);
    const assignment = this.context.state.roleAssignments.get(roleAssignmentId(parsed.scope, name).toLowerCase());
    if (!assignment) throw notFound('RoleAssignmentNotFound', `The role assignment '${name}' is not found.`);
    return assignment;
  }

  delete(scope: string, name: string): RoleAssignmentRecord | undefined {
    const parsed = this.resolveScope(scope);
    const id = roleAssignmentId(parsed.scope, name).toLowerCase();
    const assignment = this.context.state.roleAssignments.get(id);
    if (!assignment) return undefined;
    this.context.state.roleAssignments.delete(id);
    this.context.state.markDirty('roleAssignment', id);
    return assignment;
  }

  /**
   * Assignments that apply at `scope` (at it or above it) plus, without `atScope()`, those below
   * it; optionally only one principal's. This is how ARM's list filters behave.
   */
  list(scope: string, filter: string | undefined): RoleAssignmentRecord[] {
    const parsed = this.resolveScope(scope);
    const target = parsed.scope.toLowerCase();
    const atScope = filter !== undefined && /atScope\(\)/i.test(filter);
    const principal = filter?.match(/principalId\s+eq\s+'([^']+)'/i)?.[1]?.toLowerCase();
    return [...this.context.state.roleAssignments.values()].filter((a) => {
      const scopeLower = a.scope.toLowerCase();
      const above = target === scopeLower || target.startsWith(`${scopeLower}/`);
      const below = scopeLower.startsWith(`${target}/`);
      if (!(above || (!atScope && below))) return false;
      return principal === undefined || a.principalId === principal;
    });
  }

  listRoleDefinitions(): readonly RoleDefinition[] {
    return AZURE_ROLES;
  }

  /**
   * What `{scope}/providers/Microsoft.Authorization/permissions` reports for the caller: the ARM
   * actions (`*` unless the control API narrowed them for this principal; ARM itself does not
   * enforce them) and the data actions of the caller's role assignments at or above the scope.
   */
  permissionsAt(scope: string, caller: Caller): Array<{ actions: string[]; notActions: string[]; dataActions: string[]; notDataActions: string[] }> {
    const target = this.resolveScope(scope).scope.toLowerCase();
    const actions = this.context.state.meta.armActions?.[caller.objectId.toLowerCase()] ?? ['*'];
    const permissions = [{ actions: [...actions], notActions: [] as string[], dataActions: [] as string[], notDataActions: [] as string[] }];
    for (const assignment of this.context.state.roleAssignments.values()) {
      const assigned = assignment.scope.toLowerCase();
      if (assignment.principalId !== caller.objectId.toLowerCase() || (target !== assigned && !target.startsWith(`${assigned}/`))) continue;
      const definition = findAzureRole(assignment.roleDefinitionId);
      if (definition) permissions.push({ actions: [], notActions: [], dataActions: [...definition.dataActions], notDataActions: [...definition.notDataActions] });
    }
    return permissions;
  }

  /** Control API: narrow (or with null, restore) the ARM actions `permissions` reports for a principal. */
  setArmActions(objectId: string, actions: string[] | null): void {
    if (!isGuid(objectId)) throw badRequest('InvalidPrincipalId', 'objectId must be a GUID.');
    if (actions !== null && (!Array.isArray(actions) || !actions.every((a) => typeof a === 'string')))
      throw badRequest('InvalidActions', 'actions must be an array of strings or null.');
    const meta = this.context.state.meta;
    const next = { ...(meta.armActions ?? {}) };
    if (actions === null) delete next[objectId.toLowerCase()];
    else next[objectId.toLowerCase()] = actions;
    meta.armActions = next;
    this.context.state.markDirty('meta', 'main');
  }

  /** Resolves and checks a scope; the returned scope has the existing resources' own spelling. */
  resolveScope(scope: string): { scope: string; subscriptionId: string } {
    const match = SCOPE.exec(scope.replace(/\/+$/, ''));
    if (!match)
      throw badRequest(
        'InvalidScope',
        `The scope '${scope}' is not supported by the emulator for role assignments; use a subscription, resource group, vault, managed HSM or vault key scope.`,
      );
    const [, subscriptionId = '', resourceGroup, kind, resourceName, keyName] = match;
    const subscription = this.subscriptions.get(subscriptionId);
    let resolved = `/subscriptions/${subscription.id}`;
    if (resourceGroup !== undefined) {
      const group = this.context.state.resourceGroups.get(resourceGroupKey(subscription.id, resourceGroup));
      if (!group) throw notFound('ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`);
      resolved += `/resourceGroups/${group.name}`;
      if (kind !== undefined && resourceName !== undefined) {
        const isVault = kind.toLowerCase() === 'vaults';
        const resource = isVault ? this.context.state.vaults.get(nameKey(resourceName)) : this.context.state.hsms.get(nameKey(resourceName));
        if (
          !resource ||
          resource.deleted ||
          resource.resourceGroup.toLowerCase() !== group.name.toLowerCase() ||
          resource.subscriptionId.toLowerCase() !== subscription.id.toLowerCase()
        ) {
          throw notFound(
            'ResourceNotFound',
            `The Resource 'Microsoft.KeyVault/${isVault ? 'vaults' : 'managedHSMs'}/${resourceName}' under resource group '${group.name}' was not found.`,
          );
        }
        resolved += `/providers/Microsoft.KeyVault/${isVault ? 'vaults' : 'managedHSMs'}/${resource.name}`;
        if (keyName !== undefined) resolved += `/keys/${keyName}`;
      }
    }
    return { scope: resolved, subscriptionId: subscription.id };
  }

  private resolveRoleDefinition(value: unknown): RoleDefinition {
    const id = typeof value === 'string' ? (value.split('/').pop() ?? '') : '';
    const definition = findAzureRole(id);
    if (!definition) {
      throw badRequest('RoleDefinitionDoesNotExist', `The specified role definition with ID '${id || String(value)}' does not exist.`);
    }
    return definition;
  }
}
