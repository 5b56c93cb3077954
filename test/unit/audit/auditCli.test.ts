import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import crypto from 'node:crypto';
import { AuditDigester, computeAuditHash, ChainedAuditLog, type AuditRecord } from '../../../src/audit';
import { ed25519Signer, systemClock } from '../../../src/core';
import { AuditDigestDirectory, loadOrCreateDigestKey } from '../../../src/store/auditDigestFiles';
import { runAuditCli } from '../../../src/cli/audit';
import { auditDigestDir } from '../../../src/config/loadConfig';
import { ApprovalService } from '../../../src/approvals';
import { approvalMigrations, SqlApprovalStore } from '../../../src/store/sqlApprovalStore';
import { testSigner } from '../../helpers/testSigner';
import { DatabaseWriter } from '../../helpers/databaseWriter';
import { actor, HASH_1, P, policyWith, submission } from '../approvals/approvalFixtures';
import { openSqliteDatabase } from '../../../src/store/sqliteDatabase';
import { auditMigrations, SqlAuditStore } from '../../../src/store/sqlAuditStore';

const run = promisify(execFile);

async function seedStore(dataDir: string, count: number): Promise<void> {
  const db = await openSqliteDatabase({ file: path.join(dataDir, 'keyward.sqlite'), migrations: auditMigrations });
  const log = new ChainedAuditLog(new SqlAuditStore(db));
  for (let i = 1; i <= count; i += 1)
    await log.append({ actor: { objectId: `p${i}` }, action: 'approval.reminded', target: `t${i}`, requestId: 'r1', outcome: 'success', reason: `r${i}` });
  await db.close();
}

async function tamper(dataDir: string, sql: string): Promise<void> {
  const db = await openSqliteDatabase({ file: path.join(dataDir, 'keyward.sqlite'), migrations: [] });
  db.raw.exec(sql);
  await db.close();
}

/**
 * The public key an operator keeps outside Keyward: the digest key file's public half when the
 * test made one, else the approval test key's (written to a file as the operator would keep it).
 */
function pinnedKeyFile(dataDir: string): string {
  const digestKey = path.join(dataDir, 'audit', 'digest-signing-key.pub.pem');
  if (fs.existsSync(digestKey)) return digestKey;
  const file = path.join(os.tmpdir(), `keyward-pinned-${testSigner().fingerprint.slice(0, 16)}.pub.pem`);
  fs.writeFileSync(file, testSigner().publicKey.export({ type: 'spki', format: 'pem' }));
  return file;
}

/** Runs the CLI; `verify` gets the pinned key unless the test passes its own key or none. */
async function cli(args: string[], dataDir: string, options: { pin?: boolean } = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const pinned = args[0] === 'verify' && (options.pin ?? true) && !args.some((a) => a.startsWith('--public-key') || a.startsWith('--fingerprint'));
  const code = await runAuditCli(pinned ? [...args, '--public-key', pinnedKeyFile(dataDir)] : args, {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env: { KEYWARD_DATA_DIR: dataDir },
  });
  return { code, out, err };
}

/** A real request signed and voted on by the approvals engine, in the store of `dataDir` (key announced first, as at start). */
async function signedApproval(dataDir: string): Promise<string> {
  const db = await openSqliteDatabase({ file: path.join(dataDir, 'keyward.sqlite'), migrations: [...auditMigrations, ...approvalMigrations] });
  const audit = new ChainedAuditLog(new SqlAuditStore(db));
  const signer = testSigner();
  await db.atomic(() =>
    audit.append({
      actor: { objectId: 'system:keyward' },
      action: 'audit.signing.key',
      target: 'audit/signing-key',
      outcome: 'info',
      details: { keyFingerprint: signer.fingerprint, algorithm: signer.algorithm, publicKey: signer.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') },
    }),
  );
  const service = new ApprovalService({ signer, store: new SqlApprovalStore(db), audit, atomic: db.atomic, policy: policyWith(), clock: systemClock });
  const request = await service.submit(submission());
  await service.vote({ requestId: request.id, voter: actor(P.approverAlex), decision: 'reject', reason: 'not this week', planHash: HASH_1 });
  await db.close();
  return request.id;
}

describe('npm run audit (verify / export)', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-audit-cli-'));
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(auditDigestDir(dataDir), { recursive: true, force: true });
  });

  it('when verify is run without a pinned key (fingerprint or public key), then it refuses to vouch for the log (exit 2) and says how to pin one', async () => {
    await seedStore(dataDir, 2);
    const result = await cli(['verify'], dataDir, { pin: false });
    assert.equal(result.code, 2);
    assert.match(result.err, /verify needs the signing key you trust: pass --fingerprint <sha256 hex>.*or --public-key <pem>/);
    const unknown = await cli(['verify', '--fingerprint', 'ab'.repeat(32)], dataDir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /No public key with the fingerprint abab/);
  });

  it('when someone who can write the store rewrites a signed vote and recomputes the chain, then verify with the pinned key names that record (signatureInvalid); dropping the signature is caught too', async () => {
    const requestId = await signedApproval(dataDir);
    assert.equal((await cli(['verify'], dataDir)).code, 0, 'the untouched log verifies');
    const writer = await DatabaseWriter.open(path.join(dataDir, 'keyward.sqlite'));
    const vote = (await writer.auditRecords()).find((r) => r.action === 'approval.vote.recorded' && r.requestId === requestId)!;
    await writer.rewriteAuditTail(vote.sequence, (r) => (r.sequence === vote.sequence ? { ...r, details: { ...r.details, decision: 'approve' } } : r));
    await writer.close();
    assert.equal((await cli(['verify'], dataDir, { pin: false })).code, 2);
    const forged = await cli(['verify'], dataDir);
    assert.equal(forged.code, 1);
    assert.match(forged.out, new RegExp(`BROKEN at record ${vote.sequence} \\(signatureInvalid\\): .*another decision than the signed vote`));
    const stripper = await DatabaseWriter.open(path.join(dataDir, 'keyward.sqlite'));
    await stripper.rewriteAuditTail(vote.sequence, (r) => {
      if (r.sequence !== vote.sequence) return r;
      const { signed: _signed, ...details } = r.details;
      return { ...r, details };
    });
    await stripper.close();
    assert.match((await cli(['verify'], dataDir)).out, new RegExp(`BROKEN at record ${vote.sequence} \\(signatureMissing\\)`));
  });

  it('when the log is intact, then verify exits 0 and prints the head to keep as an anchor', async () => {
    await seedStore(dataDir, 4);
    const result = await cli(['verify'], dataDir);
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /Audit log intact: 4 record\(s\)/);
    assert.match(result.out, /Head: 4:[0-9a-f]{64}/);
  });

  const broken: Array<{ title: string; sql: string; expect: RegExp }> = [
    { title: 'a record was modified', sql: "UPDATE audit_log SET reason = 'forged' WHERE sequence = 2", expect: /BROKEN at record 2 \(hashMismatch\)/ },
    { title: 'a record was deleted', sql: 'DELETE FROM audit_log WHERE sequence = 3', expect: /BROKEN at record 3 \(sequenceGap\)/ },
    {
      title: 'a record was inserted',
      sql: "INSERT INTO audit_log SELECT 5, time, 'intruder', actor_name, actor_tenant_id, action, target, request_id, plan_hash, outcome, reason, details, hash, hash FROM audit_log WHERE sequence = 4",
      expect: /BROKEN at record 5 \(hashMismatch\)/,
    },
    {
      title: 'two records were reordered',
      sql: 'UPDATE audit_log SET sequence = 100 WHERE sequence = 1; UPDATE audit_log SET sequence = 1 WHERE sequence = 2; UPDATE audit_log SET sequence = 2 WHERE sequence = 100',
      expect: /BROKEN at record 1 \(brokenLink\)/,
    },
    { title: 'the tail was cut', sql: 'DELETE FROM audit_log WHERE sequence = 4', expect: /BROKEN at record 4 \(truncated\)/ },
  ];
  for (const b of broken) {
    it(`when ${b.title}, then verify exits 1 and names the first bad record`, async () => {
      await seedStore(dataDir, 4);
      await tamper(dataDir, b.sql);
      const result = await cli(['verify'], dataDir);
      assert.equal(result.code, 1);
      assert.match(result.out, b.expect);
    });
  }

  it('when an anchor from an earlier run no longer matches, then verify exits 1', async () => {
    await seedStore(dataDir, 3);
    const anchor = /Head: (\S+)/.exec((await cli(['verify'], dataDir)).out)![1]!;
    assert.equal((await cli(['verify', '--anchor', anchor], dataDir)).code, 0);
    await tamper(dataDir, "UPDATE audit_log SET hash = '" + 'e'.repeat(64) + "' WHERE sequence = 3; UPDATE audit_head SET hash = '" + 'e'.repeat(64) + "'");
    const result = await cli(['verify', `--anchor=${anchor}`], dataDir);
    assert.equal(result.code, 1);
  });

  it('when exported, then every line is canonical JSON whose hash anyone can recompute, to stdout or a file', async () => {
    await seedStore(dataDir, 3);
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
    await seedStore(dataDir, 1);
    assert.equal((await cli(['frobnicate'], dataDir)).code, 2);
    assert.match((await cli(['verify', '--anchor', 'nope'], dataDir)).err, /--anchor needs/);
    assert.equal((await cli([], dataDir)).code, 2);
  });

  it('when run as "npm run audit -- verify", then the script reads KEYWARD_DATA_DIR and reports', async function () {
    this.timeout(60_000);
    await seedStore(dataDir, 2);
    const { stdout } = await run('npm', ['run', '-s', 'audit', '--', 'verify', '--public-key', pinnedKeyFile(dataDir)], {
      cwd: path.resolve(__dirname, '../../..'),
      env: { ...process.env, KEYWARD_DATA_DIR: dataDir },
    });
    assert.match(stdout, /Audit log intact: 2 record\(s\)/);
  });

  describe('with signed digests', () => {
    /** The bot's digester over the same store: key in <data>/audit, digests beside the data directory. */
    async function digest(): Promise<void> {
      const db = await openSqliteDatabase({ file: path.join(dataDir, 'keyward.sqlite'), migrations: auditMigrations });
      const store = new SqlAuditStore(db);
      const signer = ed25519Signer(loadOrCreateDigestKey(path.join(dataDir, 'audit', 'digest-signing-key.pem')));
      await new AuditDigester({ store, signer, sink: new AuditDigestDirectory(auditDigestDir(dataDir)), audit: new ChainedAuditLog(store), clock: systemClock }).digestNow();
      await db.close();
    }

    /** Someone with write access to the store rebuilds the whole log with valid hashes. */
    async function rewriteLog(): Promise<void> {
      await tamper(dataDir, 'DELETE FROM audit_log; DELETE FROM audit_head;');
      const db = await openSqliteDatabase({ file: path.join(dataDir, 'keyward.sqlite'), migrations: auditMigrations });
      const log = new ChainedAuditLog(new SqlAuditStore(db));
      for (let i = 1; i <= 6; i += 1)
        await log.append({ actor: { objectId: `p${i}` }, action: 'approval.reminded', target: `t${i}`, requestId: 'r1', outcome: 'success', reason: i === 2 ? 'forged' : `r${i}` });
      await db.close();
    }

    it('when the log and its digests agree, then verify says how many digests pinned it and prints the key fingerprint to compare', async () => {
      await seedStore(dataDir, 2);
      await digest();
      await seedStore(dataDir, 2);
      await digest();
      const result = await cli(['verify'], dataDir);
      assert.equal(result.code, 0, result.err + result.out);
      assert.match(result.out, /Signed digests: 2 verified \(#1–#2 in .*audit-digests\); the last, made .*, pins records up to 5\./);
      assert.match(result.out, /Signing key fingerprint \(SHA-256\): [0-9a-f]{64}\. It is one you pinned\./);
    });

    it('when the whole log was rewritten with valid hashes, then the chain alone passes but verify with the digests exits 1 at the first pinned record', async () => {
      await seedStore(dataDir, 3);
      await digest();
      await rewriteLog();
      assert.equal((await cli(['verify', '--no-digests'], dataDir)).code, 0, 'a hash chain alone cannot see a full rewrite');
      const result = await cli(['verify'], dataDir);
      assert.equal(result.code, 1);
      assert.match(result.out, /BROKEN at record 4 \(anchorMismatch\).*a signed digest pinned this record/);
    });

    it('when a digest file was edited or removed, or the public key is missing, then verify says so (exit 1, or 2 when it cannot check)', async () => {
      await seedStore(dataDir, 1);
      await digest();
      await seedStore(dataDir, 1);
      await digest();
      await seedStore(dataDir, 1);
      await digest();
      const dir = auditDigestDir(dataDir);
      const second = path.join(dir, 'digest-00000002.json');
      const original = fs.readFileSync(second, 'utf8');
      fs.writeFileSync(second, original.replace(/"createdAt":"[^"]+"/, '"createdAt":"2020-01-01T00:00:00.000Z"'));
      assert.match((await cli(['verify'], dataDir)).out, /digests BROKEN at digest 2 \(digestSignatureInvalid\)/);
      fs.rmSync(second);
      const removed = await cli(['verify'], dataDir);
      assert.equal(removed.code, 1);
      assert.match(removed.out, /digests BROKEN at digest 3 \(digestChainBroken\): .*digest 2 is missing/);
      fs.writeFileSync(second, original);
      assert.equal((await cli(['verify'], dataDir)).code, 0);
      const noKey = await cli(['verify', '--public-key', path.join(dataDir, 'missing.pub.pem')], dataDir);
      assert.equal(noKey.code, 2);
      assert.match(noKey.err, /Cannot read the public key .*--public-key/);
      const otherKey = path.join(dataDir, 'other.pub.pem');
      fs.writeFileSync(otherKey, crypto.generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
      assert.match((await cli(['verify', '--public-key', otherKey], dataDir)).out, /digestKeyUnknown/);
    });
  });
});
