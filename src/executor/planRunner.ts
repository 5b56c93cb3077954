import { appError, say, silentLogger, textOf, toAppError, type AppError, type Clock, type Logger, type Message, type Text } from '../core';
import { SYSTEM_ACTOR, type AuditOutcome } from '../audit/auditRecord';
import { withCorrelation } from '../azure/correlation';
import { planHash, type PlanStep } from '../customerKey';
import { ContainerLocator } from './containerLocator';
import type { ExecutionApprovals, ExecutorAudit, ExecutorAzure, RunObserver, SecurityDomainStoredNotice } from './executorPorts';
import type { ExecutorSettings } from './executorSettings';
import type { ReadinessService } from './readinessService';
import { backoffDelay, isTransient } from './retryPolicy';
import { doneCount, progressBar, progressLine } from './runProgress';
import type { LeaseFence, RunArtifactStore, RunStore } from './runStore';
import type { NewJournalEntry, Run, RunError, StepState } from './runTypes';
import type { SecurityDomainVault } from './securityDomainVault';
import type { StepContext, StepHandler, StepHandlers } from './stepHandler';
import { STEP_HANDLERS } from './stepHandlers';
import { noteRetry, traceRun, traceStep } from './runTelemetry';

/** The actor of every audit record the executor writes: Keyward's writer identity at work. */
export const EXECUTOR_ACTOR = { ...SYSTEM_ACTOR, name: 'Keyward executor' };

export interface PlanRunnerDeps {
  store: RunStore;
  artifacts: RunArtifactStore;
  azure: ExecutorAzure;
  audit: ExecutorAudit;
  approvals: Pick<ExecutionApprovals, 'get' | 'verifyApproval' | 'refuseExecution' | 'reportExecutionProgress' | 'finishExecution'>;
  readiness: ReadinessService;
  securityDomains: SecurityDomainVault;
  settings: ExecutorSettings;
  clock: Clock;
  /** This process's lease owner id, e.g. `host/1234/x7f`. */
  owner: string;
  observer?: RunObserver;
  handlers?: StepHandlers;
  logger?: Logger;
  /** Waits between retries and polls; tests pass one that moves a ManualClock. Must honour `signal`. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  /** True when a lease holder is known dead (same host, process gone): its lease is taken at once. */
  ownerIsDead?: (owner: string) => boolean;
  /** Starts the lease heartbeat; returns its stop function. Default: an unref'd interval. */
  heartbeat?: (beat: () => void, everyMs: number) => () => void;
}

type StepOutcome = 'done' | 'waiting' | 'stopped';

/** Thrown inside a drive when this process no longer holds the run (lease lost, shutting down). */
class Interrupted extends Error {
  constructor(readonly why: 'leaseLost' | 'stopping' | 'refusedToStart') {
    super(why);
  }
}

/**
 * Carries out one run, step by step, exactly as journaled:
 *
 * - One process at a time: a lease (owner + expiry) taken by compare-and-set and renewed by a
 *   heartbeat; a holder on this host whose process is gone is replaced at once, others when the
 *   lease expires. Losing the lease stops the drive before its next write.
 * - Every step is check → apply → verify; each phase is a journal line committed with the run
 *   change it explains. A drive that dies anywhere resumes at the step's check, which finds what
 *   an interrupted apply already did.
 * - Audit before act: the "execution.step.apply" record is appended before any change in Azure;
 *   if it cannot be written the step does not run (fail closed).
 * - Transient failures (throttling, 5xx, dropped connections, RBAC propagation) are retried with
 *   exponential back-off and jitter, never sooner than Azure's Retry-After, a bounded number of
 *   times, each retry starting again at check. Anything else stops the run: done steps stay done,
 *   the error says what to fix, and Retry continues from the failed step.
 * - Every Azure call carries the request id as its client request id (withCorrelation).
 */
export class PlanRunner {
  private readonly logger: Logger;
  private readonly handlers: StepHandlers;
  private readonly abort = new AbortController();
  private lastProgressAt = new Map<string, number>();

  constructor(private readonly deps: PlanRunnerDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.handlers = deps.handlers ?? STEP_HANDLERS;
  }

  /** Interrupts every drive at its next wait or write (shutdown); runs resume on the next start. */
  stop(): void {
    this.abort.abort();
  }

  /**
   * Drives a run until it succeeds, waits for people, stops on an error, or this process loses it.
   * Returns the run as stored afterwards, or undefined when another process holds it.
   */
  async drive(runId: string): Promise<Run | undefined> {
    const initial = await this.deps.store.get(runId);
    if (!initial || (initial.status !== 'running' && initial.status !== 'waitingForInput')) return initial;
    const token = await this.acquire(runId);
    if (token === undefined) return undefined;
    const fence = { owner: this.deps.owner, token };
    let lost = false;
    let renewing: Promise<void> | undefined;
    const renew = () => {
      // One renewal at a time; a store error is not a lost lease (the next commit's
      // compare-and-set still stops us if another process took the run over meanwhile).
      renewing ??= this.deps.store
        .renewLease(runId, this.deps.owner, token, this.deps.clock.now().getTime(), this.deps.settings.leaseTtlMs)
        .then(
          (held) => {
            if (!held) lost = true;
          },
          (error: unknown) => this.logger.warn({ runId, err: toAppError(error).message }, 'could not renew the run lease; trying again at the next beat'),
        )
        .finally(() => (renewing = undefined));
    };
    const stopHeartbeat = (this.deps.heartbeat ?? defaultHeartbeat)(renew, Math.max(1, Math.floor(this.deps.settings.leaseTtlMs / 3)));
    try {
      // Read again under the lease: the holder before us may have moved the run meanwhile.
      const current = await this.deps.store.get(runId);
      if (!current || (current.status !== 'running' && current.status !== 'waitingForInput')) return current;
      const drive = new Drive(this, current, fence, () => lost);
      return await traceRun(current, () => withCorrelation(current.requestId, () => drive.execute()));
    } catch (error) {
      if (error instanceof Interrupted) {
        if (error.why !== 'refusedToStart') this.logger.info({ runId, why: error.why }, 'run interrupted; it resumes where it stopped');
        return await this.deps.store.get(runId);
      }
      throw error;
    } finally {
      stopHeartbeat();
      await renewing;
      await this.deps.store
        .releaseLease(runId, this.deps.owner, token)
        .catch((error: unknown) => this.logger.warn({ runId, err: toAppError(error).message }, 'could not release the run lease; it lapses on its own'));
    }
  }

  /** The lease's fencing token, or undefined when another process holds the run. */
  private async acquire(runId: string): Promise<number | undefined> {
    const { store, clock, owner, settings } = this.deps;
    const now = clock.now().getTime();
    const token = await store.acquireLease(runId, owner, now, settings.leaseTtlMs);
    if (token !== undefined) return token;
    const holder = await store.lease(runId);
    if (holder && this.deps.ownerIsDead?.(holder.owner)) {
      this.logger.warn({ runId, holder: holder.owner }, 'the process that held this run is gone; taking it over');
      return store.acquireLease(runId, owner, now, settings.leaseTtlMs, holder.owner);
    }
    return undefined;
  }

  /** @internal for Drive */
  get internals() {
    return { deps: this.deps, handlers: this.handlers, logger: this.logger, signal: this.abort.signal, lastProgressAt: this.lastProgressAt };
  }
}

/** One drive of one run: the step loop with its journal, audit and retry rules. */
class Drive {
  private current: Run;
  private readonly deps: PlanRunnerDeps;
  private readonly handlers: StepHandlers;
  private readonly logger: Logger;
  private readonly signal: AbortSignal;
  private readonly containers: ContainerLocator;

  constructor(
    private readonly runner: PlanRunner,
    initial: Run,
    /** Every write of this drive carries the lease it holds: once the lease moved on, writes are refused. */
    private readonly fence: LeaseFence,
    private readonly leaseLost: () => boolean,
  ) {
    const internals = runner.internals;
    this.deps = internals.deps;
    this.handlers = internals.handlers;
    this.logger = internals.logger.child({ runId: initial.id });
    this.signal = internals.signal;
    this.current = initial;
    this.containers = new ContainerLocator(this.deps.azure, this.current);
  }

  private get run(): Run {
    return this.current;
  }

  async execute(): Promise<Run> {
    await this.checkApproval();
    if (this.run.status === 'waitingForInput')
      await this.commit((run) => ({ ...run, status: 'running', waitingFor: undefined }), [{ stepIndex: null, phase: 'run.resumed', detail: { from: 'waitingForInput' } }]);
    await this.checkIdentity();
    for (const planned of this.run.plan.steps) {
      const state = this.run.steps[planned.index];
      if (!state || state.status === 'done') continue;
      const outcome = await traceStep(this.run, planned, () => this.step(planned));
      if (outcome !== 'done') return this.run;
    }
    return this.succeed();
  }

  // ------------------------------------------------------------------------------------ a step

  private async step(planned: PlanStep): Promise<StepOutcome> {
    const handler = this.handlers[planned.kind] as StepHandler<PlanStep>;
    const what = handler.describe(planned);
    const maxAttempts = Math.max(1, this.deps.settings.retry.maxAttempts);
    await this.announce(progressLine(this.run, planned.index, what));
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.commitStep(planned.index, (s) => ({ ...s, status: 'running', error: undefined, startedAt: s.startedAt ?? this.now() }), [
          { stepIndex: planned.index, phase: 'step.check', detail: { attempt } },
        ]);
        const context = this.context(planned);
        const check = await handler.check(planned, context);
        this.interruptIfNeeded();
        if (check.state === 'done') {
          await this.commitStep(planned.index, (s) => ({ ...s, status: 'done', note: check.note, output: check.output, finishedAt: this.now() }), [
            { stepIndex: planned.index, phase: 'step.skipped', detail: { note: textOf(check.note), output: check.output } },
          ]);
          await this.auditStep(planned, handler, 'execution.step.skipped', 'info', { note: textOf(check.note) });
          await this.changed();
          return 'done';
        }
        if (check.state === 'waiting') {
          await this.commit(
            (run) => ({
              ...run,
              status: 'waitingForInput',
              waitingFor: check.waitingFor,
              steps: replaceStep(run.steps, planned.index, (s) => ({ ...s, status: 'waiting', note: check.waitingFor })),
            }),
            [
              { stepIndex: planned.index, phase: 'step.waiting', detail: { waitingFor: textOf(check.waitingFor) } },
              { stepIndex: null, phase: 'run.waiting', detail: { stepId: planned.id } },
            ],
          );
          await this.auditStep(planned, handler, 'execution.step.waiting', 'info', { waitingFor: textOf(check.waitingFor) });
          await this.report(
            say('run.progress.waiting', `Waiting at step ${planned.index + 1} of ${this.run.steps.length}: ${textOf(check.waitingFor)}`, {
              n: planned.index + 1,
              total: this.run.steps.length,
              what: check.waitingFor,
            }),
          );
          await this.changed();
          return 'waiting';
        }
        // Audit before act: no record, no change in Azure.
        await this.auditStep(planned, handler, 'execution.step.apply', 'info', { attempt, summary: planned.summary });
        // `resume`: what check found half done (an HSM still provisioning: poll, do not create again).
        await this.commitStep(planned.index, (s) => ({ ...s, attempts: s.attempts + 1 }), [
          { stepIndex: planned.index, phase: 'step.apply', detail: { attempt, ...(check.resume ? { resume: check.resume } : {}) } },
        ]);
        const output = await handler.apply(planned, context, check.resume);
        this.interruptIfNeeded();
        await this.commitStep(planned.index, (s) => ({ ...s, output }), [{ stepIndex: planned.index, phase: 'step.applied', detail: { output } }]);
        const verified = await handler.verify(planned, context, output);
        this.interruptIfNeeded();
        await this.commitStep(planned.index, (s) => ({ ...s, status: 'done', note: verified.note, output: verified.output, finishedAt: this.now() }), [
          { stepIndex: planned.index, phase: 'step.verified', detail: { note: textOf(verified.note) } },
        ]);
        await this.auditStep(planned, handler, 'execution.step.succeeded', 'success', {
          note: textOf(verified.note),
          attempts: this.run.steps[planned.index]?.attempts ?? attempt,
        });
        await this.changed();
        return 'done';
      } catch (raw) {
        if (raw instanceof Interrupted) throw raw;
        if (this.signal.aborted) throw new Interrupted('stopping');
        const error = toAppError(raw);
        const transient = isTransient(error, { forbiddenMayBePropagation: handler.forbiddenMayBePropagation?.(planned, this.run) ?? false });
        if (transient && attempt < maxAttempts) {
          const delayMs = backoffDelay(attempt, error, this.deps.settings.retry, this.deps.random);
          await this.commitStep(planned.index, (s) => ({ ...s, error: runError(error, planned.id, true) }), [
            { stepIndex: planned.index, phase: 'step.retry', detail: { attempt, nextAttempt: attempt + 1, maxAttempts, delayMs, ...errorFacts(error) } },
          ]);
          this.logger.info({ step: planned.id, attempt, delayMs, code: error.code, status: error.details.status }, 'step failed for now; retrying');
          noteRetry(planned, error, attempt, delayMs);
          const reason = retryReason(error);
          const wait = seconds(delayMs);
          await this.progress(
            planned,
            say(
              'run.progress.retry',
              `Step ${planned.index + 1} of ${this.run.steps.length}: ${reason.text}; trying again in ${wait.text} (attempt ${attempt + 1} of ${maxAttempts}).`,
              { n: planned.index + 1, total: this.run.steps.length, reason, wait, attempt: attempt + 1, max: maxAttempts },
            ),
            true,
          );
          await this.sleep(delayMs);
          continue;
        }
        return this.stopAt(planned, handler, error, transient, attempt);
      }
    }
  }

  private async stopAt(planned: PlanStep, handler: StepHandler<PlanStep>, error: AppError, transient: boolean, attempt: number): Promise<'stopped'> {
    const failure = runError(error, planned.id, transient);
    await this.commit(
      (run) => ({ ...run, status: 'stopped', lastError: failure, steps: replaceStep(run.steps, planned.index, (s) => ({ ...s, status: 'failed', error: failure })) }),
      [
        { stepIndex: planned.index, phase: 'step.failed', detail: { attempts: attempt, ...errorFacts(error) } },
        { stepIndex: null, phase: 'run.stopped', detail: { stepId: planned.id, code: error.code } },
      ],
    );
    try {
      await this.auditStep(planned, handler, 'execution.step.failed', 'failure', { code: error.code, message: error.message, attempts: attempt, ...errorFacts(error) });
    } catch (auditError) {
      // The run has stopped already; nothing more will act. Say so loudly.
      this.logger.error({ step: planned.id, code: toAppError(auditError).code }, 'could not audit a step failure');
    }
    const stopped = say('run.progress.stopped', `Stopped at step ${planned.index + 1} of ${this.run.steps.length} (${error.code}): ${error.message}`, {
      n: planned.index + 1,
      total: this.run.steps.length,
      code: error.code,
      error: error.said ?? error.message,
    });
    const until = this.run.retryUntil
      ? say('run.progress.retryUntil', `Retry is possible until ${this.run.retryUntil.slice(0, 16).replace('T', ' ')} UTC.`, { until: { dateTime: this.run.retryUntil } })
      : undefined;
    await this.report(until ? say('run.progress.stoppedUntil', `${stopped.text} ${until.text}`, { stopped, until }) : stopped, { halted: true });
    await this.changed();
    this.logger.warn({ step: planned.id, code: error.code, status: error.details.status }, 'run stopped');
    return 'stopped';
  }

  private async succeed(): Promise<Run> {
    await this.commit(
      (run) => ({ ...run, status: 'succeeded', finishedAt: this.now(), lastError: undefined }),
      [{ stepIndex: null, phase: 'run.succeeded', detail: { steps: this.run.steps.length } }],
    );
    await this.changed();
    try {
      await this.deps.approvals.finishExecution(this.run.requestId, 'succeeded', successDetail(this.run));
    } catch (error) {
      // The run is done; ExecutorService.reconcile finishes the request on the next pass.
      this.logger.error({ code: toAppError(error).code }, 'could not mark the approval request succeeded');
    }
    return this.run;
  }

  // ------------------------------------------------------------------------------------ services

  private context(planned: PlanStep): StepContext {
    const deps = this.deps;
    return {
      run: this.run,
      earlierApplies: this.run.steps[planned.index]?.attempts ?? 0,
      azure: deps.azure,
      clock: deps.clock,
      settings: deps.settings,
      artifacts: deps.artifacts,
      containers: this.containers,
      securityDomains: deps.securityDomains,
      readiness: deps.readiness,
      sleep: (ms) => this.sleep(ms),
      progress: (text, detail) => this.progress(planned, text, false, detail),
      audit: async (action, target, details, outcome = 'success') => {
        await deps.audit.append({
          actor: EXECUTOR_ACTOR,
          action,
          target,
          requestId: this.run.requestId,
          planHash: this.run.planHash,
          outcome,
          details: { runId: this.run.id, stepId: planned.id, ...details },
        });
      },
      securityDomainStored: async (notice: Omit<SecurityDomainStoredNotice, 'run'>) => {
        try {
          await deps.observer?.securityDomainStored?.({ ...notice, run: this.run });
        } catch (error) {
          this.logger.warn({ err: toAppError(error).message }, 'could not tell the officers where the security domain is');
        }
      },
    };
  }

  /**
   * Before any step, at every drive (first start, resumption after a restart): the run's request
   * must still be approved by votes Keyward signed, and the run's plan must be the signed plan. A
   * run row or request document written into the database by someone else never reaches Azure: the
   * run is closed as failed, the request too (the cards say why), and the refusal is audited.
   */
  private async checkApproval(): Promise<void> {
    const request = await this.deps.approvals.get(this.run.requestId);
    let check = request
      ? await this.deps.approvals.verifyApproval(request)
      : ({ ok: false, problem: 'unsigned', message: 'The run names a request Keyward does not have' } as const);
    if (check.ok && request && (planHash(this.run.plan) !== request.planHash || this.run.planHash !== request.planHash)) {
      check = { ok: false, problem: 'signatureInvalid', message: 'The stored run carries another plan than the one the approvers signed for' };
    }
    if (check.ok) return;
    const error = appError('ApprovalNotVerified', `${check.message}. Nothing was run.`, { problem: check.problem });
    await this.commit(
      (run) => ({ ...run, status: 'failed', lastError: runError(error, undefined, false), finishedAt: this.now() }),
      [{ stepIndex: null, phase: 'run.refused', detail: { problem: check.problem } }],
    );
    // refuseExecution audits the refusal (once, in the unit that fails the request); this drive
    // records it only when that unit did not commit, so the log shows every refusal exactly once.
    try {
      await this.deps.approvals.refuseExecution(this.run.requestId, check, { runId: this.run.id });
    } catch (refusal) {
      this.logger.error({ code: toAppError(refusal).code }, 'could not close the request whose approval does not verify');
      await this.deps.audit
        .append({
          actor: EXECUTOR_ACTOR,
          action: 'execution.refused',
          target: `run/${this.run.id}`,
          requestId: this.run.requestId,
          planHash: this.run.planHash,
          outcome: 'denied',
          reason: 'ApprovalNotVerified',
          details: { runId: this.run.id, problem: check.problem, message: check.message },
        })
        .catch((audit: unknown) => this.logger.error({ code: toAppError(audit).code }, 'could not audit the refusal'));
    }
    await this.changed();
    this.logger.error({ problem: check.problem }, "refused to run: the approval is not backed by Keyward's signatures (the store was changed outside Keyward)");
    throw new StoppedBeforeStart();
  }

  /**
   * Before changing anything: is Keyward running as the identity the plan grants rights to? A
   * wrong KEYWARD_WRITER_CLIENT_ID would otherwise create vaults it then cannot use. No request
   * beyond the (cached) token. If the token cannot be had, the first step reports that itself.
   */
  private async checkIdentity(): Promise<void> {
    const planned = plannedWriterObjectIds(this.run);
    if (planned.size === 0 || this.run.steps.every((s) => s.status === 'done')) return;
    let objectId: string | undefined;
    try {
      objectId = (await this.deps.azure.callerIdentity()).objectId;
    } catch (error) {
      this.logger.warn({ code: toAppError(error).code }, "could not read Keyward's own identity before the run");
      return;
    }
    if (!objectId || planned.has(objectId)) return;
    const first = this.run.plan.steps.find((s) => this.run.steps[s.index]?.status !== 'done');
    if (!first) return;
    const error = appError(
      'MissingPermission',
      `Keyward runs as the identity with object id ${objectId}, but the approved plan gives its rights to ${[...planned].join(', ')}. Point KEYWARD_WRITER_CLIENT_ID at that managed identity (or build and approve a new plan), then Retry. Nothing was changed.`,
      { runningAs: objectId, planned: [...planned] },
    );
    await this.stopAt(first, this.handlers[first.kind] as StepHandler<PlanStep>, error, false, 0);
    throw new StoppedBeforeStart();
  }

  private async auditStep(planned: PlanStep, handler: StepHandler<PlanStep>, action: string, outcome: AuditOutcome, details: Record<string, unknown>): Promise<void> {
    await this.deps.audit.append({
      actor: EXECUTOR_ACTOR,
      action,
      target: handler.target(planned),
      requestId: this.run.requestId,
      planHash: this.run.planHash,
      outcome,
      details: { runId: this.run.id, attempt: this.run.attempt, stepId: planned.id, stepIndex: planned.index, kind: planned.kind, ...details },
    });
  }

  /** Intermediate progress (LRO polls, retries): journaled and shown, at most once per interval. */
  private async progress(planned: PlanStep, text: Text, force: boolean, detail: Record<string, unknown> = {}): Promise<void> {
    const now = this.deps.clock.now().getTime();
    const key = `${this.run.id}:${planned.index}`;
    const last = this.runner.internals.lastProgressAt.get(key);
    if (!force && last !== undefined && now - last < this.deps.settings.progressIntervalMs) return;
    this.runner.internals.lastProgressAt.set(key, now);
    await this.commitStep(planned.index, (s) => ({ ...s, note: text }), [{ stepIndex: planned.index, phase: 'step.progress', detail: { text: textOf(text), ...detail } }]);
    const bar = progressBar(doneCount(this.run), this.run.steps.length);
    await this.report(say('run.progress.withBar', `${textOf(text)}  ${bar}`, { text, bar }));
    await this.changed();
  }

  /** The one-line progress on the approval card (its notifier updates every copy in place). */
  private async announce(text: Text): Promise<void> {
    await this.report(text);
    await this.changed();
  }

  private async report(text: Text, options: { halted?: boolean } = {}): Promise<void> {
    try {
      await this.deps.approvals.reportExecutionProgress(this.run.requestId, text, options);
    } catch (error) {
      this.logger.warn({ code: toAppError(error).code }, 'could not show progress on the approval card');
    }
  }

  private async changed(): Promise<void> {
    try {
      await this.deps.observer?.runChanged(this.run);
    } catch (error) {
      this.logger.warn({ err: toAppError(error).message }, 'run observer failed');
    }
  }

  private sleep(ms: number): Promise<void> {
    this.interruptIfNeeded();
    const sleep = this.deps.sleep ?? abortableSleep;
    return sleep(ms, this.signal).then(
      () => this.interruptIfNeeded(),
      () => {
        throw new Interrupted('stopping');
      },
    );
  }

  private interruptIfNeeded(): void {
    if (this.signal.aborted) throw new Interrupted('stopping');
    if (this.leaseLost()) throw new Interrupted('leaseLost');
  }

  private commitStep(index: number, change: (step: StepState) => StepState, journal: readonly NewJournalEntry[]): Promise<void> {
    return this.commit((run) => ({ ...run, steps: replaceStep(run.steps, index, change) }), journal);
  }

  /** Stores the next version of the run with its journal lines, or stops if the run moved under us. */
  private async commit(change: (run: Run) => Run, journal: readonly NewJournalEntry[]): Promise<void> {
    this.interruptIfNeeded();
    const next: Run = { ...change(this.run), version: this.run.version + 1, updatedAt: this.now() };
    if (!(await this.deps.store.commit(next, this.run.version, journal, this.fence))) throw new Interrupted('leaseLost');
    this.current = next;
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}

/** The identity check stopped the run before its first step; the drive ends there. */
class StoppedBeforeStart extends Interrupted {
  constructor() {
    super('refusedToStart');
  }
}

function replaceStep(steps: readonly StepState[], index: number, change: (step: StepState) => StepState): StepState[] {
  return steps.map((step) => (step.index === index ? change(step) : step));
}

/** Object ids the plan gives Keyward's writer rights to (vault policies, RBAC, HSM admin). */
export function plannedWriterObjectIds(run: Pick<Run, 'plan'>): Set<string> {
  const ids = new Set<string>();
  for (const step of run.plan.steps) {
    // The writer only (token "keyward"): the reader identity's read-only grants do not make it a writer.
    if ((step.kind === 'grantKeyAccess' || step.kind === 'assignHsmRole') && step.params.principal.kind === 'keyward' && step.params.principal.token === 'keyward')
      ids.add(step.params.principal.objectId.toLowerCase());
  }
  if (ids.size === 0) {
    for (const step of run.plan.steps) {
      if (step.kind === 'ensureVault') for (const policy of step.params.accessPolicies) if (policy.keyPermissions.includes('create')) ids.add(policy.objectId.toLowerCase());
    }
  }
  return ids;
}

export function runError(error: AppError, stepId: string | undefined, transient: boolean): RunError {
  const d = error.details;
  const azure = {
    status: typeof d.status === 'number' ? d.status : undefined,
    azureCode: typeof d.azureCode === 'string' ? d.azureCode : undefined,
    innerCode: typeof d.innerCode === 'string' ? d.innerCode : undefined,
    operation: typeof d.operation === 'string' ? d.operation : undefined,
    scope: typeof d.scope === 'string' ? d.scope : undefined,
    requiredRole: typeof d.requiredRole === 'string' ? d.requiredRole : undefined,
  };
  const hasAzure = Object.values(azure).some((value) => value !== undefined);
  return {
    code: error.code,
    message: error.message,
    ...(error.said ? { said: error.said } : {}),
    transient,
    ...(stepId ? { stepId } : {}),
    ...(hasAzure ? { azure: JSON.parse(JSON.stringify(azure)) as RunError['azure'] } : {}),
  };
}

/** The error's facts for the journal and audit: codes and status, never a body or a token. */
function errorFacts(error: AppError): Record<string, unknown> {
  const d = error.details;
  return JSON.parse(
    JSON.stringify({
      code: error.code,
      status: d.status,
      azureCode: d.azureCode,
      innerCode: d.innerCode,
      retryAfterMs: d.retryAfterMs,
      operation: d.operation,
      requiredRole: d.requiredRole,
      scope: d.scope,
    }),
  ) as Record<string, unknown>;
}

function retryReason(error: AppError): Message {
  switch (error.code) {
    case 'AzureThrottled':
      return say('run.retry.throttled', 'Azure is throttling requests');
    case 'AzureTransient':
      return typeof error.details.innerCode === 'string' && error.details.innerCode.startsWith('ObjectIsBeing')
        ? say('run.retry.softDeleteBusy', 'Azure is still finishing a soft delete or recover of that key')
        : say('run.retry.transient', 'Azure answered with a temporary error');
    case 'ProviderCollectionError':
      return say('run.retry.providerCollection', 'Azure failed to list deleted Managed HSMs (a known transient fault)');
    case 'AzureForbidden':
      return say('run.retry.propagation', "Azure has not applied Keyward's new role yet (role assignments take a while to propagate)");
    default:
      return say('run.retry.other', `a temporary failure (${error.code})`, { code: error.code });
  }
}

function seconds(ms: number): Message {
  return ms < 1000 ? say('run.seconds.under', 'under a second') : say('run.seconds', `${Math.round(ms / 1000)} s`, { seconds: Math.round(ms / 1000) });
}

function successDetail(run: Run): Message {
  const keys = run.steps.filter((s) => s.kind === 'ensureKey' && typeof s.output?.versionlessUri === 'string').map((s) => String(s.output?.versionlessUri));
  return keys.length > 0
    ? say('run.detail.successKeys', `All ${run.steps.length} steps done and verified. Keys: ${keys.join(', ')}`, { count: run.steps.length, keys: keys.join(', ') })
    : say('run.detail.success', `All ${run.steps.length} steps done and verified.`, { count: run.steps.length });
}

function defaultHeartbeat(beat: () => void, everyMs: number): () => void {
  const timer = setInterval(beat, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error('aborted'));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
