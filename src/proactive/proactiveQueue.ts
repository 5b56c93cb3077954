import { randomUUID } from 'node:crypto';
import { appError, silentLogger, type Logger } from '../core';
import type { ConversationReference, DeliveryReceipt, MessageSender, OutboundKind, OutboundMessage, PendingMessageStore, SendFailure } from './proactivePorts';
import { SlidingWindows, TEAMS_GLOBAL_LIMITS, TEAMS_PER_CONVERSATION_LIMITS, type RateWindow } from './rateWindows';

export interface ProactiveLimits {
  perConversation: readonly RateWindow[];
  global: readonly RateWindow[];
}

export interface ProactiveQueueOptions {
  /** Late-bound: the Bot Framework adapter exists only once the bot is built. */
  sender(): MessageSender | undefined;
  /** Where waiting messages are kept; without one they live in memory only (unit tests). */
  store?: PendingMessageStore;
  classify(error: unknown): SendFailure;
  /** Teams' limits by default. */
  limits?: ProactiveLimits;
  /** Back-off after a failure without Retry-After: base × 2^(attempt-1), jittered, capped. */
  backoff?: { baseMs: number; maxMs: number };
  /** A message not delivered after this long is given up (kept as failed); default 24 h. */
  maxAgeMs?: number;
  /** How long this instance's claim on its stored messages lasts without renewal; default 60 s. */
  leaseMs?: number;
  logger?: Logger;
  /** Wall clock in ms (tests). Pacing needs real time even when the domain clock is a manual one. */
  now?(): number;
  random?(): number;
}

export interface SendOptions {
  /** Tell the handler registered for `receipt.topic` the message id once the post arrives. */
  receipt?: DeliveryReceipt;
}

type ReceiptHandler = (data: Readonly<Record<string, unknown>>, messageId: string, reference: ConversationReference) => Promise<void>;

interface Waiter {
  resolve(value: string | undefined): void;
  reject(error: unknown): void;
}

interface Entry {
  message: OutboundMessage;
  waiters: Waiter[];
  inFlight: boolean;
  /** Settles once the store holds the entry's latest content (a send waits for it). */
  stored: Promise<void>;
}

interface Lane {
  key: string;
  entries: Entry[];
  limiter: SlidingWindows;
  running: boolean;
}

const DEFAULT_BACKOFF = { baseMs: 1_000, maxMs: 5 * 60_000 };
const DEFAULT_MAX_AGE_MS = 24 * 3_600_000;
const DEFAULT_LEASE_MS = 60_000;

/**
 * Every proactive message Keyward sends (approval cards and their updates, reminders, the
 * requester's news, run cards, drift alerts, rotation reminders) goes through this queue:
 *
 * - one lane per conversation, in order, one send at a time, inside Teams' per-conversation
 *   windows (7/1 s, 8/2 s, 60/30 s, 1800/h) and the app's global rate (30/s);
 * - a newer update of a message that has not gone out yet replaces the older one (the card always
 *   shows the latest state, and a burst of votes costs one update, not twenty);
 * - after a failure botbuilder could not fix by itself (it already retries a 429 three times,
 *   honouring Retry-After), the lane waits Retry-After — or a jittered exponential back-off — and
 *   tries again, until the message is delivered or `maxAgeMs` passes; refusals that retrying
 *   cannot fix (403, 404, 413 …) fail at once, as before;
 * - every waiting message is in the store until delivered: a stop (graceful or not) loses none;
 *   the next start, or another instance once this one's lease runs out, sends it.
 *
 * Implements the same `post`/`update`/`postText` port the notifiers use, resolving when the
 * message is delivered. Replies inside a turn (invoke answers, "setup" cards) do not come here:
 * they answer one person's action.
 */
export class ProactiveQueue implements MessageSender {
  private readonly lanes = new Map<string, Lane>();
  private readonly global: SlidingWindows;
  private readonly limits: ProactiveLimits;
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly maxAgeMs: number;
  private readonly leaseMs: number;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly receipts = new Map<string, ReceiptHandler>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  private readonly idleWaiters: Array<() => void> = [];
  private leaseTimer?: NodeJS.Timeout;
  private seq = 0;
  private stopped = false;
  /** This instance's name on the rows it owns. */
  readonly owner = `keyward-${randomUUID()}`;

  constructor(private readonly options: ProactiveQueueOptions) {
    this.limits = options.limits ?? { perConversation: TEAMS_PER_CONVERSATION_LIMITS, global: TEAMS_GLOBAL_LIMITS };
    this.global = new SlidingWindows(this.limits.global);
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** Registers what to do when a post with a receipt of this topic arrives (before `start`). */
  onDelivered(topic: string, handler: ReceiptHandler): void {
    this.receipts.set(topic, handler);
  }

  /** Picks up what an earlier process (or a crashed instance) left in the store, and keeps this instance's claim alive. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.claim();
    if (this.options.store) this.leaseTimer = setInterval(() => void this.claim(), Math.max(1_000, Math.floor(this.leaseMs / 3))).unref();
  }

  post(reference: ConversationReference, card: object, options: SendOptions = {}): Promise<string | undefined> {
    return this.enqueue('post', reference, { card, ...(options.receipt ? { receipt: options.receipt } : {}) });
  }

  async update(reference: ConversationReference, messageId: string, card: object): Promise<void> {
    await this.enqueue('update', reference, { card, messageId });
  }

  postText(reference: ConversationReference, text: string): Promise<string | undefined> {
    return this.enqueue('text', reference, { text });
  }

  /** Resolves when nothing waits to be sent (tests, and a graceful stop). */
  idle(): Promise<void> {
    if (this.pendingCount() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Messages waiting in this process, per conversation (tests, metrics). */
  pending(): Record<string, number> {
    return Object.fromEntries([...this.lanes.values()].filter((lane) => lane.entries.length > 0).map((lane) => [lane.key, lane.entries.length]));
  }

  /**
   * Graceful stop: up to `graceMs` to deliver what waits, then the rest stays in the store for the
   * next start (its callers are told so), and this instance's claim on it is released.
   */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    this.leaseTimer = undefined;
    if (this.pendingCount() > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs).unref()))]);
      if (timer) clearTimeout(timer);
    }
    this.stopped = true;
    for (const sleeper of [...this.timers]) sleeper.wake();
    // Sends in flight finish; nothing new starts.
    while ([...this.lanes.values()].some((lane) => lane.entries.some((entry) => entry.inFlight))) await new Promise((resolve) => setTimeout(resolve, 20));
    const kept = appError('DeliveryDeferred', 'Keyward is stopping: the message is kept and goes out when Keyward starts again.');
    for (const lane of this.lanes.values()) {
      for (const entry of lane.entries.splice(0)) entry.waiters.forEach((waiter) => waiter.reject(kept));
    }
    this.lanes.clear();
    this.notifyIdle();
    await this.options.store
      ?.release(this.owner)
      .catch((error: unknown) =>
        this.logger.warn({ err: errorText(error) }, 'could not release the waiting proactive messages (another instance takes them when the lease runs out)'),
      );
  }

  // ------------------------------------------------------------------------------------------

  private enqueue(
    kind: OutboundKind,
    reference: ConversationReference,
    content: { card?: object; text?: string; messageId?: string; receipt?: DeliveryReceipt },
  ): Promise<string | undefined> {
    const key = conversationKeyOf(reference);
    const store = this.options.store;
    const keep = (work: () => Promise<void>) =>
      work().catch((error: unknown) =>
        this.logger.warn({ conversation: key, kind, err: errorText(error) }, 'a proactive message could not be kept in the store; it is sent from memory only'),
      );
    const lane = this.lane(key);
    if (kind === 'update' && !this.stopped) {
      // A newer state of the same message replaces the one still waiting: one update, latest card.
      const waiting = lane.entries.find((entry) => !entry.inFlight && entry.message.kind === 'update' && entry.message.messageId === content.messageId);
      if (waiting) {
        waiting.message.card = content.card;
        if (store) waiting.stored = waiting.stored.then(() => keep(() => store.replaceCard(waiting.message.id, content.card!)));
        return new Promise((resolve, reject) => waiting.waiters.push({ resolve, reject }));
      }
    }
    const now = this.now();
    const message: OutboundMessage = {
      id: randomUUID(),
      conversationKey: key,
      reference: stripActivityId(reference),
      kind,
      ...(content.card ? { card: content.card } : {}),
      ...(content.text !== undefined ? { text: content.text } : {}),
      ...(content.messageId ? { messageId: content.messageId } : {}),
      ...(content.receipt ? { receipt: content.receipt } : {}),
      attempts: 0,
      notBefore: now,
      enqueuedAt: now,
      seq: this.seq++,
    };
    // Kept before it is tried: from here on a stop or a crash cannot lose it.
    if (this.stopped) {
      const deferred = appError('DeliveryDeferred', 'Keyward is stopping: the message is kept and goes out when Keyward starts again.');
      return (store ? keep(() => store.insert(message, '', 0)) : Promise.resolve()).then(() => Promise.reject(deferred));
    }
    const stored = store ? keep(() => store.insert(message, this.owner, now + this.leaseMs)) : Promise.resolve();
    return new Promise((resolve, reject) => {
      lane.entries.push({ message, waiters: [{ resolve, reject }], inFlight: false, stored });
      this.kick(lane);
    });
  }

  private lane(key: string): Lane {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { key, entries: [], limiter: new SlidingWindows(this.limits.perConversation), running: false };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private kick(lane: Lane): void {
    if (lane.running || this.stopped) return;
    lane.running = true;
    void this.drain(lane).finally(() => {
      lane.running = false;
      if (lane.entries.length > 0 && !this.stopped) this.kick(lane);
      else if (lane.entries.length === 0) this.lanes.delete(lane.key);
      this.notifyIdle();
    });
  }

  private async drain(lane: Lane): Promise<void> {
    while (lane.entries.length > 0 && !this.stopped) {
      const entry = lane.entries[0]!;
      const now = this.now();
      const wait = Math.max(entry.message.notBefore - now, lane.limiter.waitMs(now), this.global.waitMs(now));
      if (wait > 0) {
        await this.sleep(wait);
        continue;
      }
      entry.inFlight = true;
      await entry.stored;
      const bookings = [lane.limiter.record(now), this.global.record(now)];
      try {
        const id = await this.send(entry.message);
        const done = this.now();
        bookings.forEach((booking) => booking.settle(done));
        lane.entries.shift();
        await this.options.store
          ?.remove(entry.message.id)
          .catch((error: unknown) =>
            this.logger.warn({ err: errorText(error) }, 'a delivered proactive message could not be removed from the store; it may be sent twice after a restart'),
          );
        await this.deliverReceipt(entry.message, id);
        entry.waiters.forEach((waiter) => waiter.resolve(id));
      } catch (error) {
        const done = this.now();
        bookings.forEach((booking) => booking.settle(done));
        entry.inFlight = false;
        await this.failed(lane, entry, error);
      }
    }
  }

  private async send(message: OutboundMessage): Promise<string | undefined> {
    const sender = this.options.sender();
    if (!sender) throw appError('DeliveryDeferred', 'No Bot Framework adapter yet; the message waits.');
    switch (message.kind) {
      case 'post':
        return sender.post(message.reference, message.card!);
      case 'update':
        await sender.update(message.reference, message.messageId!, message.card!);
        return message.messageId;
      case 'text':
        return sender.postText(message.reference, message.text ?? '');
    }
  }

  private async failed(lane: Lane, entry: Entry, error: unknown): Promise<void> {
    const message = entry.message;
    const failure = this.options.classify(error);
    const now = this.now();
    const what = { conversation: lane.key, kind: message.kind, attempts: message.attempts + 1, status: failure.status };
    if (!failure.retryable || now - message.enqueuedAt >= this.maxAgeMs) {
      lane.entries.shift();
      this.logger.error(
        { ...what, err: errorText(error), retryable: failure.retryable },
        failure.retryable
          ? 'a proactive message was given up after retrying for too long (kept in the store as failed)'
          : 'Teams refused a proactive message; retrying cannot help (kept in the store as failed)',
      );
      await this.options.store?.fail(message.id, errorText(error)).catch(() => undefined);
      entry.waiters.forEach((waiter) => waiter.reject(error));
      return;
    }
    message.attempts += 1;
    const backoff = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (message.attempts - 1));
    // Full jitter below the exponential step, never sooner than the service asked.
    const delay = Math.max(failure.retryAfterMs ?? 0, Math.round(backoff / 2 + (this.random() * backoff) / 2));
    message.notBefore = now + delay;
    this.logger.warn(
      { ...what, retryInMs: delay, retryAfterMs: failure.retryAfterMs },
      failure.status === 429
        ? "Teams throttled a proactive message beyond botbuilder's own retries; this conversation waits, then tries again"
        : 'a proactive message failed; trying again later',
    );
    await this.options.store?.reschedule(message.id, message.attempts, message.notBefore, errorText(error)).catch(() => undefined);
  }

  private async deliverReceipt(message: OutboundMessage, messageId: string | undefined): Promise<void> {
    if (!message.receipt || !messageId) return;
    const handler = this.receipts.get(message.receipt.topic);
    if (!handler) return;
    try {
      await handler(message.receipt.data, messageId, message.reference);
    } catch (error) {
      this.logger.warn({ topic: message.receipt.topic, err: errorText(error) }, 'a delivery receipt could not be recorded');
    }
  }

  /** Takes over rows nobody holds (an earlier process, a crashed instance) and renews this instance's claim. */
  private async claim(): Promise<void> {
    const store = this.options.store;
    if (!store || this.stopped) return;
    try {
      const now = this.now();
      const taken = await store.claim(this.owner, now + this.leaseMs, now);
      if (taken.length === 0) return;
      this.logger.info({ count: taken.length }, 'sending proactive messages left waiting by an earlier process');
      for (const message of taken.sort((a, b) => a.enqueuedAt - b.enqueuedAt || a.seq - b.seq)) {
        const lane = this.lane(message.conversationKey);
        if (lane.entries.some((entry) => entry.message.id === message.id)) continue;
        // In enqueue order among what waits (a message in flight stays first).
        const later = lane.entries.findIndex(
          (entry) => !entry.inFlight && (entry.message.enqueuedAt > message.enqueuedAt || (entry.message.enqueuedAt === message.enqueuedAt && entry.message.seq > message.seq)),
        );
        lane.entries.splice(later === -1 ? lane.entries.length : later, 0, { message, waiters: [], inFlight: false, stored: Promise.resolve() });
        this.kick(lane);
      }
    } catch (error) {
      this.logger.warn({ err: errorText(error) }, 'could not claim waiting proactive messages; trying again at the next renewal');
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = {
        timer: setTimeout(() => {
          this.timers.delete(sleeper);
          resolve();
        }, ms),
        wake: () => {
          clearTimeout(sleeper.timer);
          this.timers.delete(sleeper);
          resolve();
        },
      };
      sleeper.timer.unref();
      this.timers.add(sleeper);
    });
  }

  private pendingCount(): number {
    let count = 0;
    for (const lane of this.lanes.values()) count += lane.entries.length;
    return count;
  }

  private notifyIdle(): void {
    if (this.pendingCount() > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

/** The conversation a reference points at: its service and conversation id. */
export function conversationKeyOf(reference: ConversationReference): string {
  const conversation = (reference.conversation ?? {}) as { id?: unknown };
  return `${String(reference.serviceUrl ?? '')}|${String(conversation.id ?? '')}`;
}

/** A proactive message is a new message, not a reply to the activity the reference was taken from. */
function stripActivityId(reference: ConversationReference): ConversationReference {
  const { activityId: _activityId, ...rest } = reference as ConversationReference & { activityId?: unknown };
  return rest;
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}
