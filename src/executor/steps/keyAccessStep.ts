import { say } from '../../core';
import { assignmentNameFor } from '../../azure/assignmentNames';
import type { GrantKeyAccessStep } from '../../customerKey';
import type { StepHandler } from '../stepHandler';
import type { StepOutput } from '../runTypes';

/**
 * grantKeyAccess: a Microsoft 365 service principal gets get/wrapKey/unwrapKey (access policy) or
 * Key Vault Crypto Service Encryption User (RBAC vault); on RBAC vaults Keyward also gets Key Vault
 * Crypto Officer for itself (create and back up keys).
 *
 * Both wire operations are idempotent on the server, so on a first attempt the apply is its own
 * check and no read precedes it (one request, not two):
 * - `accessPolicies/add` is a union: a policy already there is kept, never duplicated
 *   (Key Vault Contributor).
 * - a role assignment PUT uses a name derived from scope, role and principal; Azure answers
 *   RoleAssignmentExists for the same assignment under any name, and the gateway then returns the
 *   existing one (Key Vault Data Access Administrator or User Access Administrator).
 * When an earlier attempt may already have reached Azure (a retry, a resumed run), the access
 * policy is read first and a complete one is left alone.
 */
export const keyAccessStep: StepHandler<GrantKeyAccessStep> = {
  kind: 'grantKeyAccess',
  describe: (step) =>
    step.params.grant.mode === 'rbac'
      ? say('run.do.keyRole', `Giving ${step.params.principal.displayName} ${step.params.grant.roleName} on vault ${step.params.vaultName}`, {
          principal: step.params.principal.displayName,
          role: step.params.grant.roleName,
          vault: step.params.vaultName,
        })
      : say('run.do.keyPolicy', `Giving ${step.params.principal.displayName} get, wrapKey and unwrapKey on vault ${step.params.vaultName}`, {
          principal: step.params.principal.displayName,
          vault: step.params.vaultName,
        }),
  target: (step) => `/subscriptions/${step.params.subscriptionId}/resourceGroups/${step.params.resourceGroup}/providers/Microsoft.KeyVault/vaults/${step.params.vaultName}`,
  async check(step, context) {
    const p = step.params;
    if (p.grant.mode !== 'accessPolicy' || context.earlierApplies === 0) return { state: 'todo' };
    const vault = await context.azure.getVault(p.subscriptionId, p.resourceGroup, p.vaultName);
    const policy = vault?.accessPolicies.find((a) => a.objectId.toLowerCase() === p.principal.objectId.toLowerCase());
    const have = (policy?.keys ?? []).map((k) => k.toLowerCase());
    if (policy && p.grant.keyPermissions.every((k) => have.includes(k.toLowerCase()) || have.includes('all'))) {
      return {
        state: 'done',
        output: { mode: 'accessPolicy', principalId: p.principal.objectId, permissions: [...p.grant.keyPermissions] },
        note: say('run.note.policyHeld', `${p.principal.displayName} already has ${p.grant.keyPermissions.join(', ')} on the keys of vault ${p.vaultName}; nothing added.`, {
          principal: p.principal.displayName,
          permissions: p.grant.keyPermissions.join(', '),
          vault: p.vaultName,
        }),
      };
    }
    return { state: 'todo' };
  },
  async apply(step, context): Promise<StepOutput> {
    const p = step.params;
    if (p.grant.mode === 'accessPolicy') {
      const vault = step.params;
      const tenantId = context.run.plan.tenantId;
      await context.azure.addAccessPolicy(vault.subscriptionId, vault.resourceGroup, vault.vaultName, {
        objectId: p.principal.objectId,
        tenantId,
        keys: [...p.grant.keyPermissions],
      });
      return { mode: 'accessPolicy', principalId: p.principal.objectId, permissions: [...p.grant.keyPermissions] };
    }
    const name = assignmentNameFor(p.grant.scope, p.grant.roleDefinitionId, p.principal.objectId);
    const assignment = await context.azure.createRoleAssignment(p.grant.scope, name, p.grant.roleDefinitionId, p.principal.objectId, 'ServicePrincipal');
    return {
      mode: 'rbac',
      principalId: p.principal.objectId,
      role: p.grant.roleName,
      scope: p.grant.scope,
      assignmentName: assignment.name || name,
      reused: assignment.name !== '' && assignment.name.toLowerCase() !== name,
    };
  },
  async verify(step, _context, output) {
    const p = step.params;
    const note =
      p.grant.mode === 'rbac'
        ? `${p.principal.displayName} has ${p.grant.roleName} on vault ${p.vaultName}${output.reused === true ? ' (an existing assignment; nothing added)' : ''}.`
        : `${p.principal.displayName} has ${p.grant.keyPermissions.join(', ')} on the keys of vault ${p.vaultName}.`;
    return { output, note };
  },
};
