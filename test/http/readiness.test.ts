import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ManualClock, silentLogger } from '../../src/core';
import { localPolicyPath, readPolicyFile } from '../../src/approvals/policyFile';
import { openKeywardStore } from '../../src/app/keywardStore';
import { createReadiness } from '../../src/app/readiness';
import type { SqliteDatabase } from '../../src/store/sqliteDatabase';
import { startTestEmulator, type TestEmulator } from '../helpers/emulatorEnv';
import { startHarness, type Harness } from '../helpers/keywardHarness';
import { newTestDatabase, testPostgres } from '../helpers/postgresServer';
import pg from 'pg';

type Report = { status: string; checks: Record<string, { ok: boolean; detail: string }> };

async function readyz(url: string): Promise<{ status: number; body: Report }> {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: (await response.json()) as Report };
}

async function eventuallyReady(url: string): Promise<Report> {
  for (let i = 0; i < 100; i += 1) {
    const answer = await readyz(url);
    if (answer.status === 200) return answer.body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`never ready: ${JSON.stringify((await readyz(url)).body)}`);
}

describe('/readyz: store, audit chain head, policy file, identities (HTTP, emulator)', function () {
  this.timeout(60_000);
  let emulator: TestEmulator;
  let harness: Harness;
  let policyFile: string;

  before(async () => {
    emulator = await startTestEmulator();
    policyFile = path.join(fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'keyward-policy-')), 'policy.json');
    fs.copyFileSync(localPolicyPath(), policyFile);
    harness = await startHarness({ ...emulator.keywardEnv, KEYWARD_POLICY_FILE: policyFile, KEYWARD_APPROVALS_TICK_SECONDS: '0' });
  });
  after(async () => {
    await harness?.close();
    await emulator?.close();
    fs.rmSync(path.dirname(policyFile), { recursive: true, force: true });
  });

  it('when everything is in order, then /readyz answers 200 naming each check, and /healthz stays liveness', async () => {
    const report = await eventuallyReady(harness.url);
    assert.equal(report.status, 'ready');
    assert.deepEqual(Object.keys(report.checks).sort(), ['auditChain', 'cluster', 'identity:reader', 'identity:writer', 'policy', 'store']);
    assert.equal(report.checks.store?.detail, 'SQLite answers');
    assert.match(report.checks.cluster!.detail, /^this instance leads/);
    for (const [name, check] of Object.entries(report.checks)) assert.equal(check.ok, true, `${name}: ${check.detail}`);
    assert.equal((await fetch(`${harness.url}/healthz`)).status, 200);
  });

  it('when the policy file no longer validates, then /readyz answers 503 naming the policy (the next start would fail), while /healthz still answers 200', async () => {
    const good = fs.readFileSync(policyFile, 'utf8');
    try {
      fs.writeFileSync(policyFile, '{ "version": 1, "tenantId": "not-a-tenant" ');
      const answer = await readyz(harness.url);
      assert.equal(answer.status, 503);
      assert.equal(answer.body.checks.policy?.ok, false);
      assert.match(answer.body.checks.policy!.detail, /no longer reads as a valid policy/);
      assert.equal((await fetch(`${harness.url}/healthz`)).status, 200);
    } finally {
      fs.writeFileSync(policyFile, good);
    }
    assert.equal((await readyz(harness.url)).status, 200);
  });

  it("when the audit log's head record was edited, then /readyz answers 503 naming the audit chain", async () => {
    const db = harness.keyward.store.db as SqliteDatabase;
    const head = (await harness.keyward.store.audit.storedHead())!;
    const before = db.raw.prepare('SELECT action FROM audit_log WHERE sequence = ?').get(head.sequence) as { action: string };
    db.raw.prepare('UPDATE audit_log SET action = ? WHERE sequence = ?').run('policy.tampered', head.sequence);
    try {
      const answer = await readyz(harness.url);
      assert.equal(answer.status, 503);
      assert.equal(answer.body.checks.auditChain?.ok, false);
      assert.match(answer.body.checks.auditChain!.detail, /does not match its hash/);
    } finally {
      db.raw.prepare('UPDATE audit_log SET action = ? WHERE sequence = ?').run(before.action, head.sequence);
    }
  });
});

describe('/readyz with KEYWARD_STORE=postgres and two instances (real PostgreSQL, HTTP)', function () {
  this.timeout(120_000);
  let emulator: TestEmulator;
  let first: Harness;
  let second: Harness | undefined;
  let url: string;

  /** Lets connections into the test database again, or shuts them out and ends those open (the server going away, as seen from Keyward). */
  async function connections(allowed: boolean): Promise<void> {
    const admin = new pg.Client({ connectionString: (await testPostgres()).url });
    await admin.connect();
    const name = new URL(url).pathname.slice(1);
    try {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS ${allowed ? 'true' : 'false'}`);
      if (!allowed) await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    } finally {
      await admin.end();
    }
  }

  before(async () => {
    emulator = await startTestEmulator();
    url = await newTestDatabase();
    first = await startHarness({ ...emulator.keywardEnv, KEYWARD_STORE: 'postgres', KEYWARD_POSTGRES_URL: url, KEYWARD_APPROVALS_TICK_SECONDS: '0' });
  });
  after(async () => {
    await connections(true).catch(() => undefined);
    await second?.close().catch(() => undefined);
    await first?.close().catch(() => undefined);
    await emulator?.close();
  });

  it('when Keyward runs on PostgreSQL, then /readyz names the server (never its password) and says this instance leads; a second instance is ready too and says another one leads', async () => {
    const report = await eventuallyReady(first.url);
    assert.match(report.checks.store!.detail, /^PostgreSQL 127\.0\.0\.1:\d+\/keyward_test_\d+_\d+ as keyward answers$/);
    assert.match(report.checks.cluster!.detail, /^this instance leads/);
    assert.ok(!JSON.stringify(report).includes(decodeURIComponent(new URL(url).password)));
    second = await startHarness({ ...emulator.keywardEnv, KEYWARD_STORE: 'postgres', KEYWARD_POSTGRES_URL: url, KEYWARD_APPROVALS_TICK_SECONDS: '0' });
    const other = await eventuallyReady(second.url);
    assert.match(other.checks.cluster!.detail, /^another instance leads/);
  });

  it('when the PostgreSQL database stops taking connections, then /readyz answers 503 naming the store (and the audit chain it cannot read), and 200 again once it is back', async () => {
    await eventuallyReady(first.url);
    await connections(false);
    try {
      const answer = await readyz(first.url);
      assert.equal(answer.status, 503);
      assert.equal(answer.body.checks.store?.ok, false);
      assert.match(answer.body.checks.store!.detail, /^PostgreSQL .* does not answer; check the server is running/);
      assert.equal(answer.body.checks.auditChain?.ok, false);
    } finally {
      await connections(true);
    }
    const back = await eventuallyReady(first.url);
    assert.equal(back.checks.store?.ok, true);
  });
});

describe('readiness token checks', () => {
  it("when /readyz is probed again and again, then an identity's token is checked once per interval, in the background, and a failure is reported without its text", async () => {
    const store = await openKeywardStore({ engine: 'sqlite', file: ':memory:' });
    const clock = new ManualClock();
    let writerCalls = 0;
    let failReader = true;
    let readerCalls = 0;
    const readiness = createReadiness({
      store,
      policyFile: localPolicyPath(),
      policyHash: readPolicyFile(localPolicyPath()).hash,
      identities: [
        { name: 'writer', acquire: async () => void (writerCalls += 1) },
        {
          name: 'reader',
          acquire: async () => {
            readerCalls += 1;
            if (failReader) throw Object.assign(new Error('AADSTS700016 secret-ish text eyJabc.def.ghi'), { name: 'CredentialUnavailableError' });
          },
        },
      ],
      tokenCheckMs: 300_000,
      clock,
      logger: silentLogger,
    });
    try {
      const first = await readiness.check();
      assert.equal(first.status, 'notReady', 'no token check has finished yet');
      await new Promise((resolve) => setImmediate(resolve));
      for (let i = 0; i < 10; i += 1) await readiness.check();
      assert.equal(writerCalls, 1, 'one token check for ten probes');
      const report = await readiness.check();
      assert.equal(report.checks['identity:writer']?.ok, true);
      assert.equal(report.checks['identity:reader']?.ok, false);
      assert.match(report.checks['identity:reader']!.detail, /CredentialUnavailableError/);
      assert.doesNotMatch(JSON.stringify(report), /AADSTS|eyJ/);
      failReader = false;
      clock.advance(300_000);
      await readiness.check();
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(writerCalls, 2);
      assert.equal(readerCalls, 2);
      assert.equal((await readiness.check()).status, 'ready');
    } finally {
      await store.close();
    }
  });
});
