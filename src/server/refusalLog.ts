import type { Clock, Logger } from '../core';

export interface RefusalLogOptions {
  /** Refusal lines written per window; the rest are counted. */
  perWindow: number;
  windowMs: number;
}

const DEFAULTS: RefusalLogOptions = { perWindow: 20, windowMs: 60_000 };

/**
 * One log line per refused request, but at most `perWindow` a minute: a flood of bad requests
 * (a scanner, a misconfigured client, someone probing) must not flood the log and bury what
 * matters. What is dropped is counted per error code and reported in one line when the window
 * has passed (at the next refusal) or when Keyward stops.
 */
export class RefusalLog {
  private windowStart: number | undefined;
  private logged = 0;
  private dropped = new Map<string, number>();
  private readonly options: RefusalLogOptions;

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    options: Partial<RefusalLogOptions> = {},
    /** Told of each refusal that is logged, and of each count of those that were not (the audit log, under the same limit). */
    private readonly onRecorded?: (record: { fields: Record<string, unknown> & { code: string }; message: string } | { dropped: number; byCode: Record<string, number> }) => void,
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  refused(fields: Record<string, unknown> & { code: string }, message: string): void {
    const now = this.clock.now().getTime();
    if (this.windowStart === undefined || now - this.windowStart >= this.options.windowMs) {
      this.flush();
      this.windowStart = now;
      this.logged = 0;
    }
    if (this.logged < this.options.perWindow) {
      this.logged += 1;
      const last = this.logged === this.options.perWindow;
      this.logger.warn(last ? { ...fields, note: `further refusals in this ${Math.round(this.options.windowMs / 1000)} s window are counted, not logged` } : fields, message);
      this.onRecorded?.({ fields, message });
      return;
    }
    this.dropped.set(fields.code, (this.dropped.get(fields.code) ?? 0) + 1);
  }

  /** Writes the count of refusals not logged since the last report (if any). */
  flush(): void {
    const total = [...this.dropped.values()].reduce((sum, n) => sum + n, 0);
    if (total === 0) return;
    this.logger.warn(
      { dropped: total, byCode: Object.fromEntries(this.dropped), windowSeconds: Math.round(this.options.windowMs / 1000), limit: this.options.perWindow },
      `${total} refused requests were not logged (more than ${this.options.perWindow} in ${Math.round(this.options.windowMs / 1000)} s)`,
    );
    this.onRecorded?.({ dropped: total, byCode: Object.fromEntries(this.dropped) });
    this.dropped = new Map();
  }
}
