import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type AttributeValue, type Context, type Link, type Span } from '@opentelemetry/api';
import { isSecretKey, TOKEN_PATTERN } from '../core';

/**
 * Keyward's spans, over the vendor-neutral OpenTelemetry API: a no-op until the composition root
 * registers an SDK (src/observability, or Azure Monitor through src/azure). Spans are made at the
 * boundaries only — the HTTP request, the bot turn, the approval service's entry points, the
 * executor's run and steps — and the Azure SDKs add one per Azure call beneath them.
 */
export const KEYWARD_TRACER = 'keyward';

/** Attribute names Keyward puts on its spans (and on its metrics where they are low-cardinality). */
export const ATTR = {
  requestId: 'keyward.request.id',
  /** The GUID sent to Azure as x-ms-client-request-id and x-ms-correlation-request-id. */
  correlationId: 'keyward.correlation.id',
  runId: 'keyward.run.id',
  stepId: 'keyward.step.id',
  stepKind: 'keyward.step.kind',
  stepIndex: 'keyward.step.index',
  activityType: 'keyward.activity.type',
  activityName: 'keyward.activity.name',
  verb: 'keyward.card.verb',
  conversationType: 'keyward.conversation.type',
  outcome: 'keyward.outcome',
  errorCode: 'keyward.error.code',
  decision: 'keyward.vote.decision',
  change: 'keyward.approval.change',
  operationClass: 'keyward.operation.class',
} as const;

const MAX_TEXT = 256;

/**
 * Attributes as they may leave the process: secret-looking names dropped, token- or key-shaped
 * values replaced, text cut to 256 characters. Keyward only ever puts ids, codes and kinds on its
 * spans; this is the belt to those braces.
 */
export function safeAttributes(attributes: Record<string, unknown>): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    const safe = safeValue(key, value);
    if (safe !== undefined) out[key] = safe;
  }
  return out;
}

export function safeValue(key: string, value: unknown): AttributeValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (isSecretKey(key.split('.').pop() ?? key)) return '[redacted]';
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item) => safeText(String(item)));
  return safeText(String(value));
}

function safeText(text: string): string {
  if (TOKEN_PATTERN.test(text) || /PRIVATE KEY|BEGIN CERTIFICATE/.test(text)) return '[redacted]';
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Record<string, unknown>;
  /** Parent context (default: the active one). */
  parent?: Context;
  links?: Link[];
}

function tracer() {
  return trace.getTracer(KEYWARD_TRACER);
}

/**
 * Runs `work` in a new span (active inside it): ended when `work` settles; a throw marks the span
 * as an error with the error's stable code (never its stack or a body).
 */
export async function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: safeAttributes(options.attributes ?? {}), ...(options.links ? { links: options.links } : {}) },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    markError(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Marks a span failed with the error's code (AppError) or class name; no stack, no message body. */
export function markError(span: Span, error: unknown): void {
  const code = errorCode(error);
  span.setAttribute(ATTR.errorCode, code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}

/** Sets attributes through `safeAttributes`. */
export function annotate(span: Span, attributes: Record<string, unknown>): void {
  span.setAttributes(safeAttributes(attributes));
}

/** The active span, for adding attributes at a boundary that did not make it. */
export function activeSpan(): Span | undefined {
  return trace.getActiveSpan();
}

/** The W3C `traceparent` of the active span, if one is recording (stored on a run to continue its trace later). */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  const active = trace.getSpan(context.active());
  if (!active || !trace.isSpanContextValid(active.spanContext())) return undefined;
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** A context whose parent is the given `traceparent` (the root context when absent or malformed). */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/** The context carried by incoming HTTP headers (W3C traceparent/tracestate), else the active one. */
export function contextFromHeaders(headers: Record<string, string | string[] | undefined>): Context {
  return propagation.extract(context.active(), headers);
}

/** A link to the active span (e.g. the click that retried a run started in another trace). */
export function linkToActive(): Link[] {
  const active = trace.getSpan(context.active());
  return active && trace.isSpanContextValid(active.spanContext()) ? [{ context: active.spanContext() }] : [];
}

/** The trace and span ids of the active span, for log lines (trace_id/span_id). */
export function activeTraceIds(): { trace_id: string; span_id: string } | undefined {
  const active = trace.getSpan(context.active());
  if (!active) return undefined;
  const ids = active.spanContext();
  return trace.isSpanContextValid(ids) ? { trace_id: ids.traceId, span_id: ids.spanId } : undefined;
}

export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(code)) return code;
  return error instanceof Error ? error.name : 'Error';
}

export { SpanKind };
export type { Span, Context, Link } from '@opentelemetry/api';
