import type { ApprovalRequest, ConversationRef, Person, RequestStatus } from './approvalTypes';

export type { Atomic } from '../core/atomic';

/**
 * Persistence ports of the approvals engine. Asynchronous; the service still runs "read,
 * transition, audit, compare-and-set" as ONE unit inside `Atomic` — one transaction on the
 * store's engine (SQLite: BEGIN IMMEDIATE, serialised across processes by the file's write lock;
 * PostgreSQL: one pooled connection, the compare-and-set deciding between instances). Every call
 * made inside the unit takes part in it (see core/atomic.ts).
 */
export interface ApprovalRequestStore {
  get(id: string): Promise<ApprovalRequest | undefined>;
  /** Stores a new request (version 1). */
  insert(request: ApprovalRequest): Promise<void>;
  /**
   * Replaces the stored request only if its version is still `expectedVersion`; `next.version`
   * must be `expectedVersion + 1`. False = somebody else changed it first. A vote by someone who
   * already voted on the request is refused with AlreadyVoted (a constraint in the store).
   */
  compareAndSet(next: ApprovalRequest, expectedVersion: number): Promise<boolean>;
  list(filter?: { statuses?: readonly RequestStatus[]; journeyId?: string }): Promise<ApprovalRequest[]>;
  /**
   * Inside a unit of work, before the request is read: units that change the same request take
   * turns until they end (in every process), so concurrent clicks on one request queue up instead
   * of exhausting their compare-and-set retries. Units on different requests do not wait for each
   * other here (they only take turns at the audit append). Optional: a store without it relies on
   * compare-and-set alone.
   */
  holdForChange?(id: string): Promise<void>;
}

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
  add(card: PostedCard): Promise<void>;
  list(requestId: string): Promise<PostedCard[]>;
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
  approversConversation(): Promise<ApproversConversation | undefined>;
  setApproversConversation(value: ApproversConversation): Promise<void>;
  personalConversation(objectId: string): Promise<ConversationRef | undefined>;
  setPersonalConversation(objectId: string, reference: ConversationRef): Promise<void>;
  /** Remembers a person's Teams user id (for refresh.userIds); never used to authorize. */
  rememberPerson(person: Person): Promise<void>;
  person(objectId: string): Promise<Person | undefined>;
  /** The people Keyward has met among `objectIds`, in one read (cards name up to hundreds of approvers). */
  people(objectIds: readonly string[]): Promise<Map<string, Person>>;
}
