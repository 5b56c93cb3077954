import assert from 'node:assert/strict';
import { LOCAL_PEOPLE } from '../../../src/core';
import { buildKeyRollPlan, buildTeardownPlan, type Plan } from '../../../src/customerKey';
import type { RecordableRun } from '../../../src/inventory/inventoryService';
import { inventoryWorld, VERSIONS, type InventoryWorld } from './inventoryFixtures';
import { TENANT, SP_OBJECT_IDS } from '../customerKey/fixtures/specs';

function runOf(plan: Plan, requestId: string, outputs: (kind: string, index: number) => Record<string, unknown>, version = 5): RecordableRun {
  return {
    id: `run_${requestId}`,
    requestId,
    version,
    status: 'succeeded',
    plan,
    steps: plan.steps.map((s) => ({ index: s.index, kind: s.kind, status: 'done', output: outputs(s.kind, s.index) })),
  };
}

describe('inventory', () => {
  let world: InventoryWorld;
  beforeEach(async () => {
    world = await inventoryWorld();
  });

  it('when a finished setup run is folded in, then its vaults, HSMs and keys (with versions and custodians) are known, as complete pairs per workload', async () => {
    const containers = await world.inventory.containers();
    assert.equal(containers.filter((c) => c.kind === 'vault').length, 6);
    assert.equal(containers.filter((c) => c.kind === 'managedHsm').length, 2);
    assert.ok(containers.every((c) => c.status === 'active' && c.source === 'setup' && c.purgeProtectionEnabled === true));
    const pairs = await world.inventory.pairs();
    assert.equal(pairs.length, 5, 'three Premium pairs and two HSM pairs');
    const ex = pairs.find((p) => p.A.ref.keyName === 'ck-ex-a')!;
    assert.deepEqual(
      ex.A.versions.map((v) => v.version),
      [VERSIONS['ck-ex-a']],
    );
    assert.deepEqual(ex.A.custodians, { A: [LOCAL_PEOPLE.approverChen.objectId], B: [LOCAL_PEOPLE.approverDana.objectId] });
  });

  it('when the same run is recorded again (every change of a run, a restart), then nothing is added twice', async () => {
    const before = JSON.stringify([await world.inventory.containers(), await world.inventory.keys()]);
    const run = runOf(world.premiumPlan, '11111111-1111-4111-8111-111111111111', (kind) => (kind === 'ensureKey' ? { version: '0'.repeat(32) } : {}), 40);
    assert.deepEqual(await world.inventory.recordRun(run), [], 'an already recorded run version is skipped');
    assert.equal(JSON.stringify([await world.inventory.containers(), await world.inventory.keys()]), before);
  });

  it('when a key-roll run finishes, then the new version is appended and every older one is kept', async () => {
    const pair = (await world.inventory.pairs()).find((p) => p.A.ref.keyName === 'ck-ex-a')!;
    const plan = buildKeyRollPlan({
      tenantId: TENANT,
      key: pair.A.ref,
      keySize: 3072,
      depsToRefresh: [],
      servicePrincipalObjectId: SP_OBJECT_IDS['00000002-0000-0ff1-ce00-000000000000']!,
    });
    const changes = await world.inventory.recordRun(runOf(plan, 'req-roll-1', (kind) => (kind === 'rollKey' ? { version: 'ABCDEF0123456789ABCDEF0123456789' } : {})));
    assert.equal(changes.length, 1);
    assert.deepEqual(
      (await world.inventory.key(pair.A.ref.versionlessUri))!.versions.map((v) => `${v.how}:${v.version}`),
      [`setup:${VERSIONS['ck-ex-a']}`, 'roll:abcdef0123456789abcdef0123456789'],
    );
  });

  it('when a teardown run deletes and Azure schedules the purge, then the container is soft-deleted with its date; once purged, it and its keys are gone', async () => {
    const pair = (await world.inventory.pairs()).find((p) => p.A.ref.keyName === 'ck-ex-a')!;
    const target = {
      site: 'A' as const,
      containerKind: 'vault' as const,
      name: pair.A.ref.containerName,
      subscriptionId: pair.A.ref.subscriptionId,
      resourceGroup: pair.A.ref.resourceGroup,
      region: pair.A.ref.region,
      purgeProtectionEnabled: true,
      softDeleteRetentionDays: 90,
      keys: [{ keyName: pair.A.ref.keyName, workload: 'exchange' as const }],
    };
    const plan = buildTeardownPlan({ tenantId: TENANT, targets: [target], depUsages: [] });
    await world.inventory.recordRun(
      runOf(plan, 'req-td-1', (kind) =>
        kind === 'deleteVault'
          ? { state: 'softDeleted', deletionDate: '2026-11-29T10:00:00.000Z', scheduledPurgeDate: '2027-02-27T10:00:00.000Z' }
          : { state: 'scheduled', scheduledPurgeDate: '2027-02-27T10:00:00.000Z' },
      ),
    );
    const id = `vault:${pair.A.ref.containerName}`;
    assert.equal((await world.inventory.container(id))?.status, 'softDeleted');
    assert.equal((await world.inventory.container(id))?.scheduledPurgeDate, '2027-02-27T10:00:00.000Z');
    assert.equal(
      (await world.inventory.pairs()).some((p) => p.pairId === pair.pairId),
      true,
      'a soft-deleted vault is recoverable: its keys stay listed',
    );
    await world.inventory.markPurged(id, '2027-02-27T10:00:01.000Z', 'req-td-1');
    assert.equal((await world.inventory.container(id))?.status, 'purged');
    assert.equal((await world.inventory.key(pair.A.ref.versionlessUri))?.status, 'gone');
    assert.equal(
      (await world.inventory.pairs()).some((p) => p.pairId === pair.pairId),
      false,
    );
  });

  it('when a DEP is scripted, registered, rolled or withdrawn, then depUsages follows: only a withdrawn DEP stops counting, and a registered one cannot be withdrawn', async () => {
    const pair = (await world.inventory.pairs()).find((p) => p.A.ref.keyName === 'ck-ex-a')!;
    const dep = await world.inventory.scriptDep({
      dep: { scope: 'exchange', policyName: 'Contoso-EX' },
      keyUris: [pair.A.ref.versionlessUri, pair.B.ref.versionlessUri],
      scriptSha256: 'a'.repeat(64),
      journeyId: 'dep_1',
    });
    assert.equal(dep.state, 'Scripted');
    assert.equal((await world.inventory.depUsages()).length, 1, 'a handed-out script may have run: it counts');
    await world.inventory.withdrawDep(dep.id, 'Olivia');
    assert.equal((await world.inventory.depUsages()).length, 0);
    const again = await world.inventory.scriptDep({
      dep: { scope: 'exchange', policyName: 'contoso-ex' },
      keyUris: [pair.A.ref.versionlessUri, pair.B.ref.versionlessUri],
      scriptSha256: 'b'.repeat(64),
      journeyId: 'dep_2',
    });
    await world.inventory.recordDepEvidence(again.id, { state: 'Registered', evidence: { at: 'now', by: 'x', sha256: 'c'.repeat(64), summary: 'ok', problems: [] } });
    const rescripted = await world.inventory.scriptDep({
      dep: { scope: 'exchange', policyName: 'Contoso-EX' },
      keyUris: [pair.A.ref.versionlessUri, pair.B.ref.versionlessUri],
      scriptSha256: 'd'.repeat(64),
      journeyId: 'dep_3',
    });
    assert.equal(rescripted.state, 'Registered', 'handing the script out again never forgets that the policy exists');
    await assert.rejects(async () => await world.inventory.withdrawDep(again.id, 'Olivia'), /only a policy whose script never ran can be withdrawn/);
    await world.inventory.markRolling([again.id], 'key A rolled');
    assert.equal((await world.inventory.depsUsingKey(pair.A.ref.versionlessUri))[0]?.state, 'Rolling');
  });
});
