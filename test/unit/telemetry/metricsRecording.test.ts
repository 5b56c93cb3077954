import assert from 'node:assert/strict';
import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { appError } from '../../../src/core';
import { azureService, throttlingMetricsPolicy } from '../../../src/azure/pipelinePolicies';
import { noteRetry } from '../../../src/executor/runTelemetry';
import { traceHealthCheck } from '../../../src/app/appTelemetry';
import type { HealthCheckResult } from '../../../src/inventory/healthMonitor';
import type { PlanStep } from '../../../src/customerKey';
import { captureTelemetry, type TelemetryCapture } from '../../helpers/telemetryCapture';

const sum = (points: Array<{ value: unknown; attributes: Record<string, unknown> }>, where: Record<string, unknown> = {}) =>
  points.filter((p) => Object.entries(where).every(([k, v]) => p.attributes[k] === v)).reduce((total, p) => total + (p.value as number), 0);

describe('metrics recorded at the seams', () => {
  let telemetry: TelemetryCapture;
  before(() => {
    telemetry = captureTelemetry();
  });
  after(async () => {
    await telemetry.stop();
  });

  it('when Azure answers 429, then each throttled answer is counted by service, and other answers are not', async () => {
    const answer =
      (status: number) =>
      async (request: ReturnType<typeof createPipelineRequest>): Promise<PipelineResponse> => ({ request, status, headers: createHttpHeaders() });
    for (const [url, status] of [
      ['https://kv-a.vault.azure.net/keys/k?api-version=7.5', 429],
      ['https://kv-a.vault.localhost:8443/keys/k', 429],
      ['https://management.azure.com/subscriptions/x', 429],
      ['https://graph.microsoft.com/v1.0/users/x', 200],
    ] as const) {
      await throttlingMetricsPolicy.sendRequest(createPipelineRequest({ url }), answer(status));
    }
    const points = await telemetry.points('keyward.azure.throttled');
    assert.equal(sum(points, { 'keyward.azure.service': 'keyvault' }), 2);
    assert.equal(sum(points, { 'keyward.azure.service': 'arm' }), 1);
    assert.equal(sum(points, { 'keyward.azure.service': 'graph' }), 0);
    assert.equal(azureService('https://hsm-a.managedhsm.azure.net/keys'), 'keyvault');
  });

  it('when a step is retried, then the retry is counted by step kind and error code, and a Retry-After wait is added up', () => {
    const step = { kind: 'ensureKey', id: 'key-a', index: 3 } as unknown as PlanStep;
    noteRetry(step, appError('AzureThrottled', 'slow down', { status: 429, retryAfterMs: 7000 }), 1, 7000);
    noteRetry(step, appError('AzureTransient', 'try again', { status: 503 }), 2, 2000);
    return Promise.all([telemetry.points('keyward.step.retries'), telemetry.points('keyward.azure.retry_after_waited')]).then(([retries, waited]) => {
      assert.equal(sum(retries, { 'keyward.step.kind': 'ensureKey', 'keyward.error.code': 'AzureThrottled' }), 1);
      assert.equal(sum(retries, { 'keyward.step.kind': 'ensureKey', 'keyward.error.code': 'AzureTransient' }), 1);
      assert.equal(sum(waited), 7, 'only the wait Azure asked for, in seconds');
    });
  });

  it('when the scheduled health check finds drift and a fix, then both are counted and the check is a span', async () => {
    const result = {
      checkedAt: '2026-12-05T10:00:00Z',
      keys: 4,
      drift: [
        { newlyRed: [{ id: 'x' }], resolved: [] },
        { newlyRed: [], resolved: ['y'] },
        { newlyRed: [{ id: 'z' }], resolved: [] },
      ],
    } as unknown as HealthCheckResult;
    await traceHealthCheck(async () => result);
    const points = await telemetry.points('keyward.health.drift');
    assert.equal(sum(points, { 'keyward.outcome': 'drift' }), 2);
    assert.equal(sum(points, { 'keyward.outcome': 'fixed' }), 1);
    const span = telemetry.spans().find((s) => s.name === 'health.check')!;
    assert.equal(span.attributes['keyward.health.drifted'], 2);
  });
});
