import { textOf } from '../../src/core';
import assert from 'node:assert/strict';
import { appError, LOCAL_IDENTITIES, LOCAL_PEOPLE } from '../../src/core';
import { buildSetupPlan, planHash, type Plan, type PlanStep } from '../../src/customerKey';
import type { ExecutorAudit } from '../../src/executor';
import { startTestEmulator, type TestEmulator } from '../contract/emulator/helpers';
import { hsmPlan, PLAN_CONTEXT, premiumPlan, premiumSpec } from './executorFixtures';
import { assertCleanOutcome } from './outcomeChecks';
import { person, requestsFor, startExecutorWorld, testOfficers, type ExecutorWorld } from './executorWorld';
import { collect } from '../helpers/collect';
import { parseApprovalPolicy, type ApprovalRequest } from '../../src/approvals';
import { localPolicyPath, readPolicyFile } from '../../src/approvals/policyFile';
import { LOCAL_POLICY_JSON } from '../unit/approvals/approvalFixtures';
import { DatabaseWriter } from '../helpers/databaseWriter';

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
    assert.equal((await w.executor.retry(run.id, person(LOCAL_PEOPLE.approverAlex))).ok, true);
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
    const rule = await w.emulator.control.injectFault({
      match: { method: 'POST', path: `^/keys/${keyA.keyName}/create$` },
      effect: { type: 'status', status: 400, code: 'BadParameter', message: 'injected' },
      count: null,
    });
    try {
      const request = await w.approve(plan);
      await w.idle();
      const run = await w.run(request.id);
      assert.equal(run.status, 'stopped');
      w.clock.set(Date.parse(run.retryUntil!) + 1);
      const late = await w.executor.retry(run.id, person(LOCAL_PEOPLE.approverAlex));
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

  it('when the requester (no approver) or an approver the current policy no longer names presses Retry, then it is refused and audited, and the run stays stopped; a current approver may retry', async () => {
    // Issue 12 item 9: Retry is a power of the current approvers only, as voting already checks.
    const w = await world();
    const plan = premiumPlan();
    const keyA = plan.keys.find((k) => k.site === 'A')!;
    const rule = await w.emulator.control.injectFault({
      match: { method: 'POST', path: `^/keys/${keyA.keyName}/create$` },
      effect: { type: 'status', status: 400, code: 'BadParameter', message: 'injected' },
      count: null,
    });
    try {
      const request = await w.approve(plan);
      await w.idle();
      const run = await w.run(request.id);
      assert.equal(run.status, 'stopped');
      const withoutAlex = readPolicyFile(localPolicyPath());
      const edited = JSON.parse(JSON.stringify(LOCAL_POLICY_JSON)) as { groups: { keyApprovers: { members: string[] } } };
      edited.groups.keyApprovers.members = edited.groups.keyApprovers.members.filter((id) => id !== LOCAL_PEOPLE.approverAlex.objectId).concat(LOCAL_PEOPLE.approverDana.objectId);
      const restarted = w.spawnExecutorUnder(parseApprovalPolicy(edited));
      assert.notEqual(withoutAlex.hash, parseApprovalPolicy(edited).hash);
      const byRequester = await w.executor.retry(run.id, person(LOCAL_PEOPLE.operator));
      assert.equal(!byRequester.ok && byRequester.error.code, 'NotAnApprover', 'the requester is not an approver');
      const byFormerApprover = await restarted.retry(run.id, person(LOCAL_PEOPLE.approverAlex));
      assert.equal(!byFormerApprover.ok && byFormerApprover.error.code, 'NotAnApprover', 'Alex left the approver group');
      const refusals = (await collect(w.audit.records()))
        .filter((r) => r.requestId === request.id && r.action === 'execution.retry.refused')
        .map((r) => [r.actor.objectId, r.outcome, r.reason]);
      assert.deepEqual(refusals, [
        [LOCAL_PEOPLE.operator.objectId, 'denied', 'NotAnApprover'],
        [LOCAL_PEOPLE.approverAlex.objectId, 'denied', 'NotAnApprover'],
      ]);
      assert.equal((await w.run(request.id)).status, 'stopped');
      assert.equal((await w.run(request.id)).attempt, 1, 'nothing was retried');
      await w.emulator.control.removeFault(rule.id);
      assert.equal((await w.executor.retry(run.id, person(LOCAL_PEOPLE.approverBruno))).ok, true, 'a current approver may retry');
      await w.idle();
      await assertCleanOutcome(w, plan, request.id);
    } finally {
      await w.emulator.control.removeFault(rule.id).catch(() => undefined);
    }
  });

  it('when someone who can write the database flips a request with one vote of two to approved, then the executor refuses before any step: audited, the request is failed with the reason on its card, no run, nothing in Azure', async () => {
    // Issue 12 item 4: the executor trusted status='approved'.
    const w = await world({ autoStart: false });
    const plan = premiumPlan();
    const hash = planHash(plan);
    w.plans.set(hash, plan);
    const request = await w.approvals.submit({
      planHash: hash,
      operationClass: 'create',
      title: plan.title,
      summaryLines: ['step'],
      targets: [],
      requester: person(LOCAL_PEOPLE.operator),
      reason: 'Compliance.',
      origin: { conversation: { id: 'c' } },
      journeyId: 'j-flip',
    });
    assert.equal((await w.approvals.vote({ requestId: request.id, voter: person(LOCAL_PEOPLE.approverAlex), decision: 'approve', reason: 'ok', planHash: hash })).ok, true);
    const writer = await DatabaseWriter.open(w.dbFile);
    const stored = await writer.request(request.id);
    await writer.writeRequest({ ...stored, status: 'approved', decidedAt: w.clock.now().toISOString(), executeBy: new Date(w.clock.now().getTime() + 3_600_000).toISOString() });
    await writer.close();
    assert.equal(await w.executor.start(request.id), undefined);
    await w.idle();
    const after = (await w.approvals.get(request.id))!;
    assert.equal(after.status, 'failed');
    assert.match(textOf(after.execution?.detail), /not backed by votes Keyward signed \((ruleNotMet|unsigned|decisionMismatch)\)/);
    assert.equal(await w.executor.getByRequest(request.id), undefined, 'no run');
    assert.equal((await requestsFor(w.emulator, request.id)).length, 0, 'nothing reached Azure');
    const refused = (await collect(w.audit.records())).filter((r) => r.requestId === request.id && r.action === 'execution.refused');
    assert.deepEqual(
      refused.map((r) => [r.outcome, r.reason]),
      [['denied', 'ApprovalNotVerified']],
    );
    assert.equal(
      (await collect(w.audit.records())).some((r) => r.requestId === request.id && r.action === 'execution.started'),
      false,
      'never started',
    );
  });

  // Review finding: the drive audited execution.refused itself and refuseExecution audited it again.
  for (const { what, tamper, requestAfter } of [
    { what: 'removed a vote', tamper: (stored: ApprovalRequest) => ({ ...stored, votes: stored.votes.slice(0, 1) }), requestAfter: 'failed' },
    // The request cannot be closed as failed any more (it says succeeded): only the drive can record the refusal.
    {
      what: 'removed a vote and set its request to succeeded',
      tamper: (stored: ApprovalRequest) => ({ ...stored, status: 'succeeded' as const, votes: stored.votes.slice(0, 1) }),
      requestAfter: 'succeeded',
    },
  ]) {
    it(`when a waiting run is driven again after someone who can write the database ${what}, then the refusal is audited exactly once, with its reason and the run, the run is failed and nothing more reaches Azure`, async () => {
      const officers = await testOfficers();
      const w = await world({ hsmProvisioningMs: 50, realSleepCapMs: 20 });
      const request = await w.approve(hsmPlan());
      await w.idle();
      const run = await w.run(request.id);
      assert.equal(run.status, 'waitingForInput', JSON.stringify(run.lastError));
      const writer = await DatabaseWriter.open(w.dbFile);
      await writer.writeRequest(tamper(await writer.request(request.id)));
      await writer.close();
      const sent = (await requestsFor(w.emulator, request.id)).length;
      for (const officer of officers) assert.equal((await w.executor.submitCertificate(run.id, person(officer.person), officer.certificatePem)).ok, true);
      await w.idle();
      const refused = (await collect(w.audit.records())).filter((r) => r.requestId === request.id && r.action === 'execution.refused');
      assert.deepEqual(
        refused.map((r) => [r.outcome, r.reason, r.details.runId]),
        [['denied', 'ApprovalNotVerified', run.id]],
      );
      assert.deepEqual([(await w.run(request.id)).status, (await w.approvals.get(request.id))?.status], ['failed', requestAfter]);
      assert.equal((await requestsFor(w.emulator, request.id)).length, sent, 'nothing more reached Azure');
    });
  }

  it('when a run has stopped and someone who can write the database changes the approved request (a vote removed), then Retry is refused, audited, and the run is closed', async () => {
    const w = await world();
    const plan = premiumPlan();
    const keyA = plan.keys.find((k) => k.site === 'A')!;
    const rule = await w.emulator.control.injectFault({
      match: { method: 'POST', path: `^/keys/${keyA.keyName}/create$` },
      effect: { type: 'status', status: 400, code: 'BadParameter', message: 'injected' },
      count: null,
    });
    try {
      const request = await w.approve(plan);
      await w.idle();
      const run = await w.run(request.id);
      assert.equal(run.status, 'stopped');
      const writer = await DatabaseWriter.open(w.dbFile);
      const stored = await writer.request(request.id);
      await writer.writeRequest({ ...stored, votes: stored.votes.slice(0, 1) });
      await writer.close();
      await w.emulator.control.removeFault(rule.id);
      const before = (await requestsFor(w.emulator, request.id)).length;
      const retried = await w.executor.retry(run.id, person(LOCAL_PEOPLE.approverBruno));
      assert.equal(!retried.ok && retried.error.code, 'ApprovalNotVerified');
      await w.idle();
      assert.equal((await w.run(request.id)).status, 'failed');
      assert.equal((await w.approvals.get(request.id))?.status, 'failed');
      assert.equal((await requestsFor(w.emulator, request.id)).length, before, 'nothing more reached Azure');
      const refusals = (await collect(w.audit.records())).filter((r) => r.requestId === request.id && r.action === 'execution.retry.refused');
      assert.deepEqual(
        refusals.map((r) => r.reason),
        ['ApprovalNotVerified'],
      );
    } finally {
      await w.emulator.control.removeFault(rule.id).catch(() => undefined);
    }
  });

  for (const accessModel of ['rbac', 'accessPolicy'] as const) {
    it(`when a person runs verify on keys Keyward set up (${accessModel} vaults), then every Azure read is made as the reader identity, never the writer, and the keys read green through the plan's read-only grants`, async () => {
      // Issue 12 item 6: user-triggered reads ran as the writer identity.
      const w = await world({ reader: true });
      const plan = buildSetupPlan(premiumSpec({ accessModel }), { ...PLAN_CONTEXT, keywardReaderObjectId: LOCAL_IDENTITIES.reader.objectId });
      const request = await w.approve(plan);
      await w.idle();
      await assertCleanOutcome(w, plan, request.id);
      const before = (await w.emulator.control.requests()).length;
      const { report } = await w.executor.verify(request.id, person(LOCAL_PEOPLE.operator));
      const reads = (await w.emulator.control.requests()).slice(before);
      const servicePrincipals = new Set(Object.values(PLAN_CONTEXT.servicePrincipalObjectIds).map((id) => id.toLowerCase()));
      // Key Vault's first request carries no token (the 401 challenge tells the SDK where to get one).
      const byKeyward = reads.filter((r) => r.callerObjectId !== undefined && !servicePrincipals.has(r.callerObjectId));
      assert.ok(
        reads.every((r) => r.callerObjectId !== undefined || r.status === 401),
        'only challenges go without a token',
      );
      assert.ok(byKeyward.length > 0, 'verify read Azure');
      assert.deepEqual([...new Set(byKeyward.map((r) => r.callerObjectId))], [LOCAL_IDENTITIES.reader.objectId], 'the reader, and only the reader');
      assert.ok(
        byKeyward.every((r) => r.method === 'GET'),
        'reads only',
      );
      assert.equal(report.ready, true, JSON.stringify(report.lines.filter((l) => l.status !== 'pass')));
    });
  }

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
      params: {
        container: {
          kind: 'vault',
          name: base.keys[0]!.containerName,
          subscriptionId: base.keys[0]!.subscriptionId,
          resourceGroup: base.keys[0]!.resourceGroup,
          region: base.keys[0]!.region,
        },
        keyName: base.keys[0]!.keyName,
        kty: 'RSA-HSM',
        keySize: 2048,
        keyOps: ['wrapKey', 'unwrapKey'],
        expires: null,
        tagWithRequestId: true,
        disableOldVersions: false,
      },
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
    assert.deepEqual(
      (await requestsFor(w.emulator, request.id)).map((r) => r.method),
      ['GET'],
      'one read, no write',
    );
  });
});
