/** A bot message as a chat client shows it (created or updated). */
export interface PlaygroundMessage {
  messageId: string;
  conversationId: string;
  text?: string;
  cards: Array<Record<string, unknown>>;
  /** How many times the bot updated it in place. */
  updates: number;
}

/**
 * The bot's messages as a chat client has seen them, and the waits on them: what the Agents
 * Playground client (`npm run demo`) and the tests' stand-ins for Teams share. Subclasses feed it
 * with `saw` as messages arrive or change.
 */
export class BotMessageLog {
  protected readonly messages = new Map<string, PlaygroundMessage>();
  private readonly listeners = new Set<() => void>();

  /** Ids of the messages seen so far: pass to `waitForNew` to ignore anything older. */
  snapshot(): Set<string> {
    return new Set(this.messages.keys());
  }

  /** Like `waitFor`, for messages not in `seen` (new since the snapshot). */
  waitForNew(seen: Set<string>, match: (message: PlaygroundMessage) => boolean, timeoutMs = 15_000, what = 'a new bot message'): Promise<PlaygroundMessage> {
    return this.waitFor((message) => !seen.has(message.messageId) && match(message), timeoutMs, what);
  }

  all(conversationId?: string): PlaygroundMessage[] {
    return [...this.messages.values()].filter((message) => !conversationId || message.conversationId === conversationId);
  }

  /** Resolves with the first bot message (new or updated) that satisfies `match`. */
  waitFor(match: (message: PlaygroundMessage) => boolean, timeoutMs = 15_000, what = 'a bot message'): Promise<PlaygroundMessage> {
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

  /** Records a created or updated message (its adaptive cards kept) and wakes the waits. */
  protected saw(messageId: string, conversationId: string, text: string | undefined, attachments: ReadonlyArray<{ contentType: string; content: Record<string, unknown> }>): void {
    const previous = this.messages.get(messageId);
    this.messages.set(messageId, {
      messageId,
      conversationId: conversationId || previous?.conversationId || '',
      text,
      cards: attachments.filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive').map((a) => a.content),
      updates: (previous?.updates ?? -1) + 1,
    });
    for (const listener of [...this.listeners]) listener();
  }
}
