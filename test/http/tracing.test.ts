import assert from 'node:assert/strict';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { TOKEN_PATTERN } from '../../src/core';
import { correlationGuid } from '../../src/azure';
import { followExecution, runSetupScenario } from '../../src/cli/demoScenario';
import { VERBS } from '../../src/bot/cards/verbs';
import { ATTR } from '../../src/telemetry';
import { DirectChatClient } from '../helpers/directChatClient';
import { startTestEmulator, type TestEmulator } from '../helpers/emulatorEnv';
import { startHarness, type Harness } from '../helpers/keywardHarness';
import { captureTelemetry, type TelemetryCapture } from '../helpers/telemetryCapture';

/**
 * A whole setup demo (operator's cards, a refused self-approval, two approvals, the run against
 * the emulator, verify) through real HTTP into /api/messages, with OpenTelemetry capturing in
 * memory: the run of each request is one trace, rooted in the click that approved it, down to
 * every Azure request, which carries the correlation id Azure sees as x-ms-client-request-id.
 */
describe('tracing and metrics of a whole demo (HTTP, emulator, in-memory exporter)', function () {
  this.timeout(120_000);
  let emulator: TestEmulator;
  let harness: Harness;
  let telemetry: TelemetryCapture;
  let requestId: string;

  before(async () => {
    telemetry = captureTelemetry();
    emulator = await startTestEmulator();
    harness = await startHarness({ ...emulator.keywardEnv, KEYWARD_APPROVALS_TICK_SECONDS: '0', KEYWARD_EXECUTOR_POLL_SECONDS: '0.05' });
    const client = await DirectChatClient.connect(() => harness.url, harness.connector);
    const result = await runSetupScenario(client, { hsm: false, log: () => undefined });
    await followExecution(client, result, { hsm: false, log: () => undefined, timeoutMs: 60_000 });
    requestId = result.requestId;
    await harness.keyward.approvals.idle();
    await harness.keyward.executor.idle();
  });
  after(async () => {
    await harness?.close();
    await emulator?.close();
    await telemetry?.stop();
  });

  const spans = () => telemetry.spans();
  const byId = () => new Map(spans().map((span) => [span.spanContext().spanId, span]));
  const parentOf = (span: ReadableSpan, index: Map<string, ReadableSpan>) => (span.parentSpanContext ? index.get(span.parentSpanContext.spanId) : undefined);
  const ancestry = (span: ReadableSpan): ReadableSpan[] => {
    const index = byId();
    const chain: ReadableSpan[] = [];
    for (let at: ReadableSpan | undefined = span; at; at = parentOf(at, index)) chain.push(at);
    return chain;
  };

  it('when a request is approved and run, then its run, every step and every Azure request are one trace rooted in the approving click', () => {
    const runs = spans().filter((span) => span.name === 'execution.run' && span.attributes[ATTR.requestId] === requestId);
    assert.ok(runs.length >= 1, 'the run has a span');
    const traceId = runs[0]!.spanContext().traceId;
    const executionSpans = spans().filter((span) => span.attributes[ATTR.requestId] === requestId && span.name.startsWith('execution.'));
    assert.deepEqual([...new Set(executionSpans.map((span) => span.spanContext().traceId))], [traceId], 'one trace per request id');

    // run → outbox.deliver (on whichever instance leads) → approval.vote (the deciding one) → bot.turn invoke → POST /api/messages (the root)
    const chain = ancestry(runs[0]!).map((span) => span.name);
    assert.deepEqual(chain.slice(1), ['outbox.deliver', 'approval.vote', 'bot.turn invoke', 'POST /api/messages'], chain.join(' ← '));
    const root = ancestry(runs[0]!).pop()!;
    assert.equal(root.kind, 1 /* SERVER */);
    assert.equal(root.attributes[ATTR.verb], VERBS.approvalApprove);
    assert.equal(root.parentSpanContext, undefined, 'the click is the root of the trace');

    const steps = spans().filter((span) => span.name.startsWith('execution.step ') && span.attributes[ATTR.requestId] === requestId);
    assert.ok(steps.length >= 10, `a span per step (${steps.length})`);
    for (const step of steps) assert.equal(parentOf(step, byId())?.name, 'execution.run', `${step.name} is a child of the run`);

    const http = spans().filter((span) => span.spanContext().traceId === traceId && /^HTTP (GET|PUT|POST|PATCH|DELETE)$/.test(span.name));
    assert.ok(http.length >= steps.length, `Azure requests have spans (${http.length})`);
    const correlation = correlationGuid(requestId);
    // Azure (the emulator over HTTPS: ARM, vaults, Graph); the Bot Connector's run-card updates are traced too, but are not Azure.
    // Token requests to the managed-identity endpoint are traced as well, without the correlation id (not an Azure resource call).
    const azureCalls = http.filter(
      (span) => /^https:\/\/([a-z0-9-]+\.)*localhost:\d+\//.test(String(span.attributes['http.url'] ?? '')) && !String(span.attributes['http.url']).includes('/oauth2/token'),
    );
    for (const span of azureCalls) {
      const names = ancestry(span).map((s) => s.name);
      assert.ok(
        names.some((name) => name.startsWith('execution.step ')),
        `${span.name} ${String(span.attributes['http.url'])} sits under a step: ${names.join(' ← ')}`,
      );
      assert.equal(
        span.attributes.requestId,
        correlation,
        `the HTTP span carries the x-ms-client-request-id Keyward sent: ${String(span.attributes['http.url'])} ${ancestry(span)
          .map((s) => s.name)
          .join(' <- ')}`,
      );
      assert.equal(span.kind, 2 /* CLIENT */);
    }
    assert.ok(
      azureCalls.some((span) => String(span.attributes['http.url']).includes('.vault.localhost')),
      'data-plane calls are traced',
    );
    assert.ok(
      azureCalls.some((span) => String(span.attributes['http.url']).includes('Microsoft.KeyVault')),
      'ARM calls are traced',
    );
  });

  it('when the operator clicked her own approve button, then that click is its own trace with the refusal on the vote span', () => {
    const refused = spans().filter(
      (span) => span.name === 'approval.vote' && span.attributes[ATTR.requestId] === requestId && span.attributes[ATTR.errorCode] === 'SelfApprovalForbidden',
    );
    assert.equal(refused.length, 1);
    assert.notEqual(
      refused[0]!.spanContext().traceId,
      spans()
        .find((span) => span.name === 'execution.run' && span.attributes[ATTR.requestId] === requestId)!
        .spanContext().traceId,
    );
    assert.equal(ancestry(refused[0]!).pop()!.name, 'POST /api/messages');
  });

  it('when every span is exported, then no attribute or event carries a token, a key or a secret', () => {
    const identityHeader = process.env.IDENTITY_HEADER ?? 'no-header';
    for (const span of spans()) {
      const text = JSON.stringify({
        name: span.name,
        attributes: span.attributes,
        events: span.events.map((event) => ({ name: event.name, attributes: event.attributes })),
        links: span.links.map((link) => link.attributes),
      });
      assert.doesNotMatch(text, TOKEN_PATTERN, `${span.name}: no bearer token or JWT`);
      assert.doesNotMatch(text, /PRIVATE KEY|BEGIN CERTIFICATE/, `${span.name}: no key or certificate`);
      assert.ok(!text.includes(identityHeader), `${span.name}: no managed-identity header secret`);
      assert.doesNotMatch(text, /"(authorization|x-identity-header|cookie)"/i, `${span.name}: no credential header`);
    }
  });

  it('when the demo ran, then turns, votes, refusals, runs, steps and pending approvals are measured', async () => {
    const sum = (points: Array<{ value: unknown; attributes: Record<string, unknown> }>, where: Record<string, unknown> = {}) =>
      points
        .filter((point) => Object.entries(where).every(([key, value]) => point.attributes[key] === value))
        .reduce((total, point) => total + (typeof point.value === 'number' ? point.value : ((point.value as { count?: number }).count ?? 0)), 0);
    const turns = await telemetry.points('keyward.turn.duration');
    assert.ok(sum(turns, { [ATTR.activityType]: 'invoke', [ATTR.outcome]: 'ok' }) >= 8, 'card clicks measured');
    assert.ok(sum(turns, { [ATTR.activityType]: 'message', [ATTR.outcome]: 'ok' }) >= 2, 'messages measured');
    assert.equal(sum(await telemetry.points('keyward.approval.votes'), { [ATTR.decision]: 'approve' }), 2);
    assert.equal(sum(await telemetry.points('keyward.approval.refusals'), { [ATTR.errorCode]: 'SelfApprovalForbidden', 'keyward.action': 'vote' }), 1);
    assert.ok(sum(await telemetry.points('keyward.runs'), { [ATTR.outcome]: 'succeeded' }) >= 1);
    const steps = await telemetry.points('keyward.step.duration');
    assert.ok(sum(steps, { [ATTR.stepKind]: 'ensureKey', [ATTR.outcome]: 'done' }) >= 2, 'step durations by kind');
    const pending = await telemetry.points('keyward.approvals.pending');
    assert.equal(pending.length, 1);
    assert.equal(pending[0]!.value, 0, 'nothing left pending');
  });
});
