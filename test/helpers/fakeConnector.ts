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
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const match = /\/v3\/conversations\/([^/]+)(?:\/activities(?:\/([^/]+))?)?/.exec(req.url ?? '');
        const call: ConnectorCall = {
          method: req.method ?? '',
          path: req.url ?? '',
          conversationId: decodeURIComponent(match?.[1] ?? ''),
          activityId: match?.[2] ? decodeURIComponent(match[2]) : undefined,
          body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
          ...(typeof req.headers.authorization === 'string' ? { authorization: req.headers.authorization } : {}),
        };
        this.calls.push(call);
        for (const waiter of [...this.waiters]) {
          if (waiter.match(call)) {
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            waiter.resolve(call);
          }
        }
        this.counter += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: call.activityId ?? `activity-${this.counter}` }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
    return this;
  }

  waitFor(match: (call: ConnectorCall) => boolean, timeoutMs = 10000): Promise<ConnectorCall> {
    const existing = this.calls.find(match);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a connector call')), timeoutMs);
      this.waiters.push({ match, resolve: (call) => { clearTimeout(timer); resolve(call); } });
    });
  }

  /** Adaptive cards posted so far (newest last). */
  cards(): Array<Record<string, unknown>> {
    return this.calls.flatMap((call) => {
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
