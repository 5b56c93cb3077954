import type { Message, Signature, Text } from '../core';

/**
 * The nouns of the approvals engine. Plain JSON-friendly data (times are ISO strings) so a request
 * is stored, hashed, audited and rendered without conversion.
 */
export const OPERATION_CLASSES = ['create', 'keyRoll', 'permissionChange', 'destructive'] as const;
export type OperationClass = (typeof OPERATION_CLASSES)[number];

export const OPERATION_CLASS_TITLES: Record<OperationClass, string> = {
  create: 'Create (setup)',
  keyRoll: 'Key roll',
  permissionChange: 'Permission change',
  destructive: 'Destructive (delete, purge, disable)',
};

export const REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'expired', 'cancelled', 'executing', 'succeeded', 'failed'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Statuses from which nothing moves any more. */
export const FINAL_STATUSES: ReadonlySet<RequestStatus> = new Set(['rejected', 'expired', 'cancelled', 'succeeded', 'failed']);

/** A person as Keyward knows them: Entra object id + tenant (the identity), plus display data. */
export interface Person {
  /** Entra object id, lower case, from the validated activity. */
  objectId: string;
  tenantId: string;
  name?: string;
  /** The Teams user id (MRI, 29:…) when seen; needed for refresh.userIds. Never used for authorization. */
  channelUserId?: string;
}

/**
 * Who triggered something, as the bot layer hands it over (structurally the same as the bot's
 * `Actor`, so approvals never imports the bot).
 */
export interface ActorIdentity {
  aadObjectId?: string;
  channelUserId?: string;
  name?: string;
  tenantId?: string;
}

/** An opaque, serialisable place to post to (a Bot Framework conversation reference). */
export type ConversationRef = Record<string, unknown>;

export type VoteDecision = 'approve' | 'reject';

export interface Vote {
  voter: Person;
  decision: VoteDecision;
  reason?: string;
  at: string;
  /** The plan hash the voter's card showed; always equal to the request's (others are refused). */
  planHash: string;
  /** Keyward's signature over the vote statement (approvalSignatures.ts), made when it was recorded. */
  signature?: Signature;
}

/** One ANDed requirement of a rule, with its group's members copied in (the snapshot is self-contained). */
export interface FactorRule {
  groupId: string;
  groupName: string;
  members: readonly string[];
  approvals: number;
}

/** The approval rule for one operation class, as the policy states it and as it is snapshotted into each request. */
export interface ClassRule {
  operationClass: OperationClass;
  factors: readonly FactorRule[];
  /** Only ever true for a non-destructive class (the policy parser refuses it for destructive). */
  allowSelfApproval: boolean;
  /**
   * Separation of duties across the two keys. `null` = off. When on and the request names key
   * custodians: the requester may be neither custodian, and each named side needs
   * `approvalsPerKeySide` approvals from its custodians, no person counting for both sides.
   */
  separationOfDuties: { approvalsPerKeySide: number; custodianGroup?: CustodianGroup } | null;
  approvalWindowMinutes: number;
  executionWindowMinutes: number;
  /** Approvers must type a reason to approve. A rejection always needs a reason. */
  reasonRequired: boolean;
  /** Remind the approvers this long before the approval window ends; 0 = never. */
  reminderBeforeMinutes: number;
}

/**
 * The policy group key custodians must come from (issue 12 item 5): a request may name as
 * custodian only a member, so the requester cannot pick who votes for a key side. Required by the
 * policy parser whenever custodians vote (`approvalsPerKeySide > 0`); copied into each snapshot.
 */
export interface CustodianGroup {
  id: string;
  name: string;
  members: readonly string[];
}

export interface KeySides {
  /** Object ids of the custodians of key A (vault/HSM A). */
  A: readonly string[];
  /** Object ids of the custodians of key B. */
  B: readonly string[];
}

export interface ExecutionState {
  startedAt: string;
  /** Free text from the executor ("Step 3 of 7: creating key A"); shown on the card. */
  progress?: Text;
  /**
   * The run stopped at a step and waits for a Retry (allowed until the execution window closes,
   * then the request fails). The request stays `executing` — nothing new may start from it — but
   * the cards must not say "Running" while nothing runs.
   */
  halted?: boolean;
  finishedAt?: string;
  outcome?: 'succeeded' | 'failed';
  detail?: Text;
}

export interface ApprovalRequest {
  /** UUID; also the correlation id sent as x-ms-client-request-id on every Azure call. */
  id: string;
  /** Compare-and-set counter; +1 on every stored change. Also the card version. */
  version: number;
  status: RequestStatus;
  operationClass: OperationClass;
  title: string;
  summaryLines: readonly string[];
  /** The title and lines as messages, for each approver's language (see SubmitRequest). */
  titleMessage?: Message;
  summaryMessages?: readonly Message[];
  targets: readonly string[];
  /** SHA-256 of the canonical plan. Votes bind to it. */
  planHash: string;
  keySides?: KeySides;
  requester: Person;
  reason: string;
  origin: ConversationRef;
  journeyId?: string;
  /** The rule in force when the request was made, and the policy it came from. */
  rule: ClassRule;
  policyHash: string;
  createdAt: string;
  /** End of the approval window. */
  expiresAt: string;
  votes: readonly Vote[];
  decidedAt?: string;
  /** End of the execution window (set on approval). */
  executeBy?: string;
  /** Who closed it, when not a vote (cancel, supersede). */
  closedBy?: Person;
  /** Why it closed: the rejection reason, "superseded by …", "cancelled by the requester: …", "approval window passed". */
  closedReason?: string;
  supersededBy?: string;
  supersedes?: string;
  remindedAt?: string;
  execution?: ExecutionState;
  /** Keyward's signature over the request's immutable core (plan hash, requester, custodians, rule), made at submission. */
  submissionSignature?: Signature;
  /** Keyward's signature over the decision (approved or rejected, the deciding votes, the execution window). */
  decisionSignature?: Signature;
}

export function isOpen(request: Pick<ApprovalRequest, 'status'>): boolean {
  return request.status === 'pending' || request.status === 'approved';
}

/**
 * The id to send as `x-ms-client-request-id` (and ARM `correlationId`) on every Azure call made
 * for this request, so Azure's own logs (Activity Log, Key Vault AuditEvent) join back to the vote.
 */
export function correlationIdOf(request: Pick<ApprovalRequest, 'id'>): string {
  return request.id;
}

export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** Everyone a request's rule snapshot names as a possible voter: its groups' members and the key custodians (may repeat). */
export function namedVoters(request: ApprovalRequest): string[] {
  return [...request.rule.factors.flatMap((factor) => factor.members), ...(request.keySides?.A ?? []), ...(request.keySides?.B ?? [])];
}
