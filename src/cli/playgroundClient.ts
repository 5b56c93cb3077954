import WebSocket from 'ws';
import { BotMessageLog } from './botMessageLog';
import { PLAYGROUND_BOT } from './playgroundConfig';

export type { PlaygroundMessage } from './botMessageLog';

/**
 * Drives the Microsoft 365 Agents Playground through its HTTP API and websocket stream, the way a
 * person in its web UI would: post a message as a given user, click a card button as a given user,
 * and watch the bot's messages appear and change. Used by `npm run demo` and the e2e tests.
 */
export class PlaygroundClient extends BotMessageLog {
  private socket?: WebSocket;

  constructor(readonly baseUrl: string) {
    super();
  }

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
  async click(
    conversationId: string,
    fromId: string,
    messageId: string,
    verb: string,
    data: Record<string, unknown>,
  ): Promise<{ type?: string; value?: unknown; statusCode?: number }> {
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

  private onEvent(raw: string): void {
    let event: {
      action?: string;
      actionConversationId?: string;
      message?: { messageId?: string; text?: string; attachments?: Array<{ contentType: string; content: Record<string, unknown> }> };
    };
    try {
      event = JSON.parse(raw) as typeof event;
    } catch {
      return;
    }
    if ((event.action !== 'createMessage' && event.action !== 'updateMessage') || !event.message?.messageId) return;
    const previous = this.messages.get(event.message.messageId);
    this.saw(event.message.messageId, event.actionConversationId ?? previous?.conversationId ?? '', event.message.text, event.message.attachments ?? []);
  }
}
