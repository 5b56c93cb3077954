import { performance } from 'node:perf_hooks';
import { silentLogger, toAppError, type Clock, type Logger } from '../core';
import type { SqlClusterStore } from '../store/sqlClusterStore';

/**
 * Which instance runs the cluster's timers and dispatches the outbox: the holder of one named
 * lease (with a fencing token), renewed every third of its time to live. An instance that dies
 * keeps it until it lapses; then another takes it over. With one instance, that instance leads.
 */
export class ClusterLeader {
  private token: number | undefined;
  /** Until when (this process's monotonic time) it trusts its lease: a little before it lapses. */
  private trustUntil = 0;
  private timer?: NodeJS.Timeout;
  private beating?: Promise<void>;
  private readonly listeners = new Set<(leading: boolean) => void>();
  private readonly logger: Logger;

  constructor(
    private readonly deps: {
      cluster: Pick<SqlClusterStore, 'acquireLease' | 'renewLease' | 'releaseLease'>;
      /** This process (host/pid/random), as for run leases. */
      owner: string;
      ttlMs: number;
      clock: Clock;
      logger?: Logger;
      name?: string;
    },
  ) {
    this.logger = deps.logger ?? silentLogger;
  }

  get name(): string {
    return this.deps.name ?? 'keyward.cluster';
  }

  /**
   * True while this instance holds the lease as far as it knows: it stops trusting it a tenth of
   * the time to live before it would lapse, measured on this process's monotonic clock (a wall
   * clock that jumps, or a test's fake clock, does not make it lead longer or shorter).
   */
  isLeader(): boolean {
    return this.token !== undefined && performance.now() < this.trustUntil;
  }

  /** The fencing token of the lease while it leads. */
  get fencingToken(): number | undefined {
    return this.isLeader() ? this.token : undefined;
  }

  /** Called with true when this instance starts leading, false when it stops. */
  onChange(listener: (leading: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tries at once, then every third of the lease's time to live. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), Math.max(50, Math.floor(this.deps.ttlMs / 3)));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
    const token = this.token;
    this.set(undefined, 0);
    if (token !== undefined) await this.deps.cluster.releaseLease(this.name, this.deps.owner, token).catch(() => undefined);
  }

  /** One renewal (or attempt to lead); concurrent calls share it. */
  beat(): Promise<void> {
    this.beating ??= (async () => {
      const now = this.deps.clock.now().getTime();
      const trustUntil = performance.now() + this.deps.ttlMs * 0.9;
      try {
        if (this.token !== undefined && (await this.deps.cluster.renewLease(this.name, this.deps.owner, this.token, now, this.deps.ttlMs))) {
          this.trustUntil = trustUntil;
          return;
        }
        const token = await this.deps.cluster.acquireLease(this.name, this.deps.owner, now, this.deps.ttlMs);
        this.set(token, token === undefined ? 0 : trustUntil);
      } catch (error) {
        // Cannot reach the store: stop trusting the lease once it would lapse (isLeader checks the time).
        this.logger.warn({ lease: this.name, err: toAppError(error).message }, 'could not renew the cluster lease');
      }
    })().finally(() => (this.beating = undefined));
    return this.beating;
  }

  private set(token: number | undefined, trustUntil: number): void {
    const was = this.token !== undefined;
    this.token = token;
    this.trustUntil = trustUntil;
    const is = token !== undefined;
    if (was !== is) {
      this.logger.info(
        { lease: this.name, owner: this.deps.owner, fence: token ?? null },
        is ? "this instance now runs the cluster's timers and outbox" : "this instance no longer runs the cluster's timers",
      );
      for (const listener of this.listeners) listener(is);
    }
  }
}
