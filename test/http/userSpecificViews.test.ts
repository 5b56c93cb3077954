import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_PEOPLE as P, type LocalPerson } from '../../src/core';
import { VERBS } from '../../src/bot/cards/verbs';
import { MAX_REFRESH_USERS } from '../../src/bot/cards/approvalCard';
import { localizer } from '../../src/bot/i18n/localizer';
import { assertValidCard } from '../helpers/cardRules';
import { collect } from '../helpers/collect';
import { ApprovalsHttpWorld, GROUP_CHAT } from '../bot/approvals/approvalsHttpWorld';
import { membersAddedActivity, postActivity } from '../helpers/activities';
import { buttonTitles, storeSnapshot, UserSpecificViews, viewOf } from '../helpers/userSpecificViews';

/**
 * Issue 14 item 3: user-specific views, proven through real HTTP. Teams' automatic refresh
 * (`trigger: automatic`), Refresh from the message's menu and clicks arrive as each person at
 * POST /api/messages; the fake Bot Connector shows what Keyward did to the shared message.
 */
describe('user-specific views of the approval card (Teams refresh through the real HTTP endpoint)', function () {
  this.timeout(60_000);
  let world: ApprovalsHttpWorld;
  beforeEach(async () => {
    world = await ApprovalsHttpWorld.start();
  });
  afterEach(async () => {
    await world.close();
  });

  /**
   * Keyward was added to the approvers' group chat (it captures the chat the policy pins), and
   * learns people's Teams ids when they talk to it; then they get automatic refresh.
   */
  const meet = async (...people: LocalPerson[]) => {
    await postActivity(
      world.harness.url,
      membersAddedActivity({ serviceUrl: world.connector.url, from: P.approverAlex, conversationId: GROUP_CHAT, conversationType: 'groupChat' }),
    );
    for (const person of people) await world.say(person, 'approvals');
  };

  it('when Teams refreshes the card automatically for each listed person, then approvers see Approve and Reject, the requester Cancel, and nothing is stored, audited or posted', async () => {
    await meet(P.operator, P.approverAlex, P.approverBruno, P.observer);
    const request = await world.submit(P.operator);
    const views = new UserSpecificViews(world, request.id);
    assert.deepEqual(
      views.refreshUserIds(),
      [P.operator.teamsId, P.approverAlex.teamsId, P.approverBruno.teamsId],
      'the requester first, then who may vote; the observer is not listed',
    );
    assert.equal(viewOf(views.shared()), 'shared');

    const store = await storeSnapshot(world.harness.keyward.store.db);
    const audit = await collect(world.approvals.audit.records());
    const calls = world.connector.calls.length;

    for (const approver of [P.approverAlex, P.approverBruno]) {
      const answer = await views.refresh(approver, { trigger: 'automatic' });
      assert.equal(answer.status, 200);
      assert.equal(viewOf(answer.card), 'approver', `${approver.displayName}'s view`);
      assert.deepEqual(buttonTitles(answer.card), ['Approve', 'Reject']);
      assertValidCard(answer.card, `${approver.displayName}'s view`);
    }
    const requester = await views.refresh(P.operator, { trigger: 'automatic' });
    assert.equal(viewOf(requester.card), 'requester');
    assert.deepEqual(buttonTitles(requester.card), ['Cancel request']);
    // Not listed: Teams offers him Refresh in the message's menu (a manual refresh).
    const observer = await views.refresh(P.observer, { trigger: 'manual' });
    assert.equal(viewOf(observer.card), 'observer');
    assert.deepEqual(buttonTitles(observer.card), [], 'everyone else sees the state, no buttons');
    // Each personal view keeps asking Teams for refresh, for the same people.
    assert.deepEqual((requester.card as { refresh?: { userIds?: string[] } }).refresh?.userIds, views.refreshUserIds());

    const after = await storeSnapshot(world.harness.keyward.store.db);
    for (const table of Object.keys(store)) assert.deepEqual(after[table], store[table], `a refresh changes nothing in the store (table ${table})`);
    assert.deepEqual(await collect(world.approvals.audit.records()), audit, 'a refresh writes no audit record');
    assert.equal(world.connector.calls.length, calls, 'a refresh neither posts nor updates a message: the answer goes to the one client that asked');
  });

  it('when people click on the shared message, then each clicker gets their own view back and the shared message is only ever updated with the shared view', async () => {
    await meet(P.operator, P.approverAlex, P.approverBruno);
    const request = await world.submit(P.operator);
    const views = new UserSpecificViews(world, request.id);

    const alex = await views.click(P.approverAlex, VERBS.approvalApprove, { reason: 'Names and regions checked' });
    assert.equal(viewOf(alex.card), 'voter');
    assert.deepEqual(buttonTitles(alex.card), [], 'having voted, Alex sees his vote read-only');
    assert.equal(viewOf((await views.refresh(P.approverAlex, { trigger: 'automatic' })).card), 'voter');
    assert.equal(viewOf((await views.refresh(P.approverBruno, { trigger: 'automatic' })).card), 'approver');
    assert.equal(viewOf((await views.refresh(P.operator, { trigger: 'automatic' })).card), 'requester');
    assert.deepEqual(views.refreshUserIds(), [P.operator.teamsId, P.approverBruno.teamsId, P.approverAlex.teamsId], 'who still may vote comes before who has voted');

    const bruno = await views.click(P.approverBruno, VERBS.approvalApprove, { reason: 'Agreed' });
    assert.match(bruno.text, /approved/);
    const requester = await views.refresh(P.operator, { trigger: 'automatic' });
    assert.deepEqual(buttonTitles(requester.card), ['Cancel before it runs']);
    const observer = await views.refresh(P.observer, { trigger: 'manual' });
    assert.deepEqual(buttonTitles(observer.card), []);

    const updates = views.updates();
    assert.ok(updates.length >= 2, 'each vote updated the shared message');
    assert.deepEqual([...new Set(updates.map((u) => u.view))], ['shared'], "never one person's view on the message everyone sees");
    assert.match(JSON.stringify(views.shared()), /Approved: Set up Customer Key/);
  });

  it('when Teams delivers the same click twice (it retries an invoke it thinks unanswered), then the vote counts once, and a doubled refresh changes nothing', async () => {
    await meet(P.operator, P.approverAlex);
    const request = await world.submit(P.operator);
    const views = new UserSpecificViews(world, request.id);
    const answer = await views.click(P.approverAlex, VERBS.approvalApprove, { reason: 'ok' }, 2);
    assert.equal(viewOf(answer.card), 'voter', "the retry is answered with Alex's own view");
    const stored = await world.approvals.service.get(request.id);
    assert.equal(stored?.votes.length, 1);
    assert.equal((await world.auditActions(request.id)).filter((action) => action === 'approval.vote.recorded').length, 1);

    const before = await storeSnapshot(world.harness.keyward.store.db);
    const audit = (await collect(world.approvals.audit.records())).length;
    await views.refresh(P.approverAlex, { trigger: 'automatic', deliveries: 2 });
    assert.deepEqual(await storeSnapshot(world.harness.keyward.store.db), before);
    assert.equal((await collect(world.approvals.audit.records())).length, audit);
  });
});

describe('user-specific views when more than 60 people may act on a card', function () {
  this.timeout(120_000);
  const EXTRA = 70;
  const approvers: LocalPerson[] = Array.from({ length: EXTRA }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    return {
      objectId: `b0000000-0000-4000-8000-0000000000${n}`,
      displayName: `Approver ${n}`,
      kind: 'User',
      teamsId: `user-approver-${n}`,
      upn: `approver${n}@contoso.example`,
      givenName: 'Approver',
      surname: n,
    };
  });
  let world: ApprovalsHttpWorld;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-policy-'));
    const json = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../config/policy.local.json'), 'utf8')) as {
      people: Record<string, string>;
      groups: { keyApprovers: { members: string[] } };
    };
    for (const person of approvers) {
      json.people[person.objectId] = person.displayName;
      json.groups.keyApprovers.members.push(person.objectId);
    }
    const file = path.join(dir, 'policy.json');
    fs.writeFileSync(file, JSON.stringify(json));
    world = await ApprovalsHttpWorld.start({ KEYWARD_POLICY_FILE: file });
    // Everyone has talked to Keyward, so every one of them could be listed.
    for (const person of [P.approverAlex, P.approverBruno, ...approvers]) await world.say(person, 'approvals');
  });
  after(async () => {
    await world.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when 72 approvers and the requester may act, then 60 get automatic refresh (the requester first), the card says what the other 13 do, and their clicks still count', async () => {
    const request = await world.submit(P.operator);
    const views = new UserSpecificViews(world, request.id);
    const shared = views.shared();
    assertValidCard(shared, 'shared card with 60 refresh ids');
    const listed = views.refreshUserIds();
    assert.equal(listed.length, MAX_REFRESH_USERS);
    assert.equal(listed[0], P.operator.teamsId);
    const leftOut = 1 + 2 + EXTRA - MAX_REFRESH_USERS;
    const said = localizer('en').t('approval.refreshLimit', { count: leftOut, max: MAX_REFRESH_USERS });
    assert.ok(JSON.stringify(shared).includes(JSON.stringify(said).slice(1, -1)), 'the shared card explains the limit and the fallback');
    assert.match(said, /13 more people who may act on it see the card as it is here/);

    // One of those not listed: the shared card's button works for him, and his manual refresh gives his view.
    const outside = approvers.find((person) => !listed.includes(person.teamsId))!;
    assert.equal(viewOf((await views.refresh(outside, { trigger: 'manual' })).card), 'approver');
    const vote = await views.click(outside, VERBS.approvalApprove, { reason: 'From the shared card' });
    assert.equal(viewOf(vote.card), 'voter');
    assert.equal((await world.approvals.service.get(request.id))?.votes.length, 1);
    assert.equal(views.refreshUserIds().length, MAX_REFRESH_USERS, 'still 60 after the vote');
    assert.deepEqual([...new Set(views.updates().map((u) => u.view))], ['shared']);
  });
});
