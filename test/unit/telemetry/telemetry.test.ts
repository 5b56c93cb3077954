import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { trace } from '@opentelemetry/api';
import { createPinoLogger } from '../../../src/observability/pinoLogger';
import { ATTR, currentTraceparent, inSpan } from '../../../src/telemetry';
import { traceRun } from '../../../src/executor/runTelemetry';
import type { Run } from '../../../src/executor';
import { captureTelemetry, type TelemetryCapture } from '../../helpers/telemetryCapture';

describe('telemetry: scrubbing, log correlation, a run continuing its trace', () => {
  let telemetry: TelemetryCapture;
  before(() => {
    telemetry = captureTelemetry();
  });
  after(async () => {
    await telemetry.stop();
  });
  beforeEach(() => telemetry.reset());

  it('when a span is given a token, a key or a secret-named attribute, then what is exported carries none of them', async () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiIxMjM0NTY3OCJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    await inSpan('probe', {}, async (span) => {
      // Set behind safeAttributes' back, as an SDK might: the scrubbing processor must catch it.
      span.setAttribute('http.request.header.authorization', `Bearer ${jwt}`);
      span.setAttribute('note', `token was ${jwt}`);
      span.setAttribute('keyward.client_secret', 'hunter2-hunter2');
      span.setAttribute('pem', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----');
      span.addEvent('exception', { 'exception.message': `Bearer ${jwt}` });
      span.setAttribute('keyward.request.id', 'req-1');
    });
    const [span] = telemetry.spans();
    const text = JSON.stringify({ attributes: span!.attributes, events: span!.events });
    assert.ok(!text.includes(jwt), text);
    assert.ok(!text.includes('hunter2'), text);
    assert.ok(!text.includes('MIIE'), text);
    assert.equal(span!.attributes['keyward.request.id'], 'req-1', 'ordinary attributes stay');
  });

  it("when a log line is written inside a span, then it carries that span's trace_id and span_id", async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) });
    const logger = createPinoLogger('info', {}, sink);
    let ids: { traceId: string; spanId: string } | undefined;
    await inSpan('turn', {}, async (span) => {
      ids = span.spanContext();
      logger.child({ component: 'probe' }).info({ step: 1 }, 'inside');
    });
    logger.info({}, 'outside');
    const [inside, outside] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(inside!.trace_id, ids!.traceId);
    assert.equal(inside!.span_id, ids!.spanId);
    assert.equal(outside!.trace_id, undefined);
  });

  it("when a run stored the approving click's trace context, then a later drive (another process, a Retry click) continues that trace and links to what started it", async () => {
    let stored: string | undefined;
    let approvalTrace = '';
    await inSpan('approval.vote', {}, async (span) => {
      approvalTrace = span.spanContext().traceId;
      stored = currentTraceparent();
    });
    assert.match(stored ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const run = { id: 'run_1', requestId: 'req-1', attempt: 2, steps: [], status: 'running', traceparent: stored } as unknown as Run;
    let retryTrace = '';
    await inSpan('POST /api/messages', {}, async (span) => {
      retryTrace = span.spanContext().traceId;
      await traceRun(run, async () => ({ ...run, status: 'succeeded' }) as Run);
    });
    const runSpan = telemetry.spans().find((span) => span.name === 'execution.run')!;
    assert.equal(runSpan.spanContext().traceId, approvalTrace, "the run continues the approval's trace");
    assert.equal(runSpan.parentSpanContext?.spanId, stored!.split('-')[2]);
    assert.deepEqual(
      runSpan.links.map((link) => link.context.traceId),
      [retryTrace],
      'and links to the click that retried it',
    );
    assert.equal(runSpan.attributes[ATTR.outcome], 'succeeded');
    assert.equal(trace.getActiveSpan(), undefined);
  });
});
