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
 */
export class BotNotifier implements Notifier {
  constructor(
    private readonly adapter: ProactiveAdapter,
    private readonly botAppId: string,
  ) {}

  async post(reference: ConversationRef, card: AdaptiveCardJson): Promise<string | undefined> {
    let id: string | undefined;
    await this.adapter.continueConversationAsync(this.botAppId, toReference(reference), async (context) => {
      id = (await context.sendActivity(cardActivity(card)))?.id;
    });
    return id;
  }

  async update(reference: ConversationRef, messageId: string, card: AdaptiveCardJson): Promise<void> {
    await this.adapter.continueConversationAsync(this.botAppId, toReference(reference), async (context) => {
      await context.updateActivity({ ...cardActivity(card), id: messageId });
    });
  }

  async postText(reference: ConversationRef, text: string): Promise<string | undefined> {
    let id: string | undefined;
    await this.adapter.continueConversationAsync(this.botAppId, toReference(reference), async (context) => {
      id = (await context.sendActivity(MessageFactory.text(text)))?.id;
    });
    return id;
  }
}

/** Stored references never carry the activity id: a proactive post is a new message, not a reply. */
function toReference(reference: ConversationRef): Partial<ConversationReference> {
  const { activityId: _activityId, ...rest } = reference as ConversationRef & { activityId?: unknown };
  return rest as Partial<ConversationReference>;
}
