import assert from 'node:assert/strict';
import { LOCAL_PEOPLE, LOCAL_TENANT_ID, textOf } from '../../../src/core';
import { inventoryWorld, OBSERVER, OPERATOR, type InventoryWorld } from '../inventory/inventoryFixtures';
import { servicesFor } from '../inventory/opsGallery';

const at = (j: { id: string; version: number }) => ({ journeyId: j.id, version: j.version });
const BRUNO = { aadObjectId: LOCAL_PEOPLE.approverBruno.objectId, name: LOCAL_PEOPLE.approverBruno.displayName, tenantId: LOCAL_TENANT_ID };

describe('teardown journey', () => {
  let world: InventoryWorld;
  let s: ReturnType<typeof servicesFor>;
  beforeEach(async () => {
    world = await inventoryWorld();
    s = servicesFor(world, { coolingOffMs: 10 * 60_000 });
  });
  const hsms = async () => (await world.inventory.containers()).filter((c) => c.kind === 'managedHsm');

  async function approved() {
    let t = await s.teardown.start(OPERATOR, 'c', {});
    t = await s.teardown.choose(at(t), OPERATOR, { targetIds: (await hsms()).map((c) => c.id).join(',') });
    t = await s.teardown.confirm(at(t), OPERATOR, { 'confirm.0': t.targets![0]!.name, 'confirm.1': t.targets![1]!.name, reason: 'Ends.' }, {});
    assert.equal(t.stage, 'submitted', JSON.stringify(t.errors));
    return (await s.teardown.onRequestChanged({ id: t.requestId!, status: 'approved', executeBy: new Date(world.clock.now().getTime() + 3600_000).toISOString() }))!;
  }

  it('when a typed name differs only in case, then it is refused: the name must be typed exactly', async () => {
    let t = await s.teardown.start(OPERATOR, 'c', {});
    t = await s.teardown.choose(at(t), OPERATOR, { targetIds: (await hsms())[0]!.id });
    t = await s.teardown.confirm(at(t), OPERATOR, { 'confirm.0': t.targets![0]!.name.toUpperCase(), reason: 'Ends.' }, {});
    assert.match(textOf(t.errors['confirm.0'] ?? ''), /Type the name exactly as shown/);
    assert.equal(s.submitted.length, 0);
  });

  it('when approved, then the executor gets no plan during the cooling-off; after it and a green re-check, it does', async () => {
    const t = await approved();
    assert.equal(t.stage, 'coolingOff');
    const request = { journeyId: t.id, planHash: t.planHash! };
    assert.equal(await s.teardown.planFor(request), undefined);
    world.clock.advance(10 * 60_000 - 1);
    assert.deepEqual(await s.teardown.releaseDue(), []);
    assert.equal(s.started.length, 0);
    world.clock.advance(1);
    const [released] = await s.teardown.releaseDue();
    assert.equal(released!.released, true);
    assert.deepEqual(s.started, [t.requestId]);
    assert.deepEqual(await s.teardown.planFor(request), t.plan);
  });

  it('when someone who is neither the requester nor an approver presses Cancel, then it is refused; an approver cancels, and the plan is never released', async () => {
    const t = await approved();
    await assert.rejects(s.teardown.cancelCoolingOff(at(t), OBSERVER), { code: 'NotAnApprover' });
    const cancelled = await s.teardown.cancelCoolingOff(at(t), BRUNO);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.cancelled?.role, 'approver');
    world.clock.advance(60 * 60_000);
    assert.deepEqual(await s.teardown.releaseDue(), []);
    assert.equal(await s.teardown.planFor({ journeyId: t.id, planHash: t.planHash! }), undefined);
  });

  it('when the subscription becomes Disabled during the cooling-off, then the re-check holds it (nothing starts) and says why', async () => {
    const t = await approved();
    s.reader.states.set(t.targets![0]!.subscriptionId, 'Disabled');
    world.clock.advance(10 * 60_000);
    const [held] = await s.teardown.releaseDue();
    assert.equal(held!.stage, 'blocked');
    assert.equal(s.started.length, 0);
    assert.ok(held!.preflight!.lines.some((l) => l.status === 'fail' && /Disabled/.test(textOf(l.detail))));
  });

  it('when the deletedManagedHSMs list fails with the ProviderError, then the purge watch falls back to the per-location lookup and finds the HSMs gone', async () => {
    const t = await approved();
    world.clock.advance(10 * 60_000);
    await s.teardown.releaseDue();
    const scheduled = new Date(world.clock.now().getTime() + 90 * 86_400_000).toISOString();
    const steps = t.plan!.steps.map((step) => ({
      index: step.index,
      kind: step.kind,
      status: 'done',
      output: step.kind.startsWith('delete') ? { state: 'softDeleted', scheduledPurgeDate: scheduled } : { state: 'scheduled', scheduledPurgeDate: scheduled },
    }));
    const waiting = (await s.teardown.onRequestChanged({ id: t.requestId!, status: 'succeeded' }, { status: 'succeeded', steps }))!;
    assert.equal(waiting.stage, 'awaitingPurge');
    for (const target of t.targets!) s.reader.deleted.set(target.name.toLowerCase(), { name: target.name, location: target.region, scheduledPurgeDate: scheduled });
    s.reader.providerError = true;
    world.clock.advance(7 * 3600_000);
    const [still] = await s.teardown.watchPurges();
    assert.equal(still!.stage, 'awaitingPurge');
    assert.ok(s.reader.calls.includes(`getDeletedManagedHsm ${t.targets![0]!.name} ${t.targets![0]!.region}`), s.reader.calls.join(', '));
    s.reader.deleted.clear();
    world.clock.advance(91 * 86_400_000);
    const [done] = await s.teardown.watchPurges();
    assert.equal(done!.stage, 'done');
    assert.ok(done!.billingStoppedAt);
    assert.ok((await hsms()).every((c) => c.status === 'purged'));
  });

  it('before the scheduled purge date, a soft-deleted target is looked up at most every watch interval', async () => {
    const t = await approved();
    world.clock.advance(10 * 60_000);
    await s.teardown.releaseDue();
    const scheduled = new Date(world.clock.now().getTime() + 90 * 86_400_000).toISOString();
    const steps = t.plan!.steps.map((step) => ({
      index: step.index,
      kind: step.kind,
      status: 'done',
      output: { state: step.kind.startsWith('delete') ? 'softDeleted' : 'scheduled', scheduledPurgeDate: scheduled },
    }));
    await s.teardown.onRequestChanged({ id: t.requestId!, status: 'succeeded' }, { status: 'succeeded', steps });
    for (const target of t.targets!) s.reader.deleted.set(target.name.toLowerCase(), { name: target.name, location: target.region, scheduledPurgeDate: scheduled });
    await s.teardown.watchPurges();
    const calls = s.reader.calls.length;
    world.clock.advance(60_000);
    await s.teardown.watchPurges();
    assert.equal(s.reader.calls.length, calls, 'no lookup a minute later');
  });
});
