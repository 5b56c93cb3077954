import { appError, truncateText, type AppError, type Text } from '../core';
import type { ApprovalRequest, Person, RequestStatus, VoteDecision } from './approvalTypes';
import { eligibleRequirements, evaluateRule } from './ruleEvaluation';

/** Everything that can happen to a request. */
export type ApprovalEvent =
  | { type: 'vote'; voter: Person; decision: VoteDecision; reason?: string; planHash: string }
  | { type: 'cancel'; by: Person; reason?: string }
  | { type: 'supersede'; by: Person; newRequestId: string }
  | { type: 'expire' }
  | { type: 'remind' }
  | { type: 'beginExecution' }
  /** The executor found the approval not backed by Keyward's signatures: it never runs; the card says why. */
  | { type: 'refuseExecution'; detail: Text }
  | { type: 'reportProgress'; progress: Text; halted?: boolean }
  | { type: 'finishExecution'; outcome: 'succeeded' | 'failed'; detail: Text };

export type ChangeKind = 'voteRecorded' | 'approved' | 'rejected' | 'cancelled' | 'superseded' | 'expired' | 'reminded' | 'executing' | 'progress' | 'succeeded' | 'failed';

export type TransitionResult =
  /** The event applies: store `request` (version + 1) with compare-and-set. */
  | { ok: true; request: ApprovalRequest; change: ChangeKind }
  /**
   * The event is refused with `error`. When `request` is present the refusal uncovered a
   * time-based change (expiry enforced at the moment of use) that must be stored anyway.
   */
  | { ok: false; error: AppError; request?: ApprovalRequest; change?: 'expired' };

export interface TransitionContext {
  /** False when the current policy no longer names this person (revokes a right at once). */
  isCurrentApprover?(objectId: string): boolean;
}

export const MAX_REASON_LENGTH = 500;

/** Trims, removes control characters and caps a free-text reason (cut between characters, never through one). */
export function cleanReason(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  const cleaned = reason
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (cleaned === '') return undefined;
  return truncateText(cleaned, MAX_REASON_LENGTH).trimEnd();
}

const iso = (date: Date) => date.toISOString();
const plusMinutes = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);

function next(request: ApprovalRequest, status: RequestStatus, patch: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return { ...request, ...patch, status, version: request.version + 1 };
}

function refuse(code: AppError['code'], message: string, details: Record<string, unknown> = {}): TransitionResult {
  return { ok: false, error: appError(code, message, details) };
}

/**
 * The request state machine, as one pure function:
 *
 *   pending ──vote (rule met)──▶ approved ──beginExecution──▶ executing ──finish──▶ succeeded | failed
 *      │ ├─vote (reject)──▶ rejected        │ └─(execution window passes)──▶ expired
 *      │ ├─cancel / supersede──▶ cancelled   └─cancel (requester) / supersede──▶ cancelled
 *      │ └─(approval window passes)──▶ expired
 *
 * Time is checked here, at the moment of use: a vote after the approval window, or an execution
 * start after the execution window, is refused AND turns the request expired, whether or not the
 * timer got there first. Nothing here reads a clock, a store or the network.
 */
export function transition(request: ApprovalRequest, event: ApprovalEvent, now: Date, context: TransitionContext = {}): TransitionResult {
  const expiredBy = dueExpiry(request, now);
  if (expiredBy && event.type !== 'expire') {
    const expired = expire(request, now, expiredBy);
    const error =
      event.type === 'beginExecution'
        ? appError('ExecutionWindowClosed', `The execution window of this request closed at ${request.executeBy}; it was not run. Submit the plan again.`, {
            executeBy: request.executeBy,
          })
        : appError(
            'RequestExpired',
            `This request expired at ${expiredBy === 'approval' ? request.expiresAt : request.executeBy} (${expiredBy === 'approval' ? 'approval' : 'execution'} window).`,
          );
    return { ok: false, error, request: expired, change: 'expired' };
  }

  switch (event.type) {
    case 'vote':
      return vote(request, event, now, context);
    case 'cancel':
      return cancel(request, event, now);
    case 'supersede':
      if (request.status !== 'pending' && request.status !== 'approved')
        return refuse('RequestNotPending', `Request is ${request.status}; only a pending or approved request can be superseded.`);
      return {
        ok: true,
        change: 'superseded',
        request: next(request, 'cancelled', {
          closedBy: event.by,
          closedReason: `superseded by a changed plan (request ${event.newRequestId})`,
          supersededBy: event.newRequestId,
          decidedAt: iso(now),
        }),
      };
    case 'expire':
      if (!expiredBy) return refuse('ValidationFailed', `Request is ${request.status} and not past its window; nothing to expire.`);
      return { ok: true, change: 'expired', request: expire(request, now, expiredBy) };
    case 'remind':
      if (request.status !== 'pending') return refuse('RequestNotPending', `Request is ${request.status}; reminders are for pending requests.`);
      if (request.remindedAt) return refuse('ValidationFailed', 'A reminder was already sent for this request.');
      return { ok: true, change: 'reminded', request: next(request, 'pending', { remindedAt: iso(now) }) };
    case 'beginExecution':
      if (request.status !== 'approved') {
        return refuse(
          request.status === 'pending' ? 'RequestNotPending' : 'RequestAlreadyDecided',
          request.status === 'pending' ? 'The request is not approved yet; nothing may run.' : `The request is ${request.status}; it can start executing only once, from approved.`,
          { status: request.status },
        );
      }
      return { ok: true, change: 'executing', request: next(request, 'executing', { execution: { startedAt: iso(now) } }) };
    case 'refuseExecution': {
      if (request.status !== 'approved' && request.status !== 'executing')
        return refuse('RequestNotPending', `The request is ${request.status}; there is no execution to refuse.`, { status: request.status });
      const startedAt = request.execution?.startedAt ?? iso(now);
      return {
        ok: true,
        change: 'failed',
        request: next(request, 'failed', { execution: { ...request.execution, startedAt, finishedAt: iso(now), outcome: 'failed', detail: event.detail, halted: false } }),
      };
    }
    case 'reportProgress':
      if (request.status !== 'executing') return refuse('RequestNotPending', `The request is ${request.status}, not executing.`);
      return {
        ok: true,
        change: 'progress',
        request: next(request, 'executing', { execution: { ...request.execution!, progress: event.progress, halted: event.halted === true } }),
      };
    case 'finishExecution':
      if (request.status !== 'executing') return refuse('RequestNotPending', `The request is ${request.status}, not executing; it cannot finish.`, { status: request.status });
      return {
        ok: true,
        change: event.outcome,
        request: next(request, event.outcome, { execution: { ...request.execution!, finishedAt: iso(now), outcome: event.outcome, detail: event.detail } }),
      };
  }
}

/** Which window has passed, if any. */
export function dueExpiry(request: ApprovalRequest, now: Date): 'approval' | 'execution' | undefined {
  if (request.status === 'pending' && now.getTime() >= Date.parse(request.expiresAt)) return 'approval';
  if (request.status === 'approved' && request.executeBy && now.getTime() >= Date.parse(request.executeBy)) return 'execution';
  return undefined;
}

function expire(request: ApprovalRequest, now: Date, window: 'approval' | 'execution'): ApprovalRequest {
  return next(request, 'expired', {
    closedReason: window === 'approval' ? 'the approval window passed before enough approvals arrived' : 'the execution window passed before the plan was run',
    decidedAt: request.decidedAt ?? iso(now),
  });
}

function cancel(request: ApprovalRequest, event: Extract<ApprovalEvent, { type: 'cancel' }>, now: Date): TransitionResult {
  if (request.status !== 'pending' && request.status !== 'approved') {
    return refuse(request.status === 'expired' ? 'RequestExpired' : 'RequestNotPending', `The request is ${request.status}; it can no longer be cancelled.`, {
      status: request.status,
    });
  }
  if (event.by.objectId !== request.requester.objectId || event.by.tenantId !== request.requester.tenantId) {
    return refuse('NotYourJourney', `Only the requester (${request.requester.name ?? request.requester.objectId}) can cancel this request; approvers reject it instead.`);
  }
  const reason = cleanReason(event.reason);
  return {
    ok: true,
    change: 'cancelled',
    request: next(request, 'cancelled', { closedBy: event.by, closedReason: `cancelled by the requester${reason ? `: ${reason}` : ''}`, decidedAt: iso(now) }),
  };
}

function vote(request: ApprovalRequest, event: Extract<ApprovalEvent, { type: 'vote' }>, now: Date, context: TransitionContext): TransitionResult {
  const voterName = event.voter.name ?? event.voter.objectId;
  if (request.status !== 'pending') {
    if (request.status === 'expired') return refuse('RequestExpired', 'This request expired; votes are closed.');
    if (request.status === 'cancelled') {
      return request.supersededBy
        ? refuse('PlanChanged', `This plan was replaced by a changed plan (request ${request.supersededBy}); earlier votes no longer count. Review the new card.`, {
            supersededBy: request.supersededBy,
          })
        : refuse('RequestNotPending', 'This request was cancelled; votes are closed.');
    }
    return refuse('RequestAlreadyDecided', `This request is already ${request.status}; votes are closed.`, { status: request.status });
  }
  if (event.voter.tenantId !== request.requester.tenantId) {
    return refuse('TenantNotAllowed', `Votes are accepted only from tenant ${request.requester.tenantId}.`, { tenantId: event.voter.tenantId });
  }
  const isRequester = event.voter.objectId === request.requester.objectId;
  if (isRequester && (event.decision === 'reject' || !request.rule.allowSelfApproval)) {
    return refuse(
      'SelfApprovalForbidden',
      event.decision === 'reject'
        ? 'You asked for this change; use Cancel instead of Reject.'
        : 'You asked for this change, so you cannot approve it. Another approver must decide.',
    );
  }
  const roles = eligibleRequirements(request, event.voter.objectId);
  const stillListed = context.isCurrentApprover?.(event.voter.objectId) ?? true;
  if (roles.length === 0 || !stillListed) {
    return refuse('NotAnApprover', `${voterName} is not an approver for ${request.operationClass} requests under the policy.`);
  }
  if (event.planHash !== request.planHash) {
    return refuse('PlanChanged', 'The card you clicked shows a different plan than the one waiting for approval; your vote was not counted. Review the current card.', {
      cardPlanHash: event.planHash,
    });
  }
  if (request.votes.some((existing) => existing.voter.objectId === event.voter.objectId)) {
    return refuse('AlreadyVoted', `${voterName} has already voted on this request; each person votes once.`);
  }
  const reason = cleanReason(event.reason);
  if (!reason && (event.decision === 'reject' || request.rule.reasonRequired)) {
    return refuse(
      'ReasonRequired',
      event.decision === 'reject' ? 'Type why you reject this request, then click Reject again.' : 'The policy requires a reason: type it, then click Approve again.',
    );
  }

  const votes = [...request.votes, { voter: event.voter, decision: event.decision, reason, at: iso(now), planHash: event.planHash }];
  if (event.decision === 'reject') {
    // Any eligible rejection ends the request (Google PAM, Power Automate "everyone must approve").
    return { ok: true, change: 'rejected', request: next(request, 'rejected', { votes, decidedAt: iso(now), closedReason: `rejected by ${voterName}: ${reason}` }) };
  }
  const progress = evaluateRule({ ...request, votes });
  if (progress.satisfied) {
    return {
      ok: true,
      change: 'approved',
      request: next(request, 'approved', { votes, decidedAt: iso(now), executeBy: iso(plusMinutes(now, request.rule.executionWindowMinutes)) }),
    };
  }
  return { ok: true, change: 'voteRecorded', request: next(request, 'pending', { votes }) };
}
