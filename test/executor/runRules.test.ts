import { textOf } from '../../src/core';
import assert from 'node:assert/strict';
import { appError, LOCAL_IDENTITIES, LOCAL_PEOPLE } from '../../src/core';
import { buildSetupPlan, type Plan, type PlanStep } from '../../src/customerKey';
import type { ExecutorAudit } from '../../src/executor';
import { startTestEmulator, type TestEmulator } from '../contract/emulator/helpers';
import { hsmPlan, PLAN_CONTEXT, premiumPlan, premiumSpec } from './executorFixtures';
import { assertCleanOutcome } from './outcomeChecks';
import { person, requestsFor, startExecutorWorld, testOfficers, type ExecutorWorld } from './executorWorld';
import { collect } from '../helpers/collect';

/**
 * The executor's rules that are not about Azure faults: exactly one run per approval even when two
 * processes race for it, audit before act (fail closed), Keyward's own identity checked before
 * anything changes, the approved plan or nothing, Retry only inside the execution window, and a
 * clear refusal for step kinds this version cannot run.
 */
describe('executor rules: exactly once, fail closed, approved plan only', function () {
  this.timeout(60_000);
  let emulator: TestEmulator;
  const worlds: ExecutorWorld[] = [];
  const world = async (options: Parameters<typeof startExecutorWorld>[0] = {}) => {
    const created = await startExecutorWorld({ emulator, ...options });
    worlds.push(created);
    return created;
  };
  const writes = async (w: ExecutorWorld, requestId: string) => (await requestsFor(w.emulator, requestId)).filter((r) => r.method !== 'GET');

  before(async () => {
    emulator = await startTestEmulator();
  });
  after(async () => {
    for (const w of worlds) await w.close();
    await emulator.dispose();
  });

  it('when two executors (two bot processes) start the same approved request at the same moment, then one claims it, one run exists, and every step is applied once', async () => {
    const w = await world({ autoStart: false });
    const other = w.spawnExecutor();
    const plan = premiumPlan();
    const request = await w.approve(plan);
    assert.equal((await w.approvals.get(request.id))?.status, 'approved');
    await Promise.all([w.executor.start(request.id), other.start(request.id), other.start(request.id)]);
    await w.idle();
    await assertCleanOutcome(w, plan, request.id);
    const run = await w.run(request.id);
    const journal = await w.db.all<{ step_index: number | null; phase: string }>('SELECT step_index, phase FROM executor_journal WHERE run_id = ?', [run.id]);
    assert.equal(journal.filter((e) => e.phase === 'run.created').length, 1);
    for (const step of run.steps) assert.equal(journal.filter((e) => e.step_index === step.index && e.phase === 'step.apply').length, 1, `${step.id} applied once`);
    const starts = (await collect(w.audit.records())).filter((r) => r.requestId === request.id && r.action === 'execution.started');
    assert.equal(starts.length, 1, 'the request was claimed once');
  });

  it('when the audit record before a step cannot be written, then that step does not touch Azure, the run stops with AuditWriteFailed, and Retry finishes it once the audit works', async () => {
    let failOnce = true;
    const w = await world({
      audit: (inner): ExecutorAudit => ({
        append(event) {
          if (failOnce && event.action === 'execution.step.apply' && (event.details as { stepId?: string }).stepId === 'ensureVault:B:exchange') {
            failOnce = false;
            throw appError('AuditWriteFailed', 'The audit record "execution.step.apply" could not be written; nothing was done.');
          }
          return inner.append(event);
        },
      }),
    });
    const plan = premiumPlan();
    const vaultB = plan.keys.find((k) => k.site === 'B')!.containerName;
    const request = await w.approve(plan);
    await w.idle();
    const run = await w.run(request.id);
    assert.equal(run.status, 'stopped');
    assert.equal(run.lastError?.code, 'AuditWriteFailed');
    assert.equal(run.lastError?.stepId, 'ensureVault:B:exchange');
    assert.equal((await writes(w, request.id)).filter((r) => r.path.includes(`/vaults/${vaultB}`)).length, 0, 'no write reached vault B');
    assert.equal((await w.executor.retry(run.id, person(LOCAL_PEOPLE.operator))).ok, true);
    await w.idle();
    await assertCleanOutcome(w, plan, request.id);
  });

  it("when Keyward runs as another identity than the plan's writer, then the run stops before any change and says which identity to configure", async () => {
    const w = await world();
    const plan = buildSetupPlan(premiumSpec(), { ...PLAN_CONTEXT, keywardWriterObjectId: LOCAL_IDENTITIES.reader.objectId });
    const request = await w.approve(plan);
    await w.idle();
    const run = await w.run(request.id);
    assert.equal(run.status, 'stopped');
    assert.equal(run.lastError?.code, 'MissingPermission');
    assert.match(run.lastError?.message ?? '', new RegExp(`runs as the identity with object id ${LOCAL_IDENTITIES.writer.objectId}.*KEYWARD_WRITER_CLIENT_ID`));
    assert.equal((await writes(w, request.id)).length, 0, 'nothing was changed in Azure');
  });

  it('when the plan Keyward holds no longer matches the approved hash, then the request is failed with the reason and nothing runs', async () => {
    const w = await world({ autoStart: false });
    const plan = premiumPlan();
    const fresh = await w.approve(plan);
    w.plans.set(fresh.planHash, { ...plan, title: 'changed after the vote' });
    await w.executor.start(fresh.id);
    await w.idle();
    assert.equal((await w.approvals.get(fresh.id))?.status, 'failed');
    assert.match(textOf((await w.approvals.get(fresh.id))?.execution?.detail), /no longer matches the approved plan hash/);
    assert.equal(await w.executor.getByRequest(fresh.id), undefined);
    assert.equal((await requestsFor(w.emulator, fresh.id)).length, 0);
  });

  it('when a stopped run is not retried before the execution window closes, then it is closed as failed, and a late Retry is refused', async () => {
    const w = await world();
    const plan = premiumPlan();
    const keyA = plan.keys.find((k) => k.site === 'A')!;
    const rule = await w.emulator.control.injectFault({ match: { method: 'POST', path: `^/keys/${keyA.keyName}/create$` }, effect: { type: 'status', status: 400, code: 'BadParameter', message: 'injected' }, count: null });
    try {
      const request = await w.approve(plan);
      await w.idle();
      const run = await w.run(request.id);
      assert.equal(run.status, 'stopped');
      w.clock.set(Date.parse(run.retryUntil!) + 1);
      const late = await w.executor.retry(run.id, person(LOCAL_PEOPLE.operator));
      assert.equal(!late.ok && late.error.code, 'ExecutionWindowClosed');
      assert.equal((await w.run(request.id)).status, 'failed');
      assert.equal((await w.approvals.get(request.id))?.status, 'failed');
      assert.match(textOf((await w.approvals.get(request.id))?.execution?.detail), /Not retried: the execution window closed/);
      await w.executor.reconcile();
      assert.equal((await w.run(request.id)).status, 'failed');
    } finally {
      await w.emulator.control.removeFault(rule.id);
    }
  });

  it('when the last officer certificate arrives while the run is still recording that it waits, then the run is not left waiting', async () => {
    const officers = await testOfficers();
    let handedIn: Promise<void> | undefined;
    const w = await world({
      hsmProvisioningMs: 50,
      realSleepCapMs: 20,
      onRunChanged: (run, self) => {
        if (run.status !== 'waitingForInput' || handedIn) return;
        // Started inside the drive's own notification, before the drive has ended.
        handedIn = (async () => {
          for (const officer of officers) await self.executor.submitCertificate(run.id, person(officer.person), officer.certificatePem);
        })();
      },
    });
    const plan = hsmPlan();
    const request = await w.approve(plan);
    await w.idle();
    // The officers hand in while the world settles; once they are done, what they kicked must run.
    for (let round = 0; round < 20 && (await w.run(request.id)).status !== 'succeeded'; round += 1) {
      await handedIn;
      await w.idle();
    }
    assert.equal((await w.run(request.id)).status, 'succeeded', JSON.stringify((await w.run(request.id)).lastError));
  });

  it('when a key roll names a key whose vault does not exist, then the run stops at the rollKey step with a clear sentence and nothing is created in Azure', async () => {
    const w = await world();
    const base = premiumPlan();
    const roll: PlanStep = {
      index: 0,
      id: 'rollKey:A:exchange',
      kind: 'rollKey',
      site: 'A',
      params: { container: { kind: 'vault', name: base.keys[0]!.containerName, subscriptionId: base.keys[0]!.subscriptionId, resourceGroup: base.keys[0]!.resourceGroup, region: base.keys[0]!.region }, keyName: base.keys[0]!.keyName, kty: 'RSA-HSM', keySize: 2048, keyOps: ['wrapKey', 'unwrapKey'], expires: null, tagWithRequestId: true, disableOldVersions: false },
      irreversible: false,
      summary: 'Roll key A.',
      estimatedSeconds: 10,
    };
    const plan: Plan = { ...base, kind: 'keyRoll', steps: [roll] };
    const request = await w.approve(plan);
    await w.idle();
    const run = await w.run(request.id);
    assert.equal(run.status, 'stopped');
    assert.equal(run.lastError?.code, 'AzureNotFound');
    assert.match(run.lastError?.message ?? '', /was not found/);
    assert.deepEqual((await requestsFor(w.emulator, request.id)).map((r) => r.method), ['GET'], 'one read, no write');
  });
});
