import assert from 'node:assert/strict';
import { appError } from '../../../src/core';
import { backoffDelay, DEFAULT_RETRY_SETTINGS, isTransient } from '../../../src/executor';

describe('executor retry policy', () => {
  const settings = { maxAttempts: 6, baseDelayMs: 1_000, maxDelayMs: 60_000, maxRetryAfterMs: 300_000 };
  const transient = appError('AzureTransient', '503');

  it('when attempts fail in a row, then the back-off doubles between half and all of base × 2^(n-1), capped at the maximum', () => {
    for (const [attempt, full] of [
      [1, 1_000],
      [2, 2_000],
      [3, 4_000],
      [7, 60_000],
      [12, 60_000],
    ] as const) {
      assert.equal(
        backoffDelay(attempt, transient, settings, () => 0),
        full / 2,
      );
      assert.equal(
        backoffDelay(attempt, transient, settings, () => 1),
        full,
      );
    }
  });

  it('when Azure sends Retry-After, then the wait is never shorter than it, and a very long one is capped so the run stops with Retry instead of hanging', () => {
    const throttled = appError('AzureThrottled', '429', { retryAfterMs: 7_000 });
    assert.equal(
      backoffDelay(1, throttled, settings, () => 0),
      7_000,
    );
    assert.equal(
      backoffDelay(5, throttled, settings, () => 1),
      16_000,
    );
    assert.equal(
      backoffDelay(1, appError('AzureThrottled', '429', { retryAfterMs: 3_600_000 }), settings, () => 0),
      300_000,
    );
  });

  it('when errors are classified, then throttling, 5xx, dropped connections and the ProviderError are transient, a 403 only right after Keyward granted itself a role', () => {
    for (const code of ['AzureThrottled', 'AzureTransient', 'ProviderCollectionError'] as const) assert.equal(isTransient(appError(code, 'x')), true, code);
    for (const code of ['AzureForbidden', 'SubscriptionNotEnabled', 'AzureConflict', 'AuditWriteFailed', 'RunFailed'] as const)
      assert.equal(isTransient(appError(code, 'x')), false, code);
    assert.equal(isTransient(appError('AzureForbidden', 'x'), { forbiddenMayBePropagation: true }), true);
    assert.equal(isTransient(appError('SubscriptionNotEnabled', 'x'), { forbiddenMayBePropagation: true }), false);
  });

  it('when the defaults are read, then a step gets six attempts starting at one second', () => {
    assert.deepEqual(DEFAULT_RETRY_SETTINGS, { maxAttempts: 6, baseDelayMs: 1_000, maxDelayMs: 60_000, maxRetryAfterMs: 300_000 });
  });
});
