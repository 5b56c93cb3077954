import { textOf } from '../../src/core';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_PEOPLE, systemClock } from '../../src/core';
import { ChainedAuditLog } from '../../src/audit';
import { ApprovalService } from '../../src/approvals';
import { localPolicyPath, readPolicyFile } from '../../src/approvals/policyFile';
import { correlationGuid } from '../../src/azure';
import { planHash, type Plan } from '../../src/customerKey';
import type { Run } from '../../src/executor';
import { openSqliteDatabase, type SqliteDatabase } from '../../src/store/sqliteDatabase';
import { auditMigrations, SqlAuditStore } from '../../src/store/sqlAuditStore';
import { approvalMigrations, SqlApprovalStore } from '../../src/store/sqlApprovalStore';
import { executorMigrations, SqlRunStore } from '../../src/store/sqlRunStore';
import { hsmPlan, premiumPlan } from '../executor/executorFixtures';
import { person } from '../executor/executorWorld';
import { appServiceEnv, sharedIdentityEmulator, startTestEmulator, type TestEmulator } from './emulator/helpers';
import { testSigner } from '../helpers/testSigner';

const CHILD = path.resolve(__dirname, '../executor/fixtures/crashChild.ts');

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The process running a plan is killed with SIGKILL at a journal point and started again: the
 * restarted process takes over the dead one's lease at once (same host, process gone), resumes at
 * the interrupted step's check, and finishes — with one key version per key and one Managed HSM
 * create, because the check finds what the dead process already did in Azure.
 */
describe('executor killed with SIGKILL mid-run and restarted (emulator, child processes)', function () {
  this.timeout(90_000);
  let emulator: TestEmulator;
  let dir: string;
  let db: SqliteDatabase;
  let approvals: ApprovalService;
  let audit: ChainedAuditLog;

  before(async () => {
    emulator = await startTestEmulator({ hsmProvisioningMs: 1_500 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-crash-'));
    db = await openSqliteDatabase({ file: path.join(dir, 'keyward.sqlite'), migrations: [...auditMigrations, ...approvalMigrations, ...executorMigrations] });
    audit = new ChainedAuditLog(new SqlAuditStore(db), systemClock);
    approvals = new ApprovalService({
      signer: testSigner(),
      store: new SqlApprovalStore(db),
      audit,
      atomic: db.atomic,
      policy: readPolicyFile(localPolicyPath()),
      clock: systemClock,
    });
  });
  after(async () => {
    await db.close();
    await emulator.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function approve(plan: Plan): Promise<{ requestId: string; planFile: string }> {
    const hash = planHash(plan);
    const request = await approvals.submit({
      planHash: hash,
      operationClass: 'create',
      title: plan.title,
      summaryLines: plan.steps.map((s) => s.summary.slice(0, 480)).slice(0, 50),
      targets: plan.keys.map((k) => `${k.containerName}/${k.keyName}`),
      requester: person(LOCAL_PEOPLE.operator),
      reason: 'Crash test.',
      origin: { channelId: 'msteams', serviceUrl: 'http://127.0.0.1:1/', conversation: { id: 'conv-olivia' } },
      journeyId: `journey-${hash.slice(0, 8)}`,
    });
    for (const approver of [LOCAL_PEOPLE.approverAlex, LOCAL_PEOPLE.approverBruno]) {
      const vote = await approvals.vote({ requestId: request.id, voter: person(approver), decision: 'approve', reason: 'ok', planHash: hash });
      assert.equal(vote.ok, true);
    }
    const planFile = path.join(dir, `${request.id}.plan.json`);
    fs.writeFileSync(planFile, JSON.stringify(plan));
    return { requestId: request.id, planFile };
  }

  async function child(mode: 'start' | 'resume', requestId: string, planFile: string, crashAt?: string): Promise<ChildResult> {
    const identity = await sharedIdentityEmulator();
    const env = { ...process.env, ...appServiceEnv(identity), EMULATOR_ARM_ENDPOINT: emulator.armEndpoint, ...(crashAt ? { CRASH_AT: crashAt } : {}) } as NodeJS.ProcessEnv;
    for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
    const proc = spawn(process.execPath, ['--no-deprecation', '--require', require.resolve('tsx/cjs'), CHILD, mode, path.join(dir, 'keyward.sqlite'), requestId, planFile, dir], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  }

  const runOf = async (requestId: string): Promise<Run> => (await new SqlRunStore(db).getByRequest(requestId)) as Run;
  const log = async (requestId: string) => (await emulator.control.requests()).filter((r) => r.clientRequestId === correlationGuid(requestId));

  it('when the process dies right after Azure created key A (before the journal knew), then the restarted process finds that version and finishes with one version per key', async () => {
    const plan = premiumPlan();
    const keyA = plan.keys.find((k) => k.site === 'A')!;
    const { requestId, planFile } = await approve(plan);

    const crashed = await child('start', requestId, planFile, 'ensureKey:A:exchange:step.applied');
    assert.equal(crashed.signal, 'SIGKILL', crashed.stderr);
    const interrupted = await runOf(requestId);
    assert.equal(interrupted.status, 'running');
    const keyStep = interrupted.steps.find((s) => s.id === 'ensureKey:A:exchange')!;
    assert.equal(keyStep.status, 'running', 'the journal stops at the apply');
    const created = (await emulator.control.state()).keys.filter((k) => k.container === keyA.containerName && k.name === keyA.keyName);
    assert.equal(created.length, 1, 'Azure has the key the dead process created');

    const resumed = await child('resume', requestId, planFile);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(JSON.parse(resumed.stdout).status, 'succeeded', resumed.stdout);
    const run = await runOf(requestId);
    assert.match(textOf(run.steps.find((s) => s.id === 'ensureKey:A:exchange')?.note), /already made by this request; reused/);
    assert.equal((await approvals.get(requestId))?.status, 'succeeded');
    const state = await emulator.control.state();
    for (const ref of plan.keys) {
      const versions = state.keys.filter((k) => k.container === ref.containerName && k.name === ref.keyName).flatMap((k) => k.versions as Array<{ tags: Record<string, string> }>);
      assert.equal(versions.length, 1, `one version of ${ref.keyName}`);
      assert.equal(versions[0]!.tags['keyward-request'], requestId);
    }
    const creates = (await log(requestId)).filter((r) => r.method === 'POST' && r.path === `/keys/${keyA.keyName}/create`);
    assert.deepEqual(
      creates.map((r) => r.status),
      [200],
      'key A was created once, by the process that died',
    );
    assert.equal((await audit.verify()).ok, true);
  });

  it('when the process dies right after Azure added an access policy, then the restarted process reads the vault, finds the policy and adds nothing', async () => {
    const plan = premiumPlan({ accessModel: 'accessPolicy' });
    const vaultA = plan.keys.find((k) => k.site === 'A')!.containerName;
    const { requestId, planFile } = await approve(plan);
    const crashed = await child('start', requestId, planFile, 'grantKeyAccess:A:exchange:exchangeOnline:step.applied');
    assert.equal(crashed.signal, 'SIGKILL', crashed.stderr);
    const resumed = await child('resume', requestId, planFile);
    assert.equal(resumed.code, 0, resumed.stderr);
    const run = await runOf(requestId);
    assert.equal(run.status, 'succeeded', resumed.stdout);
    assert.match(textOf(run.steps.find((s) => s.id === 'grantKeyAccess:A:exchange:exchangeOnline')?.note), /already has get, wrapKey, unwrapKey .* nothing added/);
    const adds = (await log(requestId)).filter((r) => r.method === 'PUT' && r.path.endsWith(`/vaults/${vaultA}/accessPolicies/add`));
    assert.deepEqual(
      adds.map((r) => r.status),
      [200],
      'one add, by the process that died',
    );
    const vault = ((await emulator.control.state()).vaults as Array<{ name: string; accessPolicies: Array<{ objectId: string }> }>).find((v) => v.name === vaultA)!;
    assert.equal(new Set(vault.accessPolicies.map((p) => p.objectId)).size, vault.accessPolicies.length, 'no duplicate policy');
    assert.equal((await audit.verify()).ok, true);
  });

  it('when the process dies while a Managed HSM provisions, then the restarted process polls the same HSM instead of creating it again', async () => {
    const plan = hsmPlan();
    const hsmA = plan.keys.find((k) => k.site === 'A')!.containerName;
    const { requestId, planFile } = await approve(plan);
    const crashed = await child('start', requestId, planFile, 'ensureManagedHsm:A:step.progress');
    assert.equal(crashed.signal, 'SIGKILL', crashed.stderr);
    assert.equal((await runOf(requestId)).steps.find((s) => s.id === 'ensureManagedHsm:A')?.status, 'running');

    const resumed = await child('resume', requestId, planFile);
    assert.equal(resumed.code, 0, resumed.stderr);
    const run = await runOf(requestId);
    // The ceremony waits for the officers; everything before it is done.
    assert.equal(run.status, 'waitingForInput', resumed.stdout);
    assert.equal(run.steps.find((s) => s.id === 'ensureManagedHsm:A')?.status, 'done');
    const requests = await log(requestId);
    const puts = requests.filter((r) => r.method === 'PUT' && r.path.endsWith(`/managedHSMs/${hsmA}`));
    assert.deepEqual(
      puts.map((r) => r.status),
      [202],
      'one create, by the process that died',
    );
    assert.ok(requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/managedHSMs/${hsmA}`)).length >= 2, 'the restarted process polled the HSM');
    const hsm = (await emulator.control.state()).managedHsms.filter((h) => (h as { name: string }).name === hsmA);
    assert.equal(hsm.length, 1);
    assert.equal((await audit.verify()).ok, true);
  });
});
