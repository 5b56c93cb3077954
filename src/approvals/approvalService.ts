import type crypto from 'node:crypto';
import {
  appError,
  canonicalJson,
  isAppError,
  newUuid,
  publicKeyFingerprint,
  signStatement,
  silentLogger,
  textOf,
  toAppError,
  truncateText,
  type AppError,
  type Clock,
  type Logger,
  type Signature,
  type Signer,
  type Text,
} from '../core';
import { SYSTEM_ACTOR, type AuditActor, type AuditEventInput, type AuditLog } from '../audit';
import { custodianRule, type ApprovalPolicy } from './approvalPolicy';
import type { ApprovalRequestStore, Atomic } from './approvalPorts';
import {
  checkApprovalSignatures,
  checkSubmission,
  checkVotes,
  decisionStatement,
  submissionStatement,
  voteStatement,
  type SignatureCheck,
  type TrustedKey,
} from './approvalSignatures';
import { correlationIdOf, type ActorIdentity, type ApprovalRequest, type Person, type RequestStatus, type Vote, type VoteDecision } from './approvalTypes';
import { eligibleRequirements, evaluateRule, unsatisfiableReasons, type RuleProgress } from './ruleEvaluation';
import { validateSubmitRequest, type SubmitRequest } from './submitRequest';
import { cleanReason, dueExpiry, transition, type ApprovalEvent, type ChangeKind, type TransitionResult } from './transition';

/** A stored change, told to listeners after it committed. */
export interface ApprovalChange {
  change: ChangeKind | 'submitted';
  request: ApprovalRequest;
  /** Who caused it; SYSTEM_ACTOR for timers. */
  actor: AuditActor;
}

/**
 * Where committed changes go when several Keyward instances share the store: recorded in the same
 * unit of work as the change (a transactional outbox), then handled once across the cluster by
 * whoever dispatches the outbox, which calls `ApprovalService.deliver`.
 */
export interface ChangeOutbox {
  /** Inside the unit of work: the change commits with the state it describes, or not at all. */
  record(change: ApprovalChange): Promise<void>;
  /** After the commit: changes wait to be delivered (wakes the dispatcher in this process). */
  committed(): void;
}

/** The answer to a vote or cancel: applied, or refused with a stable code (already audited). */
export type ActionResult = { ok: true; request: ApprovalRequest; change: ChangeKind } | { ok: false; error: AppError; request?: ApprovalRequest };

export interface VoteInput {
  requestId: string;
  /** From the validated activity; never from card data. */
  voter: ActorIdentity;
  decision: VoteDecision;
  reason?: string;
  /** The plan hash printed on the card that was clicked. */
  planHash: string;
  /** Free text for the audit record, e.g. "card v3 in group chat". */
  via?: string;
}

export interface ApprovalServiceDeps {
  store: ApprovalRequestStore;
  audit: AuditLog;
  atomic: Atomic;
  policy: ApprovalPolicy;
  clock: Clock;
  /**
   * Signs each submission, vote and decision when it is made (Ed25519 key file locally; a Key Vault
   * or Managed HSM key through the managed identity in Azure). Signing happens outside the unit of
   * work: it may be a call to Azure.
   */
  signer: Signer;
  /** Public keys of earlier signing keys whose signatures still count (key rotation); the signer's own always does. */
  trustedKeys?: readonly crypto.KeyObject[];
  /**
   * The audit records of one request (action names, oldest first): a request the log shows closed
   * (cancelled, rejected, expired, superseded, finished) never runs, whatever its stored status says.
   */
  history?(requestId: string): Promise<ReadonlyArray<{ action: string; reason?: string | null }>>;
  logger?: Logger;
  newId?: () => string;
  /** With an outbox, changes reach listeners through it (any instance's change, delivered once); without, in this process right after commit. */
  outbox?: ChangeOutbox;
}

const MAX_CAS_RETRIES = 5;

/** Thrown inside a unit when what was signed before it no longer matches what the unit would store. */
class SignAgain extends Error {}

/** Signatures made before a vote's unit of work, for exactly the change the preview predicted. */
interface PreSigned {
  vote: { statement: unknown; signature: Signature };
  decision?: { statement: unknown; signature: Signature };
}

/** Audit actions that say a request will never (again) run. */
const CLOSING_ACTIONS = new Set(['approval.cancelled', 'approval.rejected', 'approval.expired', 'approval.superseded', 'execution.succeeded', 'execution.failed']);

/**
 * The approvals engine over its ports. Every state change is ONE atomic unit:
 * read → pure `transition` → audit append → compare-and-set. The audit record is appended BEFORE
 * the state write inside that unit, and both commit together or not at all: if the audit cannot be
 * written, the change does not happen (fail closed). Listeners hear about a change only after it
 * committed, and only in the process that made it — so `onApproved` fires exactly once per
 * approval even with several bot processes on one store.
 */
export class ApprovalService {
  private readonly changeListeners = new Set<(change: ApprovalChange) => void | Promise<void>>();
  private readonly pending = new Set<Promise<void>>();
  private readonly logger: Logger;
  private readonly makeId: () => string;

  private readonly trusted: TrustedKey;

  constructor(private readonly deps: ApprovalServiceDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.makeId = deps.newId ?? newUuid;
    const keys = new Map<string, crypto.KeyObject>([[deps.signer.fingerprint, deps.signer.publicKey]]);
    for (const key of deps.trustedKeys ?? []) keys.set(fingerprintOf(key), key);
    this.trusted = (fingerprint) => keys.get(fingerprint);
  }

  /** The key that signs approvals (its fingerprint is what auditors pin). */
  get signer(): Signer {
    return this.deps.signer;
  }

  get policy(): ApprovalPolicy {
    return this.deps.policy;
  }

  // ---------------------------------------------------------------- seam for journeys

  /**
   * Opens an approval request for a plan. Refuses (AppError) an invalid submission, a requester
   * from another tenant, a requester who is a key custodian under separation of duties, and a
   * rule nobody but the requester could meet. Submitting the same plan hash again for the same
   * journey returns the open request; a NEW hash for the same journey supersedes the open request
   * (its votes are void) and starts a fresh one.
   */
  async submit(input: SubmitRequest): Promise<ApprovalRequest> {
    const valid = validateSubmitRequest(input);
    const requester = this.toPerson(valid.requester);
    const rule = this.deps.policy.rules[valid.operationClass];
    const keySides = valid.keySides;
    /** A submission refused before anything is stored: audited outside any unit, as the requester's. */
    const auditRefusedSubmit = (reason: string, details: Record<string, unknown>) =>
      this.auditOutside({
        actor: auditActor(requester),
        action: 'approval.submit.refused',
        target: targetOf(valid.targets),
        planHash: valid.planHash,
        outcome: 'denied',
        reason,
        details,
      });
    if (rule.separationOfDuties) {
      if (keySides && (keySides.A.includes(requester.objectId) || keySides.B.includes(requester.objectId))) {
        await auditRefusedSubmit('SeparationOfDuties', { operationClass: valid.operationClass });
        throw appError('SeparationOfDuties', 'Separation of duties: you are a custodian of one of the keys, so you cannot request this change. Ask someone who holds neither key.');
      }
      // The one custodian rule (custodianRule): the setup journey applied it already when the key's
      // custodians were chosen; a request made any other way is held to it here.
      const custodians = custodianRule(this.deps.policy, valid.operationClass);
      const named = keySides ? [...new Set([...keySides.A, ...keySides.B])] : [];
      const notCustodians = named.filter((id) => !custodians.allows(id));
      if (notCustodians.length > 0) {
        const groupIds = custodians.groups.map((group) => group.id);
        await auditRefusedSubmit('CustodianNotInPolicy', { operationClass: valid.operationClass, custodianGroup: groupIds.join(','), notCustodians });
        const names = notCustodians.map((id) => this.deps.policy.people[id] ?? id).join(', ');
        const from = custodians.every
          ? `members of the policy group${custodians.groups.length === 1 ? '' : 's'} ${custodians.groups.map((group) => `"${group.name}"`).join(' and ')}`
          : 'members of a group the policy names';
        throw appError(
          'SeparationOfDuties',
          `Key custodians must be ${from}; ${names} ${notCustodians.length === 1 ? 'is' : 'are'} not. Name custodians from ${custodians.every && custodians.groups.length === 1 ? 'that group' : 'those groups'}, or ask an administrator to change the policy.`,
          { notCustodians, custodianGroup: groupIds.join(',') },
        );
      }
      if (rule.separationOfDuties.approvalsPerKeySide > 0 && (!keySides || keySides.A.length === 0 || keySides.B.length === 0)) {
        throw appError(
          'ValidationFailed',
          `The policy needs approvals from the custodians of key A and key B for ${valid.operationClass} requests; the submission must name both (keySides).`,
        );
      }
    }
    const now = this.deps.clock.now();
    const draft: ApprovalRequest = {
      id: this.makeId(),
      version: 1,
      status: 'pending',
      operationClass: valid.operationClass,
      title: valid.title,
      summaryLines: valid.summaryLines,
      ...(valid.titleMessage ? { titleMessage: valid.titleMessage } : {}),
      ...(valid.summaryMessages ? { summaryMessages: valid.summaryMessages } : {}),
      targets: valid.targets,
      planHash: valid.planHash,
      keySides,
      requester,
      reason: cleanReason(valid.reason) ?? valid.reason,
      origin: valid.origin,
      journeyId: valid.journeyId,
      rule,
      policyHash: this.deps.policy.hash,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + rule.approvalWindowMinutes * 60_000).toISOString(),
      votes: [],
    };
    const impossible = unsatisfiableReasons(draft);
    if (impossible.length > 0) {
      const messages = impossible.map((reason) => reason.message);
      await auditRefusedSubmit('unsatisfiable', { problems: messages });
      throw appError(
        impossible.some((reason) => reason.requirement.startsWith('keySide')) ? 'SeparationOfDuties' : 'SelfApprovalForbidden',
        `Nobody could approve this request: ${messages.join('; ')}. Ask another operator to submit it, or fix the policy.`,
        { problems: messages },
      );
    }

    // Signed before the unit of work (the signer may be Key Vault): the core never changes.
    const submission = submissionStatement(draft);
    draft.submissionSignature = await this.sign(submission);

    const changes: ApprovalChange[] = [];
    const result = await this.deps.atomic(async () => {
      changes.length = 0;
      const open = valid.journeyId ? await this.deps.store.list({ journeyId: valid.journeyId, statuses: ['pending', 'approved'] }) : [];
      const same = open.find(
        (request) => request.planHash === draft.planHash && request.operationClass === draft.operationClass && request.requester.objectId === requester.objectId,
      );
      if (same) return same;
      for (const old of open) {
        const superseded = transition(old, { type: 'supersede', by: requester, newRequestId: draft.id }, now);
        if (!superseded.ok) continue;
        await this.deps.audit.append({
          actor: auditActor(requester),
          action: 'approval.superseded',
          target: targetOf(old.targets),
          requestId: old.id,
          planHash: old.planHash,
          outcome: 'success',
          reason: 'the plan changed',
          details: { supersededBy: draft.id, newPlanHash: draft.planHash, votesVoided: old.votes.length, statusBefore: old.status },
        });
        await this.casOrThrow(superseded.request, old.version);
        changes.push({ change: 'superseded', request: superseded.request, actor: auditActor(requester) });
      }
      const request: ApprovalRequest = { ...draft, supersedes: open[0]?.id };
      await this.deps.audit.append({
        actor: auditActor(requester),
        action: 'approval.submitted',
        target: targetOf(request.targets),
        requestId: request.id,
        planHash: request.planHash,
        outcome: 'success',
        reason: request.reason,
        details: {
          operationClass: request.operationClass,
          title: request.title,
          targets: request.targets,
          journeyId: request.journeyId ?? null,
          supersedes: request.supersedes ?? null,
          keySides: request.keySides ?? null,
          expiresAt: request.expiresAt,
          policyHash: request.policyHash,
          rule: {
            factors: rule.factors.map((factor) => ({ group: factor.groupId, approvals: factor.approvals, of: factor.members.length })),
            allowSelfApproval: rule.allowSelfApproval,
            separationOfDuties: rule.separationOfDuties,
            approvalWindowMinutes: rule.approvalWindowMinutes,
            executionWindowMinutes: rule.executionWindowMinutes,
            reasonRequired: rule.reasonRequired,
          },
          signed: { statement: submission, signature: draft.submissionSignature },
        },
      });
      await this.deps.store.insert(request);
      changes.push({ change: 'submitted', request, actor: auditActor(requester) });
      for (const change of changes) await this.deps.outbox?.record(change);
      return request;
    });
    this.afterCommit(changes);
    return result;
  }

  // ---------------------------------------------------------------- votes and cancel (the cards)

  /** Records one vote, or refuses it with a stable code. Every outcome is audited. */
  async vote(input: VoteInput): Promise<ActionResult> {
    const identity = this.identify(input.voter);
    if (!identity.ok)
      return await this.refuseUnidentified(identity.error, input.voter, input.requestId, 'approval.vote.refused', { decision: input.decision, via: input.via ?? null });
    const voter = identity.person;
    return this.castSigned(
      input.requestId,
      voter,
      { type: 'vote', voter, decision: input.decision, reason: input.reason, planHash: input.planHash },
      { decision: input.decision, claimedPlanHash: input.planHash, via: input.via ?? null },
    );
  }

  /**
   * Does this request's state rest on Keyward's own signatures — the submission, every vote, the
   * decision — over the request as stored now, with votes that meet its signed rule, and does the
   * audit log not show it closed? The executor asks before the first step, at every resumption
   * and on Retry; `beginExecution` asks too. Local checks only (no call to Azure).
   */
  async verifyApproval(request: ApprovalRequest): Promise<SignatureCheck> {
    const signed = checkApprovalSignatures(request, this.trusted);
    if (!signed.ok) return signed;
    if (!this.deps.history) return signed;
    const history = await this.deps.history(request.id);
    const actions = history.map((record) => record.action);
    // A claim refused because another process got there first is not a closing; a refused approval is.
    const closing = history.find((record) => CLOSING_ACTIONS.has(record.action) || (record.action === 'execution.refused' && record.reason === 'ApprovalNotVerified'))?.action;
    if (closing)
      return { ok: false, problem: 'ruleNotMet', message: `The audit log records ${closing} for this request: it was closed, and a stored status that says otherwise was changed` };
    const starts = actions.filter((action) => action === 'execution.started').length;
    if (starts > (request.status === 'approved' ? 0 : 1))
      return { ok: false, problem: 'ruleNotMet', message: 'The audit log shows this request started already: an approval runs once' };
    return signed;
  }

  /**
   * Marks an approved or executing request failed because its approval does not verify (the
   * executor found it before running): every card says why. Nothing runs. The refusal is audited
   * here, once (`execution.refused`, reason ApprovalNotVerified, `context` in its details), in the
   * unit that fails the request — also when the request can no longer be failed (gone, or a stored
   * status that says it closed), so the caller records nothing of its own.
   */
  async refuseExecution(
    requestId: string,
    check: Extract<SignatureCheck, { ok: false }>,
    context: { runId?: string } = {},
    executor: AuditActor = SYSTEM_ACTOR,
  ): Promise<ApprovalRequest | undefined> {
    const result = await this.apply(
      requestId,
      { type: 'refuseExecution', detail: refusalDetail(check) },
      executor,
      'execution.refused.skipped',
      { ...context },
      { auditRefusal: false, refusedBecause: check },
    );
    return result.request;
  }

  /** The requester withdraws a pending (or approved, not yet running) request. */
  async cancel(input: { requestId: string; by: ActorIdentity; reason?: string; via?: string }): Promise<ActionResult> {
    const identity = this.identify(input.by);
    if (!identity.ok) return await this.refuseUnidentified(identity.error, input.by, input.requestId, 'approval.cancel.refused', { via: input.via ?? null });
    return this.act(input.requestId, identity.person, { type: 'cancel', by: identity.person, reason: input.reason }, 'approval.cancel.refused', { via: input.via ?? null });
  }

  // ---------------------------------------------------------------- seam for the executor

  /**
   * Subscribes to approvals. Called once per approval, in the process that recorded the deciding
   * vote, after it committed. Returns an unsubscribe function. An executor that starts later (or
   * after a crash) should also pick up `list({ statuses: ['approved'] })`.
   */
  onApproved(listener: (request: ApprovalRequest) => void | Promise<void>): () => void {
    return this.onChange((change) => (change.change === 'approved' ? listener(change.request) : undefined));
  }

  /** Every committed change (cards and notifications listen here). */
  onChange(listener: (change: ApprovalChange) => void | Promise<void>): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /**
   * Claims an approved request for execution: approved → executing, exactly once across threads
   * and processes (the compare-and-set runs inside an exclusive transaction). Throws
   * `ExecutionWindowClosed` after the execution window (and the request turns expired),
   * `RequestNotPending` before approval, `RequestAlreadyDecided` if it was already claimed or
   * closed, `AuditWriteFailed` if the start could not be audited — in every case: do not run.
   * The request id is the correlation id to send as x-ms-client-request-id.
   */
  async beginExecution(requestId: string, executor: AuditActor = SYSTEM_ACTOR): Promise<ApprovalRequest> {
    const result = await this.apply(requestId, { type: 'beginExecution' }, executor, 'execution.refused', {}, { verify: true });
    if (!result.ok) throw result.error;
    return result.request;
  }

  /**
   * Shows the executor's progress on the cards ("Step 3 of 7: creating key A"); `halted` when the
   * run stopped and waits for a Retry. Not a state change; not audited (the executor audits its steps).
   */
  async reportExecutionProgress(requestId: string, progress: Text, options: { halted?: boolean } = {}, executor: AuditActor = SYSTEM_ACTOR): Promise<ApprovalRequest> {
    const result = await this.apply(
      requestId,
      { type: 'reportProgress', progress: clip(progress, 300), ...(options.halted ? { halted: true } : {}) },
      executor,
      'execution.progress.refused',
      {},
    );
    if (!result.ok) throw result.error;
    return result.request;
  }

  /** executing → succeeded | failed. `detail` is shown to approvers and requester: no secrets. */
  async finishExecution(requestId: string, outcome: 'succeeded' | 'failed', detail: Text, executor: AuditActor = SYSTEM_ACTOR): Promise<ApprovalRequest> {
    const result = await this.apply(requestId, { type: 'finishExecution', outcome, detail: clip(detail, 1000) }, executor, 'execution.finish.refused', {});
    if (!result.ok) throw result.error;
    return result.request;
  }

  // ---------------------------------------------------------------- timers (ApprovalScheduler)

  /** Expires every request whose window has passed. Returns the ones this call expired. */
  async expireDue(): Promise<ApprovalRequest[]> {
    const now = this.deps.clock.now();
    const expired: ApprovalRequest[] = [];
    for (const request of await this.deps.store.list({ statuses: ['pending', 'approved'] })) {
      if (!dueExpiry(request, now)) continue;
      const result = await this.apply(request.id, { type: 'expire' }, SYSTEM_ACTOR, 'approval.expire.skipped', {}, { auditRefusal: false });
      if (result.ok) expired.push(result.request);
    }
    return expired;
  }

  /** Marks and announces requests whose reminder time has come (once each). */
  async remindDue(): Promise<ApprovalRequest[]> {
    const now = this.deps.clock.now().getTime();
    const reminded: ApprovalRequest[] = [];
    for (const request of await this.deps.store.list({ statuses: ['pending'] })) {
      const lead = request.rule.reminderBeforeMinutes * 60_000;
      const end = Date.parse(request.expiresAt);
      if (lead === 0 || request.remindedAt || now < end - lead || now >= end) continue;
      const result = await this.apply(request.id, { type: 'remind' }, SYSTEM_ACTOR, 'approval.remind.skipped', {}, { auditRefusal: false });
      if (result.ok) reminded.push(result.request);
    }
    return reminded;
  }

  // ---------------------------------------------------------------- queries

  get(requestId: string): Promise<ApprovalRequest | undefined> {
    return this.deps.store.get(requestId);
  }

  list(filter?: { statuses?: readonly RequestStatus[]; journeyId?: string }): Promise<ApprovalRequest[]> {
    return this.deps.store.list(filter);
  }

  progress(request: ApprovalRequest): RuleProgress {
    return evaluateRule(request);
  }

  /** Could this person ever vote on this request (ignores whether they already did)? */
  canVote(request: ApprovalRequest, objectId: string): boolean {
    return eligibleRequirements(request, objectId.toLowerCase()).length > 0 && this.isCurrentApprover(request, objectId.toLowerCase());
  }

  /** Open requests this person can act on: vote (eligible, not voted yet) or cancel (requester). */
  async actionableFor(objectId: string): Promise<ApprovalRequest[]> {
    const id = objectId.toLowerCase();
    return (await this.deps.store.list({ statuses: ['pending', 'approved'] })).filter((request) => {
      if (request.requester.objectId === id) return true;
      return request.status === 'pending' && !request.votes.some((vote) => vote.voter.objectId === id) && this.canVote(request, id);
    });
  }

  /**
   * Runs `work` with `event` appended first, as one atomic unit: a side change that must be
   * audited (e.g. designating the approvers' conversation) happens only if its record is stored.
   */
  runAudited<T>(event: AuditEventInput, work: () => Promise<T>): Promise<T> {
    return this.deps.atomic(async () => {
      await this.deps.audit.append(event);
      return work();
    });
  }

  /** Appends an audit record for a refusal that never reached a request (bad card data). */
  async auditRefusal(event: Omit<AuditEventInput, 'outcome'>): Promise<void> {
    await this.auditOutside({ ...event, outcome: 'denied' });
  }

  /** Resolves when every listener started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  // ---------------------------------------------------------------- internals

  private act(requestId: string, actor: Person, event: ApprovalEvent, refusalAction: string, details: Record<string, unknown>): Promise<ActionResult> {
    return this.apply(requestId, event, auditActor(actor), refusalAction, details);
  }

  /**
   * The one place state moves. Runs as one unit of work: with SQLite a single IMMEDIATE
   * transaction (no other process can read-then-write this request in between); with PostgreSQL
   * one transaction whose version compare-and-set decides a race between instances — the loser's
   * audit records roll back with it, and it is retried on fresh state.
   */
  private async apply(
    requestId: string,
    event: ApprovalEvent,
    actor: AuditActor,
    refusalAction: string,
    details: Record<string, unknown>,
    options: ApplyOptions = {},
  ): Promise<ActionResult> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const { result, changes } = await this.deps.atomic(async () => {
          const once = await this.applyOnce(requestId, event, actor, refusalAction, details, options);
          for (const change of once.changes) await this.deps.outbox?.record(change);
          return once;
        });
        this.afterCommit(changes);
        if (result.ok) return { ok: true, request: result.request, change: result.change };
        return { ok: false, error: result.error, request: result.request ?? (await this.deps.store.get(requestId)) };
      } catch (error) {
        // SignAgain goes up to castSigned, which signs the vote again on the new state.
        if (error instanceof SignAgain) throw error;
        if (isAppError(error, 'ConcurrentUpdate') && attempt < MAX_CAS_RETRIES) continue;
        throw toAppError(error);
      }
    }
  }

  /**
   * A vote, signed. The signatures are made BEFORE the unit of work (the signer may be Key Vault,
   * and nothing slow may run inside a unit) for the change a preview of the transition predicts, at
   * a fixed time; inside the unit the transition runs again on fresh state, and the vote (and the
   * decision) it produces must be exactly what was signed — else nothing is stored and the vote is
   * signed again on the new state (a racing vote turned "recorded" into "approved", say). Keyward
   * signs nothing on top of a request or votes it did not sign itself: such a request is refused.
   */
  private async castSigned(requestId: string, voter: Person, event: Extract<ApprovalEvent, { type: 'vote' }>, details: Record<string, unknown>): Promise<ActionResult> {
    const actor = auditActor(voter);
    for (let attempt = 1; ; attempt += 1) {
      const now = this.deps.clock.now();
      const current = await this.deps.store.get(requestId);
      let signed: PreSigned | undefined;
      if (current) {
        const preview = transition(current, event, now, { isCurrentApprover: (objectId) => this.isCurrentApprover(current, objectId) });
        if (preview.ok) {
          const integrity = firstProblem(checkSubmission(current, this.trusted), checkVotes(current, this.trusted));
          if (integrity) return this.refuseTampered(current, actor, integrity, details);
          signed = await this.preSign(preview.request, preview.change);
        }
      }
      try {
        return await this.apply(requestId, event, actor, 'approval.vote.refused', details, { now, signed });
      } catch (error) {
        if (error instanceof SignAgain && attempt < MAX_CAS_RETRIES) continue;
        throw toAppError(
          error instanceof SignAgain
            ? appError('ConcurrentUpdate', 'The request kept changing while your vote was being signed; the card shows where it stands. Try again.')
            : error,
        );
      }
    }
  }

  private async preSign(after: ApprovalRequest, change: ChangeKind): Promise<PreSigned> {
    const vote = after.votes[after.votes.length - 1]!;
    const voteSigned = { statement: voteStatement(after, vote), signature: await this.sign(voteStatement(after, vote)) };
    if (change !== 'approved' && change !== 'rejected') return { vote: voteSigned };
    const withSignature = withLastVoteSigned(after, voteSigned.signature);
    const statement = decisionStatement(withSignature)!;
    return { vote: voteSigned, decision: { statement, signature: await this.sign(statement) } };
  }

  /** Inside the unit: attaches the signatures made before it, or throws SignAgain if they no longer fit. */
  private attachSignatures(after: ApprovalRequest, change: ChangeKind, signed: PreSigned | undefined): ApprovalRequest {
    const vote = after.votes[after.votes.length - 1]!;
    if (!signed || canonicalJson(voteStatement(after, vote)) !== canonicalJson(signed.vote.statement)) throw new SignAgain();
    const withVote = withLastVoteSigned(after, signed.vote.signature);
    if (change !== 'approved' && change !== 'rejected') {
      if (signed.decision) throw new SignAgain();
      return withVote;
    }
    if (!signed.decision || canonicalJson(decisionStatement(withVote)) !== canonicalJson(signed.decision.statement)) throw new SignAgain();
    return { ...withVote, decisionSignature: signed.decision.signature };
  }

  private async sign(statement: unknown): Promise<Signature> {
    try {
      return await signStatement(this.deps.signer, statement);
    } catch (error) {
      const cause = toAppError(error);
      this.logger.error({ code: cause.code, err: cause.message, key: this.deps.signer.description }, 'could not sign an approval statement');
      throw appError(
        'SigningFailed',
        `Keyward could not sign this with its key (${cause.code}); nothing was recorded. Try again in a moment; if it persists, an administrator checks the signing key and Keyward's permission to use it.`,
        { cause: cause.code },
        error,
      );
    }
  }

  /** A request whose stored signatures do not check out: Keyward refuses to add its own on top (audited). */
  private async refuseTampered(
    request: ApprovalRequest,
    actor: AuditActor,
    check: Extract<SignatureCheck, { ok: false }>,
    details: Record<string, unknown>,
  ): Promise<ActionResult> {
    await this.auditOutside({
      actor,
      action: 'approval.vote.refused',
      target: targetOf(request.targets),
      requestId: request.id,
      planHash: request.planHash,
      outcome: 'denied',
      reason: 'ApprovalNotVerified',
      details: { ...details, problem: check.problem, message: check.message, status: request.status },
    });
    this.logger.error(
      { requestId: request.id, problem: check.problem },
      'refused a vote on a request whose stored signatures do not verify: the store was changed outside Keyward',
    );
    return {
      ok: false,
      error: appError(
        'ApprovalNotVerified',
        `${check.message}. Keyward does not vote on it; ask for the plan to be submitted again, and tell whoever administers Keyward's database.`,
        { problem: check.problem },
      ),
      request,
    };
  }

  private async applyOnce(
    requestId: string,
    event: ApprovalEvent,
    actor: AuditActor,
    refusalAction: string,
    details: Record<string, unknown>,
    options: ApplyOptions,
  ): Promise<{ result: TransitionResult; changes: ApprovalChange[] }> {
    const auditRefusal = options.auditRefusal ?? true;
    await this.deps.store.holdForChange?.(requestId);
    const current = await this.deps.store.get(requestId);
    if (!current) {
      const error = appError('NotFound', `There is no approval request ${requestId}.`);
      if (options.refusedBecause) await this.deps.audit.append(executionRefused(options.refusedBecause, actor, requestId, `approval/${requestId}`, undefined, details, null));
      else if (auditRefusal)
        await this.deps.audit.append({
          actor,
          action: refusalAction,
          target: `approval/${requestId}`,
          requestId,
          outcome: 'denied',
          reason: 'NotFound',
          details: { ...details, message: error.message },
        });
      return { result: { ok: false, error }, changes: [] };
    }
    const now = options.now ?? this.deps.clock.now();
    if (options.verify && current.status === 'approved') {
      const check = await this.verifyApproval(current);
      if (!check.ok) return this.refuseUnverified(current, actor, check, now);
    }
    let result = transition(current, event, now, { isCurrentApprover: (objectId) => this.isCurrentApprover(current, objectId) });
    // A vote is stored only with the signatures made for exactly it (refused: they are not used).
    if (result.ok && event.type === 'vote') result = { ...result, request: this.attachSignatures(result.request, result.change, options.signed) };
    const changes: ApprovalChange[] = [];
    // refuseExecution: the refusal is recorded once, with the request's failing when it can fail.
    if (options.refusedBecause)
      await this.deps.audit.append(executionRefused(options.refusedBecause, actor, current.id, targetOf(current.targets), current.planHash, details, current.status));
    if (result.ok) {
      for (const record of this.auditFor(current, result.request, result.change, actor, event)) await this.deps.audit.append(record);
      await this.casOrThrow(result.request, current.version);
      changes.push({ change: result.change, request: result.request, actor });
      return { result, changes };
    }
    if (auditRefusal) {
      await this.deps.audit.append({
        actor,
        action: refusalAction,
        target: targetOf(current.targets),
        requestId: current.id,
        planHash: current.planHash,
        outcome: 'denied',
        reason: result.error.code,
        details: { ...details, status: current.status, message: result.error.message },
      });
    }
    if (result.request) {
      // Expiry discovered at the moment of use: store it, so the card and the timer agree.
      for (const record of this.auditFor(current, result.request, 'expired', SYSTEM_ACTOR, { type: 'expire' })) await this.deps.audit.append(record);
      await this.casOrThrow(result.request, current.version);
      changes.push({ change: 'expired', request: result.request, actor: SYSTEM_ACTOR });
    }
    return { result, changes };
  }

  /** beginExecution on an approval that does not verify: refused, audited, and the request closed as failed (the card says why). */
  private async refuseUnverified(
    current: ApprovalRequest,
    actor: AuditActor,
    check: Extract<SignatureCheck, { ok: false }>,
    now: Date,
  ): Promise<{ result: TransitionResult; changes: ApprovalChange[] }> {
    const error = appError('ApprovalNotVerified', `${check.message}. Nothing was run.`, { problem: check.problem });
    await this.deps.audit.append({
      actor,
      action: 'execution.refused',
      target: targetOf(current.targets),
      requestId: current.id,
      planHash: current.planHash,
      outcome: 'denied',
      reason: 'ApprovalNotVerified',
      details: { problem: check.problem, message: check.message, status: current.status },
    });
    this.logger.error(
      { requestId: current.id, problem: check.problem },
      "refused to run a request whose approval is not backed by Keyward's signatures: the store was changed outside Keyward",
    );
    const failed = transition(current, { type: 'refuseExecution', detail: refusalDetail(check) }, now);
    if (!failed.ok) return { result: { ok: false, error }, changes: [] };
    for (const record of this.auditFor(current, failed.request, 'failed', actor, { type: 'refuseExecution', detail: refusalDetail(check) })) await this.deps.audit.append(record);
    await this.casOrThrow(failed.request, current.version);
    return { result: { ok: false, error, request: failed.request }, changes: [{ change: 'failed', request: failed.request, actor }] };
  }

  private auditFor(before: ApprovalRequest, after: ApprovalRequest, change: ChangeKind, actor: AuditActor, event: ApprovalEvent): AuditEventInput[] {
    const base = { actor, target: targetOf(after.targets), requestId: after.id, planHash: after.planHash };
    const records: AuditEventInput[] = [];
    if (event.type === 'vote') {
      const vote = after.votes[after.votes.length - 1]!;
      records.push({
        ...base,
        action: 'approval.vote.recorded',
        outcome: 'success',
        reason: vote.reason,
        details: {
          decision: vote.decision,
          countsFor: eligibleRequirements(after, vote.voter.objectId),
          progress: evaluateRule(after).requirements.map((r) => ({ requirement: r.id, have: r.counted.length, needed: r.needed })),
          versionBefore: before.version,
          ...(vote.signature ? { signed: { statement: voteStatement(after, vote), signature: vote.signature } } : {}),
        },
      });
    }
    const decision =
      after.decisionSignature && (change === 'approved' || change === 'rejected') ? { signed: { statement: decisionStatement(after), signature: after.decisionSignature } } : {};
    switch (change) {
      case 'approved':
        records.push({
          ...base,
          action: 'approval.approved',
          outcome: 'success',
          details: { approvers: after.votes.filter((v) => v.decision === 'approve').map((v) => v.voter.objectId), executeBy: after.executeBy, ...decision },
        });
        break;
      case 'rejected':
        records.push({
          ...base,
          action: 'approval.rejected',
          outcome: 'success',
          reason: after.votes[after.votes.length - 1]?.reason,
          ...(decision.signed ? { details: decision } : {}),
        });
        break;
      case 'cancelled':
        records.push({ ...base, action: 'approval.cancelled', outcome: 'success', reason: after.closedReason, details: { statusBefore: before.status } });
        break;
      case 'expired':
        records.push({
          ...base,
          actor: SYSTEM_ACTOR,
          action: 'approval.expired',
          outcome: 'info',
          reason: after.closedReason,
          details: { statusBefore: before.status, expiresAt: before.expiresAt, executeBy: before.executeBy ?? null },
        });
        break;
      case 'reminded':
        records.push({ ...base, action: 'approval.reminded', outcome: 'info', details: { expiresAt: after.expiresAt } });
        break;
      case 'executing':
        records.push({ ...base, action: 'execution.started', outcome: 'success', details: { correlationId: correlationIdOf(after), executeBy: before.executeBy ?? null } });
        break;
      case 'succeeded':
      case 'failed':
        records.push({
          ...base,
          action: `execution.${change}`,
          outcome: change === 'succeeded' ? 'success' : 'failure',
          reason: after.execution?.detail === undefined ? undefined : textOf(after.execution.detail),
        });
        break;
      default:
        break;
    }
    return records;
  }

  private async casOrThrow(next: ApprovalRequest, expectedVersion: number): Promise<void> {
    if (!(await this.deps.store.compareAndSet(next, expectedVersion))) {
      throw appError('ConcurrentUpdate', `Request ${next.id} changed while this change was being made.`, { requestId: next.id });
    }
  }

  /**
   * Does the policy in force still give this person a say on this kind of request: a member of a
   * group its rule requires, or a named custodian who is still in the rule's custodian group? A
   * right lost by a policy change is lost at once, on open requests too (votes, Retry).
   */
  private isCurrentApprover(request: ApprovalRequest, objectId: string): boolean {
    const current = this.deps.policy.rules[request.operationClass];
    if (current.factors.some((factor) => factor.members.includes(objectId))) return true;
    const named = (request.keySides?.A.includes(objectId) ?? false) || (request.keySides?.B.includes(objectId) ?? false);
    return named && custodianRule(this.deps.policy, request.operationClass).allows(objectId);
  }

  private identify(actor: ActorIdentity): { ok: true; person: Person } | { ok: false; error: AppError } {
    try {
      return { ok: true, person: this.toPerson(actor) };
    } catch (error) {
      return { ok: false, error: toAppError(error) };
    }
  }

  /** Identity is the activity's Entra object id + tenant, nothing else. */
  private toPerson(actor: ActorIdentity): Person {
    const objectId = actor.aadObjectId?.trim().toLowerCase();
    if (!objectId) throw appError('NotAnApprover', 'Keyward could not tell who you are (the activity carries no Entra object id), so it cannot count your vote.');
    const tenantId = actor.tenantId?.trim().toLowerCase();
    if (!tenantId || tenantId !== this.deps.policy.tenantId) {
      throw appError('TenantNotAllowed', `Only people of tenant ${this.deps.policy.tenantId} may request or approve changes here.`, { tenantId: tenantId ?? null });
    }
    return { objectId, tenantId, name: actor.name ?? this.deps.policy.people[objectId], channelUserId: actor.channelUserId };
  }

  private async refuseUnidentified(error: AppError, claimed: ActorIdentity, requestId: string, action: string, details: Record<string, unknown>): Promise<ActionResult> {
    await this.auditOutside({
      // What the activity claimed, kept for the investigation; it was not trusted for anything.
      actor: {
        objectId: claimed.aadObjectId?.slice(0, 64) || 'unidentified',
        name: claimed.name === undefined ? undefined : truncateText(claimed.name, 200),
        tenantId: claimed.tenantId?.slice(0, 64),
      },
      action,
      target: `approval/${requestId}`,
      requestId,
      outcome: 'denied',
      reason: error.code,
      details: { ...details, message: error.message, tenantId: error.details.tenantId ?? null },
    });
    return { ok: false, error, request: await this.deps.store.get(requestId) };
  }

  /** Audit outside a state change (refusals): if even this fails, say so loudly; nothing was done anyway. */
  private async auditOutside(event: AuditEventInput): Promise<void> {
    await this.deps.atomic(() => this.deps.audit.append(event));
  }

  /**
   * Hands a committed change (from any instance, read from the outbox) to this process's
   * listeners and resolves when they are done, so the dispatcher moves on only then.
   */
  async deliver(change: ApprovalChange): Promise<void> {
    await Promise.all(
      [...this.changeListeners].map((listener) =>
        Promise.resolve()
          .then(() => listener(change))
          .catch((error: unknown) =>
            this.logger.error({ requestId: change.request.id, change: change.change, err: error instanceof Error ? error.message : String(error) }, 'approval listener failed'),
          ),
      ),
    );
  }

  private afterCommit(changes: readonly ApprovalChange[]): void {
    if (changes.length === 0) return;
    if (this.deps.outbox) this.deps.outbox.committed();
    else for (const change of changes) this.emit(change);
  }

  private emit(change: ApprovalChange): void {
    for (const listener of this.changeListeners) {
      const run = Promise.resolve()
        .then(() => listener(change))
        .catch((error: unknown) =>
          this.logger.error({ requestId: change.request.id, change: change.change, err: error instanceof Error ? error.message : String(error) }, 'approval listener failed'),
        )
        .finally(() => this.pending.delete(run));
      this.pending.add(run);
    }
  }
}

function auditActor(person: Person): AuditActor {
  return { objectId: person.objectId, name: person.name, tenantId: person.tenantId };
}

function targetOf(targets: readonly string[]): string {
  const joined = targets.join(' | ');
  return joined === '' ? '(no targets named)' : joined.length > 500 ? `${truncateText(joined, 500)}…` : joined;
}

interface ApplyOptions {
  auditRefusal?: boolean;
  /** The time the change happens (a signed vote fixes it before its unit). */
  now?: Date;
  /** Signatures made before the unit for a vote (castSigned). */
  signed?: PreSigned;
  /** beginExecution: the approval must verify first (signatures, audit history). */
  verify?: boolean;
  /** refuseExecution: why (audited as execution.refused with the change). */
  refusedBecause?: Extract<SignatureCheck, { ok: false }>;
}

/** The one `execution.refused` record of a refusal by refuseExecution (statusBefore null: no request). */
function executionRefused(
  check: Extract<SignatureCheck, { ok: false }>,
  actor: AuditActor,
  requestId: string,
  target: string,
  planHash: string | undefined,
  details: Record<string, unknown>,
  statusBefore: RequestStatus | null,
): AuditEventInput {
  return {
    actor,
    action: 'execution.refused',
    target,
    requestId,
    ...(planHash ? { planHash } : {}),
    outcome: 'denied',
    reason: 'ApprovalNotVerified',
    details: { ...details, problem: check.problem, message: check.message, statusBefore },
  };
}

function withLastVoteSigned(request: ApprovalRequest, signature: Signature): ApprovalRequest {
  const votes: Vote[] = [...request.votes];
  votes[votes.length - 1] = { ...votes[votes.length - 1]!, signature };
  return { ...request, votes };
}

function firstProblem(...checks: SignatureCheck[]): Extract<SignatureCheck, { ok: false }> | undefined {
  return checks.find((check): check is Extract<SignatureCheck, { ok: false }> => !check.ok);
}

/** What the cards say when an approval does not verify (shown on the request's every copy). */
export function refusalDetail(check: Extract<SignatureCheck, { ok: false }>): string {
  return `Keyward refused to run this request: its approval is not backed by votes Keyward signed (${check.problem}). ${check.message}. Nothing was run; submit the plan again, and have the store investigated.`;
}

function fingerprintOf(key: crypto.KeyObject): string {
  return publicKeyFingerprint(key);
}

/** A text for the cards, at most `max` characters (a message too long is kept as its English, cut). */
function clip(text: Text, max: number): Text {
  const english = textOf(text);
  if (english.length <= max) return text;
  return english.slice(0, max);
}
