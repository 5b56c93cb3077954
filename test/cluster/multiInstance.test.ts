import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { followExecution, runSetupScenario } from '../../src/cli/demoScenario';
import { PLAYGROUND_CONVERSATIONS } from '../../src/cli/playgroundConfig';
import { openKeywardStore, type KeywardStore } from '../../src/app/keywardStore';
import type { AuditRecord } from '../../src/audit';
import { publicKeyFingerprint } from '../../src/core';
import { publicKeyFileFor } from '../../src/store/auditDigestFiles';
import { collect } from '../helpers/collect';
import { startTestEmulator, type TestEmulator } from '../helpers/emulatorEnv';
import { newTestDatabase } from '../helpers/postgresServer';
import { TeamsChannel } from '../helpers/teamsChannel';

const ROOT = path.resolve(__dirname, '..', '..');
const INSTANCE = path.resolve(__dirname, '../helpers/clusterInstance.ts');
const GROUP = PLAYGROUND_CONVERSATIONS.groupChat.id;
const PERSONAL = PLAYGROUND_CONVERSATIONS.personalChat;

interface Instance {
  name: string;
  process: ChildProcess;
  url: string;
  log: string;
  exited: Promise<number | null>;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Issue 13, item 5: two Keyward processes on different ports sharing one PostgreSQL (a real
 * server, started by the tests) and one Azure emulator, with Teams' activities alternated between
 * them by a load balancer. A whole setup journey and its approvals run across both; the two
 * approvers vote at the same instant on different instances; the instance running the plan is
 * killed with SIGKILL in the middle of creating a Managed HSM, and the other takes the run over
 * after its lease and finishes it exactly once; reminders and expiries go out once; the audit
 * chain (and its signed digests) verify with `npm run audit -- verify`.
 */
describe('several Keyward instances on one PostgreSQL (two processes, SIGKILL mid-step)', function () {
  this.timeout(300_000);
  let emulator: TestEmulator;
  let channel: TeamsChannel;
  let dataDir: string;
  let clockFile: string;
  let postgresUrl: string;
  let store: KeywardStore;
  const instances: Instance[] = [];

  const env = (): NodeJS.ProcessEnv => ({
    ...process.env,
    ...emulator.keywardEnv,
    KEYWARD_STORE: 'postgres',
    KEYWARD_POSTGRES_URL: postgresUrl,
    KEYWARD_DATA_DIR: dataDir,
    PORT: '0',
    KEYWARD_APPROVALS_TICK_SECONDS: '1',
    KEYWARD_EXECUTOR_POLL_SECONDS: '0.2',
    KEYWARD_EXECUTOR_LEASE_SECONDS: '5',
    KEYWARD_LOG_LEVEL: 'info',
    KEYWARD_TEST_CLOCK_FILE: clockFile,
  });

  async function startInstance(name: string): Promise<Instance> {
    const child = spawn(process.execPath, ['--no-deprecation', '--require', require.resolve('tsx/cjs'), INSTANCE], { cwd: ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    const instance: Instance = { name, process: child, url: '', log: '', exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
    child.stdout!.on('data', (chunk: Buffer) => (instance.log += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (instance.log += chunk.toString()));
    instance.url = await until(`instance ${name} to listen`, 60_000, () => {
      if (child.exitCode !== null) throw new Error(`instance ${name} exited: ${instance.log}`);
      return /READY (\S+)/.exec(instance.log)?.[1];
    });
    instances.push(instance);
    return instance;
  }

  const auditRecords = async (): Promise<AuditRecord[]> => collect(store.audit.records());
  const actions = async (requestId: string, action: string) => (await auditRecords()).filter((r) => r.requestId === requestId && r.action === action).length;
  const moveClock = (ms: number) => fs.writeFileSync(clockFile, String(ms));
  const pidOf = (owner: string) => Number(owner.split('/')[1]);

  before(async () => {
    emulator = await startTestEmulator({ hsmProvisioningMs: 8_000 });
    channel = await new TeamsChannel().start();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-cluster-'));
    clockFile = path.join(dataDir, 'clock-offset-ms');
    moveClock(0);
    postgresUrl = await newTestDatabase();
    // Started one after the other, as App Service starts instances; they share the data
    // directory (App Service's /home) for files, and PostgreSQL for everything else.
    await startInstance('A');
    await startInstance('B');
    channel.instances = instances.map((i) => i.url);
    store = await openKeywardStore({ engine: 'postgres', url: postgresUrl, tls: false });
  });

  after(async () => {
    for (const instance of instances) if (instance.process.exitCode === null && instance.process.signalCode === null) instance.process.kill('SIGKILL');
    await Promise.all(instances.map((i) => i.exited));
    await store?.close();
    await channel?.stop();
    await emulator?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** What the operator kept outside Keyward: the fingerprint of the key every instance signs with (their shared key file here; a Key Vault key in Azure). */
  const signingKeyFingerprint = () => publicKeyFingerprint(crypto.createPublicKey(fs.readFileSync(publicKeyFileFor(path.join(dataDir, 'audit', 'digest-signing-key.pem')))));

  afterEach(function () {
    if (this.currentTest?.state === 'failed')
      for (const instance of instances) process.stderr.write(`\n----- instance ${instance.name} -----\n${instance.log.split('\n').slice(-80).join('\n')}\n`);
  });

  it('when a Managed HSM setup is approved across both instances at the same instant and the instance running it is killed mid-step, then the other finishes it exactly once', async () => {
    const lines: string[] = [];
    const result = await runSetupScenario(channel, { hsm: true, votes: 'atOnce', log: (line) => lines.push(line) });
    assert.deepEqual([...new Set(channel.served)].sort(), [0, 1], 'both instances served the journey');

    // Each vote counted once, the rule met once, the plan claimed once.
    assert.equal(await actions(result.requestId, 'approval.vote.recorded'), 2);
    assert.equal(await actions(result.requestId, 'approval.approved'), 1);

    // The run starts on whichever instance delivered the approval; kill that one while it creates
    // the HSM: after Azure accepted the create (the journal's step.apply is written before the PUT
    // goes out, so a kill between the two would rightly be followed by the survivor's first create).
    const hsmCreated = async (hsmName: string) =>
      (await emulator.emulator.control.requests()).some((r) => r.method === 'PUT' && r.path.endsWith(`/managedHSMs/${hsmName}`) && r.status < 300);
    const hsmOf = async (stepIndex: number) => {
      const planned = (await store.journeys.get(result.journeyId))!.plan!.steps[stepIndex];
      return planned?.kind === 'ensureManagedHsm' ? planned.params.hsmName : '';
    };
    const running = await until('Azure to accept the Managed HSM create while its step runs', 60_000, async () => {
      const run = await store.runs.getByRequest(result.requestId);
      const step = run?.steps.find((s) => s.kind === 'ensureManagedHsm' && s.status === 'running');
      const lease = run ? await store.runs.lease(run.id) : undefined;
      return run && step && lease && (await hsmCreated(await hsmOf(step.index))) ? { run, step, lease } : undefined;
    });
    const victim = instances.find((i) => i.process.pid === pidOf(running.lease.owner));
    assert.ok(victim, `the lease owner ${running.lease.owner} is one of the instances`);
    victim.process.kill('SIGKILL');
    await victim.exited;
    const killedAt = Date.now();
    const survivor = instances.find((i) => i !== victim)!;

    await followExecution(channel, result, { hsm: true, log: (line) => lines.push(line), timeoutMs: 180_000 });

    const run = (await store.runs.getByRequest(result.requestId))!;
    assert.equal(run.status, 'succeeded');
    const lease = await store.runs.lease(run.id);
    assert.ok(!lease || pidOf(lease.owner) === survivor.process.pid, 'the survivor finished the run');
    assert.ok(Date.now() - killedAt >= 5_000, 'taken over no sooner than the lease allowed');
    assert.equal((await store.approvals.get(result.requestId))?.status, 'succeeded');
    assert.equal(await actions(result.requestId, 'execution.started'), 1, 'claimed for execution once');
    // The interrupted step was applied once (by the instance that died) and checked again by the
    // survivor, which found the HSM either provisioned (skipped) or still provisioning (an apply
    // that only resumes polling: no second create). Which one depends on when the kill came.
    const hsmStep = (await store.runs.journal(run.id)).filter((entry) => entry.stepIndex === running.step.index);
    const creations = hsmStep.filter((entry) => entry.phase === 'step.apply' && entry.detail.resume === undefined);
    assert.equal(creations.length, 1, JSON.stringify(hsmStep.map((e) => [e.phase, e.detail.resume ?? null])));
    assert.ok(hsmStep.filter((entry) => entry.phase === 'step.check').length >= 2, JSON.stringify(hsmStep.map((e) => e.phase)));

    // Azure (the emulator) has one of everything: one create per HSM, one version per key.
    const state = await emulator.emulator.control.state();
    const requests = await emulator.emulator.control.requests();
    const plan = (await store.journeys.get(result.journeyId))!.plan!;
    for (const name of new Set(plan.keys.map((k) => k.containerName))) {
      assert.equal(state.managedHsms.filter((h) => (h as { name: string }).name === name).length, 1, `one HSM ${name}`);
      assert.equal(requests.filter((r) => r.method === 'PUT' && r.path.endsWith(`/managedHSMs/${name}`) && r.status < 300).length, 1, `${name} was created once`);
    }
    for (const key of plan.keys) {
      const versions = state.keys.filter((k) => k.container === key.containerName && k.name === key.keyName).flatMap((k) => k.versions as unknown[]);
      assert.equal(versions.length, 1, `one version of ${key.containerName}/${key.keyName}`);
    }
    assert.ok(
      lines.some((line) => /Verify: Ready: all/.test(line)),
      lines.join('\n'),
    );
  });

  it('when a pending request reaches its reminder and then its expiry, then the reminder and the expiry go out once across the cluster', async () => {
    // One instance is gone (killed above): start a new one, as App Service would.
    const replacement = await startInstance('C');
    channel.instances = instances.filter((i) => i.process.exitCode === null && i.process.signalCode === null).map((i) => i.url);
    assert.equal(channel.instances.length, 2);
    assert.ok(channel.instances.includes(replacement.url));

    const result = await runSetupScenario(channel, { hsm: false, votes: 'none', log: () => undefined });
    const request = (await store.approvals.get(result.requestId))!;
    const expiresAt = Date.parse(request.expiresAt);
    const remindAt = expiresAt - request.rule.reminderBeforeMinutes * 60_000;

    moveClock(remindAt - Date.now() + 1_000);
    await until('the reminder', 30_000, async () => ((await actions(result.requestId, 'approval.reminded')) > 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // several timer passes on both instances
    const reminders = () => channel.texts.filter((t) => t.conversationId === GROUP && t.text.startsWith('Reminder:') && t.text.includes(result.requestId.slice(0, 8)));
    await until('the reminder message', 15_000, () => (reminders().length > 0 ? true : undefined));
    assert.equal(await actions(result.requestId, 'approval.reminded'), 1);
    assert.equal(reminders().length, 1, JSON.stringify(reminders()));

    moveClock(expiresAt - Date.now() + 1_000);
    await until('the expiry', 30_000, async () => ((await store.approvals.get(result.requestId))?.status === 'expired' ? true : undefined));
    const expiries = () => channel.texts.filter((t) => t.conversationId === PERSONAL && t.text.startsWith('Expired:') && t.text.includes(result.requestId.slice(0, 8)));
    await until('the expiry message', 15_000, () => (expiries().length > 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    assert.equal(await actions(result.requestId, 'approval.expired'), 1);
    assert.equal(expiries().length, 1, JSON.stringify(expiries()));
    moveClock(0);
  });

  it('when every instance has stopped, then npm run audit -- verify finds the chain and its signed digests intact', async () => {
    for (const instance of instances) if (instance.process.exitCode === null && instance.process.signalCode === null) instance.process.kill('SIGTERM');
    await Promise.all(instances.map((i) => i.exited));
    const verify = spawnSync(
      process.execPath,
      ['--no-deprecation', '--require', require.resolve('tsx/cjs'), path.join(ROOT, 'src/cli/audit.ts'), 'verify', '--fingerprint', signingKeyFingerprint()],
      { cwd: ROOT, env: env(), encoding: 'utf8' },
    );
    assert.equal(verify.status, 0, `${verify.stdout}\n${verify.stderr}`);
    assert.match(verify.stdout, /Audit log intact: \d+ record\(s\)/);
    assert.match(verify.stdout, /Signed digests: \d+ verified/);
    const records = await auditRecords();
    assert.deepEqual(
      records.map((r) => r.sequence),
      records.map((_, i) => i + 1),
      'one serial order across the instances',
    );
  });
});
