import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { computeAuditHash, ChainedAuditLog, type AuditRecord } from '../../../src/audit';
import { runAuditCli } from '../../../src/cli/audit';
import { openDatabase } from '../../../src/store/database';
import { auditMigrations, SqliteAuditStore } from '../../../src/store/sqliteAuditStore';

const run = promisify(execFile);

function seedStore(dataDir: string, count: number): void {
  const db = openDatabase({ file: path.join(dataDir, 'keyward.sqlite'), migrations: auditMigrations });
  const log = new ChainedAuditLog(new SqliteAuditStore(db));
  for (let i = 1; i <= count; i += 1) log.append({ actor: { objectId: `p${i}` }, action: 'approval.vote.recorded', target: `t${i}`, requestId: 'r1', outcome: 'success', reason: `r${i}` });
  db.close();
}

function tamper(dataDir: string, sql: string): void {
  const db = openDatabase({ file: path.join(dataDir, 'keyward.sqlite'), migrations: [] });
  db.exec(sql);
  db.close();
}

async function cli(args: string[], dataDir: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runAuditCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { KEYWARD_DATA_DIR: dataDir } });
  return { code, out, err };
}

describe('npm run audit (verify / export)', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-audit-cli-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('when the log is intact, then verify exits 0 and prints the head to keep as an anchor', async () => {
    seedStore(dataDir, 4);
    const result = await cli(['verify'], dataDir);
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /Audit log intact: 4 record\(s\)/);
    assert.match(result.out, /Head: 4:[0-9a-f]{64}/);
  });

  const broken: Array<{ title: string; sql: string; expect: RegExp }> = [
    { title: 'a record was modified', sql: "UPDATE audit_log SET reason = 'forged' WHERE sequence = 2", expect: /BROKEN at record 2 \(hashMismatch\)/ },
    { title: 'a record was deleted', sql: 'DELETE FROM audit_log WHERE sequence = 3', expect: /BROKEN at record 3 \(sequenceGap\)/ },
    { title: 'a record was inserted', sql: "INSERT INTO audit_log SELECT 5, time, 'intruder', actor_name, actor_tenant_id, action, target, request_id, plan_hash, outcome, reason, details, hash, hash FROM audit_log WHERE sequence = 4", expect: /BROKEN at record 5 \(hashMismatch\)/ },
    { title: 'two records were reordered', sql: 'UPDATE audit_log SET sequence = 100 WHERE sequence = 1; UPDATE audit_log SET sequence = 1 WHERE sequence = 2; UPDATE audit_log SET sequence = 2 WHERE sequence = 100', expect: /BROKEN at record 1 \(brokenLink\)/ },
    { title: 'the tail was cut', sql: 'DELETE FROM audit_log WHERE sequence = 4', expect: /BROKEN at record 4 \(truncated\)/ },
  ];
  for (const b of broken) {
    it(`when ${b.title}, then verify exits 1 and names the first bad record`, async () => {
      seedStore(dataDir, 4);
      tamper(dataDir, b.sql);
      const result = await cli(['verify'], dataDir);
      assert.equal(result.code, 1);
      assert.match(result.out, b.expect);
    });
  }

  it('when an anchor from an earlier run no longer matches, then verify exits 1', async () => {
    seedStore(dataDir, 3);
    const anchor = /Head: (\S+)/.exec((await cli(['verify'], dataDir)).out)![1]!;
    assert.equal((await cli(['verify', '--anchor', anchor], dataDir)).code, 0);
    tamper(dataDir, "UPDATE audit_log SET hash = '" + 'e'.repeat(64) + "' WHERE sequence = 3; UPDATE audit_head SET hash = '" + 'e'.repeat(64) + "'");
    const result = await cli(['verify', `--anchor=${anchor}`], dataDir);
    assert.equal(result.code, 1);
  });

  it('when exported, then every line is canonical JSON whose hash anyone can recompute, to stdout or a file', async () => {
    seedStore(dataDir, 3);
    const stdout = await cli(['export'], dataDir);
    const lines = stdout.out.trim().split('\n');
    assert.equal(lines.length, 3);
    for (const line of lines) {
      const record = JSON.parse(line) as AuditRecord;
      assert.equal(computeAuditHash(record), record.hash);
    }
    const file = path.join(dataDir, 'audit.jsonl');
    const toFile = await cli(['export', '--out', file, '--from', '2'], dataDir);
    assert.equal(toFile.code, 0);
    assert.match(toFile.err, /Exported 2 audit record\(s\)/);
    assert.equal(fs.readFileSync(file, 'utf8').trim().split('\n').length, 2);
  });

  it('when there is no store or the arguments are wrong, then it exits 2 with a clear message', async () => {
    const missing = await cli(['verify'], path.join(dataDir, 'nowhere'));
    assert.equal(missing.code, 2);
    assert.match(missing.err, /No Keyward store/);
    seedStore(dataDir, 1);
    assert.equal((await cli(['frobnicate'], dataDir)).code, 2);
    assert.match((await cli(['verify', '--anchor', 'nope'], dataDir)).err, /--anchor needs/);
    assert.equal((await cli([], dataDir)).code, 2);
  });

  it('when run as "npm run audit -- verify", then the script reads KEYWARD_DATA_DIR and reports', async function () {
    this.timeout(60_000);
    seedStore(dataDir, 2);
    const { stdout } = await run('npm', ['run', '-s', 'audit', '--', 'verify'], { cwd: path.resolve(__dirname, '../../..'), env: { ...process.env, KEYWARD_DATA_DIR: dataDir } });
    assert.match(stdout, /Audit log intact: 2 record\(s\)/);
  });
});
