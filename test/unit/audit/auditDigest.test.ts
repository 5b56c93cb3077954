import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canonicalJson, ed25519Signer, ManualClock, sha256Hex } from '../../../src/core';
import { AuditDigester, chainRecord, nextDigest, verifyAuditChain, verifyAuditStream, verifyDigestChain, type AuditDigest, type AuditRecord } from '../../../src/audit';
import { openSqliteDatabase } from '../../../src/store/sqliteDatabase';
import { AuditDigestDirectory, loadOrCreateDigestKey, publicKeyFileFor } from '../../../src/store/auditDigestFiles';
import { auditMigrations, SqlAuditStore } from '../../../src/store/sqlAuditStore';
import { ChainedAuditLog } from '../../../src/audit';
import { collect } from '../../helpers/collect';

const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
const signer = ed25519Signer(privateKey);

function chain(reasons: readonly string[]): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (const reason of reasons) {
    const previous = records[records.length - 1];
    records.push(
      chainRecord(
        { actor: { objectId: 'p1' }, action: 'approval.vote.recorded', target: 'approval/r1', outcome: 'success', reason },
        new Date(Date.UTC(2026, 10, 29, 9, records.length)),
        previous && { sequence: previous.sequence, hash: previous.hash },
      ),
    );
  }
  return records;
}

/** Signs an edited digest again with the real key (what an attacker holding the key could do). */
async function resign(digest: AuditDigest): Promise<AuditDigest> {
  const { signature: _old, ...body } = digest;
  return { ...body, signature: (await signer.sign(Buffer.from(canonicalJson(body), 'utf8'))).value };
}

/** Digests after records 2, 4 and 6 of `records`. */
async function digestsOf(records: readonly AuditRecord[]): Promise<AuditDigest[]> {
  const digests: AuditDigest[] = [];
  for (const upTo of [2, 4, 6]) {
    const head = records[upTo - 1]!;
    digests.push((await nextDigest(digests[digests.length - 1], { sequence: head.sequence, hash: head.hash }, new Date(Date.UTC(2026, 10, 29, 10, upTo)), signer))!);
  }
  return digests;
}

describe('signed audit digests', () => {
  const records = chain(['a', 'b', 'c', 'd', 'e', 'f', 'g']);

  it('when digests are made as the log grows, then they chain, verify with the public key and pin the log; nothing new means no digest', async () => {
    const digests = await digestsOf(records);
    assert.deepEqual(
      digests.map((d) => [d.number, d.fromSequence, d.toSequence]),
      [
        [1, 1, 2],
        [2, 3, 4],
        [3, 5, 6],
      ],
    );
    assert.equal(await nextDigest(digests[2], { sequence: 6, hash: records[5]!.hash }, new Date(), signer), undefined);
    const checked = verifyDigestChain(digests, publicKey);
    assert.ok(checked.ok);
    assert.equal(verifyAuditChain(records, { anchors: checked.ok ? checked.anchors : [] }).ok, true);
  });

  it('when the whole log is rewritten with valid hashes, then the chain alone still verifies but the digests catch it at the first pinned record', async () => {
    const rewritten = chain(['a', 'FORGED', 'c', 'd', 'e', 'f', 'g']);
    const digests = await digestsOf(records);
    assert.equal(verifyAuditChain(rewritten).ok, true, 'a hash chain carries no secret: a rewrite verifies on its own');
    const checked = verifyDigestChain(digests, publicKey);
    assert.ok(checked.ok);
    const result = verifyAuditChain(rewritten, { anchors: checked.ok ? checked.anchors : [] });
    assert.equal(result.ok, false);
    assert.deepEqual([result.firstBad?.sequence, result.firstBad?.problem], [2, 'anchorMismatch']);
  });

  const broken: Array<{ title: string; change: (d: AuditDigest[]) => unknown[] | Promise<unknown[]>; number: number; problem: string }> = [
    { title: 'a digest was edited', change: (d) => [d[0], { ...d[1]!, headHash: 'e'.repeat(64) }, d[2]], number: 2, problem: 'digestSignatureInvalid' },
    { title: 'a digest in the middle was deleted', change: (d) => [d[0], d[2]], number: 3, problem: 'digestChainBroken' },
    {
      title: 'two digests claim the same place (a fork signed with the real key)',
      change: async (d) => [d[0], d[1], (await nextDigest(d[0], { sequence: 6, hash: records[5]!.hash }, new Date(), signer))!],
      number: 2,
      problem: 'digestChainBroken',
    },
    {
      title: 'a validly signed digest links to another predecessor',
      change: async (d) => [d[0], d[1], await resign({ ...d[2]!, previousSignatureSha256: sha256Hex(d[0]!.signature) })],
      number: 3,
      problem: 'digestChainBroken',
    },
    {
      title: 'a digest was signed by another key',
      change: async (d) => [
        d[0],
        { ...(await nextDigest(d[0], { sequence: 4, hash: records[3]!.hash }, new Date(), ed25519Signer(crypto.generateKeyPairSync('ed25519').privateKey)))! },
        d[2],
      ],
      number: 2,
      problem: 'digestKeyUnknown',
    },
    { title: 'a file is not a digest', change: (d) => [d[0], { unreadable: 'digest-00000002.json' }, d[2]], number: 0, problem: 'digestMalformed' },
  ];
  for (const b of broken) {
    it(`when ${b.title}, then verification names digest ${b.number} (${b.problem})`, async () => {
      const checked = verifyDigestChain(await b.change(await digestsOf(records)), publicKey);
      assert.equal(checked.ok, false);
      if (checked.ok) return;
      assert.deepEqual([checked.number, checked.problem], [b.number, b.problem], checked.message);
    });
  }
});

describe('audit digester (SQLite store + digest directory + key file)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-digests-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function world() {
    const db = await openSqliteDatabase({ file: path.join(dir, 'keyward.sqlite'), migrations: auditMigrations });
    const store = new SqlAuditStore(db);
    const clock = new ManualClock(Date.UTC(2026, 10, 29, 9));
    const log = new ChainedAuditLog(store, clock);
    const keyFile = path.join(dir, 'audit', 'digest-signing-key.pem');
    const sink = new AuditDigestDirectory(path.join(dir, 'digests'));
    const digester = new AuditDigester({ store, signer: ed25519Signer(loadOrCreateDigestKey(keyFile)), sink, audit: log, clock });
    return { db, store, log, clock, keyFile, sink, digester };
  }

  it('when the first digest is made, then the key is announced in the log, the digest covers it, is written 0600 and verifies with the public key file', async () => {
    const w = await world();
    await w.log.append({ actor: { objectId: 'p1' }, action: 'policy.loaded', target: 'policy.json', outcome: 'info' });
    const first = (await w.digester.digestNow())!;
    assert.deepEqual(
      (await collect(w.log.records())).map((r) => r.action),
      ['policy.loaded', 'audit.digest.key'],
    );
    assert.equal(first.toSequence, 2, 'the key announcement is itself covered');
    assert.equal(await w.digester.digestNow(), undefined, 'nothing new: no digest, no second announcement');
    await w.log.append({ actor: { objectId: 'p1' }, action: 'approval.requested', target: 'approval/r1', outcome: 'success' });
    assert.equal((await w.digester.digestNow())?.number, 2);
    const files = fs.readdirSync(w.sink.dir);
    assert.deepEqual(files, ['digest-00000001.json', 'digest-00000002.json']);
    if (process.platform !== 'win32') {
      assert.equal(fs.statSync(path.join(w.sink.dir, files[0]!)).mode & 0o777, 0o600);
      assert.equal(fs.statSync(w.keyFile).mode & 0o777, 0o600);
    }
    const publicKeyFromFile = crypto.createPublicKey(fs.readFileSync(publicKeyFileFor(w.keyFile)));
    const checked = verifyDigestChain(w.sink.read(), publicKeyFromFile);
    assert.ok(checked.ok);
    assert.equal((await verifyAuditStream(w.log.records(), { anchors: checked.ok ? checked.anchors : [] })).ok, true);
    await w.db.close();
  });

  it('when a digest file could not be written, then the next digest run writes it; a digest file that differs is refused, never overwritten', async () => {
    const w = await world();
    await w.log.append({ actor: { objectId: 'p1' }, action: 'policy.loaded', target: 'policy.json', outcome: 'info' });
    await w.digester.digestNow();
    fs.rmSync(path.join(w.sink.dir, 'digest-00000001.json'));
    await w.log.append({ actor: { objectId: 'p1' }, action: 'approval.requested', target: 'approval/r1', outcome: 'success' });
    await w.digester.digestNow();
    assert.deepEqual(fs.readdirSync(w.sink.dir), ['digest-00000001.json', 'digest-00000002.json']);
    const file = path.join(w.sink.dir, 'digest-00000002.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/"toSequence":\d+/, '"toSequence":1'));
    await w.log.append({ actor: { objectId: 'p1' }, action: 'approval.vote.recorded', target: 'approval/r1', outcome: 'success' });
    await assert.rejects(async () => await w.digester.digestNow(), { code: 'AuditChainBroken' });
    assert.match(fs.readFileSync(file, 'utf8'), /"toSequence":1/, 'the evidence is left as found');
    await w.db.close();
  });

  it('when the key file exists, then it is reused; when it is not an Ed25519 key, then start-up is refused with what to do', () => {
    const keyFile = path.join(dir, 'k.pem');
    const a = ed25519Signer(loadOrCreateDigestKey(keyFile));
    assert.equal(ed25519Signer(loadOrCreateDigestKey(keyFile)).fingerprint, a.fingerprint);
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    fs.writeFileSync(keyFile, rsa);
    assert.throws(
      () => loadOrCreateDigestKey(keyFile),
      (error: Error & { code?: string }) =>
        error.code === 'ConfigInvalid' && /KEYWARD_AUDIT_SIGNING_KEY_FILE/.test(error.message) && /not an Ed25519 private key/.test(error.message),
    );
  });
});
