import { textOf } from '../../src/core';
import assert from 'node:assert/strict';
import { LOCAL_PEOPLE, LOCAL_SUBSCRIPTIONS } from '../../src/core';
import { DEFAULT_EXECUTOR_SETTINGS } from '../../src/executor';
import type { Plan } from '../../src/customerKey';
import type { RequestLogEntry } from '../../src/emulator';
import { premiumPlan } from '../executor/executorFixtures';
import { assertCleanOutcome } from '../executor/outcomeChecks';
import { person, requestsFor, startExecutorWorld, testCredentials, type ExecutorWorld } from '../executor/executorWorld';
import { keyClient } from './emulator/helpers';
import { collect } from '../helpers/collect';

/**
 * How long Azure takes to finish a key's soft delete or recover, during which the deleted (or
 * recovered) key answers 404 and the name answers 409 ObjectIsBeing…: about 4 s in the SDK's own
 * recording (recording_wrap_and_unwrap_with_rsaoaep_on_a_rsahsm_key.json, Azure/azure-sdk-assets),
 * "no SLA … up to several minutes" says the Key Vault team (Azure/azure-powershell#24094).
 */
const SOFT_DELETE_WINDOW_MS = 10_000;

/**
 * Fault injection against the in-process emulator, through the real SDKs: throttling with
 * Retry-After, 5xx, dropped connections, a request that times out on Keyward's side but completes
 * in Azure, a subscription disabled mid-run, a missing role. Each run must end with one vault per
 * name, one key version per key, no duplicate permission, a clear state, an intact audit chain —
 * and no request the design note does not justify (the request log is compared with a clean run).
 */
describe('executor under Azure faults (emulator)', function () {
  this.timeout(60_000);
  let world: ExecutorWorld;
  let baseline: number;

  const vaultPath = (plan: Plan, site: 'A' | 'B') => {
    const ref = plan.keys.find((k) => k.site === site)!;
    return `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.KeyVault/vaults/${ref.containerName}`;
  };
  const key = (plan: Plan, site: 'A' | 'B') => plan.keys.find((k) => k.site === site)!;
  const statuses = (log: RequestLogEntry[], method: string, path: RegExp) => log.filter((r) => r.method === method && path.test(r.path)).map((r) => r.status);
  /** No write succeeded twice: everything Keyward created, it created once. */
  const assertWritesOnce = (log: RequestLogEntry[]) => {
    const writes = log
      .filter((r) => r.method !== 'GET' && r.status >= 200 && r.status < 300 && !/\/(wrapkey|unwrapkey)$/.test(r.path))
      .map((r) => `${r.method} ${r.host} ${r.path}`);
    assert.deepEqual(
      writes.filter((w, i) => writes.indexOf(w) !== i),
      [],
      'a write succeeded twice',
    );
  };

  before(async () => {
    world = await startExecutorWorld();
    await world.emulator.control.setOptions({ softDeleteWindowMs: SOFT_DELETE_WINDOW_MS });
    // The clean run every fault run is compared with (same plan shape: two RBAC vaults, one workload).
    const plan = premiumPlan();
    const request = await world.approve(plan);
    await world.idle();
    await assertCleanOutcome(world, plan, request.id);
    baseline = (await requestsFor(world.emulator, request.id)).length;
  });
  afterEach(async () => {
    await world.emulator.control.clearFaults();
    await world.emulator.control.setSubscriptionState(LOCAL_SUBSCRIPTIONS.secondary.id, 'Enabled');
  });
  after(async () => {
    await world.close();
  });

  it('when ARM and the data plane answer bursts of 429 with Retry-After, then each retry waits at least that long, re-checks first, and the run ends clean', async () => {
    const plan = premiumPlan();
    await world.emulator.control.injectFault({
      match: { method: 'PUT', path: `${vaultPath(plan, 'A')}$` },
      effect: { type: 'status', status: 429, retryAfterSeconds: 3 },
      count: 2,
    });
    await world.emulator.control.injectFault({
      match: { method: 'POST', path: `^/keys/${key(plan, 'B').keyName}/create$` },
      effect: { type: 'status', status: 429, retryAfterSeconds: 7 },
      count: 3,
    });
    const sleepsBefore = world.sleeps.length;
    const request = await world.approve(plan);
    await world.idle();
    await assertCleanOutcome(world, plan, request.id);
    const log = await requestsFor(world.emulator, request.id);
    assert.deepEqual(statuses(log, 'PUT', new RegExp(`${vaultPath(plan, 'A')}$`)), [429, 429, 201]);
    assert.deepEqual(statuses(log, 'POST', new RegExp(`^/keys/${key(plan, 'B').keyName}/create$`)), [429, 429, 429, 200]);
    const waits = world.sleeps.slice(sleepsBefore);
    assert.deepEqual(waits.filter((ms) => ms >= 3_000 && ms < 7_000).length, 2, `Retry-After 3 s honoured twice: ${waits.join(', ')}`);
    assert.deepEqual(waits.filter((ms) => ms >= 7_000).length, 3, `Retry-After 7 s honoured three times: ${waits.join(', ')}`);
    // Each failed attempt costs its check (GET) and the refused write, nothing more.
    assert.equal(log.length, baseline + 2 * 2 + 3 * 2);
    assertWritesOnce(log);
    const journal = (await world.executor.get((await world.run(request.id)).id))!;
    assert.ok(journal.steps.every((s) => s.status === 'done'));
  });

  it('when Azure answers 500 and 503, then the steps are retried and nothing is created twice', async () => {
    const plan = premiumPlan();
    await world.emulator.control.injectFault({
      match: { method: 'PUT', path: `${vaultPath(plan, 'A')}/providers/Microsoft.Authorization/roleAssignments/` },
      effect: { type: 'status', status: 503 },
      count: 2,
    });
    await world.emulator.control.injectFault({
      match: { method: 'POST', path: `^/keys/${key(plan, 'B').keyName}/backup$` },
      effect: { type: 'status', status: 500, code: 'InternalServerError' },
      count: 1,
    });
    const request = await world.approve(plan);
    await world.idle();
    await assertCleanOutcome(world, plan, request.id);
    const log = await requestsFor(world.emulator, request.id);
    // Role assignment PUTs and the backup POST are their own checks: one request per failed attempt.
    assert.equal(log.length, baseline + 2 + 1);
    assertWritesOnce(log);
  });

  it('when a connection is dropped before Azure reads the request, then the step retries and the run ends clean', async () => {
    const plan = premiumPlan();
    const keyA = key(plan, 'A');
    await world.emulator.control.injectFault({ match: { method: 'POST', path: `^/keys/${keyA.keyName}/create$` }, effect: { type: 'drop' }, count: 1 });
    await world.emulator.control.injectFault({ match: { method: 'PUT', path: `${vaultPath(plan, 'B')}$` }, effect: { type: 'drop' }, count: 1 });
    const request = await world.approve(plan);
    await world.idle();
    await assertCleanOutcome(world, plan, request.id);
    const log = await requestsFor(world.emulator, request.id);
    assert.deepEqual(statuses(log, 'POST', new RegExp(`^/keys/${keyA.keyName}/create$`)), [0, 200]);
    assert.deepEqual(statuses(log, 'PUT', new RegExp(`${vaultPath(plan, 'B')}$`)), [0, 201]);
    assert.equal(log.length, baseline + 2 + 2);
    assertWritesOnce(log);
  });

  it('when Azure does not answer a key create in time, then Keyward abandons it, re-checks, creates the key once and the run ends clean', async () => {
    // Emulator gap: a request the client abandons during injected latency is never processed (its
    // body is read after the delay), so "completed in Azure after Keyward gave up" cannot be staged
    // here; the SIGKILL test covers it (the create happened, the journal never heard). The back-off
    // really waits past the injected delay, so the test holds either way the emulator behaves.
    const timeouts = await startExecutorWorld({
      emulator: world.emulator,
      requestTimeoutMs: 1_500,
      realSleepCapMs: 2_000,
      settings: { retry: { ...DEFAULT_EXECUTOR_SETTINGS.retry, baseDelayMs: 2_000 } },
    });
    try {
      const plan = premiumPlan();
      const keyB = key(plan, 'B');
      await world.emulator.control.injectFault({ match: { method: 'POST', path: `^/keys/${keyB.keyName}/create$` }, effect: { type: 'latency', ms: 2_500 }, count: 1 });
      const request = await timeouts.approve(plan);
      await timeouts.idle();
      await assertCleanOutcome(timeouts, plan, request.id);
      const retries = await timeouts.db.all<{ detail: string }>("SELECT detail FROM executor_journal WHERE phase = 'step.retry'");
      assert.equal(retries.length, 1);
      assert.match(retries[0]!.detail, /"code":"AzureTransient"/);
      const log = await requestsFor(world.emulator, request.id);
      assert.deepEqual(statuses(log, 'POST', new RegExp(`^/keys/${keyB.keyName}/create$`)), [200], 'one create took effect');
      assertWritesOnce(log);
    } finally {
      await timeouts.close();
    }
  });

  it('when a subscription is disabled mid-run, then the run stops with a clear message, keeps what it did, and Retry after re-enabling finishes it', async () => {
    const plan = premiumPlan();
    await world.emulator.control.setSubscriptionState(LOCAL_SUBSCRIPTIONS.secondary.id, 'Disabled');
    const request = await world.approve(plan);
    await world.idle();
    let run = await world.run(request.id);
    assert.equal(run.status, 'stopped');
    assert.equal(run.lastError?.code, 'SubscriptionNotEnabled');
    assert.match(run.lastError?.message ?? '', /disabled.*Re-enable it/s);
    assert.equal(run.lastError?.stepId, 'ensureResourceGroup:B');
    assert.ok(
      run.steps.filter((s) => s.id.includes(':A')).every((s) => s.status === 'done'),
      'site A is done and stays done',
    );
    const stopped = (await world.approvals.get(request.id))!;
    assert.equal(stopped.status, 'executing');
    assert.match(textOf(stopped.execution?.progress), /Stopped at step 7 of 13 \(SubscriptionNotEnabled\).*Retry is possible until/);
    assert.equal(stopped.execution?.halted, true, 'the approval card says "Stopped", not "Running"');
    assert.ok(
      world.changes.some((c) => c.id === run.id && c.status === 'stopped'),
      'the run card was told',
    );

    const refused = await world.executor.retry(run.id, person(LOCAL_PEOPLE.observer));
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.error.code, 'NotAnApprover');

    await world.emulator.control.setSubscriptionState(LOCAL_SUBSCRIPTIONS.secondary.id, 'Enabled');
    const retried = await world.executor.retry(run.id, person(LOCAL_PEOPLE.approverAlex));
    assert.equal(retried.ok, true);
    await world.idle();
    await assertCleanOutcome(world, plan, request.id);
    run = await world.run(request.id);
    assert.equal(run.attempt, 2);
    const log = await requestsFor(world.emulator, request.id);
    assertWritesOnce(log);
    // Site A was not touched again: no request to its vault after the retry.
    const sinceRetry = log.slice(log.findIndex((r) => r.status === 409) + 1);
    assert.equal(sinceRetry.filter((r) => r.method !== 'GET' && r.path.startsWith(vaultPath(plan, 'A'))).length, 0);
    const actions = (await collect(world.audit.records())).filter((r) => r.requestId === request.id).map((r) => r.action);
    assert.ok(actions.includes('execution.step.failed') && actions.includes('execution.retried') && actions.includes('execution.succeeded'));
  });

  it('when Keyward lacks the role to create a key, then the run stops at once naming the role and the scope, and Retry after the fix finishes it', async () => {
    const plan = premiumPlan({ accessModel: 'accessPolicy' });
    const keyA = key(plan, 'A');
    const rule = await world.emulator.control.injectFault({
      match: { method: 'POST', path: `^/keys/${keyA.keyName}/create$` },
      effect: {
        type: 'status',
        status: 403,
        code: 'Forbidden',
        message: `The user, group or application does not have keys create permission on key vault '${keyA.containerName}'.`,
      },
      count: null,
    });
    const request = await world.approve(plan);
    await world.idle();
    const run = await world.run(request.id);
    assert.equal(run.status, 'stopped');
    assert.equal(run.lastError?.code, 'AzureForbidden');
    assert.equal(run.lastError?.transient, false);
    assert.match(run.lastError?.azure?.requiredRole ?? '', /Key Vault Crypto Officer.*keys create/);
    assert.match(run.lastError?.message ?? '', new RegExp(`Grant ".*" at scope https://${keyA.containerName}\\.vault\\.localhost`));
    assert.equal(run.steps.find((s) => s.id === 'ensureKey:A:exchange')?.attempts, 1, 'a missing role is not retried blindly');
    await world.emulator.control.removeFault(rule.id);
    assert.equal((await world.executor.retry(run.id, person(LOCAL_PEOPLE.approverAlex))).ok, true);
    await world.idle();
    await assertCleanOutcome(world, plan, request.id);
  });

  it('when throttling outlasts the retry budget, then the run stops as transient with Retry offered, and Retry later finishes it', async () => {
    const plan = premiumPlan();
    const rule = await world.emulator.control.injectFault({
      match: { method: 'GET', path: `^/subscriptions/${key(plan, 'B').subscriptionId}/resourcegroups/` },
      effect: { type: 'status', status: 429, retryAfterSeconds: 1 },
      count: null,
    });
    const request = await world.approve(plan);
    await world.idle();
    const run = await world.run(request.id);
    assert.equal(run.status, 'stopped');
    assert.equal(run.lastError?.code, 'AzureThrottled');
    assert.equal(run.lastError?.transient, true);
    assert.equal(run.steps.find((s) => s.id === 'ensureResourceGroup:B')?.status, 'failed');
    assert.equal((await world.executor.getByRequest(request.id))?.retryUntil, (await world.approvals.get(request.id))?.executeBy);
    await world.emulator.control.removeFault(rule.id);
    assert.equal((await world.executor.retry(run.id, person(LOCAL_PEOPLE.approverAlex))).ok, true);
    await world.idle();
    await assertCleanOutcome(world, plan, request.id);
  });

  describe("with Azure's soft-delete/recover window (the emulator's clock follows the runner's waits)", () => {
    let windowed: ExecutorWorld;
    before(async () => {
      windowed = await startExecutorWorld({ emulator: world.emulator, onSleep: async (ms) => void (await world.emulator.control.advanceClock(ms)) });
    });
    after(async () => {
      await windowed.close();
    });
    const keysOf = async (plan: Plan, site: 'A' | 'B') => keyClient(world.emulator.vaultUrl(key(plan, site).containerName), (await testCredentials()).writer);
    const retriesOf = async (target: ExecutorWorld, stepId: string) =>
      (await target.db.all<{ detail: string }>("SELECT detail FROM executor_journal WHERE phase = 'step.retry'"))
        .map((r) => r.detail)
        .filter((d) => d.includes(stepId) || d.includes('ObjectIsBeing'));
    const versionsOf = async (plan: Plan, site: 'A' | 'B') => {
      const ref = key(plan, site);
      const state = await world.emulator.control.state();
      return state.keys.filter((k) => k.container === ref.containerName && k.name === ref.keyName);
    };

    it("when someone is recovering the plan's key as a new request reaches it (Azure answers 404 until the recover settles), then Keyward waits for it instead of stopping or creating a second key, and reuses the recovered one", async () => {
      const plan = premiumPlan();
      const first = await windowed.approve(plan);
      await windowed.idle();
      await assertCleanOutcome(windowed, plan, first.id);
      const keyA = key(plan, 'A');
      const keys = await keysOf(plan, 'A');
      await keys.beginDeleteKey(keyA.keyName);
      await world.emulator.control.advanceClock(SOFT_DELETE_WINDOW_MS);
      assert.equal((await keys.getDeletedKey(keyA.keyName)).name, keyA.keyName);
      // An administrator recovers it; Azure takes a while, and the same plan is run again meanwhile.
      await keys.beginRecoverDeletedKey(keyA.keyName);
      const second = await windowed.approve(plan);
      await windowed.idle();

      const run = await windowed.run(second.id);
      assert.equal(run.status, 'succeeded', JSON.stringify(run.lastError));
      const step = run.steps.find((s) => s.id === 'ensureKey:A:exchange');
      assert.ok((step?.attempts ?? 0) > 1, 'the key step waited for the recover');
      assert.match(textOf(step?.note), /already exists and meets the plan.*reused/);
      assert.ok(
        (await retriesOf(windowed, 'ensureKey:A:exchange')).some((d) => d.includes('ObjectIsBeingRecovered')),
        'retried because Azure was still recovering',
      );
      const [recovered] = await versionsOf(plan, 'A');
      assert.equal(recovered?.deleted, false);
      assert.equal(recovered?.versions.length, 1, 'no second version while the key was coming back');
      assert.equal((recovered?.versions[0] as { tags: Record<string, string> }).tags['keyward-request'], first.id);
      const log = await requestsFor(world.emulator, second.id);
      assert.deepEqual(
        statuses(log, 'POST', new RegExp(`^/keys/${keyA.keyName}/create$`)).filter((status) => status < 300),
        [],
        'nothing was created',
      );
    });

    it("when the plan's key was deleted moments ago (Azure still deleting it), then Keyward waits until Azure has finished, stops saying the key is soft-deleted and how to recover it, and Retry after the recovery reuses it", async () => {
      const plan = premiumPlan();
      const first = await windowed.approve(plan);
      await windowed.idle();
      await assertCleanOutcome(windowed, plan, first.id);
      const keyA = key(plan, 'A');
      const keys = await keysOf(plan, 'A');
      await keys.beginDeleteKey(keyA.keyName);
      const second = await windowed.approve(plan);
      await windowed.idle();

      let run = await windowed.run(second.id);
      assert.equal(run.status, 'stopped');
      assert.equal(run.lastError?.code, 'AzureConflict');
      assert.equal(run.lastError?.stepId, 'ensureKey:A:exchange');
      assert.equal(run.lastError?.azure?.innerCode, 'ObjectIsDeletedButRecoverable', 'stopped only once Azure had finished the delete');
      assert.match(
        run.lastError?.message ?? '',
        new RegExp(
          `Key ${keyA.keyName} in vault ${keyA.containerName} was deleted.*soft-deleted, recoverable.*Manage deleted keys → Recover.*az keyvault key recover --vault-name ${keyA.containerName} --name ${keyA.keyName}.*then Retry`,
          's',
        ),
      );
      assert.ok(
        (await retriesOf(windowed, 'ensureKey:A:exchange')).some((d) => d.includes('ObjectIsBeingDeleted')),
        'retried while Azure was still deleting',
      );

      await keys.beginRecoverDeletedKey(keyA.keyName);
      await world.emulator.control.advanceClock(SOFT_DELETE_WINDOW_MS);
      assert.equal((await windowed.executor.retry(run.id, person(LOCAL_PEOPLE.approverAlex))).ok, true);
      await windowed.idle();
      run = await windowed.run(second.id);
      assert.equal(run.status, 'succeeded', JSON.stringify(run.lastError));
      const [recovered] = await versionsOf(plan, 'A');
      assert.equal(recovered?.versions.length, 1);
      assertWritesOnce(await requestsFor(world.emulator, second.id));
    });
  });
});
