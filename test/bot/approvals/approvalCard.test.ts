import assert from 'node:assert/strict';
import { evaluateRule, type ApprovalRequest } from '../../../src/approvals';
import { readPolicyFile, localPolicyPath } from '../../../src/approvals/policyFile';
import { renderApprovalCard, type ApprovalCardView, type ApprovalViewer } from '../../../src/bot/cards/approvalCard';
import { parseApprovalCardData } from '../../../src/bot/cards/approvalCardData';
import { renderPolicyCard } from '../../../src/bot/cards/approvalPolicyCard';
import { VERBS } from '../../../src/bot/cards/verbs';
import { cardBytes, MAX_CARD_BYTES, type AdaptiveCardJson } from '../../../src/bot/cards/adaptiveCard';
import { assertValidCard } from '../../helpers/cardRules';
import { at, HASH_1, P, personOf, requestIn } from '../../unit/approvals/approvalFixtures';

function actionsOf(card: AdaptiveCardJson): Array<{ title: string; verb: string; data: Record<string, unknown> }> {
  const found: Array<{ title: string; verb: string; data: Record<string, unknown> }> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.type === 'Action.Execute' && record !== card.refresh?.action)
      found.push({ title: String(record.title), verb: String(record.verb), data: record.data as Record<string, unknown> });
    for (const [key, value] of Object.entries(record)) if (key !== 'refresh' && key !== 'fallback') walk(value);
  };
  walk(card.body);
  return found;
}

function view(request: ApprovalRequest, viewer: ApprovalViewer, extra: Partial<ApprovalCardView> = {}): ApprovalCardView {
  return {
    request,
    progress: evaluateRule(request),
    viewer,
    now: at(90),
    names: { [P.approverAlex.objectId]: 'Alex Approver', [P.approverBruno.objectId]: 'Bruno Approver' },
    ...extra,
  };
}

const alexVoted = requestIn('pending', {
  votes: [{ voter: personOf(P.approverAlex), decision: 'approve', reason: 'checked the regions', at: at(30).toISOString(), planHash: HASH_1 }],
});

describe('approval card (pure renderer)', () => {
  const cases: Array<{
    title: string;
    request: ApprovalRequest;
    viewer: ApprovalViewer;
    buttons: string[];
    words: RegExp[];
    absent?: RegExp[];
    extra?: Partial<ApprovalCardView>;
  }> = [
    {
      title: 'the shared card of a pending request',
      request: alexVoted,
      viewer: 'shared',
      buttons: ['Approve', 'Reject', 'Cancel request (requester only)'],
      words: [
        /Approval needed/,
        /Waiting for approval: 1 given, 1 more needed/,
        /Olivia Operator/,
        /Approved\*\* by Alex Approver/,
        /checked the regions/,
        /Key approvers: 1 more of 2 \(can still approve: Bruno Approver\)/,
        /Time left/,
        /22\sh\s30\smin left/,
      ],
    },
    { title: 'an approver who has not voted', request: alexVoted, viewer: 'approver', buttons: ['Approve', 'Reject'], words: [/You are an approver/] },
    { title: 'the requester', request: alexVoted, viewer: 'requester', buttons: ['Cancel request'], words: [/You asked for this/] },
    { title: 'an approver who already voted', request: alexVoted, viewer: 'voter', buttons: [], words: [/You approved this request/], extra: { viewerVote: alexVoted.votes[0] } },
    { title: 'an observer', request: alexVoted, viewer: 'observer', buttons: [], words: [/only the approvers named in the policy can decide/] },
    {
      title: 'an approved request (shared)',
      request: requestIn('approved'),
      viewer: 'shared',
      buttons: ['Cancel before it runs (requester only)'],
      words: [/Approved by Alex Approver, Bruno Approver/, /Run by/],
    },
    {
      title: 'a running request',
      request: requestIn('executing', { execution: { startedAt: at(100).toISOString(), progress: 'Step 2 of 5: creating key A' } }),
      viewer: 'shared',
      buttons: [],
      words: [/Running since/, /Step 2 of 5/, /client request id 3f1c2b9a/],
    },
    {
      title: 'a request whose run stopped and waits for Retry',
      request: requestIn('executing', {
        execution: { startedAt: at(100).toISOString(), progress: 'Stopped at step 7 of 13 (SubscriptionNotEnabled): re-enable it.', halted: true },
      }),
      viewer: 'shared',
      buttons: [],
      words: [/Stopped: Retry possible/, /Stopped at step 7 of 13/, /nothing runs/],
      absent: [/Running/],
    },
    {
      title: 'a succeeded request',
      request: requestIn('succeeded', { execution: { startedAt: at(100).toISOString(), finishedAt: at(110).toISOString(), outcome: 'succeeded', detail: 'Created 2 keys' } }),
      viewer: 'shared',
      buttons: [],
      words: [/Done:/, /Done at/, /Created 2 keys/],
    },
    {
      title: 'a failed request',
      request: requestIn('failed', { execution: { startedAt: at(100).toISOString(), finishedAt: at(110).toISOString(), outcome: 'failed', detail: '403 on vault B' } }),
      viewer: 'shared',
      buttons: [],
      words: [/Failed:/, /403 on vault B/],
    },
    {
      title: 'a rejected request',
      request: requestIn('rejected', { closedReason: 'rejected by Alex Approver: wrong region' }),
      viewer: 'shared',
      buttons: [],
      words: [/Rejected: rejected by Alex Approver: wrong region/, /Nothing will run/],
    },
    {
      title: 'an expired request',
      request: requestIn('expired', { closedReason: 'the approval window passed before enough approvals arrived' }),
      viewer: 'shared',
      buttons: [],
      words: [/Expired/, /submit the plan again/],
    },
    {
      title: 'a superseded request',
      request: requestIn('cancelled', { supersededBy: '99999999-1111-4222-8333-444455556666' }),
      viewer: 'shared',
      buttons: [],
      words: [/Replaced by a new plan/, /votes no longer count/],
    },
  ];
  for (const c of cases) {
    it(`when drawn for ${c.title}, then it passes the card rules, shows [${c.buttons.join(', ')}] and says what is happening in words`, () => {
      const card = renderApprovalCard(view(c.request, c.viewer, c.extra));
      assertValidCard(card, c.title);
      assert.deepEqual(
        actionsOf(card).map((a) => a.title),
        c.buttons,
      );
      const json = JSON.stringify(card);
      for (const words of c.words) assert.match(json, words);
      for (const words of c.absent ?? []) assert.doesNotMatch(json, words);
      assert.match(json, /Plan hash/);
      assert.match(json, new RegExp(c.request.planHash.slice(0, 16)), 'the full hash is shown (grouped)');
      assert.match(json, new RegExp(c.request.id), 'the request id is shown');
    });
  }

  it('when a button is drawn, then its data carries only request id, plan hash, card version and verb', () => {
    const card = renderApprovalCard(view(alexVoted, 'shared'));
    for (const action of actionsOf(card)) {
      assert.deepEqual(Object.keys(action.data).sort(), ['cardVersion', 'planHash', 'requestId', 'verb']);
      assert.equal(action.data.verb, action.verb);
      assert.equal(action.data.planHash, HASH_1);
      assert.equal(action.data.cardVersion, alexVoted.version);
    }
  });

  it('when approvers are known by their Teams ids, then the card asks Teams for user-specific refresh for them (max 60), and not once decided', () => {
    const ids = Array.from({ length: 70 }, (_, i) => `29:user-${i}`);
    const pending = renderApprovalCard(view(alexVoted, 'shared', { refreshUserIds: ids }));
    const refresh = pending.refresh as { action: { verb: string; data: Record<string, unknown> }; userIds: string[] };
    assert.equal(refresh.action.verb, VERBS.approvalView);
    assert.equal(refresh.userIds.length, 60);
    assert.equal(renderApprovalCard(view(alexVoted, 'shared')).refresh, undefined, 'no ids: no refresh; the shared card works on its own');
    assert.equal(renderApprovalCard(view(requestIn('rejected'), 'shared', { refreshUserIds: ids })).refresh, undefined);
  });

  it('when the plan is long, then the card stays under 40 KB and says how much is left out', () => {
    const long = requestIn('pending', {
      summaryLines: Array.from({ length: 60 }, (_, i) => `Step ${i}: ${'x'.repeat(480)}`),
      targets: Array.from({ length: 60 }, (_, i) => `/subscriptions/0b1f6471/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-${i}-${'y'.repeat(300)}`),
      reason: 'r'.repeat(1000),
    });
    const card = renderApprovalCard(view(long, 'shared', { refreshUserIds: Array.from({ length: 60 }, (_, i) => `29:${'z'.repeat(80)}${i}`) }));
    assert.ok(cardBytes(card) <= MAX_CARD_BYTES, `${cardBytes(card)} bytes`);
    assert.match(JSON.stringify(card), /and 35 more lines/);
    assert.match(JSON.stringify(card), /and 48 more/);
    assertValidCard(card);
  });

  it('when a refusal is shown, then it comes first, in words', () => {
    const card = renderApprovalCard(
      view(alexVoted, 'observer', { notice: { kind: 'error', text: 'You asked for this change, so you cannot approve it. (SelfApprovalForbidden)' } }),
    );
    assert.match(String((card.body[0] as unknown as { text: string }).text), /^\*\*Problem:\*\* You asked for this change/);
  });

  it('when the policy card is drawn, then it passes the card rules and lists groups, rules and where cards go', () => {
    const policy = readPolicyFile(localPolicyPath());
    const card = renderPolicyCard({ policy });
    assertValidCard(card, 'policy card');
    const json = JSON.stringify(card);
    for (const words of [
      /Key approvers/,
      /2 of 2 from Key approvers/,
      /never approves their own request/,
      /Separation of duties/,
      /Approval window: 1\sd/,
      /group-chat-key-approvers/,
      /Alex Approver/,
    ])
      assert.match(json, words);
  });
});

describe('approval card data (client-supplied, parsed strictly)', () => {
  const good = { requestId: '3f1c2b9a-1111-4222-8333-444455556666', planHash: HASH_1, cardVersion: 3, verb: VERBS.approvalApprove };
  const cases: Array<{ title: string; data: Record<string, unknown>; verb?: string; ok: boolean }> = [
    { title: 'the data a real button sends', data: good, ok: true },
    { title: 'the same with the reason input merged in', data: { ...good, reason: 'fine' }, ok: true },
    { title: 'a request id that is not an id', data: { ...good, requestId: "1' OR '1'='1" }, ok: false },
    { title: 'a plan hash that is not a SHA-256', data: { ...good, planHash: 'deadbeef' }, ok: false },
    { title: "a verb in the data that differs from the button's verb", data: { ...good, verb: VERBS.approvalReject }, ok: false },
    { title: 'an unknown verb', data: { ...good, verb: 'keyward.approval.execute' }, ok: false },
    { title: 'a missing card version', data: { requestId: good.requestId, planHash: HASH_1, verb: VERBS.approvalApprove }, ok: false },
  ];
  for (const c of cases) {
    it(`when the data is ${c.title}, then it is ${c.ok ? 'accepted' : 'refused'}`, () => {
      assert.equal(parseApprovalCardData(c.data, VERBS.approvalApprove).ok, c.ok);
    });
  }

  it('when the data carries an identity (aadObjectId, voter), then it is dropped and never reaches the handler', () => {
    const parsed = parseApprovalCardData({ ...good, aadObjectId: P.approverAlex.objectId, voter: 'alex', tenantId: 'x' }, VERBS.approvalApprove);
    assert.ok(parsed.ok);
    if (parsed.ok) assert.deepEqual(Object.keys(parsed.data).sort(), ['cardVersion', 'planHash', 'requestId', 'verb']);
  });
});
