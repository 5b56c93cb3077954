import assert from 'node:assert/strict';
import { LOCAL_PEOPLE } from '../../../src/core';
import { TEARDOWN_VERBS } from '../../../src/bot/teardown/teardownVerbs';
import { hsmPlan } from '../../executor/executorFixtures';
import { testOfficers } from '../../executor/testOfficers';
import { addressOf, GROUP, startOpsWorld, type OpsWorld } from '../inventory/opsWorld';
import { collect } from '../../helpers/collect';

const DAY = 86_400_000;

/**
 * A Managed HSM teardown through HTTP against the emulator, with Azure's
 * "failed to return collection response for type 'deletedManagedHSMs'" ProviderError armed on every
 * list of deleted HSMs: the purge step and the purge watch fall back to the per-location GET, and
 * the card says billing has stopped only once the HSMs are gone.
 */
describe('Managed HSM teardown through HTTP, with the deletedManagedHSMs ProviderError', function () {
  this.timeout(120_000);
  let world: OpsWorld;

  before(async () => {
    world = await startOpsWorld();
  });
  after(async () => {
    await world?.close();
  });

  it('when the deleted-HSM list keeps failing, then Keyward falls back to the per-location lookup, waits for the scheduled purge, and only then says billing has stopped', async () => {
    const plan = hsmPlan();
    await world.finishedSetup(plan, { officers: await testOfficers() });
    const ops = world.harness.keyward.operations;
    const names = [...new Set(plan.keys.map((k) => k.containerName))];
    const operatorChat = world.conversationOf(LOCAL_PEOPLE.operator);

    await world.say('teardown');
    const start = world.cardIn(operatorChat, /What should be removed\?/).card;
    const confirm = await world.click(TEARDOWN_VERBS.choose, { ...addressOf(start), targetIds: names.map((n) => `managedHsm:${n}`).join(',') });
    assert.match(confirm.text, /Managed HSM billing continues until purge/);
    assert.match(confirm.text, /It bills hourly until that purge completes/);
    const answer = await world.click(TEARDOWN_VERBS.confirm, { ...addressOf(confirm.card!), 'confirm.0': names[0]!, 'confirm.1': names[1]!, reason: 'HSM pilot ends.' });
    const journeyId = addressOf(answer.card!).journeyId;
    const requestId = (await ops.teardown.get(journeyId)).requestId!;
    await world.approveAs(requestId, [LOCAL_PEOPLE.approverAlex, LOCAL_PEOPLE.approverBruno, LOCAL_PEOPLE.approverDana]);

    const control = world.emulator.emulator.control;
    const fault = await control.injectFault({
      match: { method: 'GET', path: '/providers/Microsoft\\.KeyVault/deletedManagedHSMs$' },
      effect: { type: 'providerError' },
      count: null,
    });
    world.clock.advance(121_000);
    await ops.tick({ health: false });
    await world.settle();
    const run = (await world.harness.keyward.executor.service.getByRequest(requestId))!;
    assert.equal(run.status, 'succeeded', JSON.stringify(run.lastError));
    const purges = run.steps.filter((s) => s.kind === 'purgeManagedHsm');
    assert.deepEqual(
      purges.map((s) => [s.output?.state, s.output?.lookedUpBy]),
      [
        ['scheduled', 'perLocation'],
        ['scheduled', 'perLocation'],
      ],
    );
    assert.ok(
      (await collect(world.harness.keyward.approvals.audit.records())).some((r) => r.action === 'execution.fallback' && r.requestId === requestId),
      'the fallback is audited',
    );

    let journey = await ops.teardown.get(journeyId);
    assert.equal(journey.stage, 'awaitingPurge');
    const waiting = world.cardIn(GROUP, /cooling-off period|Deleted — waiting for the purge/);
    assert.match(JSON.stringify(waiting.card), /Billing has NOT stopped/);
    assert.doesNotMatch(JSON.stringify(waiting.card), /billing has stopped/);

    await control.advanceClock(91 * DAY);
    await ops.tick({ health: false });
    journey = await ops.teardown.get(journeyId);
    assert.equal(journey.stage, 'done');
    const final = world.cardIn(operatorChat, /Teardown complete — billing has stopped/);
    assert.match(JSON.stringify(final.card), new RegExp(`Billing for ${names[0]}, ${names[1]} has stopped`));
    world.cardIn(GROUP, /Teardown complete — billing has stopped/);
    const hits = (await control.listFaults()).find((f) => f.id === fault.id)?.hits ?? 0;
    assert.ok(hits >= 4, `the ProviderError was really hit (${hits} times)`);
    for (const name of names) assert.equal((await ops.inventory.container(`managedHsm:${name}`))?.status, 'purged');
    await control.clearFaults();
  });
});
