import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { LOCAL_PEOPLE } from '../../src/core';
import { SYSTEM_ACTOR } from '../../src/audit';
import { runAuditCli } from '../../src/cli/audit';
import { followExecution, runSetupScenario, type ScenarioResult } from '../../src/cli/demoScenario';
import { PLAYGROUND_CONVERSATIONS } from '../../src/cli/playgroundConfig';
import { runStateCli } from '../../src/cli/stateCli';
import { DirectChatClient } from '../helpers/directChatClient';
import { startTestEmulator, type TestEmulator } from '../helpers/emulatorEnv';
import { startHarness, type Harness } from '../helpers/keywardHarness';
import { newTestDatabase } from '../helpers/postgresServer';

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

/** Keyward's tables in a database and how many rows each holds (none when it was never migrated). */
async function tableRows(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (await client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")).rows as Array<{
      table_name: string;
    }>;
    const counts: Record<string, number> = {};
    for (const { table_name: name } of tables) counts[name] = Number(((await client.query(`SELECT COUNT(*) AS n FROM "${name}"`)).rows[0] as { n: string }).n);
    return counts;
  } finally {
    await client.end();
  }
}

/**
 * The same backup and restore on the PostgreSQL engine, against a real PostgreSQL server: a copy
 * taken in one REPEATABLE READ transaction while Keyward serves and writes, restored into a new,
 * empty database in one transaction, the audit chain verified, the demo going on — and the
 * refusals, each leaving the target database as empty as it was.
 */
describe('backup and restore with KEYWARD_STORE=postgres (real PostgreSQL, HTTP, emulator)', function () {
  this.timeout(180_000);
  let emulator: TestEmulator;
  let harness: Harness;
  let work: string;
  let env: Record<string, string>;
  let password: string;
  let demo: ScenarioResult;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-state-pg-'));
    emulator = await startTestEmulator();
    const url = await newTestDatabase();
    password = decodeURIComponent(new URL(url).password);
    env = {
      ...emulator.keywardEnv,
      KEYWARD_STORE: 'postgres',
      KEYWARD_POSTGRES_URL: url,
      KEYWARD_APPROVALS_TICK_SECONDS: '0',
      KEYWARD_EXECUTOR_POLL_SECONDS: '0.05',
      KEYWARD_AUDIT_DIGEST_DIR: path.join(work, 'digests-kept-outside'),
    };
    harness = await startHarness(env);
    env.KEYWARD_DATA_DIR = harness.dataDir;
  });
  after(async () => {
    await harness?.close().catch(() => undefined);
    await emulator?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const backup = (out: string) => cli((io) => runStateCli('backup', ['--out', out], io), env);
  const restoreInto = (url: string, from: string, extra: string[] = []) =>
    cli((io) => runStateCli('restore', ['--from', from, ...extra], io), { ...env, KEYWARD_POSTGRES_URL: url });

  it('when a backup is taken while Keyward serves and writes to PostgreSQL, then the copy is one instant whose audit chain verifies, and the database password is printed nowhere', async () => {
    const old = await backup(path.join(work, 'before-demo'));
    assert.equal(old.code, 0, old.err);
    const client = await DirectChatClient.connect(() => harness.url, harness.connector);
    demo = await runSetupScenario(client, { hsm: false, log: () => undefined });
    await followExecution(client, demo, { hsm: false, log: () => undefined, timeoutMs: 60_000 });

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
    assert.match(during.out, /Store \(PostgreSQL 127\.0\.0\.1:\d+\/keyward_test_\d+_\d+ as keyward\): \d+ tables/);
    assert.match(during.out, /Audit chain verified in the copy: \d+ records, head \d+:[0-9a-f]{64}/);
    const manifestText = fs.readFileSync(path.join(work, 'during-writes', 'manifest.json'), 'utf8');
    const manifest = JSON.parse(manifestText) as { engine: string; audit: { records: number; head: { sequence: number } }; tables: Array<{ name: string; rows: number }> };
    assert.equal(manifest.engine, 'postgres');
    assert.equal(manifest.audit.records, manifest.audit.head.sequence, 'every record up to the head, none after it');
    assert.equal(manifest.tables.find((t) => t.name === 'audit_log')?.rows, manifest.audit.head.sequence);
    assert.ok(manifest.tables.find((t) => t.name === 'executor_runs')!.rows >= 1, 'the run is in the copy');
    assert.ok(manifest.audit.head.sequence <= (await harness.keyward.store.audit.storedHead())!.sequence);
    for (const text of [old.out, old.err, during.out, during.err, manifestText]) assert.ok(!text.includes(password), 'no database password');
  });

  it('when the host is lost and the newest copy is restored into an empty PostgreSQL database, then audit verify passes, numbering goes on and the demo continues', async () => {
    await harness.keyward.approvals.idle();
    const latest = await backup(path.join(work, 'latest'));
    assert.equal(latest.code, 0, latest.err);
    await harness.keyward.stop();
    fs.rmSync(harness.dataDir, { recursive: true, force: true });

    const target = await newTestDatabase();
    const restored = await restoreInto(target, path.join(work, 'latest'));
    assert.equal(restored.code, 0, restored.err);
    assert.match(restored.out, /into PostgreSQL 127\.0\.0\.1:\d+\/keyward_test_\d+_\d+ as keyward and /);
    assert.match(restored.out, /it matches the newest signed digest kept outside/);
    assert.match(restored.out, /audited as record \d+ \(state\.restored\)/);
    assert.ok(!restored.out.includes(password) && !restored.err.includes(password), 'no database password');
    const rows = await tableRows(target);
    const manifest = JSON.parse(fs.readFileSync(path.join(work, 'latest', 'manifest.json'), 'utf8')) as { tables: Array<{ name: string; rows: number }> };
    for (const table of manifest.tables) assert.equal(rows[table.name], table.name === 'audit_log' ? table.rows + 1 : table.rows, table.name);

    const restoredEnv = { ...env, KEYWARD_POSTGRES_URL: target };
    // The fingerprint the operator kept outside Keyward (logged at every start).
    const kept = String(harness.logs.find((line) => /signed with this key/.test(line.message))?.fields.keyFingerprint);
    const verify = await cli((io) => runAuditCli(['verify', '--fingerprint', kept], io), restoredEnv);
    assert.equal(verify.code, 0, verify.out + verify.err);
    assert.match(verify.out, /Audit log intact/);
    assert.match(verify.out, /Signed digests: \d+ verified/);

    // A second restore into the database, now in use, is refused and changes nothing.
    const again = await restoreInto(target, path.join(work, 'latest'), ['--data-dir', path.join(work, 'another-host')]);
    assert.equal(again.code, 1);
    assert.match(again.err, /is not empty \(table [a-z_]+ has rows\)\. Restore only into an empty database/);
    assert.deepEqual(await tableRows(target), rows);

    const next = await startHarness(restoredEnv);
    try {
      assert.equal((await next.keyward.approvals.service.get(demo.requestId))?.status, 'succeeded');
      const client = await DirectChatClient.connect(() => next.url, next.connector);
      const seen = client.snapshot();
      await client.say(PLAYGROUND_CONVERSATIONS.personalChat, LOCAL_PEOPLE.operator.teamsId, `verify ${demo.requestId}`, true);
      const verdict = await client.waitForNew(seen, (m) => /Ready: all|Not ready/.test(JSON.stringify(m.cards)), 60_000, 'the readiness card');
      assert.match(JSON.stringify(verdict.cards), /Ready: all/);
      const setup = client.snapshot();
      await client.say(PLAYGROUND_CONVERSATIONS.personalChat, LOCAL_PEOPLE.operator.teamsId, 'setup', true);
      await client.waitForNew(setup, (m) => /Where should the keys live/.test(JSON.stringify(m.cards)), 20_000, 'a new setup card');
      assert.equal((await next.keyward.approvals.audit.verify()).ok, true);
    } finally {
      await next.close();
    }
  });

  it('when the only copy is older than the newest signed digest, then restore refuses, says what would be lost, and the database stays empty', async () => {
    const target = await newTestDatabase();
    const refused = await restoreInto(target, path.join(work, 'before-demo'), ['--data-dir', path.join(work, 'second-host')]);
    assert.equal(refused.code, 1, refused.out);
    assert.match(refused.err, /older than the newest signed audit digest/);
    assert.match(refused.err, /At least \d+ audit record\(s\) \(\d+–\d+\)/);
    assert.deepEqual(await tableRows(target), {});
  });

  it("when a copy's audit record was rewritten (its checksum fixed too), then the restore into PostgreSQL is refused and rolled back: no table, no file is left", async () => {
    const copy = path.join(work, 'altered');
    fs.cpSync(path.join(work, 'latest'), copy, { recursive: true });
    const file = path.join(copy, 'store', 'audit_log.jsonl');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[3] = lines[3]!.replace(/"outcome":"[a-z]+"/, '"outcome":"denied"');
    // The row's own sequence (the first rows depend on what each start records, e.g. its signing key).
    const tampered = Number((JSON.parse(lines[3]!) as { sequence: number | string }).sequence);
    fs.writeFileSync(file, lines.join('\n'));
    const manifestFile = path.join(copy, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { tables: Array<{ name: string; sha256: string }> };
    manifest.tables.find((t) => t.name === 'audit_log')!.sha256 = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));

    const target = await newTestDatabase();
    const dataDir = path.join(work, 'third-host');
    const refused = await restoreInto(target, copy, ['--data-dir', dataDir]);
    assert.equal(refused.code, 1, refused.out);
    assert.match(refused.err, new RegExp(`audit chain in the copy does not verify: record ${tampered} \\(hashMismatch\\)`));
    assert.deepEqual(await tableRows(target), {}, 'the migrations were rolled back with the rows');
    assert.deepEqual(fs.existsSync(dataDir) ? fs.readdirSync(dataDir) : [], [], 'the files copied out were removed again');
  });
});
