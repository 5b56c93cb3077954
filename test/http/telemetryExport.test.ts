import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { messageActivity, postActivity } from '../helpers/activities';
import { startHarness } from '../helpers/keywardHarness';

/** A local OTLP/HTTP receiver: keeps what arrives at /v1/traces and /v1/metrics. */
async function otlpReceiver(): Promise<{ url: string; bodies: Record<string, string[]>; close(): Promise<void> }> {
  const bodies: Record<string, string[]> = { '/v1/traces': [], '/v1/metrics': [] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      (bodies[req.url ?? ''] ??= []).push(Buffer.concat(chunks).toString('latin1'));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('telemetry export chosen by configuration (KEYWARD_TELEMETRY=otlp)', function () {
  this.timeout(60_000);

  it("when Keyward runs with KEYWARD_TELEMETRY=otlp, then a turn's spans and Keyward's metrics reach the OTLP endpoint by the time it stops", async () => {
    const receiver = await otlpReceiver();
    const harness = await startHarness({ KEYWARD_TELEMETRY: 'otlp', KEYWARD_OTLP_ENDPOINT: receiver.url, KEYWARD_METRICS_EXPORT_SECONDS: '3600' });
    try {
      const answer = await postActivity(harness.url, messageActivity('help', { serviceUrl: harness.connector.url }));
      assert.equal(answer.status, 200);
      assert.ok(harness.logs.some((line) => line.message === 'traces and metrics are exported' && line.fields.exporter === 'otlp'));
    } finally {
      await harness.close();
      await receiver.close();
    }
    const traces = receiver.bodies['/v1/traces']!.join('\n');
    assert.match(traces, /POST \/api\/messages/, 'the request span was exported');
    assert.match(traces, /bot\.turn message/, 'the turn span was exported');
    assert.match(receiver.bodies['/v1/metrics']!.join('\n'), /keyward\.turn\.duration/, 'the turn was measured and exported at shutdown');
  });
});
