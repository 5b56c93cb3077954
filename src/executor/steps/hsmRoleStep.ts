import { isAppError } from '../../core';
import { assignmentNameFor } from '../../azure/assignmentNames';
import type { AssignHsmRoleStep } from '../../customerKey';
import type { StepHandler } from '../stepHandler';

/**
 * assignHsmRole: Managed HSM local RBAC — Crypto Service Encryption User at `/keys/<name>` for a
 * Microsoft 365 service principal, Crypto User at `/keys` for Keyward. Check: list the assignments
 * that apply at the scope (Managed HSM Administrator / Crypto Auditor): unlike ARM, the HSM accepts
 * the same role for the same principal twice under two names, so only a read prevents a duplicate.
 * An assignment of the role at the scope or above it counts. Apply: one PUT with a name derived from
 * HSM, scope, role and principal (Managed HSM Administrator or Policy Administrator). Requests: 2.
 */
export const hsmRoleStep: StepHandler<AssignHsmRoleStep> = {
  kind: 'assignHsmRole',
  describe: (step) => `Giving ${step.params.principal.displayName} ${step.params.roleName} at ${step.params.scope} on HSM ${step.params.hsmName}`,
  target: (step) => `/subscriptions/${step.params.subscriptionId}/resourceGroups/${step.params.resourceGroup}/providers/Microsoft.KeyVault/managedHSMs/${step.params.hsmName}${step.params.scope === '/' ? '' : step.params.scope}`,
  async check(step, context) {
    const p = step.params;
    const url = await context.containers.url({ kind: 'managedHsm', name: p.hsmName, subscriptionId: p.subscriptionId, resourceGroup: p.resourceGroup });
    const existing = (await context.azure.listHsmRoleAssignments(url, p.scope)).find(
      (a) => a.principalId.toLowerCase() === p.principal.objectId.toLowerCase() && roleMatches(a.roleDefinitionId, p.roleDefinitionId) && covers(a.scope, p.scope),
    );
    if (existing) {
      const broader = normalize(existing.scope) !== normalize(p.scope);
      return { state: 'done', output: { assignmentName: existing.name, scope: existing.scope, reused: true }, note: `${p.principal.displayName} already has ${p.roleName} at ${existing.scope || '/'}${broader ? ` (broader than ${p.scope})` : ''}; nothing added.` };
    }
    return { state: 'todo' };
  },
  async apply(step, context) {
    const p = step.params;
    const url = await context.containers.url({ kind: 'managedHsm', name: p.hsmName, subscriptionId: p.subscriptionId, resourceGroup: p.resourceGroup });
    const name = assignmentNameFor(p.hsmName, p.scope, p.roleDefinitionId, p.principal.objectId);
    try {
      const assignment = await context.azure.createHsmRoleAssignment(url, p.scope, name, p.roleDefinitionId, p.principal.objectId);
      return { assignmentName: assignment.name || name, scope: assignment.scope || p.scope, reused: false };
    } catch (error) {
      // Our own name already exists: an earlier attempt's PUT landed but its answer was lost.
      if (isAppError(error, 'AzureConflict')) return { assignmentName: name, scope: p.scope, reused: true };
      throw error;
    }
  },
  async verify(step, _context, output) {
    const p = step.params;
    return { output, note: `${p.principal.displayName} has ${p.roleName} at ${p.scope} on HSM ${p.hsmName}.` };
  },
};

function roleMatches(assigned: string, wanted: string): boolean {
  return (assigned.split('/').pop() ?? '').toLowerCase() === (wanted.split('/').pop() ?? '').toLowerCase();
}

function normalize(scope: string): string {
  const trimmed = scope.replace(/\/+$/, '').toLowerCase();
  return trimmed === '' ? '/' : trimmed;
}

/** `/` covers everything, `/keys` covers `/keys/<name>`. */
function covers(assigned: string, wanted: string): boolean {
  const a = normalize(assigned);
  const w = normalize(wanted);
  return a === '/' || a === w || w.startsWith(`${a}/`);
}
