import assert from 'node:assert/strict';
import { RestError, createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { isRetryableAzureError, mapAzureError } from '../../../src/azure/azureErrors';

const context = { operation: 'create key cmk-a', scope: 'https://kv1.vault.localhost:8443', requiredRole: 'Key Vault Crypto Officer' };
const request = createPipelineRequest({ url: 'https://kv1.vault.localhost:8443/keys/cmk-a/create' });

/** A 409 as @azure/keyvault-keys 4.10 throws it: the body deserialized into `details`, `innererror` renamed `innerError`. */
function sdkConflict(inner: string, message: string): RestError {
  const error = new RestError(message, { statusCode: 409, code: 'Conflict', request, response: { headers: createHttpHeaders(), request, status: 409 } });
  error.details = { error: { code: 'Conflict', message, innerError: { code: inner } } };
  return error;
}

/** The same 409 as a REST client sees it: the raw body text, `innererror` as on the wire. */
function wireConflict(inner: string, message: string): RestError {
  const bodyAsText = JSON.stringify({ error: { code: 'Conflict', message, innererror: { code: inner } } });
  return new RestError(message, { statusCode: 409, code: 'Conflict', request, response: { headers: createHttpHeaders(), request, status: 409, bodyAsText } });
}

describe('mapAzureError', () => {
  for (const [shape, make] of [
    ['the keyvault-keys SDK', sdkConflict],
    ['the wire', wireConflict],
  ] as const) {
    it(`when a 409 says the key is still being deleted or recovered (${shape}), then it is transient and retried, with the inner code kept`, () => {
      for (const inner of ['ObjectIsBeingDeleted', 'ObjectIsBeingRecovered']) {
        const mapped = mapAzureError(make(inner, 'Key cmk-a is currently being deleted.'), context);
        assert.equal(mapped.code, 'AzureTransient');
        assert.equal(mapped.details.innerCode, inner);
        assert.equal(isRetryableAzureError(mapped), true);
      }
    });

    it(`when a 409 says the key is deleted but recoverable (${shape}), then it is a conflict that is not retried, with the inner code kept`, () => {
      const mapped = mapAzureError(make('ObjectIsDeletedButRecoverable', 'Key cmk-a is currently in a deleted but recoverable state.'), context);
      assert.equal(mapped.code, 'AzureConflict');
      assert.equal(mapped.details.innerCode, 'ObjectIsDeletedButRecoverable');
      assert.equal(isRetryableAzureError(mapped), false);
    });
  }

  it('when Azure throttles with Retry-After in seconds or in the milliseconds headers, then the wait is kept in ms as the SDK reads it (ms headers first)', () => {
    const throttled = (headers: Record<string, string>) =>
      mapAzureError(new RestError('Too many requests', { statusCode: 429, request, response: { headers: createHttpHeaders(headers), request, status: 429 } }), context);
    assert.equal(throttled({ 'Retry-After': '7' }).details.retryAfterMs, 7_000);
    assert.equal(throttled({ 'x-ms-retry-after-ms': '1500' }).details.retryAfterMs, 1_500);
    assert.equal(throttled({ 'retry-after-ms': '250', 'retry-after': '9' }).details.retryAfterMs, 250);
    assert.equal(throttled({ 'retry-after': '-5' }).details.retryAfterMs, undefined, 'a negative wait is no wait');
    assert.equal(throttled({}).details.retryAfterMs, undefined);
    assert.equal(throttled({ 'Retry-After': '7' }).code, 'AzureThrottled');
  });
});
