import assert from 'node:assert/strict';
import { LOCAL_PEOPLE as P, LOCAL_TENANT_ID, toAppError } from '../../src/core';
import { loadConfig } from '../../src/config';
import { startKeyward, type Keyward } from '../../src/main';
import { VERBS } from '../../src/bot/cards/verbs';
import { invokeActivity, postActivity } from '../helpers/activities';
import { ApprovalsHttpWorld, answerOf, buttonData, GROUP_CHAT } from '../bot/approvals/approvalsHttpWorld';
import { collect } from '../helpers/collect';

type Person = (typeof P)[keyof typeof P];

function clickActivity(world: ApprovalsHttpWorld, person: Person, card: Record<string, unknown>, index: number) {
  return invokeActivity(
    VERBS.approvalApprove,
    { ...buttonData(card, VERBS.approvalApprove), reason: `click ${index} by ${person.givenName}` },
    { serviceUrl: world.connector.url, from: person, conversationId: GROUP_CHAT, conversationType: 'groupChat' },
  );
}

describe('approvals under concurrency (parallel invokes through the real HTTP endpoint)', function () {
  this.timeout(60_000);

  it('when 10 approve clicks from 3 eligible approvers arrive at once, then exactly 3 votes count and the request is approved exactly once', async () => {
    const world = await ApprovalsHttpWorld.start();
    try {
      let approvedEvents = 0;
      world.approvals.service.onApproved(() => {
        approvedEvents += 1;
      });
      // A key roll: one key approver + the custodian of key A + the custodian of key B.
      const request = await world.submit(P.operator, {
        operationClass: 'keyRoll',
        keySides: { A: [P.approverChen.objectId], B: [P.approverDana.objectId] },
        journeyId: 'journey-roll',
      });
      const { card } = world.approverMessage(request.id);
      const clickers: Person[] = [
        P.approverAlex,
        P.approverChen,
        P.approverDana,
        P.approverAlex,
        P.approverChen,
        P.approverDana,
        P.approverAlex,
        P.approverChen,
        P.approverDana,
        P.approverAlex,
      ];
      const answers = (await Promise.all(clickers.map((person, i) => postActivity(world.harness.url, clickActivity(world, person, card, i))))).map(answerOf);
      await world.approvals.idle();

      assert.ok(answers.every((a) => a.status === 200));
      const recorded = answers.filter((a) => /Your approval was recorded/.test(a.text));
      assert.equal(recorded.length, 3, answers.map((a) => a.text).join('\n'));
      assert.equal(answers.filter((a) => /completes the rule/.test(a.text)).length, 1);
      for (const refused of answers.filter((a) => !/Your approval was recorded/.test(a.text))) assert.match(refused.text, /\((AlreadyVoted|RequestAlreadyDecided)\)/);

      const stored = (await world.approvals.service.get(request.id))!;
      assert.equal(stored.status, 'approved');
      assert.deepEqual(stored.votes.map((v) => v.voter.objectId).sort(), [P.approverAlex.objectId, P.approverChen.objectId, P.approverDana.objectId].sort());
      assert.equal(approvedEvents, 1);
      assert.equal((await world.auditActions(request.id)).filter((a) => a === 'approval.approved').length, 1);
      assert.equal((await world.auditActions(request.id)).filter((a) => a === 'approval.vote.recorded').length, 3);
      assert.equal((await world.approvals.audit.verify()).ok, true);
      assert.match(JSON.stringify(world.latestCard(request.id)), /Approved: Set up Customer Key/, 'the last update of the shared card shows the final state');
    } finally {
      await world.close();
    }
  });

  it('when two Keyward instances share one SQLite file and votes race across both, then the vote count, the approval and the execution claim each happen exactly once', async () => {
    const world = await ApprovalsHttpWorld.start();
    let second: Keyward | undefined;
    try {
      second = await startKeyward(loadConfig({ PORT: '0', KEYWARD_DATA_DIR: world.harness.dataDir, KEYWARD_APPROVALS_TICK_SECONDS: '0' }), {
        logger: world.harness.keyward.logger,
      });
      const instances = [world.harness.keyward, second];
      let approvedEvents = 0;
      for (const k of instances) {
        k.approvals.service.onApproved(() => {
          approvedEvents += 1;
        });
      }
      const request = await world.submit(P.operator);
      const { card } = world.approverMessage(request.id);
      const urls = [world.harness.url, second.server.url];
      const clicks = Array.from({ length: 12 }, (_, i) => ({ person: i % 2 === 0 ? P.approverAlex : P.approverBruno, url: urls[Math.floor(i / 2) % 2]! }));
      const answers = (await Promise.all(clicks.map((click, i) => postActivity(click.url, clickActivity(world, click.person, card, i))))).map(answerOf);
      await Promise.all(instances.map((k) => k.approvals.idle()));

      assert.equal(answers.filter((a) => /Your approval was recorded/.test(a.text)).length, 2, answers.map((a) => a.text).join('\n'));
      assert.equal(approvedEvents, 1, 'onApproved fired once across both processes');
      const stored = (await second.approvals.service.get(request.id))!;
      assert.equal(stored.status, 'approved');
      assert.equal(stored.votes.length, 2);
      assert.equal((await world.auditActions(request.id)).filter((a) => a === 'approval.approved').length, 1);

      const claims = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => instances[i % 2]!.approvals.service.beginExecution(request.id, { objectId: `executor-${i}` })));
      assert.equal(claims.filter((c) => c.status === 'fulfilled').length, 1);
      assert.deepEqual([...new Set(claims.filter((c): c is PromiseRejectedResult => c.status === 'rejected').map((c) => toAppError(c.reason).code))], ['RequestAlreadyDecided']);
      assert.equal((await world.auditActions(request.id)).filter((a) => a === 'execution.started').length, 1);
      assert.equal((await second.approvals.audit.verify()).ok, true, 'both processes appended to one intact chain');
      assert.ok((await collect(second.approvals.audit.records())).every((r) => r.actor.tenantId === null || r.actor.tenantId === LOCAL_TENANT_ID));
    } finally {
      await second?.stop();
      await world.close();
    }
  });
});
