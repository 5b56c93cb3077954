import { textOf } from '../../src/core';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { premiumPlan } from './executorFixtures';
import { assertCleanOutcome } from './outcomeChecks';
import { requestsFor, startExecutorWorld, type ExecutorWorld } from './executorWorld';
import { budgetOf, PREMIUM_ACCESS_POLICY_SITE, PREMIUM_ACCESS_POLICY_VERIFY_KEY, PREMIUM_RBAC_SITE, PREMIUM_RBAC_VERIFY_KEY } from './requestBudget';

describe('executor: a Key Vault Premium plan against the emulator', function () {
  this.timeout(30_000);
  let world: ExecutorWorld;
  before(async () => {
    world = await startExecutorWorld();
  });
  after(async () => {
    await world.close();
  });

  it('when a Premium plan (two vaults, one workload, RBAC) is approved, then it runs to the end with exactly the budgeted Azure requests, and the request succeeds', async () => {
    const plan = premiumPlan();
    const request = await world.approve(plan);
    await world.idle();
    await assertCleanOutcome(world, plan, request.id);
    const log = await requestsFor(world.emulator, request.id);
    assert.deepEqual(budgetOf(log).lines, [...PREMIUM_RBAC_SITE, ...PREMIUM_RBAC_SITE, ...PREMIUM_RBAC_VERIFY_KEY, ...PREMIUM_RBAC_VERIFY_KEY]);
    const run = await world.run(request.id);
    assert.deepEqual(
      run.steps.map((s) => textOf(s.note).split(' ').slice(0, 2).join(' ')),
      [
        'Created resource',
        'Created vault',
        "Keyward's writer",
        'Office 365',
        'Created key',
        'Backed up',
        'Created resource',
        'Created vault',
        "Keyward's writer",
        'Office 365',
        'Created key',
        'Backed up',
        'All keys',
      ],
    );
    for (const step of run.steps.filter((s) => s.kind === 'backupKey')) {
      const file = String(step.output?.file);
      assert.ok(file.startsWith(world.settings.backupDir));
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    }
    const readiness = run.steps.find((s) => s.kind === 'verifyReadiness')!;
    assert.equal(readiness.output?.ready, true);
    assert.equal(readiness.output?.probed, true);
    assert.match(
      textOf((await world.approvals.get(request.id))?.execution?.detail),
      /All 13 steps done and verified\. Keys: https:\/\/kva.*\.vault\.localhost:\d+\/keys\/ck-exchange-a, https:/,
    );
  });

  it('when the same plan shape uses access policies, then Keyward gets its own key permissions with the vault and the service principal by one policy add', async () => {
    const plan = premiumPlan({ accessModel: 'accessPolicy' });
    const request = await world.approve(plan);
    await world.idle();
    await assertCleanOutcome(world, plan, request.id);
    const lines = budgetOf(await requestsFor(world.emulator, request.id)).lines;
    assert.deepEqual(lines, [...PREMIUM_ACCESS_POLICY_SITE, ...PREMIUM_ACCESS_POLICY_SITE, ...PREMIUM_ACCESS_POLICY_VERIFY_KEY, ...PREMIUM_ACCESS_POLICY_VERIFY_KEY]);
  });

  it('when an approved run is resumed after it finished, then nothing is sent to Azure again', async () => {
    const plan = premiumPlan();
    const request = await world.approve(plan);
    await world.idle();
    const before = (await requestsFor(world.emulator, request.id)).length;
    await world.restartExecutor();
    await world.idle();
    assert.equal((await requestsFor(world.emulator, request.id)).length, before);
    assert.equal((await world.run(request.id)).status, 'succeeded');
  });
});
