import pino from 'pino';
import { redactSecrets, type Logger } from '../core';
import { activeTraceIds } from '../telemetry';

/**
 * Binds the core Logger port to pino (JSON lines on stdout). Every field object is passed through
 * `redactSecrets` first, so a token or key member can't reach the log even by mistake. A line
 * written inside a span carries its trace_id and span_id (Application Insights and any OTLP
 * backend join the log to the trace by them).
 */
export function createPinoLogger(level: 'debug' | 'info' | 'warn' | 'error', base: Record<string, unknown> = {}, destination?: pino.DestinationStream): Logger {
  const root = pino({ level, base: { app: 'keyward', ...base }, timestamp: pino.stdTimeFunctions.isoTime, mixin: () => activeTraceIds() ?? {} }, destination);
  return wrap(root);
}

function wrap(instance: pino.Logger): Logger {
  return {
    debug: (fields, message) => instance.debug(redactSecrets(fields) as object, message),
    info: (fields, message) => instance.info(redactSecrets(fields) as object, message),
    warn: (fields, message) => instance.warn(redactSecrets(fields) as object, message),
    error: (fields, message) => instance.error(redactSecrets(fields) as object, message),
    child: (fields) => wrap(instance.child(redactSecrets(fields) as object)),
  };
}
