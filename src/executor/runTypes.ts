/**
 * The nouns of the executor: a Run (one approved plan being carried out), its steps' current
 * state, and the append-only journal of step attempts. Plain JSON (times are ISO strings) so a run
 * is stored, audited and rendered without conversion.
 */
import type { ErrorCode, Message, Text } from '../core';
import type { Plan, PlanStepKind } from '../customerKey';

/**
 * - running: being carried out, or left behind by a process that stopped (resumed on start-up).
 * - waitingForInput: paused until people hand something in (security-domain officer certificates).
 * - stopped: a step failed for good; everything done so far stays; Retry is offered while the
 *   approval's execution window is open.
 * - succeeded / failed: final; the approval request was finished with the same outcome.
 */
export type RunStatus = 'running' | 'waitingForInput' | 'stopped' | 'succeeded' | 'failed';

export const OPEN_RUN_STATUSES: readonly RunStatus[] = ['running', 'waitingForInput', 'stopped'];

export type StepStatus = 'pending' | 'running' | 'done' | 'waiting' | 'failed';

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** What a step produced or found (vault URI, key id and version, backup file, …). JSON only, no secrets. */
export type StepOutput = { readonly [key: string]: JsonValue };

/** A failure as people and the journal see it: a stable code, one sentence, and Azure's facts. */
export interface RunError {
  code: ErrorCode;
  message: string;
  /** The sentence for people when Keyward wrote it as a message (`message` is its English). */
  said?: Message;
  /** Azure (or the network) failed in a way that goes away by itself; automatic retries ran out. */
  transient: boolean;
  stepId?: string;
  /** Azure's own status and codes, the operation, scope and the role it needs (no secrets). */
  azure?: {
    status?: number;
    azureCode?: string;
    innerCode?: string;
    operation?: string;
    scope?: string;
    requiredRole?: string;
  };
}

export interface StepState {
  index: number;
  id: string;
  kind: PlanStepKind;
  status: StepStatus;
  /** Apply attempts so far (a check that finds the work done counts none). */
  attempts: number;
  /** One line for people: "Created vault kv-a", "Reused key version 1f2e…". */
  note?: Text;
  output?: StepOutput;
  error?: RunError;
  startedAt?: string;
  finishedAt?: string;
}

export interface Run {
  id: string;
  /** The approval request; also the correlation id on every Azure call (x-ms-client-request-id). */
  requestId: string;
  planHash: string;
  /** The exact plan that was approved (its hash is `planHash`). */
  plan: Plan;
  title: string;
  status: RunStatus;
  /** Compare-and-set counter, +1 on every stored change. */
  version: number;
  /** 1 + the number of Retry clicks. */
  attempt: number;
  steps: StepState[];
  /** Until when Retry may restart a stopped run (the approval's execution window). */
  retryUntil?: string;
  lastError?: RunError;
  /** What the run waits for, in one sentence (waitingForInput). */
  waitingFor?: Text;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  /**
   * W3C traceparent of the click that approved the run (the deciding vote): every drive of the
   * run continues that trace, in whichever process, after whatever restart.
   */
  traceparent?: string;
}

/** Journal phases, in the order a step normally goes through them. */
export type JournalPhase =
  | 'run.created'
  | 'run.resumed'
  | 'run.refused'
  | 'run.retried'
  | 'run.waiting'
  | 'run.stopped'
  | 'run.succeeded'
  | 'run.failed'
  | 'step.check'
  | 'step.skipped'
  | 'step.apply'
  | 'step.applied'
  | 'step.verified'
  | 'step.progress'
  | 'step.retry'
  | 'step.waiting'
  | 'step.failed'
  | 'input.accepted';

/** One journal line. Append-only; `seq` orders the lines of a run. */
export interface JournalEntry {
  runId: string;
  seq: number;
  at: string;
  stepIndex: number | null;
  phase: JournalPhase;
  detail: Record<string, unknown>;
}

export type NewJournalEntry = Omit<JournalEntry, 'runId' | 'seq' | 'at'>;
