import assert from 'node:assert/strict';
import { LOCAL_PEOPLE } from '../../../src/core';
import { INVENTORY_VERBS } from '../../../src/bot/inventory/inventoryVerbs';
import { hsmPlan } from '../../executor/executorFixtures';
import { testOfficers } from '../../executor/testOfficers';
import { GROUP, startOpsWorld, type OpsWorld } from './opsWorld';
import { collect } from '../../helpers/collect';

const DAY = 86_400_000;

/**
 * Security-domain share attestations through HTTP: a real HSM setup against the emulator (the
 * ceremony records Alex, Bruno and Chen as holders, quorum 2), then Keyward's clock moves on and
 * the holders are asked, in the approvers' chat, whether they still hold their share.
 */
describe('security-domain share attestations through HTTP', function () {
  this.timeout(120_000);
  let world: OpsWorld;

  before(async () => {
    world = await startOpsWorld();
  });
  after(async () => {
    await world?.close();
  });

  it('when the interval has passed, then the holders are asked; each answers for their own share, others are refused, and losing shares below the quorum says the HSM could not be recovered', async () => {
    const plan = hsmPlan();
    await world.finishedSetup(plan, { officers: await testOfficers() });
    const ops = world.harness.keyward.operations;
    const hsm = plan.keys.find((k) => k.site === 'A')!.containerName;
    const asked = (name: string) =>
      world.harness.connector.calls.filter((c) => c.conversationId === GROUP && c.method === 'POST' && JSON.stringify(c.body).includes(`${name}: do you still hold your share?`));

    const fresh = (await ops.shares.custody(hsm))!;
    assert.deepEqual([fresh.health, fresh.quorum, fresh.holders.map((h) => h.name)], ['healthy', 2, ['Alex Approver', 'Bruno Approver', 'Chen Custodian']]);
    await ops.tick({ health: false });
    assert.equal(asked(hsm).length, 0, 'the holders just handed in their certificates: nothing to ask yet');

    world.clock.advance(91 * DAY);
    await ops.tick({ health: false });
    await world.settle();
    assert.equal(asked(hsm).length, 1, "asked once in the approvers' chat");
    const request = world.cardIn(GROUP, new RegExp(`${hsm}: do you still hold your share`)).card;
    assert.match(JSON.stringify(request), /Not proven: only 0 of the 2 shares needed are confirmed/);
    await ops.tick({ health: false });
    assert.equal(asked(hsm).length, 1, 'a second tick in the same round asks nobody again');

    const refused = await world.click(INVENTORY_VERBS.shareHeld, { hsmName: hsm }, LOCAL_PEOPLE.approverDana, GROUP);
    assert.match(refused.text, /Only the holders of a share of .*'s security domain \(Alex Approver, Bruno Approver, Chen Custodian\) can answer/);

    let answer = await world.click(INVENTORY_VERBS.shareHeld, { hsmName: hsm }, LOCAL_PEOPLE.approverAlex, GROUP);
    assert.match(answer.text, /Alex Approver\*\* — holds a share/);
    answer = await world.click(INVENTORY_VERBS.shareHeld, { hsmName: hsm }, LOCAL_PEOPLE.approverChen, GROUP);
    assert.match(answer.text, /Recoverable: 2 of 3 holders confirmed; 2 are needed/);

    await world.click(INVENTORY_VERBS.shareLost, { hsmName: hsm }, LOCAL_PEOPLE.approverBruno, GROUP);
    answer = await world.click(INVENTORY_VERBS.shareLost, { hsmName: hsm }, LOCAL_PEOPLE.approverChen, GROUP);
    assert.match(answer.text, /At risk: fewer than 2 holders still have a share, so the HSM could NOT be recovered/);
    assert.match(answer.text, /Chen Custodian\*\* — said the share is lost/);

    const status = await world.say('status');
    assert.match(JSON.stringify(status.map((c) => c.body)), new RegExp(`Managed HSM ${hsm}.*?Security domain AT RISK: 1 of 3 holders confirmed, 2 needed`));

    const actions = (await collect(world.harness.keyward.approvals.audit.records()))
      .filter((r) => r.target === `managedHsm/${hsm}`)
      .map((r) => [r.action, r.actor.name ?? r.actor.objectId]);
    assert.deepEqual(actions, [
      ['securityDomain.attestation.requested', 'Keyward'],
      ['securityDomain.attestation.refused', LOCAL_PEOPLE.approverDana.displayName],
      ['securityDomain.share.confirmed', LOCAL_PEOPLE.approverAlex.displayName],
      ['securityDomain.share.confirmed', LOCAL_PEOPLE.approverChen.displayName],
      ['securityDomain.share.lost', LOCAL_PEOPLE.approverBruno.displayName],
      ['securityDomain.share.lost', LOCAL_PEOPLE.approverChen.displayName],
    ]);
  });
});
