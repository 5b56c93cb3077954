import assert from 'node:assert/strict';
import { isAppError, ManualClock } from '../../src/core';
import { ChainedAuditLog, nextDigest } from '../../src/audit';
import { SqlAuditStore } from '../../src/store/sqlAuditStore';
import { collect } from '../helpers/collect';
import { ENGINES, openTestDatabase, type TestDatabase } from '../helpers/storeEngines';
import { testSigner } from '../helpers/testSigner';

for (const engine of ENGINES) {
  describe(`audit store contract (${engine})`, function () {
    this.timeout(60_000);
    let test: TestDatabase;
    beforeEach(async () => {
      test = await openTestDatabase(engine);
    });
    afterEach(() => test.close());

    it('when three instances append at once, then every record is chained exactly once, in one serial order that verifies', async () => {
      const logs = [test.db, await test.connect(), await test.connect()].map((db) => new ChainedAuditLog(new SqlAuditStore(db), new ManualClock(Date.UTC(2026, 0, 1))));
      await Promise.all(
        logs.map((log, i) =>
          Promise.all(Array.from({ length: 30 }, (_, k) => log.append({ actor: { objectId: `writer-${i}` }, action: 'test.append', target: `t-${i}-${k}`, outcome: 'info' }))),
        ),
      );
      const verification = await logs[0]!.verify();
      assert.equal(verification.ok, true, verification.firstBad?.message);
      assert.equal(verification.records, 90);
      const records = await collect(logs[0]!.records());
      assert.deepEqual(
        records.map((r) => r.sequence),
        Array.from({ length: 90 }, (_, i) => i + 1),
      );
      assert.equal(new Set(records.map((r) => r.target)).size, 90, 'nothing doubled, nothing lost');
    });

    it('when the log is longer than a page, then verify and export read every record in order', async function () {
      this.timeout(120_000);
      const store = new SqlAuditStore(test.db);
      const log = new ChainedAuditLog(store, new ManualClock(Date.UTC(2026, 0, 1)));
      await test.db.atomic(async () => {
        for (let i = 0; i < 2_500; i += 1) await log.append({ actor: { objectId: 'bulk' }, action: 'test.bulk', target: `t${i}`, outcome: 'info' });
      });
      const verification = await log.verify();
      assert.equal(verification.ok, true, verification.firstBad?.message);
      assert.equal(verification.records, 2_500);
      assert.equal((await collect(store.records(2_001))).length, 500);
      assert.equal(await store.count(), 2_500);
    });

    it('when the tail was cut while Keyward was down, then the next append is refused (fail closed) and nothing is written', async () => {
      const log = new ChainedAuditLog(new SqlAuditStore(test.db), new ManualClock(Date.UTC(2026, 0, 1)));
      for (let i = 0; i < 3; i += 1) await log.append({ actor: { objectId: 'a' }, action: 'test', target: `t${i}`, outcome: 'info' });
      await test.db.run('DELETE FROM audit_log WHERE sequence = 3');
      await assert.rejects(log.append({ actor: { objectId: 'a' }, action: 'test', target: 'after cut', outcome: 'info' }), (error: unknown) =>
        isAppError(error, 'AuditWriteFailed'),
      );
      assert.equal((await collect(log.records())).length, 2);
      const verification = await log.verify();
      assert.equal(verification.firstBad?.problem, 'truncated');
    });

    it('when an append fails inside a unit of work, then the state change of that unit is rolled back with it', async () => {
      const store = new SqlAuditStore(test.db);
      const log = new ChainedAuditLog(store, new ManualClock(Date.UTC(2026, 0, 1)));
      await log.append({ actor: { objectId: 'a' }, action: 'test', target: 'first', outcome: 'info' });
      await test.db.run('UPDATE audit_head SET sequence = 7');
      await assert.rejects(
        test.db.atomic(async () => {
          await test.db.run('INSERT INTO kv (namespace, key, value, etag, updated_at) VALUES (?, ?, ?, ?, ?)', ['t', 'state', '1', 'e', 'now']);
          await log.append({ actor: { objectId: 'a' }, action: 'test', target: 'second', outcome: 'info' });
        }),
        (error: unknown) => isAppError(error, 'AuditWriteFailed'),
      );
      assert.equal(await test.db.get("SELECT key FROM kv WHERE namespace = 't'"), undefined, 'no audit record, no change');
    });

    it('when two instances store a digest at once, then the digest chain has no fork and each digest covers a head that existed', async () => {
      const signer = testSigner();
      const stores = [new SqlAuditStore(test.db), new SqlAuditStore(await test.connect())];
      const log = new ChainedAuditLog(stores[0]!, new ManualClock(Date.UTC(2026, 0, 1)));
      for (let i = 0; i < 5; i += 1) await log.append({ actor: { objectId: 'a' }, action: 'test', target: `t${i}`, outcome: 'info' });
      // Signed first (the signer may be Key Vault: no I/O inside the store's unit), stored only if still the next one.
      const digest = await nextDigest(undefined, await stores[0]!.storedHead(), new Date(Date.UTC(2026, 0, 2)), signer);
      const made = await Promise.all(stores.map((s) => s.appendDigestWith((last) => (last === undefined ? digest : undefined))));
      assert.equal(made.filter((d) => d !== undefined).length, 1, 'the second found the first already stored');
      assert.deepEqual(
        (await stores[1]!.digests()).map((d) => [d.number, d.toSequence]),
        [[1, 5]],
      );
      assert.equal((await stores[1]!.lastDigest())?.number, 1);
      assert.deepEqual([...(await stores[0]!.lastActivityByActor()).keys()], ['a']);
    });
  });
}
