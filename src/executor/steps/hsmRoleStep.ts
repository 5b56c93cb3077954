import { isAppError, say } from '../../core';
import { assignmentNameFor } from '../../azure/assignmentNames';
import { appError } from '../../core';
import type { AssignHsmRoleStep, RevokeHsmRoleStep } from '../../customerKey';
import type { StepHandler } from '../stepHandler';

/**
 * assignHsmRole: Managed HSM local RBAC — Crypto Service Encryption User at `/keys/<name>` for a
 * Microsoft 365 service principal, Keyward's own custom key role at `/keys` (created first, from
 * the plan's `definition`). Check: list the assignments
 * that apply at the scope (Managed HSM Administrator / Crypto Auditor): unlike ARM, the HSM accepts
 * the same role for the same principal twice under two names, so only a read prevents a duplicate.
 * An assignment of the role at the scope or above it counts. Apply: one PUT with a name derived from
 * HSM, scope, role and principal (Managed HSM Administrator or Policy Administrator). Requests: 2.
 */
export const hsmRoleStep: StepHandler<AssignHsmRoleStep> = {
  kind: 'assignHsmRole',
  describe: (step) =>
    say('run.do.hsmRole', `Giving ${step.params.principal.displayName} ${step.params.roleName} at ${step.params.scope} on HSM ${step.params.hsmName}`, {
      principal: step.params.principal.displayName,
      role: step.params.roleName,
      scope: step.params.scope,
      hsm: step.params.hsmName,
    }),
  target: (step) =>
    `/subscriptions/${step.params.subscriptionId}/resourceGroups/${step.params.resourceGroup}/providers/Microsoft.KeyVault/managedHSMs/${step.params.hsmName}${step.params.scope === '/' ? '' : step.params.scope}`,
  async check(step, context) {
    const p = step.params;
    const url = await context.containers.url({ kind: 'managedHsm', name: p.hsmName, subscriptionId: p.subscriptionId, resourceGroup: p.resourceGroup });
    const existing = (await context.azure.listHsmRoleAssignments(url, p.scope)).find(
      (a) => a.principalId.toLowerCase() === p.principal.objectId.toLowerCase() && roleMatches(a.roleDefinitionId, p.roleDefinitionId) && covers(a.scope, p.scope),
    );
    if (existing) {
      const broader = normalize(existing.scope) !== normalize(p.scope);
      return {
        state: 'done',
        output: { assignmentName: existing.name, scope: existing.scope, reused: true },
        note: broader
          ? say('run.note.hsmRoleBroader', `${p.principal.displayName} already has ${p.roleName} at ${existing.scope || '/'} (broader than ${p.scope}); nothing added.`, {
              principal: p.principal.displayName,
              role: p.roleName,
              at: existing.scope || '/',
              scope: p.scope,
            })
          : say('run.note.hsmRoleHeld', `${p.principal.displayName} already has ${p.roleName} at ${existing.scope || '/'}; nothing added.`, {
              principal: p.principal.displayName,
              role: p.roleName,
              at: existing.scope || '/',
            }),
      };
    }
    return { state: 'todo' };
  },
  async apply(step, context) {
    const p = step.params;
    const url = await context.containers.url({ kind: 'managedHsm', name: p.hsmName, subscriptionId: p.subscriptionId, resourceGroup: p.resourceGroup });
    // Keyward's own custom role (no delete, no purge): PUT is idempotent, so it is simply written.
    if (p.definition)
      await context.azure.putHsmRoleDefinition(url, {
        name: p.roleDefinitionId,
        roleName: p.definition.roleName,
        description: p.definition.description,
        dataActions: [...p.definition.dataActions],
      });
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
    return {
      output,
      note: say('run.note.hsmRoleGiven', `${p.principal.displayName} has ${p.roleName} at ${p.scope} on HSM ${p.hsmName}.`, {
        principal: p.principal.displayName,
        role: p.roleName,
        scope: p.scope,
        hsm: p.hsmName,
      }),
    };
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

/**
 * revokeHsmRole: Keyward gives up a Managed HSM local role it no longer needs — its Administrator
 * role once the HSM is activated and every role it needed is assigned. Check: list the role
 * assignments at the scope; done when Keyward holds the role there no more. Apply: refuse unless
 * every administrator the plan keeps still holds the role at `/` (an HSM is never left without a
 * human administrator), then DELETE each of Keyward's assignments of the role at the scope. After
 * this Keyward cannot change roles in the HSM; its own key role has no delete or purge. Requests: 2+.
 */
export const revokeHsmRoleStep: StepHandler<RevokeHsmRoleStep> = {
  kind: 'revokeHsmRole',
  describe: (step) =>
    say('run.do.revoke', `Removing ${step.params.principal.displayName}'s ${step.params.roleName} role in HSM ${step.params.hsmName}`, {
      principal: step.params.principal.displayName,
      role: step.params.roleName,
      hsm: step.params.hsmName,
    }),
  target: (step) => `/subscriptions/${step.params.subscriptionId}/resourceGroups/${step.params.resourceGroup}/providers/Microsoft.KeyVault/managedHSMs/${step.params.hsmName}`,
  async check(step, context) {
    const p = step.params;
    const url = await context.containers.url({ kind: 'managedHsm', name: p.hsmName, subscriptionId: p.subscriptionId, resourceGroup: p.resourceGroup });
    const held = (await context.azure.listHsmRoleAssignments(url, p.scope)).filter(
      (a) => a.principalId.toLowerCase() === p.principal.objectId.toLowerCase() && roleMatches(a.roleDefinitionId, p.roleDefinitionId) && normalize(a.scope) === normalize(p.scope),
    );
    if (held.length === 0)
      return {
        state: 'done',
        output: { removed: 0 },
        note: say('run.note.revokeNone', `${p.principal.displayName} does not hold ${p.roleName} in HSM ${p.hsmName}.`, {
          principal: p.principal.displayName,
          role: p.roleName,
          hsm: p.hsmName,
        }),
      };
    return { state: 'todo' };
  },
  async apply(step, context) {
    const p = step.params;
    const url = await context.containers.url({ kind: 'managedHsm', name: p.hsmName, subscriptionId: p.subscriptionId, resourceGroup: p.resourceGroup });
    const assignments = await context.azure.listHsmRoleAssignments(url, p.scope);
    const holders = new Set(assignments.filter((a) => roleMatches(a.roleDefinitionId, p.roleDefinitionId) && normalize(a.scope) === '/').map((a) => a.principalId.toLowerCase()));
    const missing = p.keepAdministrators.filter((id) => !holders.has(id.toLowerCase()));
    if (missing.length > 0 || p.keepAdministrators.length === 0) {
      throw appError(
        'RunFailed',
        `Keyward keeps its ${p.roleName} role in HSM ${p.hsmName}: ${missing.length > 0 ? `the administrator${missing.length === 1 ? '' : 's'} ${missing.join(', ')} no longer hold${missing.length === 1 ? 's' : ''} it` : 'no human administrator was named'}, and an HSM must not be left without one. Give a person the role (az keyvault role assignment create --hsm-name ${p.hsmName} --role "Managed HSM Administrator" --assignee-object-id <id> --scope /), then Retry.`,
      );
    }
    const mine = assignments.filter(
      (a) => a.principalId.toLowerCase() === p.principal.objectId.toLowerCase() && roleMatches(a.roleDefinitionId, p.roleDefinitionId) && normalize(a.scope) === normalize(p.scope),
    );
    for (const assignment of mine) {
      try {
        await context.azure.deleteHsmRoleAssignment(url, p.scope, assignment.name);
      } catch (error) {
        // Gone already: an earlier attempt's DELETE landed but its answer was lost.
        if (!isAppError(error, 'AzureNotFound')) throw error;
      }
    }
    return { removed: mine.length };
  },
  async verify(step, _context, output) {
    const p = step.params;
    return {
      output,
      note: say(
        'run.note.revoked',
        `${p.principal.displayName} no longer holds ${p.roleName} in HSM ${p.hsmName}; ${p.keepAdministrators.length} human administrator(s) keep it.`,
        { principal: p.principal.displayName, role: p.roleName, hsm: p.hsmName, count: p.keepAdministrators.length },
      ),
    };
  },
};
