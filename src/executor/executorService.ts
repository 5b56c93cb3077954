import { appError, isAppError, newId, say, sentences, silentLogger, toAppError, type AppError, type Clock, type Logger, type Text } from '../core';
import type { AuditActor } from '../audit/auditRecord';
import type { AzureReader } from '../azure/ports';
import type { ApprovalRequest } from '../approvals/approvalTypes';
import { planHash, type ActivateSecurityDomainStep, type KeyRef, type Plan, type VerifyReadinessParams } from '../customerKey';
import { ContainerLocator } from './containerLocator';
import type { ExecutionApprovals, ExecutorAudit, PlanSource, ReadinessReport } from './executorPorts';
import { parseOfficerCertificate } from './officerCertificate';
import { EXECUTOR_ACTOR, PlanRunner, type PlanRunnerDeps } from './planRunner';
import type { ReadinessService } from './readinessService';
import type { RunArtifactStore, RunStore } from './runStore';
import { OPEN_RUN_STATUSES, type NewJournalEntry, type Run, type StepState } from './runTypes';
import { missingOfficers } from './steps/securityDomainStep';
import { traceparentForNewRun } from './runTelemetry';

export interface ExecutorServiceDeps extends Omit<PlanRunnerDeps, 'approvals'> {
  approvals: ExecutionApprovals;
  planSource: PlanSource;
  audit: ExecutorAudit;
  store: RunStore;
  artifacts: RunArtifactStore;
  readiness: ReadinessService;
  /** What people ask to read (`verify`): the reader identity's gateway and readiness service. Default: the writer's. */
  reads?: { azure: AzureReader; readiness: ReadinessService };
  clock: Clock;
  logger?: Logger;
}

/** Who clicked, from the validated activity (never from card data). */
export interface ExecutorActor {
  aadObjectId?: string;
  name?: string;
  tenantId?: string;
}

export type ActionOutcome = { ok: true; run: Run; message: Text } | { ok: false; error: AppError; run?: Run };

/**
 * The executor as the rest of Keyward sees it:
 * - `onApproved` (the approvals engine's hook) claims the request exactly once
 *   (`beginExecution`: approved → executing, refused outside the execution window and when
 *   another process got there first), stores the approved plan as a run, and drives it.
 * - `resumeAll` on start-up: requests approved while no executor listened, claimed requests whose
 *   run was never stored, runs left `running` by a process that stopped, and runs whose people
 *   handed in what they waited for. `reconcile` finishes what is due.
 * - `retry` restarts a stopped run at its failed step (same approved plan, while the execution
 *   window is open); `submitCertificate` takes an officer's public certificate.
 * - `verify` runs the readiness check for keys Keyward created.
 */
export class ExecutorService {
  private readonly runner: PlanRunner;
  private readonly logger: Logger;
  private readonly active = new Map<string, Promise<void>>();
  private readonly kickAgain = new Set<string>();
  private stopping = false;

  constructor(private readonly deps: ExecutorServiceDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.runner = new PlanRunner({ ...deps, logger: this.logger });
  }

  // ------------------------------------------------------------------------------ starting runs

  /** The approvals engine's `onApproved` hook. Never throws (errors are logged and audited). */
  async onApproved(request: ApprovalRequest): Promise<void> {
    try {
      await this.start(request.id);
    } catch (error) {
      this.logger.error({ requestId: request.id, code: toAppError(error).code, err: toAppError(error).message }, 'could not start the run');
    }
  }

  /**
   * Starts (or finds) the run for an approved request and drives it in the background. Returns the
   * run, or undefined when the request may not run (not approved, window closed, claimed elsewhere).
   */
  async start(requestId: string): Promise<Run | undefined> {
    const existing = await this.deps.store.getByRequest(requestId);
    if (existing) {
      this.kick(existing.id);
      return existing;
    }
    let request = await this.deps.approvals.get(requestId);
    if (!request || (request.status !== 'approved' && request.status !== 'executing')) return undefined;
    const plan = await this.deps.planSource.planFor(request);
    if (!plan && request.status === 'approved') {
      // Not a plan this executor knows (e.g. an operator-run DEP request, or one made outside a
      // journey): leave it approved and unclaimed rather than claim something it cannot run.
      this.logger.warn({ requestId }, 'approved request has no plan Keyward can run; left unclaimed');
      return undefined;
    }
    const valid = plan !== undefined && planHash(plan) === request.planHash;
    if (request.status === 'executing') {
      // Claimed earlier, run never stored (a crash in between): the claim is checked again here.
      const check = await this.deps.approvals.verifyApproval(request);
      if (!check.ok) {
        await this.deps.approvals
          .refuseExecution(requestId, check)
          .catch((error: unknown) => this.logger.error({ requestId, code: toAppError(error).code }, 'could not close the request whose approval does not verify'));
        return undefined;
      }
    }
    if (request.status === 'approved') {
      try {
        // Verifies the signed votes and decision first (ApprovalNotVerified: the request is closed as failed, audited).
        request = await this.deps.approvals.beginExecution(requestId);
      } catch (error) {
        // Window closed, or another process claimed it first: either way, not ours to run.
        this.logger.info({ requestId, code: toAppError(error).code }, 'request not started here');
        const raced = await this.deps.store.getByRequest(requestId);
        if (raced) this.kick(raced.id);
        return raced;
      }
    }
    if (!valid) {
      const detail = plan
        ? `The plan Keyward has for this request no longer matches the approved plan hash ${request.planHash.slice(0, 12)}…, so nothing was run. Build the plan again and submit it for a new approval.`
        : 'Keyward cannot find the plan this request approved (its journey is gone), so nothing was run. Submit the plan again.';
      await this.audit({
        actor: EXECUTOR_ACTOR,
        action: 'execution.refused',
        target: `approval/${requestId}`,
        requestId,
        planHash: request.planHash,
        outcome: 'denied',
        reason: 'PlanChanged',
        details: { found: plan ? planHash(plan) : null },
      });
      await this.deps.approvals
        .finishExecution(requestId, 'failed', detail)
        .catch((error: unknown) => this.logger.error({ requestId, code: toAppError(error).code }, 'could not fail the request'));
      return undefined;
    }
    const run = this.newRun(request, plan);
    try {
      await this.deps.store.insert(run, [
        { stepIndex: null, phase: 'run.created', detail: { requestId, planHash: run.planHash, steps: run.steps.length, retryUntil: run.retryUntil ?? null } },
      ]);
    } catch (error) {
      if (!isAppError(error, 'ConcurrentUpdate')) throw error;
      const other = await this.deps.store.getByRequest(requestId);
      if (other) this.kick(other.id);
      return other;
    }
    this.kick(run.id);
    return run;
  }

  /** Picks up everything a stopped or crashed process left behind. Call once at start-up. */
  async resumeAll(): Promise<void> {
    for (const request of await this.deps.approvals.list({ statuses: ['approved', 'executing'] })) {
      if (!(await this.deps.store.getByRequest(request.id)))
        await this.start(request.id).catch((error: unknown) => this.logger.error({ requestId: request.id, err: toAppError(error).message }, 'could not resume'));
    }
    for (const run of await this.deps.store.list({ statuses: ['running', 'waitingForInput'] })) {
      if (run.status === 'running' || (await this.inputsComplete(run))) this.kick(run.id);
    }
    await this.reconcile();
  }

  /**
   * Finishes what is due: a stopped run whose execution window closed becomes failed (and so does
   * its request); a finished run whose request was not marked (the process died in between) gets
   * its request marked. Safe to call any time, from any process.
   */
  async reconcile(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    // Runs nobody drives any more (their process died, or stopped without letting go): once the
    // lease has lapsed, this process takes them over; the run resumes at the step's check.
    for (const run of await this.deps.store.list({ statuses: ['running', 'waitingForInput'] })) {
      if (this.active.has(run.id) || this.stopping) continue;
      const lease = await this.deps.store.lease(run.id);
      if (lease && lease.expiresAtMs > now) continue;
      if (run.status === 'running' || (await this.inputsComplete(run))) this.kick(run.id);
    }
    for (const run of await this.deps.store.list({ statuses: ['stopped'] })) {
      if (run.retryUntil && now >= Date.parse(run.retryUntil)) await this.failForGood(run, 'the execution window closed before anyone retried');
    }
    for (const run of await this.deps.store.list({ statuses: ['succeeded', 'failed'] })) {
      const request = await this.deps.approvals.get(run.requestId);
      if (request?.status === 'executing') {
        await this.deps.approvals
          .finishExecution(
            run.requestId,
            run.status === 'succeeded' ? 'succeeded' : 'failed',
            run.status === 'succeeded' ? `All ${run.steps.length} steps done and verified.` : (run.lastError?.message ?? 'The run failed.'),
          )
          .catch((error: unknown) => this.logger.error({ requestId: run.requestId, code: toAppError(error).code }, 'could not finish the request'));
      }
    }
  }

  // ------------------------------------------------------------------------------ people's actions

  /**
   * Restarts a stopped run at its failed step: the same approved plan (its hash is checked again),
   * while the approval's execution window is open. Allowed for the current approvers only: named
   * in the request's rule snapshot and still named by the policy in force, exactly as voting checks
   * (the requester is not one; a custodian counts only as an approver of a key side). Audited
   * before anything moves.
   */
  async retry(runId: string, actor: ExecutorActor): Promise<ActionOutcome> {
    const run = await this.deps.store.get(runId);
    if (!run) return { ok: false, error: appError('NotFound', `There is no run ${runId}.`) };
    const request = await this.deps.approvals.get(run.requestId);
    const who = actor.aadObjectId?.toLowerCase();
    if (!request || !who || !this.deps.approvals.canVote(request, who)) {
      await this.auditRefusal(run, actor, 'execution.retry.refused', 'NotAnApprover');
      return { ok: false, run, error: appError('NotAnApprover', 'Only a current approver of this change can retry it (the policy in force must still name them).') };
    }
    if (run.status !== 'stopped') {
      return {
        ok: false,
        run,
        error: appError('RequestAlreadyDecided', run.status === 'running' ? 'This run is already running.' : `This run is ${describeStatus(run)}; there is nothing to retry.`),
      };
    }
    if (run.retryUntil && this.deps.clock.now().getTime() >= Date.parse(run.retryUntil)) {
      const failed = await this.failForGood(run, 'the execution window closed');
      await this.auditRefusal(run, actor, 'execution.retry.refused', 'ExecutionWindowClosed');
      return {
        ok: false,
        run: failed,
        error: appError('ExecutionWindowClosed', `The execution window closed at ${run.retryUntil}; the run cannot be retried. Submit the plan again for a new approval.`),
      };
    }
    if (planHash(run.plan) !== request.planHash || run.planHash !== request.planHash) {
      await this.auditRefusal(run, actor, 'execution.retry.refused', 'PlanChanged');
      return { ok: false, run, error: appError('PlanChanged', 'The stored plan no longer matches the approved plan hash; it will not run. Submit the plan again.') };
    }
    // The approval the run rests on must still be Keyward's signed one (a database writer may have
    // changed the request since the run stopped).
    const check = await this.deps.approvals.verifyApproval(request);
    if (!check.ok) {
      await this.auditRefusal(run, actor, 'execution.retry.refused', 'ApprovalNotVerified', { problem: check.problem, message: check.message });
      const failed = await this.failForGood(run, `its approval is not backed by votes Keyward signed (${check.problem}): ${check.message}`);
      return {
        ok: false,
        run: failed,
        error: appError('ApprovalNotVerified', `${check.message}. Nothing was retried; the run is closed. Submit the plan again, and have the store investigated.`, {
          problem: check.problem,
        }),
      };
    }
    // Audit before act (fail closed): if this throws, nothing moved.
    try {
      await this.audit({
        actor: actorOf(actor),
        action: 'execution.retried',
        target: `run/${run.id}`,
        requestId: run.requestId,
        planHash: run.planHash,
        outcome: 'success',
        details: { runId: run.id, attempt: run.attempt + 1, failedStep: run.lastError?.stepId ?? null, lastError: run.lastError?.code ?? null },
      });
    } catch (error) {
      return { ok: false, run, error: toAppError(error) };
    }
    const next: Run = {
      ...run,
      status: 'running',
      attempt: run.attempt + 1,
      lastError: undefined,
      version: run.version + 1,
      updatedAt: this.deps.clock.now().toISOString(),
      steps: run.steps.map((step) => (step.status === 'failed' ? { ...step, status: 'pending', error: undefined } : step)),
    };
    if (!(await this.deps.store.commit(next, run.version, [{ stepIndex: null, phase: 'run.retried', detail: { by: who, attempt: next.attempt } }]))) {
      return {
        ok: false,
        run: await this.deps.store.get(runId),
        error: appError('ConcurrentUpdate', 'Someone else changed this run at the same moment; the card shows where it stands.'),
      };
    }
    await this.deps.observer?.runChanged(next);
    this.kick(run.id);
    return {
      ok: true,
      run: next,
      message: say('run.retry.started', `Retrying from step ${firstOpenIndex(next) + 1} (attempt ${next.attempt}). Everything already done stays as it is.`, {
        step: firstOpenIndex(next) + 1,
        attempt: next.attempt,
      }),
    };
  }

  /**
   * An officer hands in their public certificate for the security-domain ceremony. Only an officer
   * named in the approved plan may, once per ceremony; a private key is refused and never stored.
   */
  async submitCertificate(runId: string, actor: ExecutorActor, pem: string): Promise<ActionOutcome> {
    const run = await this.deps.store.get(runId);
    if (!run) return { ok: false, error: appError('NotFound', `There is no run ${runId}.`) };
    const ceremony = activeCeremony(run);
    if (!ceremony) return { ok: false, run, error: appError('StaleCard', 'This run is not waiting for security-domain certificates (any more).') };
    const who = actor.aadObjectId?.toLowerCase();
    const officer = ceremony.step.params.officers.find((o) => o.objectId.toLowerCase() === who);
    if (!who || !officer) {
      await this.auditRefusal(run, actor, 'execution.certificate.refused', 'NotAnOfficer');
      return {
        ok: false,
        run,
        error: appError(
          'NotAnApprover',
          `Only the security-domain officers named in the approved plan (${ceremony.step.params.officers.map((o) => o.displayName).join(', ')}) can hand in a certificate, each their own.`,
        ),
      };
    }
    let parsed;
    try {
      parsed = parseOfficerCertificate(pem);
    } catch (error) {
      const refused = toAppError(error);
      await this.auditRefusal(run, actor, 'execution.certificate.refused', refused.details.privateKeyRefused ? 'PrivateKeyRefused' : 'InvalidCertificate');
      return { ok: false, run, error: refused };
    }
    const others = await this.deps.artifacts.certificates(run.id, ceremony.step.index);
    if (others.some((c) => c.thumbprint === parsed.thumbprint && c.officerObjectId !== who)) {
      await this.auditRefusal(run, actor, 'execution.certificate.refused', 'DuplicateCertificate');
      return { ok: false, run, error: appError('ValidationFailed', 'Another officer already handed in this same certificate. Each officer needs their own key pair.') };
    }
    try {
      await this.audit({
        actor: actorOf(actor),
        action: 'execution.certificate.accepted',
        target: `run/${run.id}/${ceremony.step.id}`,
        requestId: run.requestId,
        planHash: run.planHash,
        outcome: 'success',
        details: { runId: run.id, officer: who, thumbprint: parsed.thumbprint, subject: parsed.subject, notAfter: parsed.notAfter, modulusBits: parsed.modulusBits },
      });
    } catch (error) {
      return { ok: false, run, error: toAppError(error) };
    }
    // One certificate serves every ceremony of this run still to come (both HSMs of a plan have the same officers).
    let added = false;
    for (const open of openCeremonies(run)) {
      const stored = await this.deps.artifacts.addCertificate({
        runId: run.id,
        stepIndex: open.step.index,
        officerObjectId: who,
        officerName: officer.displayName,
        certificatePem: parsed.pem,
        thumbprint: parsed.thumbprint,
        submittedAt: this.deps.clock.now().toISOString(),
      });
      if (open.step.index === ceremony.step.index) added = stored;
    }
    if (!added) return { ok: false, run, error: appError('AlreadyVoted', 'You already handed in your certificate for this ceremony; it cannot be replaced here.') };
    const missing = await missingOfficers(ceremony.step, { artifacts: this.deps.artifacts, run });
    // A journal line only: the run document belongs to whichever process drives it (its CAS).
    await this.deps.store.appendJournal(run.id, [
      { stepIndex: ceremony.step.index, phase: 'input.accepted', detail: { officer: who, thumbprint: parsed.thumbprint, missing: missing.length } },
    ]);
    const current = (await this.deps.store.get(run.id)) ?? run;
    await this.deps.observer?.runChanged(current);
    if (missing.length === 0 && current.status === 'waitingForInput') this.kick(run.id);
    return {
      ok: true,
      run: current,
      message: sentences(
        say('run.certificate.recorded', `Thank you, ${officer.displayName}: your certificate (SHA-256 thumbprint ${parsed.thumbprint}) is recorded.`, {
          name: officer.displayName,
          thumbprint: parsed.thumbprint,
        }),
        missing.length > 0
          ? say('run.certificate.waiting', `Still waiting for ${missing.map((o) => o.displayName).join(', ')}.`, { names: missing.map((o) => o.displayName).join(', ') })
          : say('run.certificate.allIn', 'All officers are in; Keyward activates the HSM now.'),
      ),
    };
  }

  // ------------------------------------------------------------------------------ queries

  get(runId: string): Promise<Run | undefined> {
    return this.deps.store.get(runId);
  }

  getByRequest(requestId: string): Promise<Run | undefined> {
    return this.deps.store.getByRequest(requestId);
  }

  list(): Promise<Run[]> {
    return this.deps.store.list();
  }

  /** Runs that wait for this person's certificate. */
  async waitingForOfficer(objectId: string): Promise<Run[]> {
    const id = objectId.toLowerCase();
    const waiting: Run[] = [];
    for (const run of await this.deps.store.list({ statuses: ['waitingForInput'] })) {
      const ceremony = activeCeremony(run);
      if (ceremony && (await missingOfficers(ceremony.step, { artifacts: this.deps.artifacts, run })).some((o) => o.objectId.toLowerCase() === id)) waiting.push(run);
    }
    return waiting;
  }

  /** The officers of a run's ceremony and whether each handed in a certificate. */
  async ceremonyStatus(run: Run): Promise<Array<{ objectId: string; name: string; submitted: boolean; thumbprint?: string }> | undefined> {
    const ceremony = activeCeremony(run) ?? lastCeremony(run);
    if (!ceremony) return undefined;
    const certificates = await this.deps.artifacts.certificates(run.id, ceremony.step.index);
    return ceremony.step.params.officers.map((officer) => {
      const found = certificates.find((c) => c.officerObjectId === officer.objectId.toLowerCase());
      return { objectId: officer.objectId.toLowerCase(), name: officer.displayName, submitted: found !== undefined, ...(found ? { thumbprint: found.thumbprint } : {}) };
    });
  }

  /**
   * The readiness check for the keys of a run's plan (default: the newest finished run), read
   * fresh from Azure as Keyward's reader identity (never the writer: a person's read needs no
   * write rights). Read-only; audited as a check.
   */
  async verify(selector?: string, actor?: ExecutorActor): Promise<{ run: Run; report: ReadinessReport }> {
    const run = await this.pick(selector);
    if (!run)
      throw appError(
        'NotFound',
        selector ? `Keyward knows no run or request starting with "${selector}".` : 'Keyward has not set up any keys yet: there is nothing to verify. Start with "setup".',
      );
    const target = readinessTarget(run.plan);
    if (!target) throw appError('NotFound', `Run ${run.id} has no keys to verify.`);
    const reads = this.deps.reads ?? { azure: this.deps.azure, readiness: this.deps.readiness };
    const report = await reads.readiness.check(target, new ContainerLocator(reads.azure, run));
    const counts = { pass: 0, warn: 0, fail: 0, unknown: 0 };
    for (const line of report.lines) counts[line.status] += 1;
    await this.audit({
      actor: actor ? actorOf(actor) : EXECUTOR_ACTOR,
      action: 'readiness.checked',
      target: target.keys.map((k) => `${k.containerName}/${k.keyName}`).join(', '),
      requestId: run.requestId,
      planHash: run.planHash,
      outcome: report.ready ? 'success' : 'info',
      details: { runId: run.id, ...counts, probed: report.probed },
    });
    return { run, report: { checkedAt: report.checkedAt, keys: report.keys, lines: report.lines, ready: report.ready, probed: report.probed } };
  }

  // ------------------------------------------------------------------------------ lifecycle

  /** Resolves when every drive started so far has ended. */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active.values()]);
  }

  /** Stops driving (runs resume on the next start) and waits for drives to let go. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.runner.stop();
    await this.idle();
  }

  // ------------------------------------------------------------------------------ internals

  /**
   * Drives a run in the background; at most one drive per run in this process. A kick while a drive
   * is under way (say, the last certificate arrives while the drive is recording that it waits) is
   * remembered and honoured when that drive ends, so no input is left unnoticed.
   */
  private kick(runId: string): void {
    if (this.stopping) return;
    if (this.active.has(runId)) {
      this.kickAgain.add(runId);
      return;
    }
    const drive = this.runner
      .drive(runId)
      .then(() => undefined)
      .catch((error: unknown) => this.logger.error({ runId, err: toAppError(error).message }, 'run drive failed'))
      .then(async () => {
        if (!this.kickAgain.delete(runId)) return false;
        const run = await this.deps.store.get(runId);
        return run !== undefined && (run.status === 'running' || (run.status === 'waitingForInput' && (await this.inputsComplete(run))));
      })
      .catch((error: unknown) => {
        this.logger.error({ runId, err: toAppError(error).message }, 'could not re-check the run after its drive');
        return false;
      })
      .then((again) => {
        this.active.delete(runId);
        // A kick that arrived while the re-check above was reading the store is honoured too.
        if (this.kickAgain.delete(runId) || again) this.kick(runId);
      });
    this.active.set(runId, drive);
  }

  private newRun(request: ApprovalRequest, plan: Plan): Run {
    const now = this.deps.clock.now().toISOString();
    return {
      id: newId('run'),
      requestId: request.id,
      planHash: request.planHash,
      plan,
      title: plan.title,
      status: 'running',
      version: 1,
      attempt: 1,
      steps: plan.steps.map((step): StepState => ({ index: step.index, id: step.id, kind: step.kind, status: 'pending', attempts: 0 })),
      ...(request.executeBy ? { retryUntil: request.executeBy } : {}),
      ...traceparentForNewRun(),
      createdAt: now,
      updatedAt: now,
    };
  }

  private async inputsComplete(run: Run): Promise<boolean> {
    const ceremony = activeCeremony(run);
    return ceremony !== undefined && (await missingOfficers(ceremony.step, { artifacts: this.deps.artifacts, run })).length === 0;
  }

  private async failForGood(run: Run, why: string): Promise<Run> {
    const detail = `${run.lastError ? `Stopped at ${run.lastError.stepId ?? 'a step'} (${run.lastError.code}): ${run.lastError.message} ` : ''}Not retried: ${why}. Everything done before the failure stays in Azure; submit the plan again to finish it.`;
    const next: Run = { ...run, status: 'failed', version: run.version + 1, updatedAt: this.deps.clock.now().toISOString(), finishedAt: this.deps.clock.now().toISOString() };
    const journal: NewJournalEntry[] = [{ stepIndex: null, phase: 'run.failed', detail: { why } }];
    if (!(await this.deps.store.commit(next, run.version, journal))) return (await this.deps.store.get(run.id)) ?? run;
    await this.deps.approvals
      .finishExecution(run.requestId, 'failed', detail)
      .catch((error: unknown) => this.logger.error({ requestId: run.requestId, code: toAppError(error).code }, 'could not fail the request'));
    await this.deps.observer?.runChanged(next);
    return next;
  }

  private async pick(selector?: string): Promise<Run | undefined> {
    const runs = await this.deps.store.list();
    if (selector) {
      const s = selector.trim().toLowerCase();
      return runs.reverse().find((run) => run.id.toLowerCase().startsWith(s) || run.requestId.toLowerCase().startsWith(s));
    }
    return [...runs].reverse().find((run) => run.status === 'succeeded') ?? runs[runs.length - 1];
  }

  private async audit(event: Parameters<ExecutorAudit['append']>[0]): Promise<void> {
    await this.deps.audit.append(event);
  }

  private async auditRefusal(run: Run, actor: ExecutorActor, action: string, reason: string, details: Record<string, unknown> = {}): Promise<void> {
    try {
      await this.audit({
        actor: actorOf(actor),
        action,
        target: `run/${run.id}`,
        requestId: run.requestId,
        planHash: run.planHash,
        outcome: 'denied',
        reason,
        details: { runId: run.id, ...details },
      });
    } catch (error) {
      this.logger.error({ code: toAppError(error).code }, 'could not audit a refusal');
    }
  }
}

function actorOf(actor: ExecutorActor): AuditActor {
  return { objectId: actor.aadObjectId?.toLowerCase().slice(0, 64) || 'unidentified', name: actor.name?.slice(0, 200), tenantId: actor.tenantId?.toLowerCase() };
}

function describeStatus(run: Run): string {
  return { running: 'running', waitingForInput: 'waiting for people', stopped: 'stopped', succeeded: 'done', failed: 'closed as failed' }[run.status];
}

function firstOpenIndex(run: Run): number {
  return run.steps.find((s) => s.status !== 'done')?.index ?? 0;
}

/** The security-domain step the run waits at, if any. */
export function activeCeremony(run: Run): { step: ActivateSecurityDomainStep; state: StepState } | undefined {
  if (!OPEN_RUN_STATUSES.includes(run.status)) return undefined;
  for (const state of run.steps) {
    if (state.kind !== 'activateSecurityDomain' || state.status === 'done') continue;
    const step = run.plan.steps[state.index];
    if (step?.kind === 'activateSecurityDomain' && (state.status === 'waiting' || state.status === 'pending' || state.status === 'running')) return { step, state };
  }
  return undefined;
}

/** Every security-domain step of the run not done yet (the current one first). */
function openCeremonies(run: Run): Array<{ step: ActivateSecurityDomainStep; state: StepState }> {
  const out: Array<{ step: ActivateSecurityDomainStep; state: StepState }> = [];
  for (const state of run.steps) {
    const step = run.plan.steps[state.index];
    if (step?.kind === 'activateSecurityDomain' && state.status !== 'done') out.push({ step, state });
  }
  return out;
}

function lastCeremony(run: Run): { step: ActivateSecurityDomainStep; state: StepState } | undefined {
  for (const state of [...run.steps].reverse()) {
    const step = run.plan.steps[state.index];
    if (step?.kind === 'activateSecurityDomain') return { step, state };
  }
  return undefined;
}

/** What the readiness check reads for a plan: its verify step's keys, or all its keys. */
export function readinessTarget(plan: Plan): Pick<VerifyReadinessParams, 'keys' | 'principals'> | undefined {
  const step = plan.steps.find((s) => s.kind === 'verifyReadiness');
  if (step?.kind === 'verifyReadiness') return step.params;
  if (plan.keys.length === 0) return undefined;
  return { keys: plan.keys as KeyRef[], principals: [] };
}
