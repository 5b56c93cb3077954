import assert from 'node:assert/strict';
import { isAppError } from '../../../src/core';
import { ProactiveQueue, type ProactiveLimits } from '../../../src/proactive/proactiveQueue';
import { classifyConnectorFailure } from '../../../src/proactive/connectorFailures';
import type { ConversationReference, MessageSender } from '../../../src/proactive/proactivePorts';
import { openSqliteDatabase } from '../../../src/store/sqliteDatabase';
import { pendingMessageMigrations, SqlPendingMessageStore } from '../../../src/store/sqlPendingMessageStore';

/** What botbuilder's connector client throws when Teams answers with an error status (a RestError). */
function connectorError(status: number, retryAfterSeconds?: number): Error {
  const headers = new Headers(retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) });
  return Object.assign(new Error(status === 429 ? 'Too many requests.' : `status ${status}`), {
    name: 'RestError',
    code: status === 429 ? 'TooManyRequests' : 'Failed',
    statusCode: status,
    response: { status, headers },
  });
}

interface Sent {
  conversation: string;
  kind: 'post' | 'update' | 'text';
  body: string;
  at: number;
}

/** A chat service: records what arrives; `failNext` scripts errors for a conversation. */
class FakeChat implements MessageSender {
  readonly sent: Sent[] = [];
  readonly attempts: Sent[] = [];
  private failures: Array<{ conversation: string; error: Error }> = [];
  private next = 0;

  failNext(conversation: string, ...errors: Error[]): void {
    for (const error of errors) this.failures.push({ conversation, error });
  }

  async post(reference: ConversationReference, card: object): Promise<string> {
    return this.record(reference, 'post', JSON.stringify(card));
  }

  async update(reference: ConversationReference, messageId: string, card: object): Promise<void> {
    await this.record(reference, 'update', `${messageId}:${JSON.stringify(card)}`);
  }

  async postText(reference: ConversationReference, text: string): Promise<string> {
    return this.record(reference, 'text', text);
  }

  private async record(reference: ConversationReference, kind: Sent['kind'], body: string): Promise<string> {
    await new Promise((resolve) => setImmediate(resolve));
    const conversation = String((reference.conversation as { id: string }).id);
    const entry = { conversation, kind, body, at: Date.now() };
    this.attempts.push(entry);
    const failure = this.failures.findIndex((f) => f.conversation === conversation);
    if (failure !== -1) throw this.failures.splice(failure, 1)[0]!.error;
    this.sent.push(entry);
    this.next += 1;
    return `msg-${this.next}`;
  }
}

const ref = (conversation: string): ConversationReference => ({
  channelId: 'msteams',
  serviceUrl: 'https://smba.example/',
  conversation: { id: conversation },
  bot: { id: 'bot' },
});
const FAST: ProactiveLimits = { perConversation: [{ windowMs: 300, max: 2 }], global: [{ windowMs: 200, max: 3 }] };
const maxIn = (times: number[], windowMs: number) => (times.length === 0 ? 0 : Math.max(...times.map((t) => times.filter((u) => u > t - windowMs && u <= t).length)));

async function sqlStore() {
  const db = await openSqliteDatabase({ file: ':memory:', migrations: pendingMessageMigrations });
  return { db, store: new SqlPendingMessageStore(db) };
}

describe('the paced proactive queue', function () {
  this.timeout(30_000);

  it('when many messages go to a few conversations, then each conversation gets them in order and no window (per conversation or global) ever holds more than allowed', async () => {
    const chat = new FakeChat();
    const queue = new ProactiveQueue({ sender: () => chat, classify: classifyConnectorFailure, limits: FAST });
    const sends = [];
    for (let i = 0; i < 8; i += 1) for (const c of ['a', 'b', 'c']) sends.push(queue.postText(ref(c), `${c}${i}`));
    await Promise.all(sends);
    for (const c of ['a', 'b', 'c']) {
      const got = chat.sent.filter((s) => s.conversation === c);
      assert.deepEqual(
        got.map((s) => s.body),
        Array.from({ length: 8 }, (_, i) => `${c}${i}`),
        `conversation ${c} in order`,
      );
      // Noise only spreads sends out, so these upper bounds hold on any machine.
      assert.ok(
        maxIn(
          got.map((s) => s.at),
          300,
        ) <= 2,
        `conversation ${c}: at most 2 in any 300 ms`,
      );
    }
    assert.ok(
      maxIn(
        chat.sent.map((s) => s.at),
        200,
      ) <= 3,
      'at most 3 in any 200 ms over all conversations',
    );
  });

  it("when Teams still answers 429 after botbuilder's own retries, then the conversation waits at least Retry-After and the message is delivered once; other conversations go on", async () => {
    const chat = new FakeChat();
    const { store } = await sqlStore();
    const queue = new ProactiveQueue({ sender: () => chat, store, classify: classifyConnectorFailure, limits: FAST, backoff: { baseMs: 10, maxMs: 50 } });
    await queue.start();
    chat.failNext('a', connectorError(429, 1));
    const [a, b] = await Promise.all([queue.postText(ref('a'), 'to a'), queue.postText(ref('b'), 'to b')]);
    assert.ok(a && b);
    const tries = chat.attempts.filter((s) => s.conversation === 'a');
    assert.equal(tries.length, 2);
    assert.ok(tries[1]!.at - tries[0]!.at >= 1_000, `the retry came ${tries[1]!.at - tries[0]!.at} ms after the 429 (Retry-After: 1)`);
    assert.ok(chat.sent.find((s) => s.conversation === 'b')!.at < tries[1]!.at, 'conversation b did not wait for a');
    assert.equal(chat.sent.filter((s) => s.body === 'to a').length, 1);
    assert.deepEqual(await store.counts(), { pending: 0, failed: 0 }, 'delivered messages leave the store');
    await queue.stop();
  });

  it('when Teams answers 502, 504 or 412, then the message is retried with back-off; when it answers 403 or 413, then it fails at once and is kept as failed', async () => {
    const chat = new FakeChat();
    const { store } = await sqlStore();
    const queue = new ProactiveQueue({ sender: () => chat, store, classify: classifyConnectorFailure, limits: FAST, backoff: { baseMs: 5, maxMs: 20 } });
    chat.failNext('a', connectorError(502), connectorError(504), connectorError(412));
    assert.ok(await queue.postText(ref('a'), 'eventually'));
    assert.equal(chat.attempts.length, 4);
    chat.failNext('b', connectorError(403));
    await assert.rejects(queue.postText(ref('b'), 'bot removed'), (error: unknown) => (error as { statusCode?: number }).statusCode === 403);
    chat.failNext('c', connectorError(413));
    await assert.rejects(queue.post(ref('c'), { big: true }), (error: unknown) => (error as { statusCode?: number }).statusCode === 413);
    assert.deepEqual(await store.counts(), { pending: 0, failed: 2 });
  });

  it('when several updates of one message wait behind a throttled send, then only the latest card goes out and every caller hears it was delivered', async () => {
    const chat = new FakeChat();
    const queue = new ProactiveQueue({ sender: () => chat, classify: classifyConnectorFailure, limits: FAST, backoff: { baseMs: 10, maxMs: 20 } });
    chat.failNext('a', connectorError(429, 0));
    const first = queue.postText(ref('a'), 'first');
    const updates = [1, 2, 3, 4, 5].map((n) => queue.update(ref('a'), 'card-1', { state: n }));
    await Promise.all([first, ...updates]);
    const sentUpdates = chat.sent.filter((s) => s.kind === 'update');
    assert.deepEqual(
      sentUpdates.map((s) => s.body),
      ['card-1:{"state":5}'],
    );
  });

  it('when Keyward stops while a conversation is throttled, then the message stays in the store, its caller is told so, and the next start delivers it and its receipt', async () => {
    const { db, store } = await sqlStore();
    const chat = new FakeChat();
    const first = new ProactiveQueue({ sender: () => chat, store, classify: classifyConnectorFailure, limits: FAST });
    await first.start();
    chat.failNext('a', connectorError(429, 1));
    const waiting = first.post(ref('a'), { card: 'approval' }, { receipt: { topic: 'test.card', data: { requestId: 'r1' } } });
    while (chat.attempts.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await first.stop(50);
    await assert.rejects(waiting, (error: unknown) => isAppError(error, 'DeliveryDeferred'));
    assert.deepEqual(await store.counts(), { pending: 1, failed: 0 });

    const receipts: Array<[Readonly<Record<string, unknown>>, string]> = [];
    const second = new ProactiveQueue({ sender: () => chat, store: new SqlPendingMessageStore(db), classify: classifyConnectorFailure, limits: FAST });
    second.onDelivered('test.card', async (data, messageId) => {
      receipts.push([data, messageId]);
    });
    await second.start();
    await second.idle();
    assert.equal(chat.sent.length, 1, 'delivered once, after the restart');
    assert.deepEqual(receipts, [[{ requestId: 'r1' }, 'msg-1']], 'the receipt still records the message id');
    assert.deepEqual(await store.counts(), { pending: 0, failed: 0 });
    await second.stop();
  });

  it('when an instance crashes (no graceful stop), then another takes its waiting messages over once its lease runs out, and not before', async () => {
    const { store } = await sqlStore();
    const chat = new FakeChat();
    // What a crashed instance leaves behind: its row, under its lease.
    const now = Date.now();
    await store.insert(
      { id: 'm-1', conversationKey: 'https://smba.example/|a', reference: ref('a'), kind: 'text', text: 'left behind', attempts: 0, notBefore: now, enqueuedAt: now, seq: 0 },
      'keyward-crashed',
      now + 300,
    );
    const other = new ProactiveQueue({ sender: () => chat, store, classify: classifyConnectorFailure, limits: FAST, leaseMs: 300 });
    await other.start();
    assert.equal(chat.sent.length, 0, 'the crashed instance still holds its lease');
    await new Promise((resolve) => setTimeout(resolve, 400));
    await (other as unknown as { claim(): Promise<void> }).claim();
    await other.idle();
    assert.deepEqual(
      chat.sent.map((s) => s.body),
      ['left behind'],
    );
    await other.stop();
  });
});
