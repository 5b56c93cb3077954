import type { ConversationRef } from '../../approvals/approvalTypes';
import type { AdaptiveCardJson } from '../cards/adaptiveCard';
import type { DeliveryReceipt } from '../../proactive/proactivePorts';

/**
 * How the approvals side of the bot reaches a conversation outside a turn (proactive messages).
 * The approvals engine never sees this; the bot's notification listener does. Implemented with
 * botbuilder in `BotNotifier`, and by fakes in tests.
 */
export interface Notifier {
  /**
   * Posts a card; resolves to the new message id (to update it later). With a `receipt`, the
   * handler registered for its topic also learns the id — even when the card goes out after a
   * restart, when this caller is gone (the paced queue keeps waiting messages in the store).
   */
  post(reference: ConversationRef, card: AdaptiveCardJson, options?: { receipt?: DeliveryReceipt }): Promise<string | undefined>;
  /** Replaces a card this bot posted earlier. */
  update(reference: ConversationRef, messageId: string, card: AdaptiveCardJson): Promise<void>;
  postText(reference: ConversationRef, text: string): Promise<string | undefined>;
}
