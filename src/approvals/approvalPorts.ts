import type { ApprovalRequest, ConversationRef, Person, RequestStatus } from './approvalTypes';

/**
 * Persistence ports of the approvals engine. Synchronous on purpose: the service runs "read,
 * transition, audit, compare-and-set" as ONE unit inside `Atomic`, and with SQLite that unit is a
 * single IMMEDIATE transaction — serialised across bot processes by the database's write lock.
 * A scale-out store must offer the same unit (e.g. a transactional batch) to implement these.
 */
export interface ApprovalRequestStore {
  get(id: string): ApprovalRequest | undefined;
  /** Stores a new request (version 1). */
  insert(request: ApprovalRequest): void;
  /**
   * Replaces the stored request only if its version is still `expectedVersion`; `next.version`
   * must be `expectedVersion + 1`. False = somebody else changed it first.
   */
  compareAndSet(next: ApprovalRequest, expectedVersion: number): boolean;
  list(filter?: { statuses?: readonly RequestStatus[]; journeyId?: string }): ApprovalRequest[];
}

/** Runs `work` as one atomic, exclusive unit; a throw undoes everything `work` wrote. */
export type Atomic = <T>(work: () => T) => T;

/** A card Keyward posted for a request, so every copy is updated as the request moves. */
export interface PostedCard {
  requestId: string;
  conversationId: string;
  messageId: string;
  reference: ConversationRef;
  /** approvers = the approvers' conversation; personal = an approver's 1:1 fallback; shown = a copy shown on demand ("approvals"). */
  role: 'approvers' | 'personal' | 'shown';
}

export interface ApprovalMessageStore {
  add(card: PostedCard): void;
  list(requestId: string): PostedCard[];
}

export interface ApproversConversation {
  conversationId: string;
  reference: ConversationRef;
  /** Object id of the approver who designated it, or "policy" when pinned by the policy file. */
  designatedBy: string;
  at: string;
}

/** Where to reach people: the approvers' conversation, personal chats, and Teams user ids. */
export interface ApprovalDirectoryStore {
  approversConversation(): ApproversConversation | undefined;
  setApproversConversation(value: ApproversConversation): void;
  personalConversation(objectId: string): ConversationRef | undefined;
  setPersonalConversation(objectId: string, reference: ConversationRef): void;
  /** Remembers a person's Teams user id (for refresh.userIds); never used to authorize. */
  rememberPerson(person: Person): void;
  person(objectId: string): Person | undefined;
}
