import type { Clock, Text } from '../core';
import type { PlanStep, PlanStepKind } from '../customerKey';
import type { ContainerLocator } from './containerLocator';
import type { ExecutorAzure, SecurityDomainStoredNotice } from './executorPorts';
import type { ExecutorSettings } from './executorSettings';
import type { ReadinessService } from './readinessService';
import type { RunArtifactStore } from './runStore';
import type { Run, StepOutput } from './runTypes';
import type { SecurityDomainVault } from './securityDomainVault';

/**
 * What `check` found:
 * - done: the step's effect is already in place (a retry or a resumed run); `output` says what is there.
 * - todo: apply it (`resume` carries what check learned, e.g. "an HSM is provisioning: poll, do not PUT").
 * - waiting: it cannot go on until people hand something in (officer certificates).
 */
export type CheckResult = { state: 'done'; output: StepOutput; note: Text } | { state: 'todo'; resume?: StepOutput } | { state: 'waiting'; waitingFor: Text };

/** The runner's services for one step attempt. */
export interface StepContext {
  /** The run as stored when the attempt started (step outputs of earlier steps included). */
  readonly run: Run;
  /**
   * Applies of this step journaled before this attempt (earlier attempts, or a process that died).
   * 0 means nothing of this step can have reached Azure yet, so a check may skip its read.
   */
  readonly earlierApplies: number;
  readonly azure: ExecutorAzure;
  readonly clock: Clock;
  readonly settings: ExecutorSettings;
  readonly artifacts: RunArtifactStore;
  readonly containers: ContainerLocator;
  readonly securityDomains: SecurityDomainVault;
  readonly readiness: ReadinessService;
  sleep(ms: number): Promise<void>;
  /** A progress line for people (cards) and the journal; throttled by the runner. */
  progress(text: Text, detail?: Record<string, unknown>): Promise<void>;
  /** Appends an audit event for something the step did (fail closed: throws AuditWriteFailed). */
  audit(action: string, target: string, details: Record<string, unknown>, outcome?: 'success' | 'info'): Promise<void>;
  securityDomainStored(notice: Omit<SecurityDomainStoredNotice, 'run'>): Promise<void>;
}

/**
 * One kind of plan step, idempotent by construction: `check` reads the current state, `apply`
 * makes the change, `verify` confirms it (usually from apply's own response, to spend no extra
 * request). The runner journals each phase, audits before apply, and retries transient failures
 * by starting again at `check`, so a retry never repeats an effect that already happened.
 */
export interface StepHandler<S extends PlanStep = PlanStep> {
  readonly kind: S['kind'];
  /** Present tense, for progress lines: "Creating vault kv-a". */
  describe(step: S): Text;
  /** The resource acted on, for audit records. */
  target(step: S): string;
  /** A 403 may be role propagation right after Keyward granted itself access: retry it. */
  forbiddenMayBePropagation?(step: S, run: Run): boolean;
  check(step: S, context: StepContext): Promise<CheckResult>;
  apply(step: S, context: StepContext, resume: StepOutput | undefined): Promise<StepOutput>;
  verify(step: S, context: StepContext, output: StepOutput): Promise<{ output: StepOutput; note: Text }>;
}

export type StepHandlers = { readonly [K in PlanStepKind]: StepHandler<Extract<PlanStep, { kind: K }>> };
