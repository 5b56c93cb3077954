import assert from 'node:assert/strict';
import { classifyConnectorFailure } from '../../../src/proactive/connectorFailures';

describe('classifyConnectorFailure', () => {
  it('when the Bot Connector answers 429 with Retry-After (fetch Headers, or a plain object in either case), then it is retryable with the wait in ms', () => {
    assert.deepEqual(classifyConnectorFailure({ statusCode: 429, response: { status: 429, headers: new Headers({ 'retry-after': '2' }) } }), {
      retryable: true,
      status: 429,
      retryAfterMs: 2_000,
    });
    assert.deepEqual(classifyConnectorFailure({ response: { status: 503, headers: { 'Retry-After': '1.5' } } }), { retryable: true, status: 503, retryAfterMs: 1_500 });
    const inOneMinute = new Date(Date.now() + 60_000).toUTCString();
    const dated = classifyConnectorFailure({ statusCode: 429, response: { headers: { 'retry-after': inOneMinute } } }).retryAfterMs;
    assert.ok(dated !== undefined && dated > 55_000 && dated <= 60_000, `an HTTP date reads as the time until then (${String(dated)} ms)`);
  });

  it('when the answer says nothing readable about waiting, then there is no wait and 4xx other than 408, 412, 429 are not retried', () => {
    assert.deepEqual(classifyConnectorFailure({ statusCode: 403, response: { headers: { 'retry-after': 'later' } } }), { retryable: false, status: 403 });
    assert.deepEqual(classifyConnectorFailure(new Error('socket hang up')), { retryable: true });
  });
});
