import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_PEOPLE } from '../../src/core';
import { SYSTEM_ACTOR } from '../../src/audit';
import { runAuditCli } from '../../src/cli/audit';
import { followExecution, runSetupScenario, type ScenarioResult } from '../../src/cli/demoScenario';
import { PLAYGROUND_CONVERSATIONS } from '../../src/cli/playgroundConfig';
import { runStateCli } from '../../src/cli/stateCli';
import { DirectChatClient } from '../helpers/directChatClient';
import { startTestEmulator, type TestEmulator } from '../helpers/emulatorEnv';
import { startHarness, type Harness } from '../helpers/keywardHarness';

/** Runs a CLI in process and keeps what it printed. */
async function cli(
  run: (io: { stdout(t: string): void; stderr(t: string): void; env: Record<string, string | undefined> }) => Promise<number>,
  env: Record<string, string | undefined>,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run({ stdout: (t) => (out += t), stderr: (t) => (err += t), env });
  return { code, out, err };
}

/**
 * Keyward's own state: a backup taken while Keyward serves (and writes), the data directory
 * wiped, the copy restored, the audit log verified against the digests kept outside, and the demo
 * going on from where it was — plus the copies restore must refuse.
 */
describe("backup and restore of Keyward's state (HTTP, emulator)", function () {
  this.timeout(120_000);
  let emulator: TestEmulator;
  let harness: Harness;
  let work: string;
  let env: Record<string, string>;
  let demo: ScenarioResult;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-state-'));
    emulator = await startTestEmulator();
    // Production keeps the digests outside the data directory (append-only storage): so does this test.
    env = { ...emulator.keywardEnv, KEYWARD_APPROVALS_TICK_SECONDS: '0', KEYWARD_EXECUTOR_POLL_SECONDS: '0.05', KEYWARD_AUDIT_DIGEST_DIR: path.join(work, 'digests-kept-outside') };
    harness = await startHarness(env);
    env.KEYWARD_DATA_DIR = harness.dataDir;
  });
  after(async () => {
    await harness?.close().catch(() => undefined);
    await emulator?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const backup = (out: string) => cli((io) => runStateCli('backup', ['--out', out], io), env);
  const restore = (from: string, extra: string[] = []) => cli((io) => runStateCli('restore', ['--from', from, ...extra], io), env);

  it('when a backup is taken while Keyward serves and writes, then the copy is one consistent instant whose audit chain verifies', async () => {
    const old = await backup(path.join(work, 'before-demo'));
    assert.equal(old.code, 0, old.err);
    const client = await DirectChatClient.connect(() => harness.url, harness.connector);
    demo = await runSetupScenario(client, { hsm: false, log: () => undefined });
    await followExecution(client, demo, { hsm: false, log: () => undefined, timeoutMs: 60_000 });

    // Audited writes race the backup: whatever instant the snapshot caught, its chain must verify.
    let writing = true;
    const writer = (async () => {
      let n = 0;
      while (writing && n < 200) {
        await harness.keyward.approvals.audit.append({ actor: SYSTEM_ACTOR, action: 'test.concurrent', target: 'backup', outcome: 'info', details: { n: (n += 1) } });
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const during = await backup(path.join(work, 'during-writes'));
    writing = false;
    await writer;
    assert.equal(during.code, 0, during.err);
    assert.match(during.out, /Audit chain verified in the copy: \d+ records, head \d+:[0-9a-f]{64}/);
    const manifest = JSON.parse(fs.readFileSync(path.join(work, 'during-writes', 'manifest.json'), 'utf8')) as {
      audit: { records: number; head: { sequence: number } };
      tables: Array<{ name: string; rows: number }>;
    };
    assert.equal(manifest.audit.records, manifest.audit.head.sequence, 'every record up to the head, none after it');
    assert.equal(manifest.tables.find((t) => t.name === 'audit_log')?.rows, manifest.audit.head.sequence);
    assert.ok(manifest.audit.head.sequence <= (await harness.keyward.store.audit.storedHead())!.sequence);
  });

  it('when the data directory is lost and the newest backup is restored, then audit verify passes against the digests kept outside and the demo goes on', async () => {
    await harness.keyward.approvals.idle();
    const latest = await backup(path.join(work, 'latest'));
    assert.equal(latest.code, 0, latest.err);
    await harness.keyward.stop();
    // The host is lost.
    fs.rmSync(harness.dataDir, { recursive: true, force: true });

    fs.mkdirSync(harness.dataDir, { recursive: true });
    fs.writeFileSync(path.join(harness.dataDir, 'stray'), 'x');
    const refusedDirty = await restore(path.join(work, 'latest'));
    assert.equal(refusedDirty.code, 1);
    assert.match(refusedDirty.err, /is not empty\. Restore only into an empty directory/);
    fs.rmSync(path.join(harness.dataDir, 'stray'));

    const restored = await restore(path.join(work, 'latest'));
    assert.equal(restored.code, 0, restored.err);
    assert.match(restored.out, /it matches the newest signed digest kept outside/);
    assert.match(restored.out, /audited as record \d+ \(state\.restored\)/);

    // The fingerprint the operator kept outside Keyward (logged at every start).
    const kept = String(harness.logs.find((line) => /signed with this key/.test(line.message))?.fields.keyFingerprint);
    const verify = await cli((io) => runAuditCli(['verify', '--fingerprint', kept], io), env);
    assert.equal(verify.code, 0, verify.out + verify.err);
    assert.match(verify.out, /Audit log intact/);
    assert.match(verify.out, /Signed digests: \d+ verified/);

    // Keyward starts on the restored directory; the run is there, and the operator's next steps work.
    const again = await startHarness(env);
    try {
      assert.equal((await again.keyward.approvals.service.get(demo.requestId))?.status, 'succeeded');
      const client = await DirectChatClient.connect(() => again.url, again.connector);
      const seen = client.snapshot();
      await client.say(PLAYGROUND_CONVERSATIONS.personalChat, LOCAL_PEOPLE.operator.teamsId, `verify ${demo.requestId}`, true);
      const verdict = await client.waitForNew(seen, (m) => /Ready: all|Not ready/.test(JSON.stringify(m.cards)), 60_000, 'the readiness card');
      assert.match(JSON.stringify(verdict.cards), /Ready: all/);
      const next = client.snapshot();
      await client.say(PLAYGROUND_CONVERSATIONS.personalChat, LOCAL_PEOPLE.operator.teamsId, 'setup', true);
      await client.waitForNew(next, (m) => /Where should the keys live/.test(JSON.stringify(m.cards)), 20_000, 'a new setup card');
      assert.equal((await again.keyward.approvals.audit.verify()).ok, true);
    } finally {
      await again.close();
    }
  });

  it('when the only copy is older than the newest signed digest, then restore refuses and says which records and which period would be lost', async () => {
    const target = path.join(work, 'second-host');
    const refused = await cli((io) => runStateCli('restore', ['--from', path.join(work, 'before-demo'), '--data-dir', target], io), env);
    assert.equal(refused.code, 1, refused.out);
    assert.match(refused.err, /older than the newest signed audit digest/);
    assert.match(refused.err, /At least \d+ audit record\(s\) \(\d+–\d+\)/);
    assert.match(refused.err, /Nothing was changed/);
    assert.ok(!fs.existsSync(path.join(target, 'keyward.sqlite')));
  });

  it('when a copy was altered, then restore refuses it: a changed file by its checksum, a rewritten record by the audit chain', async () => {
    const copy = path.join(work, 'altered');
    fs.cpSync(path.join(work, 'latest'), copy, { recursive: true });
    const file = path.join(copy, 'store', 'audit_log.jsonl');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[3] = lines[3]!.replace(/"outcome":"[a-z]+"/, '"outcome":"denied"');
    // The row's own sequence (the first rows depend on what each start records, e.g. its signing key).
    const tampered = Number((JSON.parse(lines[3]!) as { sequence: number | string }).sequence);
    fs.writeFileSync(file, lines.join('\n'));
    const target = path.join(work, 'third-host');
    const byChecksum = await cli((io) => runStateCli('restore', ['--from', copy, '--data-dir', target], io), env);
    assert.equal(byChecksum.code, 1);
    assert.match(byChecksum.err, /store\/audit_log\.jsonl in the copy was changed or damaged/);

    // Someone who also fixes the manifest's checksum is caught by the chain itself.
    const manifestFile = path.join(copy, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { tables: Array<{ name: string; sha256: string }> };
    manifest.tables.find((t) => t.name === 'audit_log')!.sha256 = (await import('node:crypto')).createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    const byChain = await cli((io) => runStateCli('restore', ['--from', copy, '--data-dir', target], io), env);
    assert.equal(byChain.code, 1);
    assert.match(byChain.err, new RegExp(`audit chain in the copy does not verify: record ${tampered} \\(hashMismatch\\)`));
    assert.ok(!fs.existsSync(path.join(target, 'keyward.sqlite')), 'nothing was left behind');
  });
  it('when the digests are signed by a key with no public half beside it (a Key Vault key), then backup asks for --public-key, and with it verifies and keeps the key in the copy', async () => {
    const findPublic = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith('.pub.pem'))
        .map((e) => path.join(e.parentPath, e.name));
    const [localPublic] = findPublic(harness.dataDir);
    assert.ok(localPublic, 'the local digest key has its public half beside it');
    const kept = path.join(work, 'kept-outside.pub.pem');
    fs.renameSync(localPublic, kept);
    try {
      const refused = await backup(path.join(work, 'no-public-key'));
      assert.equal(refused.code, 1, refused.out);
      assert.match(refused.err, /no public key to check them .*--public-key <pem>/);
      for (const bad of [path.join(work, 'no-such.pem'), path.join(harness.dataDir, 'keyward.sqlite')]) {
        const wrongKey = await cli((io) => runStateCli('backup', ['--out', path.join(work, 'wrong-key'), '--public-key', bad], io), env);
        assert.equal(wrongKey.code, 1, wrongKey.out);
        assert.match(wrongKey.err, /Cannot use --public-key .*(no such file|not a PEM public key)\. .*Nothing was written/);
        assert.equal(fs.existsSync(path.join(work, 'wrong-key')), false, 'no half-made backup');
      }
      const out = path.join(work, 'with-public-key');
      const done = await cli((io) => runStateCli('backup', ['--out', out, '--public-key', kept], io), env);
      assert.equal(done.code, 0, done.err);
      assert.match(done.out, /Audit chain verified in the copy: \d+ records, head \d+:[0-9a-f]{64}; [1-9]\d* signed digest\(s\)/);
      const inCopy = findPublic(path.join(out, 'files'));
      assert.equal(inCopy.length, 1);
      assert.equal(fs.readFileSync(inCopy[0]!, 'utf8'), fs.readFileSync(kept, 'utf8'));
    } finally {
      fs.renameSync(kept, localPublic);
    }
  });
});
