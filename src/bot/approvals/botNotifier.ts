import { MessageFactory, type ConversationReference, type TurnContext } from 'botbuilder';
import type { ConversationRef } from '../../approvals/approvalTypes';
import type { AdaptiveCardJson } from '../cards/adaptiveCard';
import { cardActivity } from '../teamsApp';
import type { Notifier } from './notifier';

/** The part of botbuilder's CloudAdapter the notifier needs. */
export interface ProactiveAdapter {
  continueConversationAsync(botAppId: string, reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void>;
}

/**
 * Proactive posts and updates through `adapter.continueConversationAsync`. The bot app id is ''
 * when Keyward runs anonymously (local stack); in Azure it is the bot's app id (MSI client id).
 *
 * A failed call rejects with botbuilder's error (status code, Retry-After in its response). Without
 * the catch below it would not: the adapter hands an error thrown inside the proactive turn to the
 * app's turn-error handler, which logs it, and the post looked like a success without a message id
 * (a 429 that outlasted botbuilder's own retries vanished that way).
 */
export class BotNotifier implements Notifier {
  constructor(
    private readonly adapter: ProactiveAdapter,
    private readonly botAppId: string,
  ) {}

  async post(reference: ConversationRef, card: AdaptiveCardJson): Promise<string | undefined> {
    return this.run(reference, async (context) => (await context.sendActivity(cardActivity(card)))?.id);
  }

  async update(reference: ConversationRef, messageId: string, card: AdaptiveCardJson): Promise<void> {
    await this.run(reference, async (context) => {
      await context.updateActivity({ ...cardActivity(card), id: messageId });
      return undefined;
    });
  }

  async postText(reference: ConversationRef, text: string): Promise<string | undefined> {
    return this.run(reference, async (context) => (await context.sendActivity(MessageFactory.text(text)))?.id);
  }

  private async run(reference: ConversationRef, work: (context: TurnContext) => Promise<string | undefined>): Promise<string | undefined> {
    let result: { ok: true; id: string | undefined } | { ok: false; error: unknown } | undefined;
    await this.adapter.continueConversationAsync(this.botAppId, toReference(reference), async (context) => {
      try {
        result = { ok: true, id: await work(context) };
      } catch (error) {
        result = { ok: false, error };
      }
    });
    if (!result) throw new Error('the proactive turn did not run');
    if (!result.ok) throw result.error;
    return result.id;
  }
}

/** Stored references never carry the activity id: a proactive post is a new message, not a reply. */
function toReference(reference: ConversationRef): Partial<ConversationReference> {
  const { activityId: _activityId, ...rest } = reference as ConversationRef & { activityId?: unknown };
  return rest as Partial<ConversationReference>;
}
