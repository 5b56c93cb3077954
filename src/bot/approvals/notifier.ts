import type { ConversationRef } from '../../approvals/approvalTypes';
import type { AdaptiveCardJson } from '../cards/adaptiveCard';

/**
 * How the approvals side of the bot reaches a conversation outside a turn (proactive messages).
 * The approvals engine never sees this; the bot's notification listener does. Implemented with
 * botbuilder in `BotNotifier`, and by fakes in tests.
 */
export interface Notifier {
  /** Posts a card; resolves to the new message id (to update it later). */
  post(reference: ConversationRef, card: AdaptiveCardJson): Promise<string | undefined>;
  /** Replaces a card this bot posted earlier. */
  update(reference: ConversationRef, messageId: string, card: AdaptiveCardJson): Promise<void>;
  postText(reference: ConversationRef, text: string): Promise<string | undefined>;
}
