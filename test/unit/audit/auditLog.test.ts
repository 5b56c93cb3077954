import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAppError, ManualClock, TOKEN_PATTERN } from '../../../src/core';
import { ChainedAuditLog, type AuditStore } from '../../../src/audit';
import { openSqliteDatabase, type SqliteDatabase } from '../../../src/store/sqliteDatabase';
import { auditMigrations, SqlAuditStore } from '../../../src/store/sqlAuditStore';
import { collect } from '../../helpers/collect';

async function freshLog(file = ':memory:'): Promise<{ db: SqliteDatabase; log: ChainedAuditLog; store: SqlAuditStore }> {
  const db = await openSqliteDatabase({ file, migrations: auditMigrations });
  const store = new SqlAuditStore(db);
  return { db, store, log: new ChainedAuditLog(store, new ManualClock(Date.UTC(2026, 0, 1))) };
}

async function appendSome(log: ChainedAuditLog, count: number): Promise<void> {
  for (let i = 1; i <= count; i += 1)
    await log.append({
      actor: { objectId: `a1b2c3d4-0000-4000-8000-00000000000${i % 6}`, name: `P${i}` },
      action: 'approval.vote.recorded',
      target: `vault-${i}`,
      requestId: 'r',
      planHash: 'a'.repeat(64),
      outcome: 'success',
      reason: `because ${i}`,
      details: { i },
    });
}

describe('audit log in SQLite', () => {
  it('when events are appended, then they form a chain that verifies, with sequence, time and prevHash', async () => {
    const { log, db } = await freshLog();
    await appendSome(log, 5);
    const records = await collect(log.records());
    assert.deepEqual(
      records.map((r) => r.sequence),
      [1, 2, 3, 4, 5],
    );
    assert.equal(records[2]!.prevHash, records[1]!.hash);
    assert.equal(records[0]!.time, '2026-01-01T00:00:00.000Z');
    assert.equal(records[0]!.requestId, 'r');
    const result = await log.verify();
    assert.equal(result.ok, true);
    assert.equal(result.records, 5);
    await db.close();
  });

  const sqlTampering: Array<{ title: string; sql: string[]; sequence: number; problem: string }> = [
    { title: 'a reason is edited with SQL', sql: ["UPDATE audit_log SET reason = 'nothing to see' WHERE sequence = 3"], sequence: 3, problem: 'hashMismatch' },
    { title: 'an actor is replaced with SQL', sql: ["UPDATE audit_log SET actor_object_id = 'someone-else' WHERE sequence = 2"], sequence: 2, problem: 'hashMismatch' },
    { title: 'a record is deleted', sql: ['DELETE FROM audit_log WHERE sequence = 3'], sequence: 3, problem: 'sequenceGap' },
    {
      title: 'a record is inserted in the middle (later ones renumbered)',
      sql: [
        'UPDATE audit_log SET sequence = -sequence WHERE sequence >= 3',
        'UPDATE audit_log SET sequence = -sequence + 1 WHERE sequence < 0',
        "INSERT INTO audit_log SELECT 3, time, 'intruder', actor_name, actor_tenant_id, action, target, request_id, plan_hash, outcome, reason, details, hash, hash FROM audit_log WHERE sequence = 2",
      ],
      sequence: 3,
      problem: 'hashMismatch',
    },
    {
      title: 'two records exchange places',
      sql: [
        'UPDATE audit_log SET sequence = 100 WHERE sequence = 2',
        'UPDATE audit_log SET sequence = 2 WHERE sequence = 3',
        'UPDATE audit_log SET sequence = 3 WHERE sequence = 100',
      ],
      sequence: 2,
      problem: 'brokenLink',
    },
    { title: 'the tail is cut off', sql: ['DELETE FROM audit_log WHERE sequence >= 4'], sequence: 4, problem: 'truncated' },
  ];
  for (const tamper of sqlTampering) {
    it(`when ${tamper.title}, then verify names record ${tamper.sequence} (${tamper.problem})`, async () => {
      const { log, db } = await freshLog();
      await appendSome(log, 5);
      for (const statement of tamper.sql) db.raw.exec(statement);
      const result = await log.verify();
      assert.equal(result.ok, false);
      assert.equal(result.firstBad?.problem, tamper.problem, result.firstBad?.message);
      assert.equal(result.firstBad?.sequence, tamper.sequence, result.firstBad?.message);
      await db.close();
    });
  }

  it('when the tail was cut and Keyward appends again, then the append is refused (fail closed) instead of hiding the cut', async () => {
    const { log, db } = await freshLog();
    await appendSome(log, 5);
    db.raw.exec('DELETE FROM audit_log WHERE sequence >= 4');
    await assert.rejects(
      async () => await log.append({ actor: { objectId: 'x' }, action: 'execution.started', target: 't', outcome: 'success' }),
      (error: unknown) => isAppError(error, 'AuditWriteFailed') && /head/.test(error.message),
    );
    assert.equal((await collect(log.records())).length, 3);
    await db.close();
  });

  it('when the tail was cut, the head row moved back, and records appended, then only an anchor kept elsewhere catches it', async () => {
    const { log, db, store } = await freshLog();
    await appendSome(log, 5);
    const anchor = (await store.storedHead())!;
    db.raw.exec('DELETE FROM audit_log WHERE sequence >= 4');
    db.raw.exec('UPDATE audit_head SET sequence = 3, hash = (SELECT hash FROM audit_log WHERE sequence = 3)');
    await appendSome(log, 2);
    assert.equal((await log.verify()).ok, true, 'the chain alone cannot tell');
    const anchored = await log.verify({ anchors: [anchor] });
    assert.equal(anchored.ok, false);
    assert.equal(anchored.firstBad?.problem, 'anchorMismatch');
    assert.equal(anchored.firstBad?.sequence, 5);
    await db.close();
  });

  it('when the store cannot be written, then append throws AuditWriteFailed (the caller must not act)', async () => {
    const broken: AuditStore = {
      appendWith: async () => {
        throw new Error('SQLITE_FULL: database or disk is full');
      },
      storedHead: async () => undefined,
      records: async function* () {},
    };
    const log = new ChainedAuditLog(broken);
    await assert.rejects(
      async () => await log.append({ actor: { objectId: 'x' }, action: 'execution.started', target: 't', outcome: 'success' }),
      (error: unknown) => isAppError(error, 'AuditWriteFailed') && error.details.cause === 'SQLITE_FULL: database or disk is full',
    );
  });

  it('when a caller passes tokens, secrets or key material, then none of it reaches the log', async () => {
    const { log, db } = await freshLog();
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJrZXl3YXJkLXdyaXRlciJ9.c2lnbmF0dXJlc2lnbmF0dXJl';
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAtest\n-----END RSA PRIVATE KEY-----';
    await log.append({
      actor: { objectId: 'x', name: 'X' },
      action: 'execution.step.failed',
      target: `https://vault-a.vault.azure.net/keys/k?token=${jwt}`,
      outcome: 'failure',
      reason: `Azure said 401 for Bearer ${jwt}`,
      details: {
        headers: { Authorization: `Bearer ${jwt}`, 'x-ms-client-request-id': 'req-1' },
        accessToken: jwt,
        clientSecret: 'hunter2',
        jwk: { kty: 'RSA', n: 'AQAB', d: 'private-exponent', p: 'p1', q: 'q1', dp: 'x', dq: 'y', qi: 'z' },
        key_material: 'raw',
        securityDomainValue: 'shares',
        note: `pem follows ${pem}`,
        blob: 'A'.repeat(300),
      },
    });
    const stored = (await collect(log.records()))[0]!;
    const text = JSON.stringify(stored);
    assert.doesNotMatch(text, TOKEN_PATTERN);
    for (const secret of ['hunter2', 'private-exponent', 'BEGIN RSA PRIVATE KEY', 'shares', 'A'.repeat(200)]) assert.ok(!text.includes(secret), `${secret.slice(0, 20)} leaked`);
    assert.equal((stored.details.jwk as Record<string, unknown>).n, 'AQAB', 'public parts stay');
    assert.equal((stored.details.headers as Record<string, unknown>)['x-ms-client-request-id'], 'req-1', 'the correlation id stays');
    assert.equal((await log.verify()).ok, true, 'the scrubbed record is what was hashed');
    await db.close();
  });

  it('when details are huge, then the record keeps a note of the size instead', async () => {
    const { log, db } = await freshLog();
    await log.append({ actor: { objectId: 'x' }, action: 'a', target: 't', outcome: 'info', details: { list: Array.from({ length: 5000 }, (_, i) => `item ${i}`) } });
    assert.equal((await collect(log.records()))[0]!.details.truncated, true);
    await db.close();
  });

  it('when three processes append to one SQLite file at the same time, then every record is chained exactly once', async function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-audit-'));
    const file = path.join(dir, 'keyward.sqlite');
    await (await freshLog(file)).db.close();
    const startAt = Date.now() + 2500;
    const run = (name: string) =>
      new Promise<number>((resolve) => {
        const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(__dirname, 'fixtures', 'appendMany.ts'), file, name, '40', String(startAt)], {
          stdio: 'inherit',
        });
        child.on('exit', (code) => resolve(code ?? 1));
      });
    const codes = await Promise.all([run('p1'), run('p2'), run('p3')]);
    assert.deepEqual(codes, [0, 0, 0]);
    const { log, db } = await freshLog(file);
    const result = await log.verify();
    assert.equal(result.ok, true, result.firstBad?.message);
    assert.equal(result.records, 120);
    const byWriter = new Map<string, number>();
    for await (const record of log.records()) byWriter.set(record.actor.objectId, (byWriter.get(record.actor.objectId) ?? 0) + 1);
    assert.deepEqual([...byWriter.entries()].sort(), [
      ['p1', 40],
      ['p2', 40],
      ['p3', 40],
    ]);
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
