import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core';
import { observeAppGauges } from '../../src/app/appTelemetry';
import { ChangeDispatcher } from '../../src/app/changeDispatcher';
import { METRICS } from '../../src/telemetry';
import { captureTelemetry, type TelemetryCapture } from '../helpers/telemetryCapture';
import { ENGINES, openTestStore } from '../helpers/storeEngines';

/**
 * The cluster's gauges on both engines: every instance says whether it leads; only the leader
 * reports what the whole cluster shares (approvals, the outbox's backlog and lag, the digest age),
 * so a sum over instances never counts them twice.
 */
for (const engine of ENGINES) {
  describe(`cluster gauges (${engine})`, function () {
    this.timeout(60_000);
    let telemetry: TelemetryCapture;
    before(() => {
      telemetry = captureTelemetry();
    });
    after(async () => {
      await telemetry.stop();
    });

    const value = async (name: string): Promise<number | undefined> => {
      const points = await telemetry.points(name);
      return points.length > 0 ? (points[points.length - 1]!.value as number) : undefined;
    };

    it("when the leader has changes waiting in the outbox, then it reports leading, the backlog and the oldest one's age; when another instance does not lead, then it reports only that", async () => {
      const test = await openTestStore(engine);
      const clock = new ManualClock(Date.UTC(2026, 11, 5, 10, 0, 0));
      const dispatcherOf = (store: typeof test.store) =>
        new ChangeDispatcher({ cluster: store.cluster, deliver: async () => undefined, isLeader: () => false, now: () => clock.now() });
      try {
        for (let i = 0; i < 3; i += 1)
          await test.store.db.atomic(() => test.store.cluster.append('approval.change', `request-${i}`, '{}', new Date(Date.UTC(2026, 11, 5, 9, 59, 30 + i * 10)).toISOString()));

        const leading = observeAppGauges(test.store, clock, { isLeader: () => true, lastCoveredAt: () => clock.now().getTime() - 120_000, outbox: dispatcherOf(test.store) });
        try {
          assert.equal(await value('keyward.cluster.leader'), 1);
          assert.equal(await value('keyward.outbox.backlog'), 3);
          assert.equal(await value('keyward.outbox.oldest_undelivered_age'), 30);
          assert.equal(await value('keyward.approvals.pending'), 0);
          assert.equal(await value('keyward.audit.digest_age'), 120);

          // Two of them delivered: the backlog and the lag follow the cursor.
          const [, second] = await test.store.cluster.events(0, 10);
          await test.store.cluster.advance('keyward.approvals', second!.seq);
          assert.equal(await value('keyward.outbox.backlog'), 1);
          assert.equal(await value('keyward.outbox.oldest_undelivered_age'), 10);
        } finally {
          leading();
        }

        const other = await test.second();
        // A fresh meter provider: what the leader's source observed above is not carried over.
        await telemetry.stop();
        telemetry = captureTelemetry();
        const following = observeAppGauges(other, clock, { isLeader: () => false, lastCoveredAt: () => undefined, outbox: dispatcherOf(other) });
        try {
          const collected = await telemetry.metrics();
          const gauges = new Set<string>(
            Object.values(METRICS)
              .filter((m) => m.type === 'gauge')
              .map((m) => m.name),
          );
          const reported = collected.scopeMetrics.flatMap((scope) =>
            scope.metrics.filter((metric) => metric.dataPoints.length > 0 && gauges.has(metric.descriptor.name)).map((metric) => metric.descriptor.name),
          );
          assert.deepEqual(reported, ['keyward.cluster.leader']);
          assert.equal(await value('keyward.cluster.leader'), 0);
        } finally {
          following();
        }
      } finally {
        await test.close();
      }
    });
  });
}
