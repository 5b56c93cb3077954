import { isAppError, type AppError } from '../core';
import { isRetryableAzureError } from '../azure/azureErrors';

export interface RetrySettings {
  /** Apply attempts per step before the run stops (≥ 1). */
  maxAttempts: number;
  /** First back-off; doubles each attempt. */
  baseDelayMs: number;
  /** Ceiling of one back-off (Retry-After may ask for more; it is honoured up to `maxRetryAfterMs`). */
  maxDelayMs: number;
  /** The longest Retry-After Keyward waits in-process; longer requests stop the run with Retry offered. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_SETTINGS: RetrySettings = { maxAttempts: 6, baseDelayMs: 1_000, maxDelayMs: 60_000, maxRetryAfterMs: 300_000 };

/**
 * Whether an error may go away by itself: throttling, 5xx, dropped connections, the deletedManagedHSMs
 * ProviderError. A 403 right after Keyward granted itself a role may be RBAC propagation (Azure
 * documents up to ~10 minutes), so steps that follow such a grant count it as transient too.
 */
export function isTransient(error: AppError, options: { forbiddenMayBePropagation?: boolean } = {}): boolean {
  if (isRetryableAzureError(error)) return true;
  return options.forbiddenMayBePropagation === true && isAppError(error, 'AzureForbidden');
}

/**
 * Exponential back-off with jitter ("equal jitter": half fixed, half random, so retries of several
 * processes spread out but never collapse to zero), never shorter than Azure's Retry-After.
 * `attempt` is the attempt that just failed (1-based). `random` is injectable for tests.
 */
export function backoffDelay(attempt: number, error: AppError, settings: RetrySettings, random: () => number = Math.random): number {
  const exponential = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential / 2 + (exponential / 2) * random();
  const retryAfter = typeof error.details.retryAfterMs === 'number' && Number.isFinite(error.details.retryAfterMs) ? error.details.retryAfterMs : 0;
  return Math.round(Math.max(jittered, Math.min(retryAfter, settings.maxRetryAfterMs)));
}
