import type { AdaptiveCardJson } from './cards/adaptiveCard';

/**
 * The framework-neutral face of a turn. Features (journeys, approvals, …) are written against
 * these types only; `teamsApp.ts` is the one place that maps teams-ai/botbuilder onto them, so a
 * later move to the Teams SDK v2 touches that file and not the features.
 */
export interface Actor {
  /** Entra object id from the validated activity — the only identity Keyward trusts. */
  aadObjectId?: string;
  /** The channel's user id (Teams MRI such as 29:…, or the playground's user id). */
  channelUserId: string;
  name?: string;
  tenantId?: string;
}

export type ConversationKind = 'personal' | 'groupChat' | 'channel';

export interface ConversationInfo {
  id: string;
  kind: ConversationKind;
  tenantId?: string;
}

/** A serialisable conversation reference, enough to post or update cards later. */
export type StoredConversationReference = Record<string, unknown>;

export interface TurnIo {
  actor: Actor;
  conversation: ConversationInfo;
  /** The activity's locale (BCP 47, e.g. de-DE), handed to the card renderers; absent: English. */
  locale?: string;
  /** Posts a card in this conversation; resolves to the new message id. */
  sendCard(card: AdaptiveCardJson): Promise<string | undefined>;
  sendText(text: string): Promise<string | undefined>;
  /** Replaces a message this bot posted earlier in this conversation. */
  updateCard(messageId: string, card: AdaptiveCardJson): Promise<void>;
  reference(): StoredConversationReference;
}

export interface CommandSpec {
  /** First word of the message, lower case, e.g. "setup". */
  name: string;
  aliases?: readonly string[];
  /** One line for help and for the "unknown text" answer. */
  summary: string;
  /** Resolves to `{ refused }` when the command was refused (a card button then answers with it). */
  run(args: string, io: TurnIo): Promise<void | CommandRefusal>;
}

/** A command that did not run, and the sentence that says why (the person's language). */
export interface CommandRefusal {
  refused: string;
}

/** What an Action.Execute (or Action.Submit) handler answers. */
export type CardActionResult =
  /** Replace the clicked card for the person who clicked (and, with `forEveryone`, for all). */
  | { kind: 'card'; card: AdaptiveCardJson; forEveryone?: boolean }
  /** A short message shown to the person who clicked; the card stays as it is. */
  | { kind: 'message'; text: string };

export interface CardActionContext extends TurnIo {
  /** Id of the message that carries the clicked card (activity.replyToId). */
  messageId?: string;
  /** 'automatic' when Teams refreshes a card by itself, 'manual' for a click. */
  trigger: 'manual' | 'automatic';
}

export interface CardActionSpec {
  verb: string;
  run(data: Record<string, unknown>, context: CardActionContext): Promise<CardActionResult>;
}

/** A slice of the bot: its commands, card verbs, and what it tells the welcome card. */
export interface BotFeature {
  name: string;
  commands?: readonly CommandSpec[];
  cardActions?: readonly CardActionSpec[];
  /** Called when the bot is installed or added to a conversation (e.g. to remember the approvers' channel). */
  onInstalled?(io: TurnIo): Promise<void>;
}
