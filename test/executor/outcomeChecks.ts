import assert from 'node:assert/strict';
import type { Plan } from '../../src/customerKey';
import type { ExecutorWorld } from './executorWorld';

interface VaultState {
  name: string;
  deleted?: unknown;
  accessPolicies: Array<{ objectId: string }>;
}
interface HsmState {
  name: string;
  roleAssignments: Array<{ scope: string; roleDefinitionId: string; principalId: string }>;
}
interface RoleState {
  scope: string;
  roleDefinitionId: string;
  principalId: string;
}

/**
 * What every fault test ends with: the run and its request succeeded; in the emulator exactly one
 * vault (or HSM) per planned name, exactly one key version per planned key — the one tagged with
 * this request — no duplicate access policy, Azure role assignment or HSM local role assignment;
 * and the audit chain verifies.
 */
export async function assertCleanOutcome(world: ExecutorWorld, plan: Plan, requestId: string): Promise<void> {
  const run = await world.run(requestId);
  assert.equal(run.status, 'succeeded', `run ${run.status}: ${JSON.stringify(run.lastError)}`);
  assert.equal((await world.approvals.get(requestId))?.status, 'succeeded');
  const state = await world.emulator.control.state();
  const vaults = state.vaults as VaultState[];
  const hsms = state.managedHsms as HsmState[];
  for (const ref of plan.keys) {
    const containers = (ref.containerKind === 'vault' ? vaults : hsms).filter((c) => c.name.toLowerCase() === ref.containerName.toLowerCase());
    assert.equal(containers.length, 1, `one ${ref.containerKind} named ${ref.containerName}`);
    const keys = state.keys.filter((k) => k.container.toLowerCase() === ref.containerName.toLowerCase() && k.name === ref.keyName);
    assert.equal(keys.length, 1, `one key ${ref.keyName} in ${ref.containerName}`);
    const versions = keys[0]!.versions as Array<{ tags: Record<string, string> }>;
    assert.equal(versions.length, 1, `one version of ${ref.containerName}/${ref.keyName}, found ${versions.length}`);
    assert.equal(versions[0]!.tags['keyward-request'], requestId);
  }
  for (const vault of vaults) {
    const ids = vault.accessPolicies.map((p) => p.objectId.toLowerCase());
    assert.equal(new Set(ids).size, ids.length, `no duplicate access policy on ${vault.name}`);
  }
  const roles = (state.roleAssignments as RoleState[]).map((r) => `${r.scope.toLowerCase()}|${r.roleDefinitionId.toLowerCase()}|${r.principalId.toLowerCase()}`);
  assert.equal(new Set(roles).size, roles.length, 'no duplicate Azure role assignment');
  for (const hsm of hsms) {
    const local = hsm.roleAssignments.map((r) => `${r.scope.toLowerCase()}|${(r.roleDefinitionId.split('/').pop() ?? '').toLowerCase()}|${r.principalId.toLowerCase()}`);
    assert.equal(new Set(local).size, local.length, `no duplicate local role assignment on ${hsm.name}`);
  }
  const verification = await world.audit.verify();
  assert.equal(verification.ok, true, JSON.stringify(verification.firstBad));
}
