import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runAuditCli } from '../../src/cli/audit';
import { auditDigestDir } from '../../src/config/loadConfig';
import { startHarness, type Harness } from '../helpers/keywardHarness';
import { newTestDatabase } from '../helpers/postgresServer';
import { openKeywardStore } from '../../src/app/keywardStore';

/** `npm run audit -- verify --fingerprint <the one the operator kept>`. */
async function verify(dataDir: string, fingerprint: string): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runAuditCli(['verify', '--fingerprint', fingerprint], { stdout: (t) => (out += t), stderr: (t) => (out += t), env: { KEYWARD_DATA_DIR: dataDir } });
  return { code, out };
}

/** The running bot signs audit digests by itself: at start (covering what came before) and at stop. */
describe('audit digests signed by the running Keyward', function () {
  this.timeout(60_000);

  it('when Keyward starts and restarts, then each start is sealed by a signed digest, the key fingerprint is logged, and "audit verify" checks the log against them', async () => {
    const harness = await startHarness();
    try {
      const digestDir = auditDigestDir(harness.dataDir);
      assert.ok(!digestDir.startsWith(`${harness.dataDir}${path.sep}`), 'the digests are kept outside the data directory');
      assert.deepEqual(fs.readdirSync(digestDir), ['digest-00000001.json']);
      const announced = harness.logs.find((line) => /votes, decisions and audit digests are signed with this key/.test(line.message));
      assert.match(String(announced?.fields.keyFingerprint), /^[0-9a-f]{64}$/);
      assert.equal(announced?.fields.algorithm, 'Ed25519');
      await harness.restart();
      assert.deepEqual(fs.readdirSync(digestDir), ['digest-00000001.json', 'digest-00000002.json'], 'the restart logged policy.loaded, so a new digest covers it');
      const result = await verify(harness.dataDir, String(announced?.fields.keyFingerprint));
      assert.equal(result.code, 0, result.out);
      assert.match(result.out, /Signed digests: 2 verified/);
      assert.ok(JSON.stringify(harness.logs).indexOf('PRIVATE KEY') === -1, 'the signing key never reaches the log');
    } finally {
      await harness.close();
    }
  });

  it('when digests are turned off (KEYWARD_AUDIT_DIGEST_MINUTES=0), then no digest is made (the key still signs votes and decisions)', async () => {
    const harness = await startHarness({ KEYWARD_AUDIT_DIGEST_MINUTES: '0' });
    try {
      assert.equal(fs.existsSync(auditDigestDir(harness.dataDir)), false);
      assert.equal(fs.existsSync(path.join(harness.dataDir, 'audit', 'digest-signing-key.pem')), true);
    } finally {
      await harness.close();
    }
  });
  it("when two instances share one PostgreSQL store, then only the cluster's leader signs digests, at its start and at its stop; the other signs none", async () => {
    const url = await newTestDatabase();
    const env = { KEYWARD_STORE: 'postgres', KEYWARD_POSTGRES_URL: url };
    const leader = await startHarness(env);
    const follower = await startHarness(env);
    const fingerprintOf = (h: Harness) => String(h.logs.find((line) => /votes, decisions and audit digests are signed with this key/.test(line.message))?.fields.keyFingerprint);
    try {
      // Separate data directories, so separate local key files: a digest's key says who signed it.
      assert.notEqual(fingerprintOf(leader), fingerprintOf(follower));
      await follower.keyward.stop();
      const dir = auditDigestDir(follower.dataDir);
      assert.deepEqual(fs.existsSync(dir) ? fs.readdirSync(dir) : [], [], 'the follower signed nothing, neither at start nor at stop');
      const atStart = (await leader.keyward.store.audit.digests()).length;
      assert.ok(atStart >= 1);
      await leader.keyward.stop();
      const store = await openKeywardStore({ engine: 'postgres', url, tls: false });
      try {
        const digests = await store.audit.digests();
        assert.equal(digests.length, atStart + 1, 'the leader sealed what the follower logged when it stopped');
        assert.deepEqual([...new Set(digests.map((d) => d.keyFingerprint))], [fingerprintOf(leader)]);
      } finally {
        await store.close();
      }
    } finally {
      await follower.close();
      await leader.close();
    }
  });
});
