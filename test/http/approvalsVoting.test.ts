import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_PEOPLE as P, LOCAL_TENANT_ID, ManualClock, TOKEN_PATTERN } from '../../src/core';
import { VERBS } from '../../src/bot/cards/verbs';
import { invokeActivity, messageActivity, postActivity } from '../helpers/activities';
import { assertValidCard } from '../helpers/cardRules';
import { ApprovalsHttpWorld, buttonData, cardOf, GROUP_CHAT } from '../bot/approvals/approvalsHttpWorld';
import { collect } from '../helpers/collect';

const FOREIGN_TENANT = '99999999-9999-4999-8999-999999999999';

describe('approvals through the real HTTP endpoint (botbuilder, teams-ai, SQLite, fake connector)', function () {
  this.timeout(30_000);
  let world: ApprovalsHttpWorld;
  beforeEach(async () => {
    world = await ApprovalsHttpWorld.start();
  });
  afterEach(async () => {
    await world.close();
  });

  it("when an operator's plan is approved by two approvers, then the card updates in place, the requester hears it, and the audit verifies", async () => {
    const approved: string[] = [];
    world.approvals.service.onApproved((r) => {
      approved.push(r.id);
    });
    const request = await world.submit(P.operator);
    const { messageId, card } = world.approverMessage(request.id);
    assertValidCard(card, 'posted approval card');
    assert.match(JSON.stringify(card), /Approval needed: Set up Customer Key/);

    const alex = await world.click(
      P.approverAlex,
      VERBS.approvalApprove,
      { ...buttonData(card, VERBS.approvalApprove), reason: 'Regions and names checked' },
      { replyToId: messageId },
    );
    assert.equal(alex.status, 200);
    assert.match(alex.text, /Your approval was recorded/);
    assertValidCard(alex.card, 'answer to Alex');
    assert.match(JSON.stringify(world.latestCard(request.id)), /1 given, 1 more needed/);

    const bruno = await world.click(P.approverBruno, VERBS.approvalApprove, { ...buttonData(card, VERBS.approvalApprove), reason: 'Agreed' }, { replyToId: messageId });
    assert.match(bruno.text, /completes the rule: the request is approved/);
    const latest = world.latestCard(request.id);
    assertValidCard(latest, 'updated shared card');
    assert.match(JSON.stringify(latest), /Approved: Set up Customer Key/);
    assert.match(JSON.stringify(latest), /Approved by Alex Approver, Bruno Approver/);

    const told = world.textsTo(`conv-${P.operator.teamsId}`);
    assert.equal(told.length, 1);
    assert.match(told[0]!, /^Approved: your request "Set up Customer Key.*" was approved by Alex Approver, Bruno Approver/);
    assert.deepEqual(approved, [request.id]);
    assert.deepEqual(await world.auditActions(request.id), ['approval.submitted', 'approval.vote.recorded', 'approval.vote.recorded', 'approval.approved']);
    assert.equal((await world.approvals.audit.verify()).ok, true);
  });

  it('when an approver clicks the card in the moment before Keyward has stored its copy, then the click looks again and counts instead of being refused', async () => {
    const request = await world.submit(P.operator);
    const { messageId, card } = world.approverMessage(request.id);
    // The copy as the delivery receipt stores it: taken out, and stored again while the click waits.
    const store = world.harness.keyward.store;
    const [copy] = await store.directory.list(request.id);
    assert.ok(copy);
    await store.db.run('DELETE FROM approval_messages WHERE request_id = ?', [request.id]);
    const click = world.click(P.approverAlex, VERBS.approvalApprove, { ...buttonData(card, VERBS.approvalApprove), reason: 'ok' }, { replyToId: messageId });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await store.directory.add(copy);
    const alex = await click;
    assert.match(alex.text, /Your approval was recorded/);
    assert.deepEqual(await world.auditActions(request.id), ['approval.submitted', 'approval.vote.recorded']);
  });

  it("when Teams refreshes the card for each person (refresh.userIds), then each gets their own view, and the shared message is never overwritten with one person's view", async () => {
    const request = await world.submit(P.operator);
    const { card, messageId } = world.approverMessage(request.id);
    const refresh = (card as { refresh?: { userIds?: string[]; action: { verb: string; data: Record<string, unknown> } } }).refresh!;
    assert.deepEqual(refresh.userIds, [P.operator.teamsId], 'the requester is known; approvers get added once Keyward has seen them');
    // What Teams sends for an automatic refresh: the refresh action's verb and data.
    const view = (person: (typeof P)[keyof typeof P]) => world.click(person, refresh.action.verb, refresh.action.data);
    const titles = (answer: { card?: Record<string, unknown> }) =>
      [...JSON.stringify(answer.card).matchAll(/"type":"Action.Execute","title":"([^"]+)"/g)].map((m) => m[1]).filter((t) => t !== 'Refresh');
    assert.deepEqual(titles(await view(P.approverAlex)), ['Approve', 'Reject']);
    assert.deepEqual(titles(await view(P.operator)), ['Cancel request']);
    assert.deepEqual(titles(await view(P.observer)), []);
    assert.equal(world.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === messageId).length, 0, 'views change nothing for anyone else');
    const answer = await world.click(P.approverAlex, VERBS.approvalApprove, { ...buttonData(card, VERBS.approvalApprove), reason: 'ok' }, { replyToId: messageId });
    assert.deepEqual(titles(answer), [], 'Alex, having voted, sees his vote read-only');
    assert.match(JSON.stringify(answer.card), /You approved this request/);
    const shared = world.latestCard(request.id);
    assert.match(JSON.stringify(shared), /Cancel request \(requester only\)/, 'the message everyone sees got the shared view');
    assert.doesNotMatch(JSON.stringify(shared), /You approved this request/);
    const ids = (shared as { refresh?: { userIds?: string[] } }).refresh?.userIds ?? [];
    assert.ok(ids.includes(P.approverAlex.teamsId) && ids.includes(P.operator.teamsId), 'Alex is now known by his Teams id');
  });

  it('when a client without Universal Actions sends the Action.Submit fallback, then the same handler records the vote', async () => {
    const request = await world.submit(P.operator);
    const { card, messageId } = world.approverMessage(request.id);
    const activity = {
      ...messageActivity('', { serviceUrl: world.connector.url, from: P.approverAlex, conversationId: GROUP_CHAT, conversationType: 'groupChat' }),
      text: undefined,
      replyToId: messageId,
      value: { ...buttonData(card, VERBS.approvalApprove), reason: 'old client' },
    };
    await postActivity(world.harness.url, activity);
    await world.approvals.idle();
    const stored = (await world.approvals.service.get(request.id))!;
    assert.deepEqual(
      stored.votes.map((v) => [v.voter.objectId, v.reason]),
      [[P.approverAlex.objectId, 'old client']],
    );
  });

  it('when the executor runs the approved plan, then the shared card shows the run and its outcome, and the requester hears it', async () => {
    const request = await world.submit(P.operator);
    const { card } = world.approverMessage(request.id);
    await world.click(P.approverAlex, VERBS.approvalApprove, { ...buttonData(card, VERBS.approvalApprove), reason: 'ok' });
    await world.click(P.approverBruno, VERBS.approvalApprove, { ...buttonData(card, VERBS.approvalApprove), reason: 'ok' });
    const claimed = await world.approvals.service.beginExecution(request.id, { objectId: 'keyward-writer' });
    assert.equal(claimed.id, request.id, 'the request id is the correlation id the executor sends');
    await world.approvals.service.reportExecutionProgress(request.id, 'Step 3 of 7: creating key A');
    await world.approvals.idle();
    assert.match(JSON.stringify(world.latestCard(request.id)), /Running since .*Step 3 of 7: creating key A/);
    await world.approvals.service.finishExecution(request.id, 'succeeded', 'Created 2 vaults and 2 keys');
    await world.approvals.idle();
    const done = world.latestCard(request.id);
    assertValidCard(done);
    assert.match(JSON.stringify(done), /Done: Set up Customer Key/);
    assert.match(world.textsTo(`conv-${P.operator.teamsId}`).at(-1)!, /^Done: your request .* ran successfully: Created 2 vaults and 2 keys/);
  });

  const refusals: Array<{ title: string; who: (typeof P)[keyof typeof P]; code: string; tamper?: (data: Record<string, unknown>) => Record<string, unknown>; verb?: string }> = [
    { title: 'the operator approves their own plan', who: P.operator, code: 'SelfApprovalForbidden' },
    { title: 'an observer (not an approver) approves', who: P.observer, code: 'NotAnApprover' },
    { title: 'a key custodian outside the approver group approves a setup', who: P.approverChen, code: 'NotAnApprover' },
    {
      title: "an observer injects an approver's identity into the card data",
      who: P.observer,
      code: 'NotAnApprover',
      tamper: (d) => ({ ...d, aadObjectId: P.approverAlex.objectId, from: { aadObjectId: P.approverAlex.objectId } }),
    },
    { title: "the card's plan hash was altered", who: P.approverAlex, code: 'PlanChanged', tamper: (d) => ({ ...d, planHash: 'f'.repeat(64) }) },
    { title: 'an approver votes without the reason the policy requires', who: P.approverAlex, code: 'ReasonRequired', tamper: (d) => ({ ...d, reason: '' }) },
    { title: 'the operator rejects their own plan', who: P.operator, code: 'SelfApprovalForbidden', verb: VERBS.approvalReject },
    { title: 'an approver presses Cancel (only the requester may)', who: P.approverAlex, code: 'NotYourJourney', verb: VERBS.approvalCancel },
  ];
  for (const refusal of refusals) {
    it(`when ${refusal.title}, then the card says ${refusal.code}, no vote counts, and the attempt is audited`, async () => {
      const request = await world.submit(P.operator);
      const { card, messageId } = world.approverMessage(request.id);
      const verb = refusal.verb ?? VERBS.approvalApprove;
      const data = { ...buttonData(card, verb), reason: 'I say so' };
      const answer = await world.click(refusal.who, verb, refusal.tamper ? refusal.tamper(data) : data, { replyToId: messageId });
      assert.equal(answer.status, 200);
      assert.ok(answer.card, 'the answer is a card');
      assertValidCard(answer.card);
      assert.match(answer.text, /^\*\*Problem:\*\*/);
      assert.match(answer.text, new RegExp(`\\(${refusal.code}\\)`));
      const stored = (await world.approvals.service.get(request.id))!;
      assert.equal(stored.votes.length, 0);
      assert.equal(stored.status, 'pending');
      const last = (await collect(world.approvals.audit.records())).at(-1)!;
      assert.equal(last.outcome, 'denied');
      assert.equal(last.reason, refusal.code);
      assert.equal(last.actor.objectId, refusal.who.objectId, "the audited actor is the activity's identity");
    });
  }

  const tampered: Array<{ title: string; tamper: (data: Record<string, unknown>) => Record<string, unknown>; verb?: string; expect: RegExp; audit: string }> = [
    {
      title: 'a request id that is not an id',
      tamper: (d) => ({ ...d, requestId: "x'; DROP TABLE approval_requests; --" }),
      expect: /card's data is not valid/,
      audit: 'TamperedCardData',
    },
    {
      title: 'a request id of no request',
      tamper: (d) => ({ ...d, requestId: '00000000-0000-4000-8000-000000000000' }),
      expect: /There is no approval request .*\(NotFound\)/,
      audit: 'NotFound',
    },
    {
      title: "a verb in the data that is not the button's verb",
      tamper: (d) => ({ ...d, verb: VERBS.approvalApprove }),
      verb: VERBS.approvalReject,
      expect: /card's data is not valid/,
      audit: 'TamperedCardData',
    },
    { title: 'a card version Keyward never issued', tamper: (d) => ({ ...d, cardVersion: 9999 }), expect: /version Keyward never issued/, audit: 'StaleCard' },
  ];
  for (const t of tampered) {
    it(`when an approver sends ${t.title}, then nothing changes and the refusal is audited (${t.audit})`, async () => {
      const request = await world.submit(P.operator);
      const { card } = world.approverMessage(request.id);
      const verb = t.verb ?? VERBS.approvalApprove;
      const answer = await world.click(P.approverAlex, verb, t.tamper({ ...buttonData(card, VERBS.approvalApprove), reason: 'ok' }));
      assert.match(answer.text, t.expect);
      assert.equal((await world.approvals.service.get(request.id))?.votes.length, 0);
      assert.equal((await collect(world.approvals.audit.records())).at(-1)?.reason, t.audit);
    });
  }

  it('when an unknown approval verb is sent, then the bot answers that the button is not supported and nothing changes', async () => {
    const request = await world.submit(P.operator);
    const answer = await world.click(P.approverAlex, 'keyward.approval.execute', {
      ...buttonData(world.approverMessage(request.id).card, VERBS.approvalApprove),
      verb: 'keyward.approval.execute',
    });
    assert.match(answer.text, /no longer supported/);
    assert.equal((await world.approvals.service.get(request.id))?.votes.length, 0);
  });

  it('when the same invoke is replayed, then the second one is refused (AlreadyVoted) and the vote counts once', async () => {
    const request = await world.submit(P.operator);
    const { card, messageId } = world.approverMessage(request.id);
    const activity = invokeActivity(
      VERBS.approvalApprove,
      { ...buttonData(card, VERBS.approvalApprove), reason: 'ok' },
      { serviceUrl: world.connector.url, from: P.approverAlex, conversationId: GROUP_CHAT, conversationType: 'groupChat', replyToId: messageId },
    );
    const first = await world.click(P.approverAlex, '', {}, { activity });
    const replay = await world.click(P.approverAlex, '', {}, { activity });
    assert.match(first.text, /recorded/);
    assert.match(replay.text, /\(AlreadyVoted\)/);
    assert.equal((await world.approvals.service.get(request.id))?.votes.length, 1);
  });

  it('when a vote arrives after another approver rejected the request, then it is refused with RequestAlreadyDecided and the requester hears why', async () => {
    const request = await world.submit(P.operator);
    const { card } = world.approverMessage(request.id);
    const rejected = await world.click(P.approverAlex, VERBS.approvalReject, { ...buttonData(card, VERBS.approvalReject), reason: 'Wrong region for our data' });
    assert.match(rejected.text, /You rejected this request/);
    const late = await world.click(P.approverBruno, VERBS.approvalApprove, { ...buttonData(card, VERBS.approvalApprove), reason: 'ok' });
    assert.match(late.text, /\(RequestAlreadyDecided\)/);
    assert.match(JSON.stringify(world.latestCard(request.id)), /Rejected: rejected by Alex Approver: Wrong region for our data/);
    assert.match(world.textsTo(`conv-${P.operator.teamsId}`).at(-1)!, /^Rejected: your request .*Wrong region for our data/);
  });

  it('when a vote arrives after the requester cancelled, then it is refused with RequestNotPending and the card says cancelled', async () => {
    const request = await world.submit(P.operator);
    await world.approvals.service.cancel({ requestId: request.id, by: { aadObjectId: P.operator.objectId, tenantId: LOCAL_TENANT_ID } });
    const data = { ...buttonData(world.approverMessage(request.id).card, VERBS.approvalApprove), reason: 'ok' };
    const cancelled = await world.click(P.approverAlex, VERBS.approvalApprove, data);
    assert.match(cancelled.text, /\(RequestNotPending\)/);
    assert.match(JSON.stringify(world.latestCard(request.id)), /Cancelled: cancelled by the requester/);
  });

  it('when the requester cancels on the card, then the request is cancelled for everyone', async () => {
    const request = await world.submit(P.operator);
    const answer = await world.click(P.operator, VERBS.approvalCancel, buttonData(world.approverMessage(request.id).card, VERBS.approvalCancel));
    assert.match(answer.text, /You cancelled this request/);
    assert.equal((await world.approvals.service.get(request.id))?.status, 'cancelled');
    assert.match(JSON.stringify(world.latestCard(request.id)), /Cancelled/);
  });

  it('when an approver from another tenant clicks, then the server refuses it with 403 before the bot sees it', async () => {
    const request = await world.submit(P.operator);
    const answer = await world.click(
      P.approverAlex,
      VERBS.approvalApprove,
      { ...buttonData(world.approverMessage(request.id).card, VERBS.approvalApprove), reason: 'ok' },
      { tenantId: FOREIGN_TENANT },
    );
    assert.equal(answer.status, 403);
    assert.equal((await world.approvals.service.get(request.id))?.votes.length, 0);
  });

  it('when a plan is re-submitted with a changed hash, then the old card says it was replaced and a new card is posted', async () => {
    const first = await world.submit(P.operator);
    const oldCard = world.approverMessage(first.id).card;
    await world.click(P.approverAlex, VERBS.approvalApprove, { ...buttonData(oldCard, VERBS.approvalApprove), reason: 'ok' });
    const second = await world.submit(P.operator, { planHash: 'c'.repeat(64) });
    assert.match(JSON.stringify(world.latestCard(first.id)), /Replaced by a new plan/);
    assert.match(JSON.stringify(world.approverMessage(second.id).card), /Votes so far:\*\* none yet/);
    const late = await world.click(P.approverBruno, VERBS.approvalApprove, { ...buttonData(oldCard, VERBS.approvalApprove), reason: 'ok' });
    assert.match(late.text, /\(PlanChanged\)/);
  });

  it('when people type "approvals", then each sees what waits for them as cards, and an observer is told there is nothing', async () => {
    const request = await world.submit(P.operator);
    const alex = await world.say(P.approverAlex, 'approvals');
    const alexCard = alex.map(cardOf).find((c) => c && JSON.stringify(c).includes(request.id));
    assert.ok(alexCard, 'Alex gets the request as a card');
    assertValidCard(alexCard);
    assert.match(JSON.stringify(alexCard), /You are an approver for this request/);
    const olivia = await world.say(P.operator, 'approvals');
    assert.match(JSON.stringify(olivia.map(cardOf).find((c) => c && JSON.stringify(c).includes(request.id))), /Cancel request/);
    const omar = await world.say(P.observer, 'approvals');
    assert.ok(omar.some((call) => /Nothing is waiting for you: you are not an approver/.test(String(call.body.text))));
  });

  it('when an approver votes on a card shown by "approvals", then that copy is updated too', async () => {
    const request = await world.submit(P.operator);
    const shown = (await world.say(P.approverAlex, 'approvals')).find((call) => call.body.attachments && JSON.stringify(call.body).includes(request.id))!;
    const shownId = world.messageIdOf(shown);
    await world.click(P.approverBruno, VERBS.approvalApprove, { ...buttonData(world.approverMessage(request.id).card, VERBS.approvalApprove), reason: 'ok' });
    const updates = world.connector.calls.filter((call) => call.method === 'PUT' && call.activityId === shownId);
    assert.ok(updates.length > 0);
    assert.match(JSON.stringify(cardOf(updates.at(-1)!)), /Bruno Approver/);
  });

  it('when someone types "policy", then the policy card comes back with team health from the audit log', async () => {
    const request = await world.submit(P.operator);
    await world.click(P.approverAlex, VERBS.approvalApprove, { ...buttonData(world.approverMessage(request.id).card, VERBS.approvalApprove), reason: 'ok' });
    const calls = await world.say(P.observer, 'policy');
    const card = calls.map(cardOf).find((c) => c && JSON.stringify(c).includes('Approval policy'));
    assert.ok(card);
    assertValidCard(card);
    const json = JSON.stringify(card);
    assert.match(json, /Team health\*\* \(active = an audited action in the last 90 days\)/);
    assert.match(json, /Alex Approver — active: last audited action .*approval\.vote\.recorded/);
    assert.match(json, /Dana Custodian — not active: never acted in Keyward/);
  });

  it('when someone types "approvals here" in a group chat other than the pinned one, then it is refused and audited', async () => {
    const calls = await world.say(P.approverAlex, 'approvals here', 'some-other-chat', 'groupChat');
    assert.ok(calls.some((call) => /pins the approvers' conversation/.test(String(call.body.text))));
    assert.equal((await collect(world.approvals.audit.records())).at(-1)?.action, 'approvers.conversation.refused');
  });

  it('when anything flows through approvals, then no token or key material appears in logs or audit', async () => {
    const request = await world.submit(P.operator, { reason: 'pasted by mistake: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnop' });
    await world.click(P.approverAlex, VERBS.approvalApprove, { ...buttonData(world.approverMessage(request.id).card, VERBS.approvalApprove), reason: 'ok' });
    const text = JSON.stringify(await collect(world.approvals.audit.records())) + JSON.stringify(world.harness.logs);
    assert.doesNotMatch(text, TOKEN_PATTERN);
  });
});

describe('approvals: tenant and conversation designation edge cases', function () {
  this.timeout(30_000);

  it('when the server also serves another tenant, then an approver of that tenant reaches the bot but the approvals engine refuses and audits it', async () => {
    const world = await ApprovalsHttpWorld.start({ KEYWARD_ALLOWED_TENANTS: `${LOCAL_TENANT_ID},${FOREIGN_TENANT}` });
    try {
      const request = await world.submit(P.operator);
      const answer = await world.click(
        P.approverAlex,
        VERBS.approvalApprove,
        { ...buttonData(world.approverMessage(request.id).card, VERBS.approvalApprove), reason: 'ok' },
        { tenantId: FOREIGN_TENANT },
      );
      assert.match(answer.text, /\(TenantNotAllowed\)/);
      assert.equal((await world.approvals.service.get(request.id))?.votes.length, 0);
      const last = (await collect(world.approvals.audit.records())).at(-1)!;
      assert.deepEqual([last.action, last.reason, last.actor.tenantId], ['approval.vote.refused', 'TenantNotAllowed', FOREIGN_TENANT]);
    } finally {
      await world.close();
    }
  });

  it('when the policy pins no conversation, then only an approver can designate one ("approvals here"), it is audited, and cards go there', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-policy-'));
    const json = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../config/policy.local.json'), 'utf8')) as Record<string, unknown>;
    delete json.approvalCards;
    const file = path.join(dir, 'policy.json');
    fs.writeFileSync(file, JSON.stringify(json));
    const world = await ApprovalsHttpWorld.start({ KEYWARD_POLICY_FILE: file });
    try {
      const refused = await world.say(P.observer, 'approvals here', 'approvers-room', 'groupChat');
      assert.ok(refused.some((call) => /Only an approver named in the policy/.test(String(call.body.text))));
      const personal = await world.say(P.approverBruno, 'approvals here');
      assert.ok(personal.some((call) => /not in a personal chat/.test(String(call.body.text))));
      const done = await world.say(P.approverAlex, 'approvals here', 'approvers-room', 'groupChat');
      assert.ok(done.some((call) => /Approval cards will be posted in this conversation/.test(String(call.body.text))));
      const designated = (await collect(world.approvals.audit.records())).find((r) => r.action === 'approvers.conversation.designated')!;
      assert.equal(designated.actor.objectId, P.approverAlex.objectId);
      const request = await world.submit(P.operator);
      assert.ok(world.connector.calls.some((call) => call.method === 'POST' && call.conversationId === 'approvers-room' && JSON.stringify(call.body).includes(request.id)));
    } finally {
      await world.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("when no approvers' conversation is known, then approvers who talked to Keyward get the card in their personal chat", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-policy-'));
    const json = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../config/policy.local.json'), 'utf8')) as Record<string, unknown>;
    delete json.approvalCards;
    const file = path.join(dir, 'policy.json');
    fs.writeFileSync(file, JSON.stringify(json));
    const world = await ApprovalsHttpWorld.start({ KEYWARD_POLICY_FILE: file });
    try {
      await world.say(P.approverAlex, 'approvals');
      const request = await world.submit(P.operator);
      const toAlex = world.connector.calls.filter(
        (call) => call.method === 'POST' && call.conversationId === `conv-${P.approverAlex.teamsId}` && JSON.stringify(call.body).includes(request.id),
      );
      assert.equal(toAlex.length, 1);
      const told = world.textsTo(`conv-${P.operator.teamsId}`);
      assert.deepEqual(told, [], 'the requester is not told "nobody reachable" when Alex was reached');
    } finally {
      await world.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the reminder time and then the window end pass (manual clock), then approvers get a reminder and the requester hears of the expiry', async () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 1, 8, 0));
    const world = await ApprovalsHttpWorld.start({}, { clock });
    try {
      const request = await world.submit(P.operator);
      clock.advance(22 * 3600_000 + 60_000);
      assert.deepEqual(await world.approvals.scheduler.tick(), { expired: [], reminded: [request.id] });
      await world.approvals.idle();
      assert.ok(
        world
          .textsTo(GROUP_CHAT)
          .some((text) =>
            /^Reminder: "Set up Customer Key.*" .* needs a decision before 2026-03-02 08:00 UTC .*Key approvers: 2 more \(Alex Approver, Bruno Approver\)/.test(text),
          ),
        world.textsTo(GROUP_CHAT).join('\n'),
      );
      clock.advance(2 * 3600_000);
      assert.deepEqual(await world.approvals.scheduler.tick(), { expired: [request.id], reminded: [] });
      await world.approvals.idle();
      assert.match(JSON.stringify(world.latestCard(request.id)), /Expired: Set up Customer Key/);
      assert.match(world.textsTo(`conv-${P.operator.teamsId}`).at(-1)!, /^Expired: your request/);
    } finally {
      await world.close();
    }
  });
});

describe('approvals when the audit log is damaged', function () {
  this.timeout(30_000);

  it("when the audit log's tail was cut while Keyward was down, then Keyward starts, but a vote is refused (fail closed) and nothing is recorded", async () => {
    const world = await ApprovalsHttpWorld.start();
    try {
      const request = await world.submit(P.operator);
      const { card } = world.approverMessage(request.id);
      await world.harness.keyward.store.db.run('DELETE FROM audit_log WHERE sequence = (SELECT MAX(sequence) FROM audit_log)');
      await world.harness.restart();
      assert.ok(world.harness.logs.some((line) => line.level === 'error' && /audit log cannot be written/.test(line.message)));
      const answer = await world.click(P.approverAlex, VERBS.approvalApprove, { ...buttonData(card, VERBS.approvalApprove), reason: 'ok' });
      assert.match(answer.text, /audit log could not be written, so nothing was run/);
      assert.equal((await world.approvals.service.get(request.id))?.votes.length, 0);
    } finally {
      await world.close();
    }
  });
});
