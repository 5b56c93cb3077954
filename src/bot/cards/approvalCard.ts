import { OPERATION_CLASS_TITLES, shortHash, shortId, type ApprovalRequest, type Vote } from '../../approvals/approvalTypes';
import type { RuleProgress } from '../../approvals/ruleEvaluation';
import { actionSet, card, container, executeAction, facts, heading, notice, text, textInput, type AdaptiveCardJson, type CardAction, type CardElement } from './adaptiveCard';
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
  notice?: { kind: 'error' | 'warning' | 'info' | 'success'; text: string };
  /** Teams user ids (MRIs) who get automatic user-specific refresh; ≤ 60. Empty = no refresh. */
  refreshUserIds?: readonly string[];
  /** Display names for object ids (policy "people" and the people Keyward has met). */
  names?: Readonly<Record<string, string>>;
}

const MAX_SUMMARY_LINES = 25;
const MAX_TARGETS = 12;
const MAX_REFRESH_USERS = 60;

/** The approval card: a pure function of the view. Schema 1.5, ≤ 40 KB, words for every status. */
export function renderApprovalCard(view: ApprovalCardView): AdaptiveCardJson {
  const { request } = view;
  const name = (objectId: string, fallback?: string) => view.names?.[objectId] ?? fallback ?? objectId;
  const body: CardElement[] = [];
  if (view.notice) body.push(notice(view.notice.kind, view.notice.text));
  body.push(heading(`${headline(request)}: ${request.title}`, 'Medium'));
  body.push(statusLine(request, view.progress, view.now, name));

  body.push(
    facts([
      ['Requested by', request.requester.name ?? name(request.requester.objectId)],
      ['Why', request.reason],
      ['Operation', OPERATION_CLASS_TITLES[request.operationClass]],
      ['Requested', formatUtc(request.createdAt)],
      [timeLabel(request), timeValue(request, view.now)],
      ['Request id', request.id],
      ['Plan hash', `${shortHash(request.planHash)}…`],
    ]),
  );

  const lines = request.summaryLines.slice(0, MAX_SUMMARY_LINES).map((line) => `- ${line}`);
  if (request.summaryLines.length > MAX_SUMMARY_LINES) lines.push(`- …and ${request.summaryLines.length - MAX_SUMMARY_LINES} more lines (the requester's conversation has the full plan)`);
  const plan: CardElement[] = [text('**The plan**', { spacing: 'Medium' }), text(lines.join('\n'))];
  if (request.targets.length > 0) {
    const shown = request.targets.slice(0, MAX_TARGETS).join(', ');
    plan.push(text(`**Targets:** ${shown}${request.targets.length > MAX_TARGETS ? `, and ${request.targets.length - MAX_TARGETS} more` : ''}`, { size: 'Small' }));
  }
  plan.push(text(`Full plan hash (SHA-256): ${groupHash(request.planHash)}`, { subtle: true, size: 'Small' }));
  body.push(container(plan, { separator: true }));

  body.push(container(votesSection(request, name), { separator: true }));
  if (request.status === 'pending') body.push(container(neededSection(view.progress, name), { spacing: 'Small' }));
  if (request.execution) body.push(container(executionSection(request), { separator: true }));

  const you = viewerLine(view);
  if (you) body.push(text(you, { size: 'Small', spacing: 'Medium' }));
  body.push(...actionsFor(view));

  const result = card(body, { fallbackText: `Keyward approval request "${request.title}": ${headline(request)}. Request ${request.id}.` });
  const userIds = (view.refreshUserIds ?? []).slice(0, MAX_REFRESH_USERS);
  if (userIds.length > 0 && (request.status === 'pending' || request.status === 'approved')) {
    result.refresh = {
      action: { type: 'Action.Execute', title: 'Refresh', verb: VERBS.approvalView, data: approvalActionData(request, VERBS.approvalView) },
      userIds,
    };
  }
  return result;
}

function headline(request: ApprovalRequest): string {
  switch (request.status) {
    case 'pending':
      return 'Approval needed';
    case 'approved':
      return 'Approved';
    case 'rejected':
      return 'Rejected';
    case 'expired':
      return 'Expired';
    case 'cancelled':
      return request.supersededBy ? 'Replaced by a new plan' : 'Cancelled';
    case 'executing':
      return request.execution?.halted ? 'Stopped: Retry possible' : 'Running';
    case 'succeeded':
      return 'Done';
    case 'failed':
      return 'Failed';
  }
}

function statusLine(request: ApprovalRequest, progress: RuleProgress, now: Date, name: (id: string, fallback?: string) => string): CardElement {
  const approvals = request.votes.filter((vote) => vote.decision === 'approve').length;
  switch (request.status) {
    case 'pending': {
      const missing = progress.requirements.reduce((sum, requirement) => sum + requirement.missing, 0);
      return notice('info', `Waiting for approval: ${approvals} given, ${missing} more needed. Time left: ${formatDuration(Date.parse(request.expiresAt) - now.getTime())}.`);
    }
    case 'approved':
      return notice('success', `Approved by ${approvers(request, name)}. Keyward may run it until ${formatUtc(request.executeBy!)}.`);
    case 'rejected':
      return notice('error', `Rejected: ${request.closedReason ?? 'an approver rejected it'}. Nothing will run.`);
    case 'expired':
      return notice('warning', `Expired: ${request.closedReason ?? 'its window passed'}. Nothing will run; submit the plan again if it is still needed.`);
    case 'cancelled':
      return notice('warning', request.supersededBy ? `The plan changed, so this request was replaced by request ${shortId(request.supersededBy)} and its votes no longer count. Vote on the new card.` : `Cancelled: ${request.closedReason ?? 'withdrawn'}. Nothing will run.`);
    case 'executing':
      if (request.execution?.halted) return notice('warning', `${request.execution.progress ?? 'Stopped.'} Until someone clicks Retry on the run card, nothing runs.`);
      return notice('info', `Running since ${formatUtc(request.execution!.startedAt)}${request.execution?.progress ? `: ${request.execution.progress}` : ''}.`);
    case 'succeeded':
      return notice('success', `Done at ${formatUtc(request.execution!.finishedAt!)}${request.execution?.detail ? `: ${request.execution.detail.replace(/\.$/, '')}` : ''}.`);
    case 'failed':
      return notice('error', `Failed at ${formatUtc(request.execution!.finishedAt!)}${request.execution?.detail ? `: ${request.execution.detail.replace(/\.$/, '')}` : ''}.`);
  }
}

function approvers(request: ApprovalRequest, name: (id: string, fallback?: string) => string): string {
  return request.votes.filter((vote) => vote.decision === 'approve').map((vote) => vote.voter.name ?? name(vote.voter.objectId)).join(', ') || 'nobody';
}

function votesSection(request: ApprovalRequest, name: (id: string, fallback?: string) => string): CardElement[] {
  if (request.votes.length === 0) return [text('**Votes so far:** none yet.')];
  const lines = request.votes.map((vote) => {
    const who = vote.voter.name ?? name(vote.voter.objectId);
    const what = vote.decision === 'approve' ? 'Approved' : 'Rejected';
    return `- **${what}** by ${who}, ${formatUtc(vote.at)}${vote.reason ? ` — "${vote.reason}"` : ''}`;
  });
  return [text('**Votes so far**'), text(lines.join('\n'))];
}

function neededSection(progress: RuleProgress, name: (id: string, fallback?: string) => string): CardElement[] {
  const lines = progress.requirements.map((requirement) => {
    if (requirement.missing === 0) return `- ${requirement.label}: met (${requirement.counted.length} of ${requirement.needed})`;
    const who = requirement.stillEligible.map((id) => name(id)).join(', ');
    return `- ${requirement.label}: ${requirement.missing} more of ${requirement.needed}${who ? ` (can still approve: ${who})` : ' (nobody left who can approve)'}`;
  });
  return [text('**Still needed** (all must be met)'), text(lines.join('\n'))];
}

function executionSection(request: ApprovalRequest): CardElement[] {
  const execution = request.execution!;
  const lines = [`- Started: ${formatUtc(execution.startedAt)}`];
  if (execution.progress && !execution.finishedAt) lines.push(`- Now: ${execution.progress}`);
  if (execution.finishedAt) lines.push(`- Finished: ${formatUtc(execution.finishedAt)} — ${execution.outcome === 'succeeded' ? 'succeeded' : 'failed'}`);
  if (execution.detail) lines.push(`- ${execution.detail}`);
  lines.push(`- Azure calls carry client request id ${request.id}`);
  return [text('**Execution**'), text(lines.join('\n'))];
}

function viewerLine(view: ApprovalCardView): string | undefined {
  const { request } = view;
  const open = request.status === 'pending';
  switch (view.viewer) {
    case 'shared':
      return open ? 'Approvers: type a reason and choose Approve or Reject. The requester can cancel. Keyward checks who clicked; a click by anyone else changes nothing.' : undefined;
    case 'approver':
      return open ? 'You are an approver for this request: type a reason, then Approve or Reject.' : undefined;
    case 'voter':
      return view.viewerVote ? `You ${view.viewerVote.decision === 'approve' ? 'approved' : 'rejected'} this request at ${formatUtc(view.viewerVote.at)}. Each person votes once.` : undefined;
    case 'requester':
      return open || request.status === 'approved' ? 'You asked for this. Approvers decide; you can cancel it until it runs.' : 'You asked for this.';
    case 'observer':
      return open ? 'You can follow this request; only the approvers named in the policy can decide.' : undefined;
  }
}

function actionsFor(view: ApprovalCardView): CardElement[] {
  const { request } = view;
  const reasonLabel = request.rule.reasonRequired ? 'Reason (required to approve or reject)' : 'Reason (required to reject)';
  const approve = executeAction('Approve', VERBS.approvalApprove, approvalActionData(request, VERBS.approvalApprove), { style: 'positive', associatedInputs: 'auto' });
  const reject = executeAction('Reject', VERBS.approvalReject, approvalActionData(request, VERBS.approvalReject), { style: 'destructive', associatedInputs: 'auto' });
  const cancel = (title: string) => executeAction(title, VERBS.approvalCancel, approvalActionData(request, VERBS.approvalCancel), { associatedInputs: 'none' });
  const elements: CardElement[] = [];
  const actions: CardAction[] = [];
  if (request.status === 'pending') {
    if (view.viewer === 'shared' || view.viewer === 'approver') {
      elements.push(textInput('reason', reasonLabel, { placeholder: 'Why you approve or reject', maxLength: 500, isMultiline: true }));
      actions.push(approve, reject);
    }
    if (view.viewer === 'shared') actions.push(cancel('Cancel request (requester only)'));
    if (view.viewer === 'requester') actions.push(cancel('Cancel request'));
  } else if (request.status === 'approved') {
    if (view.viewer === 'shared') actions.push(cancel('Cancel before it runs (requester only)'));
    if (view.viewer === 'requester') actions.push(cancel('Cancel before it runs'));
  }
  if (actions.length > 0) elements.push(actionSet(actions));
  return elements;
}

function timeLabel(request: ApprovalRequest): string {
  if (request.status === 'pending') return 'Decide by';
  if (request.status === 'approved') return 'Run by';
  return 'Closed';
}

function timeValue(request: ApprovalRequest, now: Date): string {
  if (request.status === 'pending') return `${formatUtc(request.expiresAt)} (${formatDuration(Date.parse(request.expiresAt) - now.getTime())} left)`;
  if (request.status === 'approved' && request.executeBy) return `${formatUtc(request.executeBy)} (${formatDuration(Date.parse(request.executeBy) - now.getTime())} left)`;
  return request.decidedAt ? formatUtc(request.decidedAt) : '—';
}

/** "2026-01-01 10:00 UTC": unambiguous for people in different time zones. */
export function formatUtc(isoTime: string): string {
  return `${isoTime.slice(0, 10)} ${isoTime.slice(11, 16)} UTC`;
}

export function formatDuration(ms: number): string {
  if (ms <= 0) return 'none';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'less than a minute';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${rest} min`;
  return `${rest} min`;
}

/** The full hash in four groups of 16, so it wraps on a phone and can be compared by eye. */
function groupHash(hash: string): string {
  return (hash.match(/.{1,16}/g) ?? [hash]).join(' ');
}
