import type { Text } from '../core';
import type { AuditEventInput } from '../audit/auditRecord';
import type { ApprovalRequest, RequestStatus } from '../approvals/approvalTypes';
import type { SignatureCheck } from '../approvals/approvalSignatures';
import type { AzureWriter, CallerIdentitySource, WrapProbe } from '../azure/ports';
import type { ChecklistLine, KeyRef, Plan } from '../customerKey';
import type { Run } from './runTypes';

/**
 * The approvals engine as the executor uses it (`ApprovalService` fits): claim an approved
 * request exactly once, show progress on its cards, finish it. Every method may throw AppError;
 * `beginExecution` throwing means "do not run" (window closed, already claimed, audit failed).
 */
export interface ExecutionApprovals {
  get(requestId: string): Promise<ApprovalRequest | undefined>;
  list(filter?: { statuses?: readonly RequestStatus[] }): Promise<ApprovalRequest[]>;
  beginExecution(requestId: string): Promise<ApprovalRequest>;
  /**
   * Could this person vote on this request now: named in its rule snapshot AND still named by the
   * policy in force (voting checks the same). Retry is theirs only (issue 12 item 9).
   */
  canVote(request: ApprovalRequest, objectId: string): boolean;
  /**
   * Is the request's approval backed by Keyward's own signatures (submission, votes, decision) over
   * the request as stored now, with votes that meet its signed rule, and not closed in the audit
   * log? Asked before the first step, at every resumption, and on Retry. Local checks only.
   */
  verifyApproval(request: ApprovalRequest): Promise<SignatureCheck>;
  /**
   * Closes a request whose approval does not verify as failed (the cards say why) and audits the
   * refusal — once, `context` in its details, even when the request can no longer be closed; the
   * executor records no refusal of its own beside it. Throws when nothing could be recorded.
   */
  refuseExecution(requestId: string, check: Extract<SignatureCheck, { ok: false }>, context?: { runId?: string }): Promise<unknown>;
  /** `halted`: the run stopped and waits for a Retry (the cards say so instead of "Running"). */
  reportExecutionProgress(requestId: string, progress: Text, options?: { halted?: boolean }): Promise<unknown>;
  finishExecution(requestId: string, outcome: 'succeeded' | 'failed', detail: Text): Promise<unknown>;
}

/** Finds the plan an approval request was made for (the journey stored it; its hash must match). */
export interface PlanSource {
  planFor(request: ApprovalRequest): Plan | undefined | Promise<Plan | undefined>;
}

/** The audit log (fail closed: if `append` throws, the executor does not act). */
export interface ExecutorAudit {
  append(event: AuditEventInput): Promise<unknown>;
}

/** Azure as the executor needs it: the writer's gateway plus "who am I". */
export type ExecutorAzure = AzureWriter & CallerIdentitySource;

/** What people are told, outside the approval card's one-line progress. */
export interface SecurityDomainStoredNotice {
  run: Run;
  hsmName: string;
  file: string;
  sha256: string;
  quorum: number;
  officers: ReadonlyArray<{ objectId: string; name: string; thumbprint: string }>;
  /** How an officer gets the file, in one paragraph. */
  howToFetch: string;
}

/**
 * Told about every stored change of a run (the bot renders and updates the run card) and about
 * the few things that need their own message. Implementations must not throw into the runner
 * (errors are logged and dropped: a card that did not update never stops Azure work).
 */
export interface RunObserver {
  runChanged(run: Run): void | Promise<void>;
  securityDomainStored?(notice: SecurityDomainStoredNotice): void | Promise<void>;
}

/** The result of a readiness check, for the `verify` command and the verifyReadiness step. */
export interface ReadinessReport {
  checkedAt: string;
  keys: readonly KeyRef[];
  lines: readonly ChecklistLine[];
  ready: boolean;
  /** Whether real wrap/unwrap probes as the service principals were part of it (emulator only). */
  probed: boolean;
}

export type { WrapProbe };
