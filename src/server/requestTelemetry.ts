import type restify from 'restify';
import { annotate, ATTR, contextFromHeaders, countMetric, inSpan, recordMetric, SpanKind, type Span } from '../telemetry';

/** The request's span, and the activity type once the body is parsed (for the turn metrics). */
export interface RequestTrace {
  span: Span;
  activityType?: string;
}
import { activityTenant } from './activityRequest';

/**
 * One SERVER span per HTTP request (the root of a click's trace; a W3C traceparent sent by the
 * caller is honoured), its status code, and the turn metrics: keyward.turn.duration by activity
 * type and outcome, keyward.turn.errors for 5xx.
 */
export async function tracedRequest(req: restify.Request, res: restify.Response, route: string, work: (request: RequestTrace) => Promise<void>): Promise<void> {
  const started = process.hrtime.bigint();
  await inSpan(
    `${req.method ?? 'POST'} ${route}`,
    { kind: SpanKind.SERVER, parent: contextFromHeaders(req.headers), attributes: { 'http.request.method': req.method ?? 'POST', 'http.route': route, 'url.path': route } },
    async (span) => {
      const request: RequestTrace = { span };
      try {
        await work(request);
      } finally {
        const activityType = request.activityType ?? 'unknown';
        const status = res.statusCode;
        span.setAttribute('http.response.status_code', status);
        const outcome = status >= 500 ? 'error' : status >= 400 ? 'refused' : 'ok';
        if (status >= 500) span.setStatus({ code: 2, message: `HTTP ${status}` });
        recordMetric('turnDuration', Number(process.hrtime.bigint() - started) / 1e9, { [ATTR.activityType]: activityType, [ATTR.outcome]: outcome });
        if (status >= 500) countMetric('turnErrors', 1, { [ATTR.activityType]: activityType });
      }
    },
  );
}

/** The activity's kind on the request span: type, invoke name, card verb, conversation type, tenant — never text or card data. */
export function activityFacts(request: RequestTrace, activity: Record<string, unknown>): void {
  const span = request.span;
  request.activityType = token(activity.type) ?? 'unknown';
  const value = activity.value as { action?: { verb?: unknown } } | undefined;
  const verb = typeof value?.action?.verb === 'string' ? value.action.verb : undefined;
  const conversation = activity.conversation as { conversationType?: unknown } | undefined;
  const from = activity.from as { aadObjectId?: unknown } | undefined;
  annotate(span, {
    [ATTR.activityType]: token(activity.type),
    [ATTR.activityName]: token(activity.name),
    [ATTR.verb]: token(verb),
    [ATTR.conversationType]: token(conversation?.conversationType),
    'keyward.tenant.id': token(activityTenant(activity as never)),
    // Entra object ids are what the audit log records too; names and text never go on a span.
    'enduser.id': token(from?.aadObjectId),
  });
}

/** A short identifier-like value, or undefined (free text never becomes an attribute). */
function token(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9._:/-]{1,80}$/.test(value) ? value : undefined;
}
