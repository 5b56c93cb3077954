import assert from 'node:assert/strict';
import { LOCAL_PEOPLE as P, sha256Hex } from '../../src/core';
import type { BotFeature } from '../../src/bot/botTypes';
import { VERBS } from '../../src/bot/cards/verbs';
import { PlaygroundClient, type PlaygroundMessage } from '../../src/cli/playgroundClient';
import { PLAYGROUND_CONVERSATIONS } from '../../src/cli/playgroundConfig';
import { startHarness, type Harness } from '../helpers/keywardHarness';
import { startPlayground, type PlaygroundProcess } from '../helpers/playgroundProcess';
import { assertValidCard } from '../helpers/cardRules';
import { buttonData } from '../bot/approvals/approvalsHttpWorld';
import { collect } from '../helpers/collect';

const GROUP = PLAYGROUND_CONVERSATIONS.groupChat.id;
const PERSONAL = PLAYGROUND_CONVERSATIONS.personalChat;

/**
 * Test-only stand-in for the setup journey's "Submit for approval": the operator types
 * "testplan" and the plan goes to the approvals service exactly as a journey hands it over
 * (identity and conversation reference from the turn).
 */
function testPlanFeature(harness: () => Harness): BotFeature {
  return {
    name: 'e2e-test-plan',
    commands: [
      {
        name: 'testplan',
        summary: 'test only: submit a fixed setup plan for approval',
        async run(_args, io) {
          const request = await harness().keyward.approvals.service.submit({
            planHash: sha256Hex('e2e setup plan'),
            operationClass: 'create',
            title: 'Set up Customer Key for Contoso (e2e)',
            summaryLines: ['Create vault kv-e2e-a and key ck-a (RSA-HSM 3072)', 'Create vault kv-e2e-b and key ck-b', 'Purge protection cannot be turned off later.'],
            targets: ['kv-e2e-a', 'kv-e2e-b'],
            requester: io.actor,
            reason: 'End-to-end test of the approval flow',
            origin: io.reference(),
            journeyId: 'e2e-journey',
          });
          await io.sendText(`Submitted for approval: request ${request.id}`);
        },
      },
    ],
  };
}

describe('approvals end to end through the real Agents Playground', function () {
  this.timeout(120_000);
  let harness: Harness;
  let playground: PlaygroundProcess;
  let client: PlaygroundClient;

  before(async () => {
    harness = await startHarness({ KEYWARD_APPROVALS_TICK_SECONDS: '0' }, { extraFeatures: [testPlanFeature(() => harness)] });
    playground = await startPlayground(`${harness.url}/api/messages`);
    client = await new PlaygroundClient(playground.url).connect();
  });
  after(async () => {
    client?.close();
    await playground?.stop();
    await harness?.close();
  });

  it("when the operator submits a plan, then the approval card appears in the approvers' group chat; the operator's own click is refused; two approvers approve; the card and the operator see the outcome", async () => {
    const seen = client.snapshot();
    await client.say(PERSONAL, P.operator.teamsId, 'testplan', true);
    const confirmation = await client.waitForNew(
      seen,
      (m) => m.conversationId === PERSONAL && /Submitted for approval: request/.test(m.text ?? ''),
      20_000,
      'the submission confirmation',
    );
    const requestId = /request ([0-9a-f-]{36})/.exec(confirmation.text ?? '')![1]!;

    const posted = await client.waitForNew(
      seen,
      (m) => m.conversationId === GROUP && m.cards.length > 0 && JSON.stringify(m.cards[0]).includes(requestId),
      20_000,
      'the approval card in the group chat',
    );
    const card = posted.cards[0]!;
    assertValidCard(card, 'approval card as the playground shows it');
    assert.match(JSON.stringify(card), /Approval needed: Set up Customer Key for Contoso \(e2e\)/);
    assert.match(JSON.stringify(card), /Olivia Operator/);

    // The playground has no user-specific views: everyone sees the shared card, and the server decides.
    const own = await client.click(GROUP, P.operator.teamsId, posted.messageId, VERBS.approvalApprove, {
      ...buttonData(card, VERBS.approvalApprove),
      reason: 'I approve my own plan',
    });
    assert.match(JSON.stringify(own.value), /\(SelfApprovalForbidden\)/);

    const outsider = await client.click(GROUP, P.observer.teamsId, posted.messageId, VERBS.approvalApprove, { ...buttonData(card, VERBS.approvalApprove), reason: 'why not' });
    assert.match(JSON.stringify(outsider.value), /\(NotAnApprover\)/);

    const alex = await client.click(GROUP, P.approverAlex.teamsId, posted.messageId, VERBS.approvalApprove, {
      ...buttonData(card, VERBS.approvalApprove),
      reason: 'Names and regions checked',
    });
    assert.match(JSON.stringify(alex.value), /Your approval was recorded/);
    await client.waitFor((m) => m.messageId === posted.messageId && /1 given, 1 more needed/.test(JSON.stringify(m.cards[0])), 20_000, 'the shared card showing one approval');

    const bruno = await client.click(GROUP, P.approverBruno.teamsId, posted.messageId, VERBS.approvalApprove, { ...buttonData(card, VERBS.approvalApprove), reason: 'Agreed' });
    assert.match(JSON.stringify(bruno.value), /completes the rule: the request is approved/);

    const outcome: PlaygroundMessage = await client.waitFor(
      (m) => m.messageId === posted.messageId && /Approved: Set up Customer Key/.test(JSON.stringify(m.cards[0])),
      20_000,
      'the shared card showing the approval',
    );
    assert.match(JSON.stringify(outcome.cards[0]), /Approved by Alex Approver, Bruno Approver/);
    assert.ok(outcome.updates >= 2, 'updated in place, not re-posted');
    assertValidCard(outcome.cards[0], 'approved card');

    await client.waitForNew(seen, (m) => m.conversationId === PERSONAL && /^Approved: your request/.test(m.text ?? ''), 20_000, "the decision in the operator's chat");

    const stored = (await harness.keyward.approvals.service.get(requestId))!;
    assert.equal(stored.status, 'approved');
    assert.deepEqual(
      stored.votes.map((v) => v.voter.name),
      ['Alex Approver', 'Bruno Approver'],
    );
    const refused = (await collect(harness.keyward.approvals.audit.records()))
      .filter((r) => r.requestId === requestId && r.outcome === 'denied')
      .map((r) => [r.actor.objectId, r.reason]);
    assert.deepEqual(refused, [
      [P.operator.objectId, 'SelfApprovalForbidden'],
      [P.observer.objectId, 'NotAnApprover'],
    ]);
    assert.equal((await harness.keyward.approvals.audit.verify()).ok, true);
  });
});
