import type { Text } from '../core';
import type { AuditEventInput } from '../audit/auditRecord';
import type { ApprovalRequest, RequestStatus } from '../approvals/approvalTypes';
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
