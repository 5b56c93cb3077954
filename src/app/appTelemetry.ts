import type { Clock } from '../core';
import { correlationGuid } from '../azure/correlation';
import type { ActionResult, ApprovalService } from '../approvals';
import type { HealthCheckResult } from '../inventory/healthMonitor';
import { addGaugeSource, annotate, ATTR, countMetric, errorCode, inSpan, type Span } from '../telemetry';
import type { KeywardStore } from './keywardStore';

/**
 * Spans and metrics at the approval service's entry points, wrapped around the instance (the
 * service itself stays free of telemetry): every vote, cancel, submission, execution start and
 * finish is a span beneath the click that caused it, carrying the request id and the correlation
 * id Azure sees; votes and refusals are counted. The listeners a decision wakes (the executor on
 * approval) run inside the vote's span, which is how a run finds the click that approved it.
 */
export function instrumentApprovalService(service: ApprovalService): void {
  const ids = (requestId: string) => ({ [ATTR.requestId]: requestId, [ATTR.correlationId]: correlationGuid(requestId) });
  const vote = service.vote.bind(service);
  service.vote = (input) =>
    inSpan('approval.vote', { attributes: { ...ids(input.requestId), [ATTR.decision]: input.decision } }, async (span) => {
      const result = await vote(input);
      noteResult(span, result, 'vote');
      if (result.ok) countMetric('votes', 1, { [ATTR.decision]: input.decision });
      return result;
    });
  const cancel = service.cancel.bind(service);
  service.cancel = (input) =>
    inSpan('approval.cancel', { attributes: ids(input.requestId) }, async (span) => {
      const result = await cancel(input);
      noteResult(span, result, 'cancel');
      return result;
    });
  const submit = service.submit.bind(service);
  service.submit = (input) =>
    inSpan('approval.submit', { attributes: { [ATTR.operationClass]: input.operationClass } }, async (span) => {
      try {
        const request = await submit(input);
        annotate(span, ids(request.id));
        return request;
      } catch (error) {
        countMetric('refusals', 1, { [ATTR.errorCode]: errorCode(error), 'keyward.action': 'submit' });
        throw error;
      }
    });
  const begin = service.beginExecution.bind(service);
  service.beginExecution = (requestId, executor) => inSpan('execution.begin', { attributes: ids(requestId) }, () => begin(requestId, executor));
  const finish = service.finishExecution.bind(service);
  service.finishExecution = (requestId, outcome, detail, executor) =>
    inSpan('execution.finish', { attributes: { ...ids(requestId), [ATTR.outcome]: outcome } }, () => finish(requestId, outcome, detail, executor));
}

function noteResult(span: Span, result: ActionResult, action: string): void {
  if (result.ok) {
    annotate(span, { [ATTR.change]: result.change, [ATTR.outcome]: 'ok' });
    return;
  }
  annotate(span, { [ATTR.outcome]: 'refused', [ATTR.errorCode]: result.error.code });
  countMetric('refusals', 1, { [ATTR.errorCode]: result.error.code, 'keyward.action': action });
}

/** The scheduled readiness re-check as a span, and what it found as keyward.health.drift. */
export function traceHealthCheck(check: () => Promise<HealthCheckResult>): Promise<HealthCheckResult> {
  return inSpan('health.check', {}, async (span) => {
    const result = await check();
    const drifted = result.drift.filter((report) => report.newlyRed.length > 0).length;
    const fixed = result.drift.filter((report) => report.resolved.length > 0).length;
    annotate(span, { 'keyward.health.keys': result.keys, 'keyward.health.drifted': drifted, 'keyward.health.fixed': fixed });
    if (drifted > 0) countMetric('healthDrift', drifted, { [ATTR.outcome]: 'drift' });
    if (fixed > 0) countMetric('healthDrift', fixed, { [ATTR.outcome]: 'fixed' });
    return result;
  });
}

/**
 * The gauges, read at each metric export (a few queries, never per probe). Every instance says
 * whether it leads the cluster; only the leader reports what is the same for the whole cluster —
 * pending approvals, the oldest one's age, the time until the soonest expires, the outbox's
 * backlog and lag, how long ago the audit log was last known covered by a signed digest — so a
 * sum or average over instances does not count them twice. Returns the removal.
 */
export function observeAppGauges(
  store: KeywardStore,
  clock: Clock,
  cluster: { isLeader(): boolean; lastCoveredAt(): number | undefined; outbox?: { backlog(): Promise<{ events: number; oldestAt?: string }> } },
): () => void {
  return addGaugeSource(async () => {
    if (!cluster.isLeader()) return { clusterLeader: 0 };
    const now = clock.now().getTime();
    const pending = await store.approvals.list({ statuses: ['pending'] });
    const created = pending.map((request) => Date.parse(request.createdAt));
    const expiries = pending.map((request) => Date.parse(request.expiresAt));
    const covered = cluster.lastCoveredAt();
    const outbox = await cluster.outbox?.backlog();
    return {
      clusterLeader: 1,
      approvalsPending: pending.length,
      approvalsOldestAge: created.length > 0 ? Math.max(0, (now - Math.min(...created)) / 1000) : 0,
      ...(expiries.length > 0 ? { approvalsNextExpiry: Math.max(0, (Math.min(...expiries) - now) / 1000) } : {}),
      ...(covered !== undefined ? { auditDigestAge: Math.max(0, (now - covered) / 1000) } : {}),
      ...(outbox ? { outboxBacklog: outbox.events, outboxOldestAge: outbox.oldestAt ? Math.max(0, (now - Date.parse(outbox.oldestAt)) / 1000) : 0 } : {}),
    };
  });
}
