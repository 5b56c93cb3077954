import assert from 'node:assert/strict';
import { HealthMonitor } from '../../../src/inventory/healthMonitor';
import { inventoryWorld, readinessLineOf } from './inventoryFixtures';
import { spObjectId } from './opsGallery';

describe('health monitor (scheduled readiness re-check)', () => {
  it('when purge protection goes off on a vault (simulated: Azure itself cannot switch it off), then that key drifts once; unchanged red is not reported again; a fix is reported as resolved', async () => {
    const world = await inventoryWorld();
    const audit: string[] = [];
    const monitor = new HealthMonitor({
      inventory: world.inventory,
      checker: world.checker,
      clock: world.clock,
      audit: { append: async (e) => void audit.push(e.action) },
      servicePrincipalObjectId: spObjectId,
    });
    const first = await monitor.checkAll();
    assert.equal(first.keys, 10);
    assert.equal(first.drift.length, 0, 'all green: nothing to say');
    const key = (await world.inventory.pairs())[0]!.A;
    world.checker.red.set(key.id, readinessLineOf(key.ref, 'purgeProtection', { container: { purgeProtectionEnabled: false } }));
    const second = await monitor.checkAll();
    assert.deepEqual(
      second.drift.map((d) => [d.key.id, d.newlyRed.map((l) => l.id)]),
      [[key.id, [`key:${key.ref.site}:${key.ref.workload}:purgeProtection`]]],
    );
    assert.equal((await world.inventory.health(key.ref.versionlessUri))?.ready, false);
    const third = await monitor.checkAll();
    assert.equal(third.drift.length, 0, 'the same red line is not news');
    world.checker.red.clear();
    const fourth = await monitor.checkAll();
    assert.deepEqual(
      fourth.drift.map((d) => d.resolved),
      [[`key:${key.ref.site}:${key.ref.workload}:purgeProtection`]],
    );
    assert.deepEqual(audit, ['health.drift', 'health.recovered']);
  });

  it('when a container is soft-deleted or purged, then its keys are no longer checked', async () => {
    const world = await inventoryWorld();
    const monitor = new HealthMonitor({
      inventory: world.inventory,
      checker: world.checker,
      clock: world.clock,
      audit: { append: async () => undefined },
      servicePrincipalObjectId: spObjectId,
    });
    const hsm = (await world.inventory.containers()).find((c) => c.kind === 'managedHsm')!;
    await world.inventory.markPurged(hsm.id, world.clock.now().toISOString());
    const result = await monitor.checkAll();
    assert.ok(world.checker.calls[0]!.every((ref) => ref.containerName !== hsm.name));
    assert.equal(result.keys, 8);
  });

  it('when a slow check (made before the key turned red) finishes after a newer one, then its stale green answer is ignored: no false "recovered", no second drift card later', async () => {
    const world = await inventoryWorld();
    const audit: string[] = [];
    // Two Keyward processes on one store: the slow one's answer reflects Azure at the time it asked.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowChecker = {
      check: async (target: Parameters<typeof world.checker.check>[0]) => {
        const answer = await world.checker.check(target);
        await gate;
        return answer;
      },
    };
    const deps = {
      inventory: world.inventory,
      clock: world.clock,
      audit: { append: async (e: { action: string }) => void audit.push(e.action) },
      servicePrincipalObjectId: spObjectId,
    };
    const slow = new HealthMonitor({ ...deps, checker: slowChecker });
    const fast = new HealthMonitor({ ...deps, checker: world.checker });
    await fast.checkAll();
    const slowRun = slow.checkAll();
    await new Promise((resolve) => setImmediate(resolve));
    const key = (await world.inventory.pairs())[0]!.A;
    world.clock.advance(60_000);
    world.checker.red.set(key.id, readinessLineOf(key.ref, 'enabled', { key: { enabled: false } }));
    const newer = await fast.checkAll();
    assert.equal(newer.drift.length, 1);
    release();
    const stale = await slowRun;
    assert.equal(stale.drift.length, 0, 'the older, green answer is not news');
    assert.equal((await world.inventory.health(key.ref.versionlessUri))?.ready, false, 'the newer, red record stays');
    world.clock.advance(60_000);
    assert.equal((await fast.checkAll()).drift.length, 0, 'still red: not reported a second time');
    assert.deepEqual(audit, ['health.drift']);
  });
});
