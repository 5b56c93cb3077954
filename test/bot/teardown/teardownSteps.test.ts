import assert from 'node:assert/strict';
import { appError, ManualClock } from '../../../src/core';
import { buildTeardownPlan, type DeleteVaultStep, type PurgeManagedHsmStep, type PurgeVaultStep, type TeardownTarget } from '../../../src/customerKey';
import { DEFAULT_EXECUTOR_SETTINGS, type Run, type StepContext } from '../../../src/executor';
import { deleteVaultStep, purgeManagedHsmStep, purgeVaultStep } from '../../../src/executor/steps/teardownSteps';
import { TENANT, SUB_A } from '../../unit/customerKey/fixtures/specs';

const target = (kind: 'vault' | 'managedHsm', purgeProtectionEnabled = true): TeardownTarget => ({
  site: 'A',
  containerKind: kind,
  name: kind === 'vault' ? 'kv-old' : 'hsm-old',
  subscriptionId: SUB_A,
  resourceGroup: 'rg',
  region: 'westeurope',
  purgeProtectionEnabled,
  softDeleteRetentionDays: 90,
  keys: [],
});

function contextWith(azure: Record<string, unknown>, plan = buildTeardownPlan({ tenantId: TENANT, targets: [target('vault')], depUsages: [] })) {
  const calls: string[] = [];
  const audits: string[] = [];
  const proxy = new Proxy(azure, {
    get:
      (obj, prop: string) =>
      (...args: unknown[]) => {
        calls.push(prop);
        const fn = obj[prop] as ((...a: unknown[]) => unknown) | undefined;
        if (!fn) throw new Error(`unexpected call ${prop}`);
        return fn(...args);
      },
  });
  const context = {
    run: { id: 'run', requestId: 'req', plan, steps: [] } as unknown as Run,
    azure: proxy,
    clock: new ManualClock(Date.UTC(2026, 10, 29)),
    settings: DEFAULT_EXECUTOR_SETTINGS,
    progress: async () => undefined,
    audit: (action: string) => void audits.push(action),
    sleep: async () => undefined,
  } as unknown as StepContext;
  return { context, calls, audits, plan };
}

/** Teardown step handlers against a scripted Azure: what each asks, and what it refuses. */
describe('teardown step handlers (executor)', () => {
  it('when the subscription is Disabled at run time, then delete refuses before touching the vault (its purge would be refused while billing went on)', async () => {
    const { context, calls, plan } = contextWith({ getSubscription: async () => ({ subscriptionId: SUB_A, state: 'Disabled' }) });
    const step = plan.steps.find((s): s is DeleteVaultStep => s.kind === 'deleteVault')!;
    await assert.rejects(deleteVaultStep.check(step, context), { code: 'SubscriptionNotEnabled' });
    assert.deepEqual(calls, ['getSubscription']);
  });

  it('when the vault is already soft-deleted (a retry after an unanswered DELETE), then delete is done without a second DELETE', async () => {
    const { context, calls, plan } = contextWith({
      getSubscription: async () => ({ state: 'Enabled' }),
      getVault: async () => undefined,
      getDeletedVault: async () => ({ name: 'kv-old', scheduledPurgeDate: '2027-02-27T00:00:00.000Z' }),
    });
    const step = plan.steps.find((s): s is DeleteVaultStep => s.kind === 'deleteVault')!;
    const check = await deleteVaultStep.check(step, context);
    assert.equal(check.state, 'done');
    assert.equal(check.state === 'done' && check.output.state, 'softDeleted');
    assert.ok(!calls.includes('deleteVault'));
  });

  it('when purge protection holds until a date ahead, then the purge is done as scheduled with no POST; a refusal by Azure for the same reason (its clock) is the same outcome', async () => {
    const ahead = { name: 'kv-old', purgeProtectionEnabled: true, scheduledPurgeDate: '2027-02-27T00:00:00.000Z' };
    const first = contextWith({ getDeletedVault: async () => ahead });
    const purge = first.plan.steps.find((s): s is PurgeVaultStep => s.kind === 'purgeVault')!;
    const check = await purgeVaultStep.check(purge, first.context);
    assert.equal(check.state === 'done' && check.output.state, 'scheduled');
    assert.deepEqual(first.calls, ['getDeletedVault']);
    const refusal = appError('AzureConflict', 'conflict', {
      azureMessage:
        "Operation 'DeletedVaultPurge' is not allowed. The vault 'kv-old' has purge protection enabled; it will be purged automatically after its scheduled purge date.",
    });
    const second = contextWith({
      purgeDeletedVault: async () => {
        throw refusal;
      },
    });
    const output = await purgeVaultStep.apply(purge, second.context, { lookedUpBy: 'get', scheduledPurgeDate: ahead.scheduledPurgeDate });
    assert.equal(output.state, 'scheduled');
  });

  it('when the deletedManagedHSMs list fails twice with the ProviderError, then the purge check looks the HSM up by location, and audits the fallback', async () => {
    const plan = buildTeardownPlan({ tenantId: TENANT, targets: [target('managedHsm', false)], depUsages: [] });
    const { context, calls, audits } = contextWith(
      {
        listDeletedManagedHsms: async () => {
          throw appError('ProviderCollectionError', "Resource provider 'Microsoft.KeyVault' failed to return collection response for type 'deletedManagedHSMs'.");
        },
        getDeletedManagedHsm: async (_sub: string, name: string, location: string) => ({ name, location, purgeProtectionEnabled: false }),
        getSubscription: async () => ({ state: 'Enabled' }),
      },
      plan,
    );
    const step = plan.steps.find((s): s is PurgeManagedHsmStep => s.kind === 'purgeManagedHsm')!;
    const check = await purgeManagedHsmStep.check(step, context);
    assert.equal(check.state, 'todo');
    assert.deepEqual(calls, ['listDeletedManagedHsms', 'listDeletedManagedHsms', 'getDeletedManagedHsm', 'getSubscription']);
    assert.deepEqual(audits, ['execution.fallback']);
  });
});
