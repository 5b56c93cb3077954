import assert from 'node:assert/strict';
import { keyValueMigrations } from '../../src/store/sqlKeyValueStore';
import { KEYWARD_MIGRATIONS } from '../../src/app/storeSchema';
import { ENGINES, openTestDatabase, type TestDatabase } from '../helpers/storeEngines';

const put = (test: TestDatabase['db'], key: string, value: string) =>
  test.run('INSERT INTO kv (namespace, key, value, etag, updated_at) VALUES (?, ?, ?, ?, ?)', ['t', key, value, 'e', 'now']);
const keys = async (db: TestDatabase['db']) => (await db.all<{ key: string }>("SELECT key FROM kv WHERE namespace = 't' ORDER BY key")).map((r) => r.key);

for (const engine of ENGINES) {
  describe(`units of work (${engine})`, () => {
    let test: TestDatabase;
    beforeEach(async () => {
      test = await openTestDatabase(engine, keyValueMigrations);
    });
    afterEach(() => test.close());

    it('when a unit throws after writing, then nothing it wrote is kept; when it returns, everything is', async () => {
      const { db } = test;
      await assert.rejects(
        db.atomic(async () => {
          await put(db, 'a', '1');
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      assert.deepEqual(await keys(db), []);
      assert.equal(await db.atomic(async () => (await put(db, 'b', '2')).changes), 1);
      assert.deepEqual(await keys(db), ['b']);
    });

    it('when a nested unit throws, then only its own writes are undone and the outer unit goes on', async () => {
      const { db } = test;
      await db.atomic(async () => {
        await put(db, 'outer', '1');
        await assert.rejects(
          db.atomic(async () => {
            await put(db, 'inner', '2');
            throw new Error('inner fails');
          }),
        );
        await put(db, 'after', '3');
      });
      assert.deepEqual(await keys(db), ['after', 'outer']);
    });

    it("when a statement runs outside a unit that is still open, then it never sees the unit's uncommitted writes, and sees them once committed", async () => {
      const { db } = test;
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let written!: () => void;
      const wrote = new Promise<void>((resolve) => (written = resolve));
      const unit = db.atomic(async () => {
        await put(db, 'pending', '1');
        written();
        await held;
      });
      await wrote;
      const during = keys(db);
      // SQLite makes the read wait for the unit; PostgreSQL answers at once from committed data.
      const early = await Promise.race([during, new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), 100))]);
      assert.ok(early === 'waiting' || (Array.isArray(early) && early.length === 0), `saw ${JSON.stringify(early)}`);
      release();
      await unit;
      // The waiting read (SQLite) ran after the commit, so it sees it; a read that answered at once saw nothing.
      assert.deepEqual(await during, early === 'waiting' ? ['pending'] : []);
      assert.deepEqual(await keys(db), ['pending']);
    });

    it('when two instances take the same lock in overlapping units, then the second waits until the first has committed', async () => {
      const other = await test.connect();
      const order: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const firstLocked = new Promise<void>((resolve) => (locked = resolve));
      const first = test.db.atomic(async () => {
        await test.db.lock('contract.lock');
        order.push('first has the lock');
        locked();
        await held;
        await put(test.db, 'first', '1');
        order.push('first commits');
      });
      await firstLocked;
      const second = other.atomic(async () => {
        await other.lock('contract.lock');
        order.push(`second has the lock, sees ${(await keys(other)).join(',') || 'nothing'}`);
      });
      await new Promise((resolve) => setTimeout(resolve, 150));
      release();
      await Promise.all([first, second]);
      assert.deepEqual(order, ['first has the lock', 'first commits', 'second has the lock, sees first']);
    });

    it('when migrations run again, or from two instances at once, then each is applied exactly once', async () => {
      const fresh = await openTestDatabase(engine, []);
      try {
        const second = await fresh.connect();
        const [a, b] = await Promise.all([fresh.db.migrate(KEYWARD_MIGRATIONS), second.migrate(KEYWARD_MIGRATIONS)]);
        assert.deepEqual([...a, ...b].sort(), KEYWARD_MIGRATIONS.map((m) => m.id).sort(), 'every migration applied once in all');
        assert.deepEqual(await fresh.db.migrate(KEYWARD_MIGRATIONS), [], 'nothing left to apply');
        assert.equal((await fresh.db.all('SELECT id FROM schema_migrations')).length, KEYWARD_MIGRATIONS.length);
        await assert.rejects(
          fresh.db.migrate([
            { id: 'x/1', sql: 'SELECT 1' },
            { id: 'x/1', sql: 'SELECT 2' },
          ]),
          /duplicate migration id x\/1/,
        );
      } finally {
        await fresh.close();
      }
    });

    it('when work started inside a unit outlives it, then it runs outside the (finished) unit instead of failing', async () => {
      const { db } = test;
      let later!: Promise<unknown>;
      await db.atomic(async () => {
        later = new Promise((resolve) => setTimeout(resolve, 20)).then(() => put(db, 'late', '1'));
      });
      await later;
      assert.deepEqual(await keys(db), ['late']);
    });
  });
}
