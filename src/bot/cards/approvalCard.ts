import type { Text } from '../../core';
import { shortHash, shortId, type ApprovalRequest, type OperationClass, type Vote } from '../../approvals/approvalTypes';
import type { RuleProgress } from '../../approvals/ruleEvaluation';
import { localizer, type Localizer } from '../i18n/localizer';
import { actionSet, card, details, executeAction, facts, heading, notice, text, textInput, type AdaptiveCardJson, type CardAction, type CardElement } from './adaptiveCard';
import { approvalActionData } from './approvalCardData';
import { VERBS } from './verbs';

/**
 * Who the card is drawn for.
 * - shared: the message everyone in the conversation sees (and the playground, which has no
 *   user-specific views): every button is there; the server decides who may use which.
 * - approver: can still vote; voter: has voted; requester: asked; observer: none of these.
 */
export type ApprovalViewer = 'shared' | 'approver' | 'voter' | 'requester' | 'observer';

export interface ApprovalCardView {
  request: ApprovalRequest;
  progress: RuleProgress;
  viewer: ApprovalViewer;
  /** The viewer's own vote, for the voter view. */
  viewerVote?: Vote;
  now: Date;
  /** A refusal or confirmation for the person who clicked, shown at the top. */
  notice?: { kind: 'error' | 'warning' | 'info' | 'success'; text: Text };
  /** Teams user ids (MRIs) who get automatic user-specific refresh; ≤ 60. Empty = no refresh. */
  refreshUserIds?: readonly string[];
  /** More than 60 people may act on the card: how many are not in `refreshUserIds` (the card says what they do). */
  refreshLeftOut?: number;
  /** Display names for object ids (policy "people" and the people Keyward has met). */
  names?: Readonly<Record<string, string>>;
  /** The locale of the person or conversation the card is drawn for (BCP 47); English by default. */
  locale?: string;
}

const MAX_SUMMARY_LINES = 25;
const MAX_TARGETS = 12;
/** Teams shows user-specific views to at most 60 people per card (user-specific views, see ApprovalViews). */
export const MAX_REFRESH_USERS = 60;

/** The operation class in the card's language. */
export function operationClassTitle(l: Localizer, operationClass: OperationClass): string {
  return l.t(`approval.class.${operationClass}`);
}

/**
 * The approval card: a pure function of the view. Schema 1.5, ≤ 40 KB, words for every status.
 * The first screen holds the decision (what, who asks, why, by when, the reason box and the
 * buttons); the plan, the votes and the ids open in place.
 */
export function renderApprovalCard(view: ApprovalCardView): AdaptiveCardJson {
  const l = localizer(view.locale);
  const { request } = view;
  const name = (objectId: string, fallback?: string) => view.names?.[objectId] ?? fallback ?? objectId;
  const body: CardElement[] = [];
  if (view.notice) body.push(notice(l, view.notice.kind, l.say(view.notice.text)));
  const title = l.sayStored(request.title, request.titleMessage);
  body.push(heading(l.t('approval.heading', { headline: headline(l, request), title }), 'Medium'));
  body.push(statusLine(l, request, view.progress, view.now, name));
  body.push(
    facts(l, [
      [l.t('approval.requestedBy'), request.requester.name ?? name(request.requester.objectId)],
      [l.t('approval.why'), request.reason],
      [timeLabel(l, request), timeValue(l, request, view.now)],
    ]),
  );

  const lines = request.summaryLines.slice(0, MAX_SUMMARY_LINES).map((line, i) => `- ${l.sayStored(line, request.summaryMessages?.[i])}`);
  if (request.summaryLines.length > MAX_SUMMARY_LINES) lines.push(`- ${l.t('approval.moreLines', { count: request.summaryLines.length - MAX_SUMMARY_LINES })}`);
  const plan: CardElement[] = [text(lines.join('\n'), { size: 'Small' })];
  if (request.targets.length > 0) {
    const shown = request.targets.slice(0, MAX_TARGETS).join(', ');
    plan.push(
      text(
        request.targets.length > MAX_TARGETS
          ? l.t('approval.targetsMore', { targets: shown, count: request.targets.length - MAX_TARGETS })
          : l.t('approval.targets', { targets: shown }),
        { size: 'Small' },
      ),
    );
  }
  plan.push(
    facts(l, [
      [l.t('approval.operation'), operationClassTitle(l, request.operationClass)],
      [l.t('approval.requested'), l.dateTime(request.createdAt)],
      [l.t('approval.requestId'), request.id],
      [l.t('common.planHash'), `${shortHash(request.planHash)}…`],
    ]),
    text(l.t('approval.fullHash', { hash: groupHash(request.planHash) }), { subtle: true, size: 'Small' }),
  );
  body.push(...details(`approval.plan.${request.id}`, l.t('approval.showPlan', { count: request.summaryLines.length }), plan, { separator: true }));

  const record: CardElement[] = [...votesSection(l, request, name)];
  if (request.status === 'pending') record.push(...neededSection(l, view.progress, name));
  if (request.execution) record.push(...executionSection(l, request));
  body.push(...details(`approval.votes.${request.id}`, l.t('approval.showVotes', { count: request.votes.length }), record));

  const you = viewerLine(l, view);
  if (you) body.push(text(you, { size: 'Small', spacing: 'Medium' }));
  const open = request.status === 'pending' || request.status === 'approved';
  if (open && view.viewer === 'shared' && (view.refreshLeftOut ?? 0) > 0)
    body.push(text(l.t('approval.refreshLimit', { count: view.refreshLeftOut ?? 0, max: MAX_REFRESH_USERS }), { size: 'Small', subtle: true }));
  body.push(...actionsFor(l, view));

  const result = card(body, { fallbackText: l.t('approval.fallback', { title, headline: headline(l, request), id: request.id }) });
  const userIds = (view.refreshUserIds ?? []).slice(0, MAX_REFRESH_USERS);
  if (userIds.length > 0 && (request.status === 'pending' || request.status === 'approved')) {
    result.refresh = {
      action: { type: 'Action.Execute', title: l.t('common.refresh'), verb: VERBS.approvalView, data: approvalActionData(request, VERBS.approvalView) },
      userIds,
    };
  }
  return result;
}

function headline(l: Localizer, request: ApprovalRequest): string {
  switch (request.status) {
    case 'cancelled':
      return request.supersededBy ? l.t('approval.headline.superseded') : l.t('approval.headline.cancelled');
    case 'executing':
      return request.execution?.halted ? l.t('approval.headline.halted') : l.t('approval.headline.executing');
    default:
      return l.t(`approval.headline.${request.status}`);
  }
}

function statusLine(l: Localizer, request: ApprovalRequest, progress: RuleProgress, now: Date, name: (id: string, fallback?: string) => string): CardElement {
  const approvals = request.votes.filter((vote) => vote.decision === 'approve').length;
  const detail = (value: Text | undefined) => (value ? l.say(value).replace(/\.$/, '') : '');
  switch (request.status) {
    case 'pending': {
      const missing = progress.requirements.reduce((sum, requirement) => sum + requirement.missing, 0);
      return notice(l, 'info', l.t('approval.status.pending', { given: approvals, missing, left: l.duration(Date.parse(request.expiresAt) - now.getTime()) }));
    }
    case 'approved':
      return notice(l, 'success', l.t('approval.status.approved', { approvers: approvers(l, request, name), until: l.dateTime(request.executeBy!) }));
    case 'rejected':
      return notice(l, 'error', request.closedReason ? l.t('approval.status.rejected', { reason: l.say(request.closedReason) }) : l.t('approval.status.rejectedPlain'));
    case 'expired':
      return notice(l, 'warning', request.closedReason ? l.t('approval.status.expired', { reason: l.say(request.closedReason) }) : l.t('approval.status.expiredPlain'));
    case 'cancelled':
      if (request.supersededBy) return notice(l, 'warning', l.t('approval.status.superseded', { id: shortId(request.supersededBy) }));
      return notice(l, 'warning', request.closedReason ? l.t('approval.status.cancelled', { reason: l.say(request.closedReason) }) : l.t('approval.status.cancelledPlain'));
    case 'executing':
      if (request.execution?.halted)
        return notice(l, 'warning', l.t('approval.status.halted', { progress: request.execution.progress ? l.say(request.execution.progress) : l.t('approval.status.stopped') }));
      return notice(
        l,
        'info',
        request.execution?.progress
          ? l.t('approval.status.runningProgress', { since: l.dateTime(request.execution.startedAt), progress: detail(request.execution.progress) })
          : l.t('approval.status.running', { since: l.dateTime(request.execution!.startedAt) }),
      );
    case 'succeeded':
      return notice(
        l,
        'success',
        request.execution?.detail
          ? l.t('approval.status.doneDetail', { at: l.dateTime(request.execution.finishedAt!), detail: detail(request.execution.detail) })
          : l.t('approval.status.done', { at: l.dateTime(request.execution!.finishedAt!) }),
      );
    case 'failed':
      return notice(
        l,
        'error',
        request.execution?.detail
          ? l.t('approval.status.failedDetail', { at: l.dateTime(request.execution.finishedAt!), detail: detail(request.execution.detail) })
          : l.t('approval.status.failed', { at: l.dateTime(request.execution!.finishedAt!) }),
      );
  }
}

function approvers(l: Localizer, request: ApprovalRequest, name: (id: string, fallback?: string) => string): string {
  const who = request.votes.filter((vote) => vote.decision === 'approve').map((vote) => vote.voter.name ?? name(vote.voter.objectId));
  return who.length > 0 ? who.join(', ') : l.t('approval.nobody');
}

function votesSection(l: Localizer, request: ApprovalRequest, name: (id: string, fallback?: string) => string): CardElement[] {
  if (request.votes.length === 0) return [text(l.t('approval.votes.none'))];
  const lines = request.votes.map((vote) => {
    const who = vote.voter.name ?? name(vote.voter.objectId);
    const values = { who, at: l.dateTime(vote.at) };
    const said = vote.reason ? ` ${l.t('common.quoted', { text: vote.reason })}` : '';
    return `- ${vote.decision === 'approve' ? l.t('approval.votes.approved', values) : l.t('approval.votes.rejected', values)}${said}`;
  });
  return [text(l.t('approval.votes.title')), text(lines.join('\n'), { size: 'Small' })];
}

function neededSection(l: Localizer, progress: RuleProgress, name: (id: string, fallback?: string) => string): CardElement[] {
  const lines = progress.requirements.map((requirement) => {
    const label = requirementLabel(l, requirement);
    if (requirement.missing === 0) return `- ${l.t('approval.needed.met', { label, counted: requirement.counted.length, needed: requirement.needed })}`;
    const who = requirement.stillEligible.map((id) => name(id));
    return `- ${who.length > 0 ? l.t('approval.needed.missing', { label, missing: requirement.missing, needed: requirement.needed, who: l.list(who) }) : l.t('approval.needed.nobody', { label, missing: requirement.missing, needed: requirement.needed })}`;
  });
  return [text(l.t('approval.needed.title'), { spacing: 'Medium' }), text(lines.join('\n'), { size: 'Small' })];
}

/** A requirement's name: the policy group's own name (data), or "Custodians of key A" in the reader's words. */
export function requirementLabel(l: Localizer, requirement: { readonly id: string; readonly label: string }): string {
  const side = /^keySide:([AB])$/.exec(requirement.id)?.[1];
  return side ? l.t('approval.rule.custodians', { site: side }) : requirement.label;
}

function executionSection(l: Localizer, request: ApprovalRequest): CardElement[] {
  const execution = request.execution!;
  const lines = [`- ${l.t('approval.execution.started', { at: l.dateTime(execution.startedAt) })}`];
  if (execution.progress && !execution.finishedAt) lines.push(`- ${l.t('approval.execution.now', { progress: l.say(execution.progress) })}`);
  if (execution.finishedAt)
    lines.push(`- ${l.t('approval.execution.finished', { at: l.dateTime(execution.finishedAt), outcome: execution.outcome === 'succeeded' ? 'succeeded' : 'failed' })}`);
  if (execution.detail) lines.push(`- ${l.say(execution.detail)}`);
  lines.push(`- ${l.t('approval.execution.clientRequestId', { id: request.id })}`);
  return [text(l.t('approval.execution.title'), { spacing: 'Medium' }), text(lines.join('\n'), { size: 'Small' })];
}

function viewerLine(l: Localizer, view: ApprovalCardView): string | undefined {
  const { request } = view;
  const open = request.status === 'pending';
  switch (view.viewer) {
    case 'shared':
      return open ? l.t('approval.viewer.shared') : undefined;
    case 'approver':
      return open ? l.t('approval.viewer.approver') : undefined;
    case 'voter':
      return view.viewerVote
        ? l.t('approval.viewer.voter', { decision: view.viewerVote.decision === 'approve' ? 'approve' : 'reject', at: l.dateTime(view.viewerVote.at) })
        : undefined;
    case 'requester':
      return open || request.status === 'approved' ? l.t('approval.viewer.requesterOpen') : l.t('approval.viewer.requester');
    case 'observer':
      return open ? l.t('approval.viewer.observer') : undefined;
  }
}

function actionsFor(l: Localizer, view: ApprovalCardView): CardElement[] {
  const { request } = view;
  const reasonLabel = request.rule.reasonRequired ? l.t('approval.reason.required') : l.t('approval.reason.toReject');
  const approve = executeAction(l.t('approval.approve'), VERBS.approvalApprove, approvalActionData(request, VERBS.approvalApprove), {
    style: 'positive',
    associatedInputs: 'auto',
  });
  const reject = executeAction(l.t('approval.reject'), VERBS.approvalReject, approvalActionData(request, VERBS.approvalReject), { style: 'destructive', associatedInputs: 'auto' });
  const cancel = (title: string) => executeAction(title, VERBS.approvalCancel, approvalActionData(request, VERBS.approvalCancel), { associatedInputs: 'none' });
  const elements: CardElement[] = [];
  const actions: CardAction[] = [];
  if (request.status === 'pending') {
    if (view.viewer === 'shared' || view.viewer === 'approver') {
      elements.push(textInput('reason', reasonLabel, { placeholder: l.t('approval.reason.placeholder'), maxLength: 500, isMultiline: true }));
      actions.push(approve, reject);
    }
    if (view.viewer === 'shared') actions.push(cancel(l.t('approval.cancelShared')));
    if (view.viewer === 'requester') actions.push(cancel(l.t('approval.cancel')));
  } else if (request.status === 'approved') {
    if (view.viewer === 'shared') actions.push(cancel(l.t('approval.cancelBeforeRunShared')));
    if (view.viewer === 'requester') actions.push(cancel(l.t('approval.cancelBeforeRun')));
  }
  if (actions.length > 0) elements.push(actionSet(actions));
  return elements;
}

function timeLabel(l: Localizer, request: ApprovalRequest): string {
  if (request.status === 'pending') return l.t('approval.decideBy');
  if (request.status === 'approved') return l.t('approval.runBy');
  return l.t('approval.closed');
}

function timeValue(l: Localizer, request: ApprovalRequest, now: Date): string {
  if (request.status === 'pending') return l.t('approval.timeLeft', { at: l.dateTime(request.expiresAt), left: l.duration(Date.parse(request.expiresAt) - now.getTime()) });
  if (request.status === 'approved' && request.executeBy)
    return l.t('approval.timeLeft', { at: l.dateTime(request.executeBy), left: l.duration(Date.parse(request.executeBy) - now.getTime()) });
  return request.decidedAt ? l.dateTime(request.decidedAt) : '—';
}

/** The full hash in four groups of 16, so it wraps on a phone and can be compared by eye. */
function groupHash(hash: string): string {
  return (hash.match(/.{1,16}/g) ?? [hash]).join(' ');
}
