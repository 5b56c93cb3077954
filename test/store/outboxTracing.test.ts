import assert from 'node:assert/strict';
import { systemClock } from '../../src/core';
import type { ApprovalChange } from '../../src/approvals/approvalService';
import { ChangeDispatcher } from '../../src/app/changeDispatcher';
import { currentTraceparent, inSpan } from '../../src/telemetry';
import { captureTelemetry, type TelemetryCapture } from '../helpers/telemetryCapture';
import { ENGINES, openTestStore } from '../helpers/storeEngines';

/**
 * Several instances: the click lands on one, the instance that leads delivers the approval change
 * (and so starts the run). The change carries the click's trace context through the outbox, so
 * the delivery — and the run it starts — stays in the click's trace.
 */
for (const engine of ENGINES) {
  describe(`the outbox carries the click's trace to the instance that delivers (${engine})`, function () {
    this.timeout(60_000);
    let telemetry: TelemetryCapture;
    before(() => {
      telemetry = captureTelemetry();
    });
    after(async () => {
      await telemetry.stop();
    });

    it('when a vote on a follower records a change and the leader delivers it, then the delivery is a child of the vote, in the same trace', async () => {
      const test = await openTestStore(engine);
      const leaderStore = await test.second();
      const delivered: Array<{ requestId: string; traceparent?: string }> = [];
      const follower = new ChangeDispatcher({
        cluster: test.store.cluster,
        deliver: async () => assert.fail('a follower delivers nothing'),
        isLeader: () => false,
        now: () => systemClock.now(),
      });
      const leader = new ChangeDispatcher({
        cluster: leaderStore.cluster,
        deliver: async (change) => void delivered.push({ requestId: change.request.id, ...(currentTraceparent() ? { traceparent: currentTraceparent()! } : {}) }),
        isLeader: () => true,
        now: () => systemClock.now(),
      });
      try {
        const change = { change: 'approved', request: { id: 'req-traced' }, actor: { objectId: 'u1' } } as unknown as ApprovalChange;
        const vote = await inSpan('approval.vote', {}, async (span) => {
          await test.store.db.atomic(() => follower.record(change));
          return span.spanContext();
        });
        // No trace context here: the leader's delivery runs on its own (a poll, or LISTEN/NOTIFY).
        leader.wake();
        await leader.idle();

        assert.equal(delivered.length, 1);
        assert.equal(delivered[0]!.requestId, 'req-traced');
        assert.match(delivered[0]!.traceparent ?? '', new RegExp(`^00-${vote.traceId}-[0-9a-f]{16}-0[01]$`), "the delivery is in the vote's trace");
        const deliver = telemetry.spans().find((span) => span.name === 'outbox.deliver' && span.attributes['keyward.request.id'] === 'req-traced')!;
        assert.equal(deliver.parentSpanContext?.spanId, vote.spanId, 'outbox.deliver is a child of the vote');
        assert.equal(deliver.attributes['keyward.approval.change'], 'approved');
      } finally {
        await leader.stop();
        await test.close();
      }
    });
  });
}
