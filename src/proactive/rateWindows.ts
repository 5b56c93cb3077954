/**
 * Sliding-window rate limits, and Teams' own limits for a bot.
 *
 * Source: "Optimize your bot with rate limiting in Teams",
 * https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit — per bot per
 * conversation (1:1 chat, group chat or channel), "Send to conversation": 7 operations in 1 s,
 * 8 in 2 s, 60 in 30 s, 1800 in 3600 s; all bots together in one conversation: 14 in 1 s, 16 in
 * 2 s; "The global limit per app per tenant is 30 Requests Per Second (RPS)" (answers on Microsoft
 * Q&A quote 50). Microsoft says the values "are for estimation only" and may change: Keyward stays
 * inside them and still handles 429 with Retry-After.
 */
export interface RateWindow {
  readonly windowMs: number;
  readonly max: number;
}

/** Per bot per conversation, "Send to conversation" (updates count too: "all requests are subject to the same rate limiting policy"). */
export const TEAMS_PER_CONVERSATION_LIMITS: readonly RateWindow[] = [
  { windowMs: 1_000, max: 7 },
  { windowMs: 2_000, max: 8 },
  { windowMs: 30_000, max: 60 },
  { windowMs: 3_600_000, max: 1_800 },
];

/** Per app per tenant, every conversation together. */
export const TEAMS_GLOBAL_LIMITS: readonly RateWindow[] = [{ windowMs: 1_000, max: 30 }];

/**
 * The times of recent operations, and how long to wait before one more stays inside every
 * window. Pure over the `now` it is given (milliseconds, any monotonic origin).
 */
export class SlidingWindows {
  private readonly bookings: Array<{ at: number }> = [];
  private readonly longest: number;

  constructor(private readonly windows: readonly RateWindow[]) {
    this.longest = Math.max(0, ...windows.map((w) => w.windowMs));
  }

  /** Milliseconds until one more operation fits every window (0: now). */
  waitMs(now: number): number {
    this.prune(now);
    let wait = 0;
    for (const window of this.windows) {
      const inWindow = this.bookings.filter((b) => b.at > now - window.windowMs).map((b) => b.at);
      if (inWindow.length < window.max) continue;
      // The operation that must leave the window first: the (count - max + 1)-th oldest in it.
      const leaving = inWindow[inWindow.length - window.max]!;
      wait = Math.max(wait, leaving + window.windowMs - now);
    }
    return wait;
  }

  /**
   * Books one operation at `now`; `settle` later moves the booking to when the operation was done.
   * The service counts an operation when it arrives, which may be after `now`: keeping the later
   * time keeps the next ones from crowding it.
   */
  record(now: number): { settle(at: number): void } {
    const booking = { at: now };
    this.bookings.push(booking);
    return {
      settle: (at: number) => {
        booking.at = Math.max(booking.at, at);
        this.bookings.sort((a, b) => a.at - b.at);
      },
    };
  }

  /** How many operations a window holds at `now` (tests, metrics). */
  count(now: number, windowMs: number): number {
    return this.bookings.filter((b) => b.at > now - windowMs).length;
  }

  private prune(now: number): void {
    while (this.bookings.length > 0 && this.bookings[0]!.at <= now - this.longest) this.bookings.shift();
  }
}
