import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_PEOPLE as P } from '../../src/core';
import { collect } from '../helpers/collect';
import { cardOf, GROUP_CHAT, ApprovalsHttpWorld } from '../bot/approvals/approvalsHttpWorld';
import { LOCAL_POLICY_JSON } from '../unit/approvals/approvalFixtures';

/**
 * Issue 12 item 6: the policy may name an `operators` group — who starts journeys and sees the
 * inventory and runs. Without it, everyone in an allowed tenant may, and the policy card says so.
 * Real HTTP into /api/messages, real SQLite.
 */
describe('operators: who may start journeys and see inventory and runs', function () {
  this.timeout(60_000);
  let dir: string;
  let world: ApprovalsHttpWorld;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-operators-'));
    const policy = JSON.parse(JSON.stringify(LOCAL_POLICY_JSON)) as Record<string, unknown> & { groups: Record<string, unknown> };
    policy.groups.operators = { name: 'Key operators', members: [P.operator.objectId] };
    policy.operators = 'operators';
    const file = path.join(dir, 'policy.json');
    fs.writeFileSync(file, JSON.stringify(policy));
    world = await ApprovalsHttpWorld.start({ KEYWARD_POLICY_FILE: file });
  });
  after(async () => {
    await world.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const refusals = async () =>
    (await collect(world.approvals.audit.records())).filter((r) => r.action === 'operator.refused').map((r) => [r.actor.objectId, r.target, r.details.need]);

  it('when someone outside the operators group starts a journey or asks for status, then it is refused in words and audited, and nothing starts', async () => {
    const journeysBefore = (await world.harness.keyward.setup.listFor({ aadObjectId: P.observer.objectId }, `conv-${P.observer.teamsId}`)).length;
    const setup = await world.say(P.observer, 'setup');
    assert.match(JSON.stringify(setup.map((c) => c.body.text)), /Only members of Key operators may start a journey here/);
    const status = await world.say(P.observer, 'status');
    assert.match(JSON.stringify(status.map((c) => c.body.text)), /Only members of Key operators may see the inventory and runs here/);
    assert.deepEqual(await refusals(), [
      [P.observer.objectId, 'command/setup', 'start'],
      [P.observer.objectId, 'command/status', 'see'],
    ]);
    assert.equal((await world.harness.keyward.setup.listFor({ aadObjectId: P.observer.objectId }, `conv-${P.observer.teamsId}`)).length, journeysBefore, 'no journey was started');
  });

  it('when an approver (not an operator) asks for status, then they see it, but starting a journey is refused', async () => {
    const status = await world.say(P.approverAlex, 'status');
    assert.ok(
      status.some((c) => cardOf(c) !== undefined),
      'the status card',
    );
    const setup = await world.say(P.approverAlex, 'setup');
    assert.match(JSON.stringify(setup.map((c) => c.body.text)), /Only members of Key operators may start a journey/);
  });

  it('when an operator starts a setup, then it starts as before', async () => {
    const setup = await world.say(P.operator, 'setup');
    assert.ok(
      setup.some((c) => cardOf(c) !== undefined),
      'the setup card',
    );
    assert.equal((await refusals()).filter(([who]) => who === P.operator.objectId).length, 0);
  });

  it('when the policy card is shown, then it says who may start journeys and see inventory and runs', async () => {
    const cards = await world.say(P.observer, 'policy', GROUP_CHAT, 'groupChat');
    assert.match(JSON.stringify(cards.map(cardOf)), /Members of Key operators \(operators\) start journeys/);
  });
});

describe('operators: without the group, everyone in an allowed tenant (said on the policy card)', function () {
  this.timeout(60_000);
  it('when the policy names no operators, then an observer may start a setup, and the policy card says everyone may', async () => {
    const world = await ApprovalsHttpWorld.start();
    try {
      assert.ok((await world.say(P.observer, 'setup')).some((c) => cardOf(c) !== undefined));
      assert.match(JSON.stringify((await world.say(P.observer, 'policy')).map(cardOf)), /Everyone in an allowed tenant: the policy names no operators group/);
    } finally {
      await world.close();
    }
  });
});
