import WebSocket from 'ws';
import { PLAYGROUND_BOT } from './playgroundConfig';

/** A bot message as the Agents Playground shows it (created or updated). */
export interface PlaygroundMessage {
  messageId: string;
  conversationId: string;
  text?: string;
  cards: Array<Record<string, unknown>>;
  /** How many times the bot updated it in place. */
  updates: number;
}

/**
 * Drives the Microsoft 365 Agents Playground through its HTTP API and websocket stream, the way a
 * person in its web UI would: post a message as a given user, click a card button as a given user,
 * and watch the bot's messages appear and change. Used by `npm run demo` and the e2e tests.
 */
export class PlaygroundClient {
  private socket?: WebSocket;
  private readonly messages = new Map<string, PlaygroundMessage>();
  private readonly listeners = new Set<() => void>();

  constructor(readonly baseUrl: string) {}

  async connect(): Promise<this> {
    const url = this.baseUrl.replace(/^http/, 'ws') + '/_ws_conversation/v1/conversations/stream';
    this.socket = new WebSocket(url);
    this.socket.on('message', (raw) => this.onEvent(raw.toString()));
    await new Promise<void>((resolve, reject) => {
      this.socket!.once('open', () => resolve());
      this.socket!.once('error', reject);
    });
    return this;
  }

  close(): void {
    this.socket?.close();
  }

  async config(): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.baseUrl}/_internal/v1/config`);
    return (await response.json()) as Record<string, unknown>;
  }

  /** Sends `text` as user `fromId`; outside personal chat the bot is @mentioned, as Teams requires. */
  async say(conversationId: string, fromId: string, text: string, personal: boolean): Promise<string> {
    const mention = `<at>${PLAYGROUND_BOT.name}</at>`;
    const body = personal
      ? { from: { id: fromId }, text, textFormat: 'plain' }
      : { from: { id: fromId }, text: `${mention} ${text}`, textFormat: 'plain', mentions: [{ mentioned: { id: PLAYGROUND_BOT.id, name: PLAYGROUND_BOT.name }, text: mention }] };
    const response = await fetch(`${this.baseUrl}/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`playground refused the message: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { messageId: string }).messageId;
  }

  /** Clicks an Action.Execute button as user `fromId`; resolves to the bot's invoke response body. */
  async click(conversationId: string, fromId: string, messageId: string, verb: string, data: Record<string, unknown>): Promise<{ type?: string; value?: unknown; statusCode?: number }> {
    const response = await fetch(`${this.baseUrl}/_conversation/v1/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
        from: { id: fromId },
        conversation: { id: conversationId },
        replyToId: messageId,
      }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`playground refused the click: ${response.status} ${text}`);
    return text ? (JSON.parse(text) as { type?: string; value?: unknown; statusCode?: number }) : {};
  }

  /** Ids of the messages seen so far: pass to `waitForNew` to ignore anything older. */
  snapshot(): Set<string> {
    return new Set(this.messages.keys());
  }

  /** Like `waitFor`, for messages not in `seen` (new since the snapshot). */
  waitForNew(seen: Set<string>, match: (message: PlaygroundMessage) => boolean, timeoutMs = 15000, what = 'a new bot message'): Promise<PlaygroundMessage> {
    return this.waitFor((message) => !seen.has(message.messageId) && match(message), timeoutMs, what);
  }

  all(conversationId?: string): PlaygroundMessage[] {
    return [...this.messages.values()].filter((message) => !conversationId || message.conversationId === conversationId);
  }

  /** Resolves with the first bot message (new or updated) that satisfies `match`. */
  waitFor(match: (message: PlaygroundMessage) => boolean, timeoutMs = 15000, what = 'a bot message'): Promise<PlaygroundMessage> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = [...this.messages.values()].find(match);
        if (found) {
          this.listeners.delete(check);
          clearTimeout(timer);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  private onEvent(raw: string): void {
    let event: { action?: string; actionConversationId?: string; message?: { messageId?: string; text?: string; attachments?: Array<{ contentType: string; content: Record<string, unknown> }> } };
    try {
      event = JSON.parse(raw) as typeof event;
    } catch {
      return;
    }
    if ((event.action !== 'createMessage' && event.action !== 'updateMessage') || !event.message?.messageId) return;
    const previous = this.messages.get(event.message.messageId);
    this.messages.set(event.message.messageId, {
      messageId: event.message.messageId,
      conversationId: event.actionConversationId ?? previous?.conversationId ?? '',
      text: event.message.text,
      cards: (event.message.attachments ?? []).filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive').map((a) => a.content),
      updates: (previous?.updates ?? -1) + 1,
    });
    for (const listener of [...this.listeners]) listener();
  }
}
