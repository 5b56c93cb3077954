import { LOCAL_PEOPLE, type LocalPerson } from '../../src/core';
import type { ScenarioClient } from '../../src/cli/demoScenario';
import type { PlaygroundMessage } from '../../src/cli/playgroundClient';
import { PLAYGROUND_CONVERSATIONS } from '../../src/cli/playgroundConfig';
import { invokeActivity, membersAddedActivity, messageActivity, postActivity } from './activities';
import type { FakeConnector } from './fakeConnector';

/**
 * The demo scenario's chat client without the Agents Playground: messages and clicks are real
 * HTTP POSTs to Keyward's /api/messages (as Teams sends them), and what the bot posts or updates
 * arrives on the fake Bot Connector, where it is read back as the playground would show it.
 */
export class DirectChatClient implements ScenarioClient {
  private constructor(
    private readonly botUrl: () => string,
    private readonly connector: FakeConnector,
  ) {}

  /** Installs the bot in the approvers' group chat (as Teams announces it), so the pinned chat is known. */
  static async connect(botUrl: () => string, connector: FakeConnector): Promise<DirectChatClient> {
    const client = new DirectChatClient(botUrl, connector);
    const answer = await postActivity(
      botUrl(),
      membersAddedActivity({ serviceUrl: connector.url, from: LOCAL_PEOPLE.approverAlex, conversationId: PLAYGROUND_CONVERSATIONS.groupChat.id, conversationType: 'groupChat' }),
    );
    if (answer.status >= 400) throw new Error(`install in the group chat: ${answer.status}`);
    return client;
  }

  async say(conversationId: string, fromId: string, text: string, personal: boolean): Promise<string> {
    const answer = await postActivity(
      this.botUrl(),
      messageActivity(text, { serviceUrl: this.connector.url, from: person(fromId), conversationId, conversationType: personal ? 'personal' : 'groupChat' }),
    );
    if (answer.status >= 400) throw new Error(`message refused: ${answer.status} ${JSON.stringify(answer.body)}`);
    return 'sent';
  }

  async click(
    conversationId: string,
    fromId: string,
    messageId: string,
    verb: string,
    data: Record<string, unknown>,
  ): Promise<{ type?: string; value?: unknown; statusCode?: number }> {
    const personal = conversationId === PLAYGROUND_CONVERSATIONS.personalChat;
    const answer = await postActivity(
      this.botUrl(),
      invokeActivity(verb, data, {
        serviceUrl: this.connector.url,
        from: person(fromId),
        conversationId,
        conversationType: personal ? 'personal' : 'groupChat',
        replyToId: messageId,
      }),
    );
    if (answer.status >= 400) throw new Error(`click refused: ${answer.status} ${JSON.stringify(answer.body)}`);
    return (answer.body ?? {}) as { type?: string; value?: unknown; statusCode?: number };
  }

  snapshot(): Set<string> {
    return new Set(this.messages().keys());
  }

  all(conversationId?: string): PlaygroundMessage[] {
    return [...this.messages().values()].filter((message) => !conversationId || message.conversationId === conversationId);
  }

  waitForNew(seen: Set<string>, match: (message: PlaygroundMessage) => boolean, timeoutMs = 15000, what = 'a new bot message'): Promise<PlaygroundMessage> {
    return this.waitFor((message) => !seen.has(message.messageId) && match(message), timeoutMs, what);
  }

  async waitFor(match: (message: PlaygroundMessage) => boolean, timeoutMs = 15000, what = 'a bot message'): Promise<PlaygroundMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = [...this.messages().values()].find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The bot's messages as a chat shows them: each POST a message (its id as the connector answered), each PUT its new content. */
  private messages(): Map<string, PlaygroundMessage> {
    const out = new Map<string, PlaygroundMessage>();
    this.connector.calls.forEach((call, index) => {
      if (!/\/activities/.test(call.path) || (call.method !== 'POST' && call.method !== 'PUT')) return;
      // The fake connector answers a POST with the id in its path (a reply) or activity-<n>.
      const id = call.activityId ?? `activity-${index + 1}`;
      const previous = out.get(id);
      const attachments = (call.body.attachments as Array<{ contentType: string; content: Record<string, unknown> }> | undefined) ?? [];
      out.set(id, {
        messageId: id,
        conversationId: call.conversationId,
        text: typeof call.body.text === 'string' ? call.body.text : undefined,
        cards: attachments.filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive').map((a) => a.content),
        updates: (previous?.updates ?? -1) + 1,
      });
    });
    return out;
  }
}

function person(teamsId: string): LocalPerson {
  const found = Object.values(LOCAL_PEOPLE).find((p) => p.teamsId === teamsId);
  if (!found) throw new Error(`no local person with Teams id ${teamsId}`);
  return found;
}
