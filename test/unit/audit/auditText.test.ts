import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAppError, ManualClock } from '../../../src/core';
import { ChainedAuditLog, chainRecord, computeAuditHash, GENESIS_HASH, type AuditRecord } from '../../../src/audit';
import { openSqliteDatabase } from '../../../src/store/sqliteDatabase';
import { auditMigrations, SqlAuditStore } from '../../../src/store/sqlAuditStore';
import { openSqliteAuditReader } from '../../../src/store/auditReader';
import { collect } from '../../helpers/collect';

/** Strings a caller can hand the audit log that UTF-8 storage does not keep as they are. */
const ODD = ['\ud800', 'x\udc00y', '😀'.slice(0, 1), '😀'.slice(1), 'nul\u0000inside', '👩‍👩‍👧 family', 'e\u0301', '\ufffd already'];

describe('audit text is stored exactly as it was hashed (issue 12, item 1)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-audit-text-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when every field of an event holds lone surrogates, NUL or emoji, then the file-backed log verifies after reopening and every stored string is well-formed', async () => {
    const file = path.join(dir, 'keyward.sqlite');
    const db = await openSqliteDatabase({ file, migrations: auditMigrations });
    const log = new ChainedAuditLog(new SqlAuditStore(db), new ManualClock(Date.UTC(2026, 0, 1)));
    for (const odd of ODD) {
      await log.append({
        actor: { objectId: `id${odd}`, name: `name ${odd}`, tenantId: `tenant${odd}` },
        action: `test.${odd}`,
        target: `target/${odd}`,
        requestId: `request${odd}`,
        planHash: `hash${odd}`,
        outcome: 'info',
        reason: `reason ${odd}`,
        details: { [`key${odd}`]: odd, list: [odd, { deep: odd }], when: new Date(Date.UTC(2026, 0, 2)) },
      });
    }
    assert.equal((await log.verify()).ok, true, JSON.stringify((await log.verify()).firstBad));
    await db.close();

    const reader = await openSqliteAuditReader(file);
    try {
      const records = await collect(reader.store.records());
      assert.equal(records.length, ODD.length);
      for (const record of records) {
        assert.equal(computeAuditHash(record), record.hash, `record ${record.sequence} read back matches its hash`);
        assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\u0000/.test(JSON.stringify(record)), `record ${record.sequence} is well-formed`);
      }
      assert.equal(records[5]!.reason, 'reason 👩‍👩‍👧 family', 'well-formed text is kept as it was');
      assert.equal(records[4]!.reason, 'reason nul\ufffdinside');
    } finally {
      await reader.close();
    }
  });

  it('when free text is longer than the audit cap, then it is cut between characters, never through an emoji', async () => {
    const db = await openSqliteDatabase({ file: ':memory:', migrations: auditMigrations });
    const log = new ChainedAuditLog(new SqlAuditStore(db), new ManualClock());
    const reason = `${'ab '.repeat(666)}a${'👩‍👩‍👧'.repeat(3)}`; // 1999 units of words, then a joined emoji
    const record = await log.append({ actor: { objectId: 'o' }, action: 'test.long', target: 't', outcome: 'info', reason });
    assert.equal(record.reason, `${'ab '.repeat(666)}a…`);
    assert.equal((await log.verify()).ok, true);
    await db.close();
  });

  it('when a store is handed a record whose hash covers text it cannot store, then it refuses and stores nothing (the chain never holds a record that cannot verify)', async () => {
    const db = await openSqliteDatabase({ file: ':memory:', migrations: auditMigrations });
    const store = new SqlAuditStore(db);
    const bad = (): AuditRecord => {
      const body = { ...chainRecord({ actor: { objectId: 'o' }, action: 'test.raw', target: 't', outcome: 'info' }, new Date(0), undefined), reason: 'cut \ud83d' };
      const { hash: _ignored, ...rest } = body;
      return { ...rest, hash: computeAuditHash(rest), prevHash: GENESIS_HASH };
    };
    await assert.rejects(store.appendWith(bad), (error: unknown) => isAppError(error, 'AuditWriteFailed'));
    assert.equal((await collect(store.records())).length, 0);
    assert.equal(await store.storedHead(), undefined);
    await db.close();
  });
});
