import { correlationGuid } from '../azure/correlation';
import type { AppError } from '../core';
import type { PlanStep } from '../customerKey';
import { activeSpan, ATTR, contextFromTraceparent, countMetric, currentTraceparent, inSpan, linkToActive, recordMetric } from '../telemetry';
import type { Run } from './runTypes';

/**
 * The executor's spans and metrics. A run continues the trace of the click that approved it: the
 * deciding vote's trace context is stored on the run (`traceparent`), because the run starts after
 * the invoke was answered — and may resume in another process, or after a restart. A drive started
 * by something else (a Retry click, a restart) links to what started it.
 */
export function traceparentForNewRun(): { traceparent?: string } {
  const traceparent = currentTraceparent();
  return traceparent ? { traceparent } : {};
}

export async function traceRun(run: Run, work: () => Promise<Run>): Promise<Run> {
  const parent = run.traceparent ? contextFromTraceparent(run.traceparent) : undefined;
  const starter = linkToActive().filter((link) => !run.traceparent?.includes(link.context.traceId));
  return inSpan(
    'execution.run',
    {
      ...(parent ? { parent } : {}),
      links: starter,
      attributes: {
        [ATTR.requestId]: run.requestId,
        [ATTR.correlationId]: correlationGuid(run.requestId),
        [ATTR.runId]: run.id,
        'keyward.run.attempt': run.attempt,
        'keyward.run.steps': run.steps.length,
      },
    },
    async (span) => {
      const result = await work();
      span.setAttribute(ATTR.outcome, result.status);
      countMetric('runs', 1, { [ATTR.outcome]: result.status === 'waitingForInput' ? 'waiting' : result.status });
      return result;
    },
  );
}

export async function traceStep<T extends string>(run: Run, planned: PlanStep, work: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  const attributes = { [ATTR.stepKind]: planned.kind };
  let outcome = 'interrupted';
  try {
    return await inSpan(
      `execution.step ${planned.kind}`,
      { attributes: { ...attributes, [ATTR.stepId]: planned.id, [ATTR.stepIndex]: planned.index, [ATTR.requestId]: run.requestId, [ATTR.runId]: run.id } },
      async (span) => {
        const result = await work();
        outcome = result;
        span.setAttribute(ATTR.outcome, result);
        return result;
      },
    );
  } finally {
    recordMetric('stepDuration', Number(process.hrtime.bigint() - started) / 1e9, { ...attributes, [ATTR.outcome]: outcome });
  }
}

/** A transient failure about to be retried after `delayMs`: an event on the step's span, the retry counters. */
export function noteRetry(planned: PlanStep, error: AppError, attempt: number, delayMs: number): void {
  activeSpan()?.addEvent('retry', {
    attempt,
    delayMs,
    [ATTR.errorCode]: error.code,
    ...(typeof error.details.status === 'number' ? { 'http.response.status_code': error.details.status } : {}),
  });
  countMetric('stepRetries', 1, { [ATTR.stepKind]: planned.kind, [ATTR.errorCode]: error.code });
  if (typeof error.details.retryAfterMs === 'number') countMetric('retryAfterWaited', delayMs / 1000);
}
