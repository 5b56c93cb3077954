import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOCAL_PEOPLE, type LocalPerson } from '../../src/core';
import { BotMessageLog } from '../../src/cli/botMessageLog';
import type { ScenarioClient } from '../../src/cli/demoScenario';
import { PLAYGROUND_CONVERSATIONS } from '../../src/cli/playgroundConfig';
import { invokeActivity, messageActivity } from './activities';

/**
 * Teams in front of several Keyward instances, the way Azure's load balancer puts them behind one
 * address: every message and click goes to the next instance in turn (an instance that does not
 * answer is skipped, as a health-checked load balancer would), and the bot's posts and updates —
 * from whichever instance makes them — land in one conversation store, here a Bot Connector
 * endpoint. It speaks the scenario client's language (src/cli/demoScenario.ts), so the demo's
 * setup journey runs across the instances unchanged.
 */
export class TeamsChannel extends BotMessageLog implements ScenarioClient {
  private server?: http.Server;
  private next = 0;
  private counter = 0;
  /** Instance URLs (http://host:port), in turn. */
  instances: string[] = [];
  /** Which instance served each activity (index into `instances`), for the test to check the alternation. */
  readonly served: number[] = [];
  /** Every text the bot posted: conversation id and text. */
  readonly texts: Array<{ conversationId: string; text: string }> = [];
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
        const match = /\/v3\/conversations\/([^/?]+)(?:\/activities(?:\/([^/?]+))?)?/.exec(req.url ?? '');
        const conversationId = decodeURIComponent(match?.[1] ?? '');
        const activityId = match?.[2] ? decodeURIComponent(match[2]) : undefined;
        let id = activityId ?? '';
        if (req.method === 'PUT' && activityId) this.record(activityId, conversationId, body);
        else if (req.method === 'POST' && match && (body.type === 'message' || body.type === undefined)) {
          id = `msg-${(this.counter += 1)}`;
          this.record(id, conversationId, body);
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  async say(conversationId: string, fromId: string, text: string, personal: boolean): Promise<string> {
    const activity = messageActivity(text, { serviceUrl: this.url, from: personOf(fromId), conversationId, conversationType: personal ? 'personal' : 'groupChat' });
    await this.send(activity);
    return String(activity.id);
  }

  async click(
    conversationId: string,
    fromId: string,
    messageId: string,
    verb: string,
    data: Record<string, unknown>,
  ): Promise<{ type?: string; value?: unknown; statusCode?: number }> {
    const activity = invokeActivity(verb, data, {
      serviceUrl: this.url,
      from: personOf(fromId),
      conversationId,
      conversationType: conversationId === PLAYGROUND_CONVERSATIONS.personalChat ? 'personal' : 'groupChat',
      replyToId: messageId,
    });
    const answer = ((await this.send(activity)) ?? {}) as { type?: string; value?: unknown; statusCode?: number };
    // Teams replaces the clicked card with the card in the answer.
    if (answer.type === 'application/vnd.microsoft.card.adaptive' && this.messages.has(messageId)) {
      this.record(messageId, conversationId, { attachments: [{ contentType: answer.type, content: answer.value }] });
    }
    return answer;
  }

  /** Posts to the next live instance; resolves to its answer's body. */
  private async send(activity: Record<string, unknown>): Promise<unknown> {
    for (let tries = 0; tries < this.instances.length * 2; tries += 1) {
      const index = this.next % this.instances.length;
      this.next += 1;
      let response: Response;
      try {
        response = await fetch(`${this.instances[index]}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      } catch {
        continue; // not answering (killed): the load balancer moves on
      }
      this.served.push(index);
      const text = await response.text();
      if (!response.ok) throw new Error(`instance ${index} answered ${response.status}: ${text.slice(0, 300)}`);
      return text ? (JSON.parse(text) as unknown) : undefined;
    }
    throw new Error('no Keyward instance answers');
  }

  private record(id: string, conversationId: string, body: Record<string, unknown>): void {
    const previous = this.messages.get(id);
    const attachments = (body.attachments as Array<{ contentType: string; content: Record<string, unknown> }> | undefined) ?? [];
    const text = typeof body.text === 'string' ? body.text : undefined;
    if (text && !previous) this.texts.push({ conversationId, text });
    this.saw(id, conversationId, text ?? previous?.text, attachments);
  }
}

function personOf(teamsId: string): LocalPerson {
  const person = Object.values(LOCAL_PEOPLE).find((p) => p.teamsId === teamsId);
  if (!person) throw new Error(`no local person with Teams id ${teamsId}`);
  return person;
}
