import assert from 'node:assert/strict';
import { LOCAL_PEOPLE as P } from '../../src/core';
import { VERBS } from '../../src/bot/cards/verbs';
import { runAuditCli } from '../../src/cli/audit';
import { invokeActivity } from '../helpers/activities';
import { ApprovalsHttpWorld, buttonData, GROUP_CHAT } from '../bot/approvals/approvalsHttpWorld';
import { collect } from '../helpers/collect';

async function auditVerify(dataDir: string, fingerprint: string): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runAuditCli(['verify', '--fingerprint', fingerprint], { stdout: (t) => (out += t), stderr: (t) => (out += t), env: { KEYWARD_DATA_DIR: dataDir } });
  return { code, out };
}

/**
 * Issue 12, item 1: audited text is stored as UTF-8, so a string that is not well-formed UTF-16
 * (a lone surrogate) used to be stored as U+FFFD while its hash covered the original: the record
 * no longer matched its hash and `audit verify` stopped there for good. Ordinary input made it:
 * a vote reason cut at 500 UTF-16 units through an emoji, or a hand-made activity with `\ud800`
 * in the sender's name.
 */
describe('audit text that is not well-formed UTF-16, through the real HTTP endpoint and SQLite', function () {
  this.timeout(60_000);
  let world: ApprovalsHttpWorld;
  beforeEach(async () => {
    world = await ApprovalsHttpWorld.start();
  });
  afterEach(async () => {
    await world.close();
  });

  it('when a vote reason is cut at 500 UTF-16 units through an emoji and a hand-made activity names its sender "\\ud800", then "audit verify" still passes and the stored text is well-formed', async () => {
    const request = await world.submit(P.operator);
    const { messageId, card } = world.approverMessage(request.id);
    // 499 units of words, then an emoji: the 500th and 501st UTF-16 units are its two halves.
    const words = `${'ok '.repeat(166)}o`;
    const reason = `${words}😀 and the rest of a long reason`;
    const alex = await world.click(P.approverAlex, VERBS.approvalApprove, { ...buttonData(card, VERBS.approvalApprove), reason }, { replyToId: messageId });
    assert.match(alex.text, /Your approval was recorded/);

    const forged = invokeActivity(
      VERBS.approvalApprove,
      { ...buttonData(card, VERBS.approvalApprove), reason: 'Agreed' },
      { serviceUrl: world.connector.url, from: P.approverBruno, conversationId: GROUP_CHAT, conversationType: 'groupChat', replyToId: messageId },
    );
    (forged.from as Record<string, unknown>).name = 'Bruno \ud800 Approver';
    const bruno = await world.click(P.approverBruno, VERBS.approvalApprove, {}, { activity: forged });
    assert.match(bruno.text, /completes the rule: the request is approved/);

    assert.equal((await world.approvals.audit.verify()).ok, true, JSON.stringify((await world.approvals.audit.verify()).firstBad));
    const cli = await auditVerify(world.harness.dataDir, world.approvals.service.signer.fingerprint);
    assert.equal(cli.code, 0, cli.out);
    const records = await collect(world.approvals.audit.records());
    const votes = records.filter((r) => r.action === 'approval.vote.recorded');
    assert.equal(votes.length, 2);
    for (const record of records) {
      assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(JSON.stringify(record)), `record ${record.sequence} holds only well-formed text`);
    }
    assert.ok(!votes[0]!.reason!.includes('\ufffd'), 'the reason is cut before the emoji, not through it');
    assert.equal(votes[0]!.reason, words);
    assert.equal(votes[1]!.actor.name, 'Bruno \ufffd Approver');

    // Later records still chain and verify (the log is not stuck at the odd record).
    await world.say(P.operator, 'approvals');
    assert.equal((await auditVerify(world.harness.dataDir, world.approvals.service.signer.fingerprint)).code, 0);
  });
});
