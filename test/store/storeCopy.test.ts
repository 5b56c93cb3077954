import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../../src/core';
import { ChainedAuditLog } from '../../src/audit';
import { keywardStoreOver, openKeywardStore, type KeywardStore } from '../../src/app/keywardStore';
import { copySqliteToPostgres } from '../../src/app/storeCopy';
import { runStoreCli } from '../../src/cli/store';
import { openPostgresDatabase } from '../../src/store/postgresDatabase';
import { collect } from '../helpers/collect';
import { newTestDatabase } from '../helpers/postgresServer';

const EMPTY_POSTGRES = (url: string) => openPostgresDatabase({ connectionString: url, tls: false, migrations: [] });

/** A SQLite store with some of everything: audit records, key-value state, outbox events, a run journal. */
async function sqliteWithState(dir: string, records = 25): Promise<string> {
  const file = path.join(dir, 'keyward.sqlite');
  const store = await openKeywardStore({ engine: 'sqlite', file });
  try {
    const audit = new ChainedAuditLog(store.audit, systemClock);
    for (let i = 0; i < records; i += 1)
      await store.db.atomic(() => audit.append({ actor: { objectId: 'u1', name: 'Una' }, action: 'test.event', target: `thing/${i}`, outcome: 'info', details: { i } }));
    await store.kv.put('bot', 'conv/1', { topic: 'hello' });
    for (let i = 0; i < 3; i += 1) await store.db.atomic(() => store.cluster.append('approval.change', `req-${i}`, '{}', new Date().toISOString()));
  } finally {
    await store.close();
  }
  return file;
}

async function auditCount(store: KeywardStore): Promise<number> {
  return (await collect(store.audit.records())).length;
}

describe('npm run store -- copy: a SQLite deployment moved to PostgreSQL, all or nothing', function () {
  this.timeout(120_000);
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-copy-test-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when a store is copied into an empty database, then every row arrives, the chain verifies with the same head, and new rows continue after the copied ones', async () => {
    const file = await sqliteWithState(dir);
    const url = await newTestDatabase();
    const target = await EMPTY_POSTGRES(url);
    const report = await copySqliteToPostgres(file, target);
    await target.close();
    assert.equal(report.auditRecords, 25);
    assert.ok(
      report.tables.some((t) => t.table === 'audit_log' && t.rows === 25),
      JSON.stringify(report.tables),
    );

    const moved = await openKeywardStore({ engine: 'postgres', url, tls: false });
    try {
      assert.equal(await auditCount(moved), 25);
      const audit = new ChainedAuditLog(moved.audit, systemClock);
      assert.equal((await audit.verify()).ok, true);
      await moved.db.atomic(() => audit.append({ actor: { objectId: 'u1' }, action: 'after.move', target: 'x', outcome: 'info' }));
      assert.equal((await audit.verify()).ok, true, 'the chain goes on from the copied head');
      assert.equal(await moved.cluster.lastSeq(), 3);
      await moved.db.atomic(() => moved.cluster.append('approval.change', 'req-9', '{}', new Date().toISOString()));
      assert.equal(await moved.cluster.lastSeq(), 4, 'serial columns continue after the copied rows');
      assert.deepEqual((await moved.kv.get('bot', 'conv/1'))?.value, { topic: 'hello' });
    } finally {
      await moved.close();
    }
  });

  it('when the target already holds data, then the copy is refused and nothing changes', async () => {
    const file = await sqliteWithState(dir, 3);
    const url = await newTestDatabase();
    const first = await EMPTY_POSTGRES(url);
    await copySqliteToPostgres(file, first);
    await first.close();
    const again = await EMPTY_POSTGRES(url);
    try {
      await assert.rejects(copySqliteToPostgres(file, again), /not empty/);
    } finally {
      await again.close();
    }
    const store = await openKeywardStore({ engine: 'postgres', url, tls: false });
    assert.equal(await auditCount(store), 3);
    await store.close();
  });

  it('when the copy fails half-way, then the target is left empty (one transaction)', async () => {
    const file = await sqliteWithState(dir, 5);
    const url = await newTestDatabase();
    const target = await EMPTY_POSTGRES(url);
    try {
      await assert.rejects(
        copySqliteToPostgres(file, target, {
          afterTable: (table) => {
            if (table === 'approval_requests') throw new Error('disk full');
          },
        }),
        /disk full/,
      );
      const store = keywardStoreOver(target);
      assert.equal(await auditCount(store), 0);
      assert.equal(await store.cluster.lastSeq(), 0);
    } finally {
      await target.close();
    }
  });

  it('when the source chain is broken, then nothing is copied and the message says where', async () => {
    const file = await sqliteWithState(dir, 5);
    const BetterSqlite3 = (await import('better-sqlite3')).default;
    const raw = new BetterSqlite3(file);
    raw.prepare("UPDATE audit_log SET target = 'thing/tampered' WHERE sequence = 3").run();
    raw.close();
    const url = await newTestDatabase();
    const target = await EMPTY_POSTGRES(url);
    try {
      await assert.rejects(copySqliteToPostgres(file, target), /broken at record 3/);
      const tables = await target.all<{ name: string }>(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'audit_log'",
      );
      assert.equal(tables.length, 0, 'not even the schema was made');
    } finally {
      await target.close();
    }
  });

  it('when run from the command line, then it reports rows and the chain head, and a second run is refused with exit code 1', async () => {
    const file = await sqliteWithState(dir, 4);
    const url = await newTestDatabase();
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env: { KEYWARD_LOG_LEVEL: 'error' } };
    assert.equal(await runStoreCli(['copy', '--from', file, '--to', url], io), 0, err.join(''));
    assert.match(out.join(''), /Audit chain intact before and after: 4 record\(s\), head 4:[0-9a-f]{64}/);
    assert.ok(!out.join('').includes(new URL(url).password), 'the password is never printed');
    assert.equal(await runStoreCli(['copy', '--from', file, '--to', url], io), 1);
    assert.match(err.join(''), /Nothing was copied: .*not empty/);
    assert.equal(await runStoreCli(['copy', '--from', file], io), 2);
  });
});
