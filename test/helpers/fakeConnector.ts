import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectorCall {
  method: string;
  path: string;
  conversationId: string;
  activityId?: string;
  body: Record<string, unknown>;
  /** The Authorization header the bot sent (its outbound token in production mode). */
  authorization?: string;
  /** What the connector answered (200, or 429 while throttling). */
  status: number;
  /** When it arrived (ms since the epoch). */
  at: number;
  /** The activity id the connector answered with (as Teams answers a post with the new message's id). */
  answeredId?: string;
}

/** Teams' answer to a bot over its rate limit (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit). */
interface Throttle {
  conversationId: string;
  remaining: number;
  retryAfterSeconds: number;
}

/**
 * A local Bot Connector endpoint: the `serviceUrl` our test activities name, so the bot's replies
 * travel over real HTTP exactly as they would to Teams. Records every call; `waitFor` resolves
 * when a matching one arrives.
 */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  private server?: http.Server;
  private waiters: Array<{ match: (call: ConnectorCall) => boolean; resolve: (call: ConnectorCall) => void }> = [];
  private counter = 0;
  private throttles: Throttle[] = [];
  url = '';

  /**
   * The next `count` requests for `conversationId` are answered 429 Too Many Requests with
   * `Retry-After: retryAfterSeconds`, as Teams answers a bot over its per-conversation limit.
   * `count: Infinity` throttles until `unthrottle`.
   */
  throttle(conversationId: string, count: number, retryAfterSeconds: number): void {
    this.throttles.push({ conversationId, remaining: count, retryAfterSeconds });
  }

  unthrottle(conversationId?: string): void {
    this.throttles = conversationId === undefined ? [] : this.throttles.filter((t) => t.conversationId !== conversationId);
  }

  /** Calls Teams accepted (not the 429 answers). */
  delivered(): ConnectorCall[] {
    return this.calls.filter((call) => call.status === 200);
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const match = /\/v3\/conversations\/([^/]+)(?:\/activities(?:\/([^/]+))?)?/.exec(req.url ?? '');
        const conversationId = decodeURIComponent(match?.[1] ?? '');
        const throttle = this.throttles.find((t) => t.conversationId === conversationId && t.remaining > 0);
        const call: ConnectorCall = {
          method: req.method ?? '',
          path: req.url ?? '',
          conversationId,
          activityId: match?.[2] ? decodeURIComponent(match[2]) : undefined,
          body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
          ...(typeof req.headers.authorization === 'string' ? { authorization: req.headers.authorization } : {}),
          status: throttle ? 429 : 200,
          at: Date.now(),
        };
        this.calls.push(call);
        if (throttle) {
          throttle.remaining -= 1;
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(throttle.retryAfterSeconds) });
          res.end(JSON.stringify({ error: { code: 'TooManyRequests', message: 'Too many requests.' } }));
          return;
        }
        for (const waiter of [...this.waiters]) {
          if (waiter.match(call)) {
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            waiter.resolve(call);
          }
        }
        this.counter += 1;
        call.answeredId = call.activityId ?? `activity-${this.counter}`;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: call.answeredId }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
    return this;
  }

  waitFor(match: (call: ConnectorCall) => boolean, timeoutMs = 10000): Promise<ConnectorCall> {
    const existing = this.calls.find((call) => call.status === 200 && match(call));
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a connector call')), timeoutMs);
      this.waiters.push({
        match,
        resolve: (call) => {
          clearTimeout(timer);
          resolve(call);
        },
      });
    });
  }

  /** Adaptive cards posted so far (newest last). */
  cards(): Array<Record<string, unknown>> {
    return this.delivered().flatMap((call) => {
      const attachments = (call.body.attachments as Array<{ contentType: string; content: Record<string, unknown> }> | undefined) ?? [];
      return attachments.filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive').map((a) => a.content);
    });
  }

  reset(): void {
    this.calls.length = 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
