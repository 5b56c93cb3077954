import assert from 'node:assert/strict';
import { ClusterLeader } from '../../src/app/clusterLeader';
import { ChangeDispatcher } from '../../src/app/changeDispatcher';
import type { ApprovalChange } from '../../src/approvals/approvalService';
import { OUTBOX_CHANNEL, SqlClusterStore } from '../../src/store/sqlClusterStore';
import { ENGINES, openTestDatabase, type TestDatabase } from '../helpers/storeEngines';

const clock = { now: () => new Date() };

function change(id: string, kind: ApprovalChange['change'] = 'voteRecorded'): ApprovalChange {
  return { change: kind, request: { id } as ApprovalChange['request'], actor: { objectId: 'u1', name: 'Una' } };
}

async function until(condition: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

for (const engine of ENGINES) {
  describe(`cluster contract (${engine}): one leader with fencing tokens, the outbox delivered once in commit order`, () => {
    let test: TestDatabase;
    let cluster: SqlClusterStore;

    beforeEach(async () => {
      test = await openTestDatabase(engine);
      cluster = new SqlClusterStore(test.db);
    });
    afterEach(() => test.close());

    it('when two instances ask for the cluster lease, then one holds it, and the other takes it over only after it lapses, with a larger fencing token', async () => {
      const other = new SqlClusterStore(await test.connect());
      const first = await cluster.acquireLease('keyward.cluster', 'a', 1_000, 500);
      assert.equal(typeof first, 'number');
      assert.equal(await other.acquireLease('keyward.cluster', 'b', 1_200, 500), undefined, 'held by a');
      assert.equal(await cluster.renewLease('keyward.cluster', 'a', first!, 1_400, 500), true);
      assert.equal(await other.acquireLease('keyward.cluster', 'b', 1_800, 500), undefined, 'renewed until 1 900');
      const second = await other.acquireLease('keyward.cluster', 'b', 1_900, 500);
      assert.ok(second !== undefined && second > first!, 'taken over with a larger token');
      assert.equal(await cluster.renewLease('keyward.cluster', 'a', first!, 1_950, 500), false, 'the old holder cannot renew with its stale token');
      await other.releaseLease('keyward.cluster', 'b', second);
      assert.ok(((await cluster.acquireLease('keyward.cluster', 'a', 1_960, 500)) ?? 0) > second, 'released: free at once, token still grows');
    });

    it('when two ClusterLeaders run on one store, then exactly one leads, and when it stops the other leads', async () => {
      const one = new ClusterLeader({ cluster, owner: 'one', ttlMs: 600, clock });
      const two = new ClusterLeader({ cluster: new SqlClusterStore(await test.connect()), owner: 'two', ttlMs: 600, clock });
      await one.start();
      await two.start();
      try {
        assert.equal(one.isLeader(), true);
        assert.equal(two.isLeader(), false);
        const changes: boolean[] = [];
        two.onChange((leading) => changes.push(leading));
        await one.stop();
        await two.beat();
        assert.equal(two.isLeader(), true);
        assert.deepEqual(changes, [true]);
      } finally {
        await one.stop();
        await two.stop();
      }
    });

    it('when a leader dies without letting go, then another instance leads once the lease lapses', async () => {
      const next = new ClusterLeader({ cluster: new SqlClusterStore(await test.connect()), owner: 'next', ttlMs: 1_500, clock });
      const dead = new ClusterLeader({ cluster, owner: 'dead', ttlMs: 1_500, clock });
      await dead.beat(); // leads, then never renews (its process "died")
      assert.equal(dead.isLeader(), true);
      await next.beat();
      assert.equal(next.isLeader(), false);
      await until(async () => (await next.beat(), next.isLeader()));
      assert.equal(dead.isLeader(), false, 'the dead one stops trusting its lease before it lapses');
    });

    it('when changes are recorded in units of work, then the outbox holds only committed ones, in commit order', async () => {
      const delivered: string[] = [];
      const dispatcher = new ChangeDispatcher({ cluster, deliver: async (c) => void delivered.push(c.request.id), isLeader: () => true, now: () => new Date() });
      await test.db.atomic(() => dispatcher.record(change('r1')));
      await test.db
        .atomic(async () => {
          await dispatcher.record(change('rolled-back'));
          throw new Error('abort');
        })
        .catch(() => undefined);
      await test.db.atomic(() => dispatcher.record(change('r2')));
      dispatcher.wake();
      await dispatcher.idle();
      assert.deepEqual(delivered, ['r1', 'r2']);
    });

    it('when two instances dispatch the same outbox, then each change is delivered once, by the leader only, and the follower delivers nothing', async () => {
      const leaderSeen: string[] = [];
      const followerSeen: string[] = [];
      const secondDb = await test.connect();
      const a = new ChangeDispatcher({ cluster, deliver: async (c) => void leaderSeen.push(c.request.id), isLeader: () => true, now: () => new Date() });
      const b = new ChangeDispatcher({
        cluster: new SqlClusterStore(secondDb),
        deliver: async (c) => void followerSeen.push(c.request.id),
        isLeader: () => false,
        now: () => new Date(),
      });
      // Changes committed on both instances, alternately.
      for (let i = 0; i < 20; i += 1) {
        if (i % 2) await test.db.atomic(() => a.record(change(`r${i}`)));
        else await secondDb.atomic(() => b.record(change(`r${i}`)));
      }
      b.wake();
      a.wake();
      await a.idle();
      await b.idle();
      assert.deepEqual(
        leaderSeen,
        Array.from({ length: 20 }, (_, i) => `r${i}`),
      );
      assert.deepEqual(followerSeen, []);
    });

    it('when concurrent units record changes, then the dispatcher never skips one that commits late', async () => {
      const delivered: string[] = [];
      const second = await test.connect();
      const a = new ChangeDispatcher({ cluster, deliver: async (c) => void delivered.push(c.request.id), isLeader: () => true, now: () => new Date() });
      const b = new ChangeDispatcher({ cluster: new SqlClusterStore(second), deliver: async () => undefined, isLeader: () => false, now: () => new Date() });
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      // A unit on the second connection records, then holds its transaction open.
      const slow = second.atomic(async () => {
        await b.record(change('slow'));
        await held;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const fast = test.db.atomic(() => a.record(change('fast')));
      a.wake();
      await new Promise((resolve) => setTimeout(resolve, 50));
      release();
      await slow;
      await fast;
      a.wake();
      await a.idle();
      assert.deepEqual([...delivered].sort(), ['fast', 'slow']);
    });

    if (engine === 'postgres') {
      it('when a change is recorded on one instance, then another instance listening on the outbox channel is notified at commit', async () => {
        const listener = await test.connect();
        let notified = 0;
        const stop = await listener.listen!(OUTBOX_CHANNEL, () => (notified += 1));
        try {
          const before = notified;
          const dispatcher = new ChangeDispatcher({ cluster, deliver: async () => undefined, isLeader: () => false, now: () => new Date() });
          await test.db.atomic(() => dispatcher.record(change('r1')));
          await until(() => notified > before);
        } finally {
          await stop();
        }
      });
    }
  });
}
