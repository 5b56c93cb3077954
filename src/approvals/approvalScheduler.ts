import { silentLogger, toAppError, type Logger } from '../core';
import type { ApprovalService } from './approvalService';

export interface TickReport {
  expired: string[];
  reminded: string[];
}

/**
 * The timer side of the approval windows: expires requests whose window passed and sends each
 * pending request's reminder once. Expiry does not depend on it — every vote and every execution
 * start checks the time itself — the timer only makes the cards and the requester hear about it.
 * `tick()` is what tests call with a ManualClock; `start()` is what main.ts calls.
 */
export class ApprovalScheduler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<TickReport>;

  constructor(
    private readonly service: ApprovalService,
    private readonly logger: Logger = silentLogger,
  ) {}

  /** One pass; concurrent calls share the pass in flight. */
  tick(): Promise<TickReport> {
    this.running ??= (async () => {
      try {
        const expired = await this.service.expireDue();
        const reminded = await this.service.remindDue();
        return { expired: expired.map((r) => r.id), reminded: reminded.map((r) => r.id) };
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** `when`: run a pass only while it says so (the instance that leads the cluster). */
  start(intervalMs: number, when: () => boolean = () => true): void {
    if (this.timer || intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (!when()) return;
      this.tick().catch((error: unknown) => {
        const appErr = toAppError(error);
        this.logger.error({ code: appErr.code, err: appErr.message }, 'approval timer pass failed');
      });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
