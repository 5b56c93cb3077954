import { retryAfterMs as retryAfterOf } from '../core';
import type { SendFailure } from './proactivePorts';

/**
 * Reads a failed Bot Connector call. Microsoft: back off on 429 and also retry 412, 502 and 504
 * (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit); other 5xx and
 * network failures are retried as well. 4xx otherwise (400, 401, 403 "bot not in the
 * conversation", 404, 413 MessageSizeTooBig) never succeed by retrying.
 */
export function classifyConnectorFailure(error: unknown): SendFailure {
  const record = (error ?? {}) as { statusCode?: unknown; status?: unknown; code?: unknown; response?: { status?: unknown; headers?: unknown } };
  const status = numberOf(record.statusCode) ?? numberOf(record.status) ?? numberOf(record.response?.status);
  const retryAfterMs = retryAfterOf(record.response?.headers);
  if (status === undefined) {
    // No HTTP answer at all: the connection failed or timed out.
    return { retryable: true, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  const retryable = status === 429 || status === 412 || status === 408 || status >= 500;
  return { retryable, status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
