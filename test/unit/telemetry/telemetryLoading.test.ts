import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

describe('telemetry SDKs are loaded only when telemetry is on', () => {
  it('when Keyward’s composition root is loaded, then neither the OpenTelemetry SDK, the OTLP exporters, Azure Monitor nor the Azure SDK instrumentation is (about 35 MB resident until telemetry is asked for)', () => {
    const probe = `
      require('./src/main');
      const loaded = Object.keys(require.cache);
      const heavy = ['@opentelemetry/sdk-trace-base', '@opentelemetry/sdk-metrics', '@opentelemetry/exporter-trace-otlp-http', '@azure/monitor-opentelemetry', '@azure/opentelemetry-instrumentation-azure-sdk'];
      process.stdout.write(JSON.stringify({ main: loaded.some((f) => f.endsWith('src/main.ts')), heavy: heavy.filter((name) => loaded.some((f) => f.includes('/node_modules/' + name + '/'))) }));`;
    const child = spawnSync(process.execPath, ['--no-deprecation', '--require', require.resolve('tsx/cjs'), '-e', probe], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), { main: true, heavy: [] });
  });
});
