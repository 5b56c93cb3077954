import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/core';
import { buildDepPlan, buildKeyRollPlan, type ApplyDepStep, type Plan, type RefreshDepStep } from '../../../src/customerKey';
import type { Run, StepContext } from '../../../src/executor';
import { applyDepStep, refreshDepStep } from '../../../src/executor/steps/depSteps';
import type { ExchangeAppOnlySettings } from '../../../src/executor/steps/powershellRunner';
import { inventoryWorld, type InventoryWorld } from '../../unit/inventory/inventoryFixtures';
import type { KeyPair } from '../../../src/inventory/inventoryTypes';
import { SP_OBJECT_IDS, SUB_A, SUB_B, TENANT } from '../../unit/customerKey/fixtures/specs';

const EXO = SP_OBJECT_IDS['00000002-0000-0ff1-ce00-000000000000']!;

function contextFor(plan: Plan, steps: Run['steps'] = [], exchangeAppOnly?: ExchangeAppOnlySettings): StepContext {
  const run = { id: 'run_x', requestId: 'req_x', plan, steps } as unknown as Run;
  const settings = exchangeAppOnly ? { exchangeAppOnly } : {};
  return { run, settings, clock: new ManualClock(), progress: async () => undefined, audit: () => undefined, sleep: async () => undefined } as unknown as StepContext;
}

/** The DEP step handlers without Azure: what runs, what is refused, and what the roll card gets. */
describe('DEP step handlers (executor)', () => {
  let world: InventoryWorld;
  let pair: KeyPair;
  before(async () => {
    world = await inventoryWorld();
    pair = (await world.inventory.pairs()).find((p) => p.workload === 'exchange' && p.A.ref.containerKind === 'vault')!;
  });
  const request = (connection?: 'mi') => ({
    scope: 'exchange' as const,
    tenantId: TENANT,
    policyName: 'Contoso-EX',
    keys: [
      { uri: pair.A.ref.versionlessUri, subscriptionId: SUB_A },
      { uri: pair.B.ref.versionlessUri, subscriptionId: SUB_B },
    ] as const,
    mailboxes: { all: true as const },
    ...(connection ? { connection: { kind: 'managedIdentity' as const, organization: 'contoso.onmicrosoft.com' } } : {}),
  });

  it('when an operator-run applyDep step is reached, then nothing is run: the operator runs the script', async () => {
    const plan = buildDepPlan({ request: request(), keys: [pair.A.ref, pair.B.ref], servicePrincipalObjectId: EXO, runner: 'operator' });
    const step = plan.steps.find((s): s is ApplyDepStep => s.kind === 'applyDep')!;
    const check = await applyDepStep.check(step, contextFor(plan));
    assert.equal(check.state, 'done');
  });

  it('when the script in the plan does not match the approved SHA-256, then it is refused before anything runs', async () => {
    const plan = buildDepPlan({ request: request('mi'), keys: [pair.A.ref, pair.B.ref], servicePrincipalObjectId: EXO, runner: 'executor' });
    const step = plan.steps.find((s): s is ApplyDepStep => s.kind === 'applyDep')!;
    const tampered = { ...step, params: { ...step.params, script: `${step.params.script}\nRemove-Mailbox *` } };
    await assert.rejects(applyDepStep.check(tampered, contextFor(plan)), { code: 'PlanChanged' });
  });

  it('when Exchange app-only is not set up, then an executor-run step stops with what to do; when PowerShell fails, the run stops with its last lines', async () => {
    const plan = buildDepPlan({ request: request('mi'), keys: [pair.A.ref, pair.B.ref], servicePrincipalObjectId: EXO, runner: 'executor' });
    const step = plan.steps.find((s): s is ApplyDepStep => s.kind === 'applyDep')!;
    await assert.rejects(applyDepStep.check(step, contextFor(plan)), /Exchange app-only is not set up on this Keyward \(KEYWARD_DEP_APP_ONLY\)/);
    const appOnly: ExchangeAppOnlySettings = {
      organization: 'contoso.onmicrosoft.com',
      runner: {
        run: async () => ({ exitCode: 1, stdout: '', stderr: 'Connect-ExchangeOnline: The role assignment is missing.\nThe onboarding validation did not report Success.' }),
      },
    };
    assert.equal((await applyDepStep.check(step, contextFor(plan, [], appOnly))).state, 'todo');
    await assert.rejects(applyDepStep.apply(step, contextFor(plan, [], appOnly), undefined), /exit code 1 .*onboarding validation did not report Success/);
  });

  it('when a SharePoint refresh follows a roll, then its script names the new version from the rollKey step and goes to the operator', async () => {
    const sp = (await world.inventory.pairs()).find((p) => p.workload === 'sharePoint' && p.A.ref.containerKind === 'vault')!;
    const plan = buildKeyRollPlan({
      tenantId: TENANT,
      key: sp.B.ref,
      keySize: 3072,
      depsToRefresh: [{ scope: 'sharePoint', adminUrl: 'https://contoso-admin.sharepoint.com' }],
      servicePrincipalObjectId: SP_OBJECT_IDS['00000003-0000-0ff1-ce00-000000000000']!,
    });
    const step = plan.steps.find((s): s is RefreshDepStep => s.kind === 'refreshDep')!;
    const version = '7'.repeat(32);
    const check = await refreshDepStep.check(step, contextFor(plan, [{ index: 0, id: 'rollKey', kind: 'rollKey', status: 'done', attempts: 1, output: { version } }]));
    assert.equal(check.state, 'done');
    const output = check.state === 'done' ? check.output : {};
    assert.equal(output.runner, 'operator');
    assert.match(
      String(output.script),
      new RegExp(`Update-SPODataEncryptionPolicy -KeyVaultName 'contoso-ck-sp-b' -KeyName 'ck-sp-b' -KeyVersion '${version}' -KeyType 'Secondary'`),
    );
    assert.deepEqual(output.dep, { scope: 'sharePoint', adminUrl: 'https://contoso-admin.sharepoint.com' });
  });
});
