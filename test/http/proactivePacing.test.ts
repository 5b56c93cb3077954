import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_PEOPLE as P, type LocalPerson } from '../../src/core';
import { VERBS } from '../../src/bot/cards/verbs';
import { BotNotifier } from '../../src/bot/approvals/botNotifier';
import { classifyConnectorFailure } from '../../src/proactive/connectorFailures';
import { ApprovalsHttpWorld, buttonData, cardOf, GROUP_CHAT } from '../bot/approvals/approvalsHttpWorld';

/**
 * Issue 14 item 6: proactive messages through the paced queue, against the loopback Bot
 * Connector answering 429 with Retry-After as Teams does
 * (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit).
 */
describe('paced proactive messages through the real server and a throttling Bot Connector', function () {
  this.timeout(90_000);

  const maxIn = (times: number[], windowMs: number) => (times.length === 0 ? 0 : Math.max(...times.map((t) => times.filter((u) => u > t - windowMs && u <= t).length)));
  const approvalPosts = (world: ApprovalsHttpWorld, requestId: string) =>
    world.connector.delivered().filter((call) => call.method === 'POST' && JSON.stringify(call.body).includes(requestId) && cardOf(call));

  it('when Teams answers 429 longer than botbuilder retries, then the proactive call rejects with the status and Retry-After (it used to resolve as if sent, with no id)', async () => {
    const world = await ApprovalsHttpWorld.start();
    try {
      world.connector.throttle(GROUP_CHAT, 4, 0);
      const notifier = new BotNotifier(world.harness.keyward.bot.adapter, '');
      const reference = { channelId: 'msteams', serviceUrl: world.connector.url, conversation: { id: GROUP_CHAT, isGroup: true }, bot: { id: 'bot-keyward' } };
      const error = await notifier.postText(reference, 'hello').then(
        (id) => assert.fail(`resolved with ${String(id)}`),
        (caught: unknown) => caught,
      );
      assert.deepEqual(classifyConnectorFailure(error), { retryable: true, status: 429, retryAfterMs: 0 });
      assert.equal(await notifier.postText(reference, 'hello again'), world.connector.delivered().at(-1)?.answeredId);
    } finally {
      await world.close();
    }
  });

  it('when Teams answers 429 (Retry-After: 1) longer than botbuilder retries, then the approval card waits, arrives exactly once, and later votes update it', async () => {
    const world = await ApprovalsHttpWorld.start();
    try {
      // botbuilder tries 4 times (1 + 3 retries); the 5th and 6th tries come from Keyward's queue.
      world.connector.throttle(GROUP_CHAT, 5, 1);
      const request = await world.submit(P.operator);
      const tries = world.connector.calls.filter((call) => call.conversationId === GROUP_CHAT && call.method === 'POST');
      assert.deepEqual(
        tries.map((call) => call.status),
        [429, 429, 429, 429, 429, 200],
      );
      const queueRetry = tries[4]!.at - tries[3]!.at;
      assert.ok(queueRetry >= 1_000, `the queue waited Retry-After before trying again (${queueRetry} ms)`);
      assert.equal(approvalPosts(world, request.id).length, 1, 'delivered once');
      assert.deepEqual(world.textsTo(`conv-${P.operator.teamsId}`), [], 'the requester is not told that nobody can be reached');
      assert.ok(
        world.harness.logs.some((line) => /Teams throttled a proactive message/.test(line.message) && line.level === 'warn'),
        'the throttling is logged',
      );

      const { card, messageId } = world.approverMessage(request.id);
      await world.click(P.approverAlex, VERBS.approvalApprove, { ...buttonData(card, VERBS.approvalApprove), reason: 'ok' }, { replyToId: messageId });
      assert.ok(
        world.connector.delivered().some((call) => call.method === 'PUT' && call.activityId === messageId),
        'the vote updated the delivered card',
      );
      assert.deepEqual(await world.harness.keyward.store.proactive.counts(), { pending: 0, failed: 0 });
    } finally {
      await world.close();
    }
  });

  it('when Keyward posts an approval card, then its copy is recorded once (by the delivery receipt): one write, one row', async () => {
    // Review finding: the receipt and the poster both wrote the copy (the second INSERT was a no-op only thanks to the primary key).
    const world = await ApprovalsHttpWorld.start();
    try {
      const directory = world.harness.keyward.store.directory;
      const writes: Array<[string, string, string]> = [];
      const add = directory.add.bind(directory);
      directory.add = async (card) => {
        writes.push([card.requestId, card.conversationId, card.messageId]);
        await add(card);
      };
      const request = await world.submit(P.operator);
      await world.harness.keyward.proactive.idle();
      await world.approvals.idle();
      const posts = approvalPosts(world, request.id);
      assert.equal(posts.length, 1, 'one card posted');
      const copies = await directory.list(request.id);
      assert.deepEqual(
        copies.map((copy) => [copy.conversationId, copy.role]),
        [[GROUP_CHAT, 'approvers']],
        'one row',
      );
      assert.deepEqual(writes, [[request.id, GROUP_CHAT, copies[0]!.messageId]], 'one write');
    } finally {
      await world.close();
    }
  });

  it('when an approval card fans out to 12 personal chats, then every chat gets it once and the app never sends faster than its global rate', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-policy-'));
    const approvers: LocalPerson[] = Array.from({ length: 12 }, (_, i) => {
      const n = String(i + 1).padStart(2, '0');
      return {
        objectId: `c0000000-0000-4000-8000-0000000000${n}`,
        displayName: `Approver ${n}`,
        kind: 'User',
        teamsId: `user-fan-${n}`,
        upn: `fan${n}@contoso.example`,
        givenName: 'Approver',
        surname: n,
      };
    });
    const json = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../config/policy.local.json'), 'utf8')) as {
      people: Record<string, string>;
      groups: { keyApprovers: { members: string[] } };
      approvalCards?: unknown;
    };
    delete json.approvalCards;
    for (const person of approvers) {
      json.people[person.objectId] = person.displayName;
      json.groups.keyApprovers.members.push(person.objectId);
    }
    const file = path.join(dir, 'policy.json');
    fs.writeFileSync(file, JSON.stringify(json));
    // Small limits, so that pacing shows in a short test: 4 sends per 500 ms for the whole app.
    const world = await ApprovalsHttpWorld.start(
      { KEYWARD_POLICY_FILE: file },
      { proactiveLimits: { perConversation: [{ windowMs: 1_000, max: 7 }], global: [{ windowMs: 500, max: 4 }] } },
    );
    try {
      for (const person of approvers) await world.say(person, 'approvals');
      world.connector.throttle(`conv-${approvers[3]!.teamsId}`, 4, 1);
      const start = world.connector.calls.length;
      const request = await world.submit(P.operator);
      const posts = approvalPosts(world, request.id);
      assert.deepEqual(
        posts.map((call) => call.conversationId).sort(),
        approvers.map((person) => `conv-${person.teamsId}`).sort(),
        "each approver's chat got the card once (the throttled one too)",
      );
      const sent = world.connector.calls.slice(start).filter((call) => call.status === 200);
      assert.ok(
        maxIn(
          sent.map((call) => call.at),
          500,
        ) <= 4,
        'never more than 4 in any 500 ms',
      );
    } finally {
      await world.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("when Keyward stops while the approvers' chat is throttled, then the card is kept, and after the restart it is posted and recorded, so votes update it", async () => {
    const world = await ApprovalsHttpWorld.start();
    try {
      world.connector.throttle(GROUP_CHAT, Infinity, 1);
      const submitted = world.submit(P.operator);
      while (!world.connector.calls.some((call) => call.conversationId === GROUP_CHAT)) await new Promise((resolve) => setTimeout(resolve, 20));
      await world.harness.restart();
      const request = await submitted;
      assert.equal(approvalPosts(world, request.id).length, 0, 'not delivered yet');
      assert.deepEqual(await world.harness.keyward.store.proactive.counts(), { pending: 1, failed: 0 }, 'the card waits in the store across the restart');
      world.connector.unthrottle();
      await world.harness.restart();
      await world.harness.keyward.proactive.idle();
      await world.approvals.idle();
      const posts = approvalPosts(world, request.id);
      assert.equal(posts.length, 1, 'posted once, after the restart');
      const copies = await world.harness.keyward.store.directory.list(request.id);
      assert.equal(copies.length, 1, 'the receipt recorded the copy');
      assert.deepEqual(world.textsTo(`conv-${P.operator.teamsId}`), [], 'nobody was told the approvers cannot be reached');
      await world.click(P.approverAlex, VERBS.approvalApprove, { ...buttonData(cardOf(posts[0]!)!, VERBS.approvalApprove), reason: 'ok' }, { replyToId: copies[0]!.messageId });
      assert.ok(
        world.connector.delivered().some((call) => call.method === 'PUT' && call.activityId === copies[0]!.messageId),
        'the vote updated the card posted after the restart',
      );
    } finally {
      await world.close();
    }
  });
});
