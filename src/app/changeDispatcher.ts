import { silentLogger, toAppError, type Logger } from '../core';
import type { ApprovalChange, ChangeOutbox } from '../approvals/approvalService';
import type { SqlClusterStore } from '../store/sqlClusterStore';
import { ATTR, contextFromTraceparent, currentTraceparent, inSpan } from '../telemetry';

const TOPIC = 'approval.change';
const CONSUMER = 'keyward.approvals';
const BATCH = 50;

/**
 * The outbox of approval changes, both ends. `record` writes a committed change into the store
 * inside its unit of work; the instance that leads the cluster reads them back in commit order
 * and delivers each to its listeners (cards, the executor, the journeys and inventory), moving a
 * cursor after each — at least once, in order, across every instance. Woken at once in the
 * process that committed, by LISTEN/NOTIFY on PostgreSQL, and by a poll otherwise.
 */
export class ChangeDispatcher implements ChangeOutbox {
  private running?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;
  private unlisten?: () => Promise<void>;
  private delivered = 0;
  private readonly logger: Logger;

  constructor(
    private readonly deps: {
      cluster: Pick<SqlClusterStore, 'append' | 'events' | 'cursor' | 'advance' | 'lastSeq' | 'prune' | 'backlog'>;
      deliver(change: ApprovalChange): Promise<void>;
      isLeader(): boolean;
      now(): Date;
      /** LISTEN on the outbox channel (PostgreSQL); returns the function that stops listening. */
      listen?(onEvent: () => void): Promise<() => Promise<void>>;
      logger?: Logger;
    },
  ) {
    this.logger = deps.logger ?? silentLogger;
  }

  /** Changes committed but not yet delivered, and when the oldest was committed (metrics). */
  async backlog(): Promise<{ events: number; oldestAt?: string }> {
    return this.deps.cluster.backlog((await this.deps.cluster.cursor(CONSUMER)) ?? 0);
  }

  /**
   * The change goes out with the W3C traceparent of the click that caused it, so the instance that
   * delivers it (perhaps another one) continues that click's trace: the run an approval starts is
   * a child of the deciding vote wherever it runs (issue 15).
   */
  async record(change: ApprovalChange): Promise<void> {
    const traceparent = currentTraceparent();
    await this.deps.cluster.append(TOPIC, change.request.id, JSON.stringify(traceparent ? { ...change, traceparent } : change), this.deps.now().toISOString());
  }

  committed(): void {
    this.wake();
  }

  /** Starts listening and polling (the poll also covers instances without LISTEN). */
  async start(pollMs: number): Promise<void> {
    if (this.deps.listen) {
      try {
        this.unlisten = await this.deps.listen(() => this.wake());
      } catch (error) {
        this.logger.warn({ err: toAppError(error).message }, 'could not listen for outbox notifications; polling only');
      }
    }
    if (pollMs > 0) {
      this.timer = setInterval(() => this.wake(), pollMs);
      this.timer.unref();
    }
    this.wake();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.unlisten?.().catch(() => undefined);
    await this.running;
  }

  /** Delivers what is waiting (when this instance leads); one pass at a time, repeated if woken meanwhile. */
  wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.drain().catch((error: unknown) => this.logger.error({ err: toAppError(error).message }, 'outbox dispatch failed; retrying at the next wake'));
      } while (this.again);
    })().finally(() => (this.running = undefined));
  }

  /** Resolves when nothing is waiting to be delivered (by this instance). */
  async idle(): Promise<void> {
    for (let round = 0; round < 1000; round += 1) {
      if (this.running) await this.running;
      if (!this.deps.isLeader()) return;
      const cursor = (await this.deps.cluster.cursor(CONSUMER)) ?? 0;
      if (cursor >= (await this.deps.cluster.lastSeq())) return;
      this.wake();
    }
  }

  private async drain(): Promise<void> {
    while (this.deps.isLeader()) {
      const cursor = (await this.deps.cluster.cursor(CONSUMER)) ?? 0;
      const events = await this.deps.cluster.events(cursor, BATCH);
      if (events.length === 0) return;
      for (const event of events) {
        if (!this.deps.isLeader()) return;
        if (event.topic === TOPIC) {
          const { traceparent, ...change } = JSON.parse(event.body) as ApprovalChange & { traceparent?: string };
          await inSpan(
            'outbox.deliver',
            { attributes: { [ATTR.requestId]: change.request.id, [ATTR.change]: change.change }, ...(traceparent ? { parent: contextFromTraceparent(traceparent) } : {}) },
            () => this.deps.deliver(change),
          );
        }
        await this.deps.cluster.advance(CONSUMER, event.seq);
        this.delivered += 1;
        // Housekeeping: delivered events are kept a while for investigation, then dropped.
        if (this.delivered % 500 === 0) await this.deps.cluster.prune(event.seq - 10_000).catch(() => undefined);
      }
    }
  }
}
