/**
 * Ports of the proactive message queue. Nothing here knows Teams or a database: the bot supplies
 * the sender (botbuilder's continueConversation) and src/store the persistence.
 */

/** A serialisable conversation reference (channel, service URL, conversation, bot). */
export type ConversationReference = Record<string, unknown>;

/**
 * Who wants to know when a posted message has arrived, and its id: handled by a function the app
 * registered for the topic, so the id is recorded even when the message goes out after a restart
 * (its original caller is gone by then).
 */
export interface DeliveryReceipt {
  readonly topic: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export type OutboundKind = 'post' | 'update' | 'text';

/** One message waiting to go out. Times are milliseconds since the epoch. */
export interface OutboundMessage {
  readonly id: string;
  /** The conversation it goes to (service URL + conversation id): the unit of pacing and order. */
  readonly conversationKey: string;
  readonly reference: ConversationReference;
  readonly kind: OutboundKind;
  /** The card of a post or an update (replaced when a newer update of the same message comes). */
  card?: object;
  readonly text?: string;
  /** The message an update replaces. */
  readonly messageId?: string;
  readonly receipt?: DeliveryReceipt;
  attempts: number;
  /** Not before this time (after a 429's Retry-After, or a back-off). */
  notBefore: number;
  readonly enqueuedAt: number;
  /** Order among messages enqueued in the same millisecond. */
  readonly seq: number;
}

/**
 * Where waiting messages are kept, so a stop or a crash loses none. Each instance owns the rows it
 * enqueued through a lease it renews; rows whose lease ran out (a crashed instance) are taken
 * over; a graceful stop releases its rows at once.
 */
export interface PendingMessageStore {
  insert(message: OutboundMessage, owner: string, leaseUntil: number): Promise<void>;
  replaceCard(id: string, card: object): Promise<void>;
  reschedule(id: string, attempts: number, notBefore: number, lastError: string): Promise<void>;
  /** Delivered: the row goes. */
  remove(id: string): Promise<void>;
  /** Given up (refused for good, or too old): kept, marked failed, for an operator to see. */
  fail(id: string, lastError: string): Promise<void>;
  /** Renews `owner`'s leases and takes over pending rows whose lease ran out; returns those taken over. */
  claim(owner: string, leaseUntil: number, now: number): Promise<OutboundMessage[]>;
  /** Lets go of `owner`'s pending rows (graceful stop). */
  release(owner: string): Promise<void>;
  counts(): Promise<{ pending: number; failed: number }>;
}

/** What actually talks to the chat service (botbuilder's proactive calls). */
export interface MessageSender {
  post(reference: ConversationReference, card: object): Promise<string | undefined>;
  update(reference: ConversationReference, messageId: string, card: object): Promise<void>;
  postText(reference: ConversationReference, text: string): Promise<string | undefined>;
}

/** How a failed send should be treated. */
export interface SendFailure {
  /** Worth trying again (throttled, a gateway or server error, the network). */
  retryable: boolean;
  /** The service's Retry-After, when it said one. */
  retryAfterMs?: number;
  /** The HTTP status, when there was one. */
  status?: number;
}
