import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { isAppError } from '../../src/core';
import { leaseOwnerIsDead, newLeaseOwner, type Run } from '../../src/executor';
import { SqlRunStore } from '../../src/store/sqlRunStore';
import { premiumPlan } from '../executor/executorFixtures';
import { ENGINES, openTestDatabase, type TestDatabase } from '../helpers/storeEngines';

for (const engine of ENGINES) {
  describe(`run store contract (${engine}): journal, compare-and-set, leases with fencing tokens`, () => {
    let test: TestDatabase;
    let store: SqlRunStore;
    const plan = premiumPlan();
    const run = (id = 'run_aaaaaaaaaaaa', requestId = 'req-1'): Run => ({
      id,
      requestId,
      planHash: 'h'.repeat(64),
      plan,
      title: plan.title,
      status: 'running',
      version: 1,
      attempt: 1,
      steps: plan.steps.map((s) => ({ index: s.index, id: s.id, kind: s.kind, status: 'pending', attempts: 0 })),
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });

    beforeEach(async () => {
      test = await openTestDatabase(engine);
      store = new SqlRunStore(test.db, () => new Date(Date.UTC(2026, 0, 1)));
    });
    afterEach(() => test.close());

    it('when a run is stored and changed, then each change is a compare-and-set that writes its journal lines with it, in order', async () => {
      await store.insert(run(), [{ stepIndex: null, phase: 'run.created', detail: {} }]);
      const first = (await store.get('run_aaaaaaaaaaaa'))!;
      const next = { ...first, version: 2, steps: first.steps.map((s) => (s.index === 0 ? { ...s, status: 'running' as const } : s)) };
      assert.equal(await store.commit(next, 1, [{ stepIndex: 0, phase: 'step.check', detail: { attempt: 1 } }]), true);
      assert.equal(await store.commit(next, 1, [{ stepIndex: 0, phase: 'step.apply', detail: {} }]), false, 'a stale version writes nothing');
      assert.deepEqual(
        (await store.journal('run_aaaaaaaaaaaa')).map((e) => [e.seq, e.phase, e.stepIndex]),
        [
          [1, 'run.created', null],
          [2, 'step.check', 0],
        ],
      );
      assert.equal((await store.getByRequest('req-1'))?.steps[0]?.status, 'running');
      await assert.rejects(store.commit({ ...next, version: 9 }, 2, []), /version must move/);
      // Events from outside the lease holder (an officer's certificate) add lines, never a version.
      await store.appendJournal('run_aaaaaaaaaaaa', [{ stepIndex: 0, phase: 'input.accepted', detail: { officer: 'x' } }]);
      assert.equal((await store.get('run_aaaaaaaaaaaa'))?.version, 2);
      assert.equal(await store.commit({ ...next, version: 3 }, 2, [{ stepIndex: 0, phase: 'step.apply', detail: {} }]), true, 'the drive is not disturbed');
      assert.deepEqual(
        (await store.journal('run_aaaaaaaaaaaa')).map((e) => e.phase),
        ['run.created', 'step.check', 'input.accepted', 'step.apply'],
      );
    });

    it('when runs are listed by status, then only runs whose current status is asked for come back, in creation order; an empty list of statuses finds none', async () => {
      await store.insert(run('run_aaaaaaaaaaaa', 'req-1'), []);
      await store.insert(run('run_bbbbbbbbbbbb', 'req-2'), []);
      await store.insert(run('run_cccccccccccc', 'req-3'), []);
      assert.equal(await store.commit({ ...run('run_bbbbbbbbbbbb', 'req-2'), version: 2, status: 'stopped' }, 1, []), true);
      assert.deepEqual(
        (await store.list({ statuses: ['running'] })).map((r) => r.id),
        ['run_aaaaaaaaaaaa', 'run_cccccccccccc'],
      );
      assert.deepEqual(
        (await store.list({ statuses: ['stopped', 'running'] })).map((r) => r.id),
        ['run_aaaaaaaaaaaa', 'run_bbbbbbbbbbbb', 'run_cccccccccccc'],
      );
      assert.deepEqual(await store.list({ statuses: [] }), []);
      assert.equal((await store.list()).length, 3);
    });

    it('when a second run is stored for the same request, then it is refused: one run per approval', async () => {
      await store.insert(run(), []);
      await assert.rejects(store.insert(run('run_bbbbbbbbbbbb', 'req-1'), []), (error: unknown) => isAppError(error, 'ConcurrentUpdate'));
      assert.equal((await store.list()).length, 1);
    });

    it('when two processes want the same run, then only one holds the lease until it lapses, and a holder proved dead is replaced at once', async () => {
      await store.insert(run(), []);
      const a = await store.acquireLease('run_aaaaaaaaaaaa', 'host/1/a', 1_000, 60_000);
      assert.ok(a !== undefined);
      assert.equal(await store.acquireLease('run_aaaaaaaaaaaa', 'host/2/b', 30_000, 60_000), undefined, 'held');
      const again = await store.acquireLease('run_aaaaaaaaaaaa', 'host/1/a', 30_000, 60_000);
      assert.ok(again !== undefined && again > a, 'the holder may take it again, with a new token');
      assert.equal(await store.renewLease('run_aaaaaaaaaaaa', 'host/1/a', again, 50_000, 60_000), true);
      assert.equal(await store.renewLease('run_aaaaaaaaaaaa', 'host/1/a', a, 50_000, 60_000), false, 'an older token of the same owner renews nothing');
      assert.equal(await store.acquireLease('run_aaaaaaaaaaaa', 'host/2/b', 100_000, 60_000), undefined, 'renewed: still held');
      const b = await store.acquireLease('run_aaaaaaaaaaaa', 'host/2/b', 110_000, 60_000);
      assert.ok(b !== undefined && b > again, 'lapsed: taken over with a larger token');
      assert.equal(await store.renewLease('run_aaaaaaaaaaaa', 'host/1/a', again, 111_000, 60_000), false, 'the old holder learns it lost the run');
      assert.equal(await store.acquireLease('run_aaaaaaaaaaaa', 'host/3/c', 120_000, 60_000, 'host/9/z'), undefined, 'replacing someone else than the holder does nothing');
      const c = await store.acquireLease('run_aaaaaaaaaaaa', 'host/3/c', 120_000, 60_000, 'host/2/b');
      assert.ok(c !== undefined && c > b, 'replacing the (dead) holder');
      await store.releaseLease('run_aaaaaaaaaaaa', 'host/2/b', b);
      assert.equal((await store.lease('run_aaaaaaaaaaaa'))?.owner, 'host/3/c', 'only the holder can release');
      await store.releaseLease('run_aaaaaaaaaaaa', 'host/3/c', c);
      assert.equal(await store.lease('run_aaaaaaaaaaaa'), undefined);
    });

    it('when a holder whose lease lapsed writes after another process took the run over, then its fenced write is refused even at the current version', async () => {
      await store.insert(run(), []);
      const first = (await store.get('run_aaaaaaaaaaaa'))!;
      const old = (await store.acquireLease(first.id, 'host/1/a', 1_000, 10_000))!;
      const other = await test.connect();
      const otherStore = new SqlRunStore(other);
      const fresh = (await otherStore.acquireLease(first.id, 'host/2/b', 20_000, 10_000))!;
      // The paused holder wakes up and writes the version it read: the fence stops it.
      assert.equal(
        await store.commit({ ...first, version: 2, status: 'stopped' }, 1, [{ stepIndex: null, phase: 'run.stopped', detail: {} }], { owner: 'host/1/a', token: old }),
        false,
      );
      assert.equal(await otherStore.commit({ ...first, version: 2 }, 1, [{ stepIndex: 0, phase: 'step.check', detail: {} }], { owner: 'host/2/b', token: fresh }), true);
      assert.deepEqual(
        (await store.journal(first.id)).map((e) => e.phase),
        ['step.check'],
      );
    });

    it('when two instances race to take one free lease at the same moment, then exactly one gets a token', async () => {
      await store.insert(run(), []);
      const stores = [store, new SqlRunStore(await test.connect()), new SqlRunStore(await test.connect())];
      const tokens = await Promise.all(stores.flatMap((s, i) => [0, 1, 2].map((k) => s.acquireLease('run_aaaaaaaaaaaa', `host/${i}/${k}`, 1_000, 60_000))));
      assert.equal(tokens.filter((t) => t !== undefined).length, 1, JSON.stringify(tokens));
    });
  });
}

describe('lease owners', () => {
  it('when a lease holder ran on this host and its process is gone, then it is known dead; anything else is not', () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    assert.equal(leaseOwnerIsDead(`${os.hostname()}/${gone}/x`), true);
    assert.equal(leaseOwnerIsDead(`${os.hostname()}/${process.pid}/x`), false, 'this process');
    assert.equal(leaseOwnerIsDead(`${os.hostname()}/${process.ppid}/x`), false, 'a live process');
    assert.equal(leaseOwnerIsDead(`another-host/${gone}/x`), false, 'another host: cannot tell');
    assert.match(newLeaseOwner(), new RegExp(`^${os.hostname()}/${process.pid}/[0-9a-f]{8}$`));
  });
});
