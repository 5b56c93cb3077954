import assert from 'node:assert/strict';
import type { TokenCredential } from '@azure/identity';
import type { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { LOCAL_SUBSCRIPTIONS } from '../../../src/core';
import {
  ARM_SCOPE,
  type TestEmulator,
  WRITER_OBJECT_ID,
  armClient,
  ensureResourceGroup,
  expectRestError,
  managedIdentity,
  restClient,
  startTestEmulator,
  uniqueName,
} from './helpers';

const DAY_MS = 86_400_000;

function hsmBody(tenantId: string, overrides: Record<string, unknown> = {}, location = 'westeurope') {
  return {
    location,
    sku: { family: 'B', name: 'Standard_B1' },
    properties: { tenantId, initialAdminObjectIds: [WRITER_OBJECT_ID], softDeleteRetentionInDays: 7, enablePurgeProtection: false, publicNetworkAccess: 'Enabled', ...overrides },
  };
}

describe('emulator Microsoft.KeyVault/managedHSMs (ARM)', () => {
  let emulator: TestEmulator;
  let credential: TokenCredential;
  let arm: KeyVaultManagementClient;
  const rg = 'rg-hsm';

  before(async () => {
    emulator = await startTestEmulator();
    credential = await managedIdentity();
    arm = armClient(emulator, credential);
  });
  beforeEach(async () => {
    await emulator.control.reset();
    await emulator.control.setOptions({ hsmProvisioningMs: 0, lroMode: 'location' });
    await ensureResourceGroup(emulator, credential, rg);
  });
  after(async () => {
    await emulator.dispose();
  });

  it('when provisioning takes time, then create is a 202 + Location LRO the SDK polls (Retry-After ≥ 1 s) and the final poll carries the HSM', async () => {
    await emulator.control.setOptions({ hsmProvisioningMs: 1000 });
    const name = uniqueName('hsm');
    const poller = await arm.managedHsms.beginCreateOrUpdate(rg, name, hsmBody(emulator.tenantId) as never);
    const during = await arm.managedHsms.get(rg, name);
    assert.equal(during.properties?.provisioningState, 'Provisioning');
    const hsm = await poller.pollUntilDone();
    assert.equal(hsm.name, name);
    assert.equal(hsm.properties?.provisioningState, 'Succeeded');
    assert.equal(hsm.properties?.hsmUri, emulator.hsmUrl(name));
    assert.equal(hsm.properties?.securityDomainProperties?.activationStatus, 'NotActivated');
    const log = (await emulator.control.requests()).filter((r) => r.path.includes(name) || r.path.includes('managedHsmOperationResults'));
    assert.equal(log[0]?.status, 202);
    const polls = log.filter((r) => r.path.includes('managedHsmOperationResults'));
    assert.ok(polls.length >= 1 && polls.at(-1)?.status === 200, JSON.stringify(polls));
  });

  it('when the emulator runs in Azure-AsyncOperation mode, then create answers 202 + Azure-AsyncOperation (and the Location the spec declares), polls see InProgress then Succeeded, and the SDK ends on a GET of the HSM', async () => {
    await emulator.control.setOptions({ hsmProvisioningMs: 1000, lroMode: 'azure-async-operation' });
    const name = uniqueName('hsmaao');
    const hsm = await arm.managedHsms.beginCreateOrUpdateAndWait(rg, name, hsmBody(emulator.tenantId) as never);
    assert.equal(hsm.properties?.provisioningState, 'Succeeded');
    const log = await emulator.control.requests();
    assert.equal(log.find((r) => r.method === 'PUT' && r.path.endsWith(name))?.status, 202);
    assert.ok(log.some((r) => r.path.includes('/operationResults/')));
    assert.equal(log.at(-1)?.method, 'GET');
    assert.ok(log.at(-1)?.path.endsWith(`/managedHSMs/${name}`));
  });

  it('when HSM create, delete and purge answer in any mode (synchronous, Location, Azure-AsyncOperation), then the first status is one the 2024-11-01 spec declares for that operation (issue 16 item 6)', async () => {
    // managedHsm.json 2024-11-01: ManagedHsms_CreateOrUpdate 200 | 202 (Location); ManagedHsms_Delete
    // 200 | 202 (Location) | 204; ManagedHsms_PurgeDeleted 200 | 202 (Location).
    const declared = { PUT: [200, 202], DELETE: [200, 202, 204], POST: [200, 202] } as const;
    for (const [mode, ms] of [
      ['location', 0],
      ['location', 1000],
      ['azure-async-operation', 1000],
    ] as const) {
      await emulator.control.setOptions({ hsmProvisioningMs: ms, lroMode: mode });
      const name = uniqueName('hsmspec');
      await emulator.control.clearRequests();
      await arm.managedHsms.beginCreateOrUpdateAndWait(rg, name, hsmBody(emulator.tenantId) as never);
      await arm.managedHsms.beginDeleteAndWait(rg, name);
      await arm.managedHsms.beginPurgeDeletedAndWait(name, 'westeurope');
      const log = await emulator.control.requests();
      for (const method of ['PUT', 'DELETE', 'POST'] as const) {
        const first = log.find((r) => r.method === method && (r.path.endsWith(`/managedHSMs/${name}`) || r.path.endsWith(`/deletedManagedHSMs/${name}/purge`)));
        assert.ok(first, `${mode}/${ms}: no ${method}`);
        assert.ok(
          (declared[method] as readonly number[]).includes(first.status),
          `${mode}/${ms}: ${method} answered ${first.status}, the spec declares ${declared[method].join(', ')}`,
        );
        if (first.status === 202) assert.ok(ms > 0, `${mode}: 202 only when the operation takes time`);
      }
    }
  });

  it('when an HSM is deleted with provisioning time, then delete is an LRO, the HSM becomes soft-deleted, and purge (also an LRO) frees its name', async () => {
    await emulator.control.setOptions({ hsmProvisioningMs: 1000 });
    const name = uniqueName('hsmdel');
    await arm.managedHsms.beginCreateOrUpdateAndWait(rg, name, hsmBody(emulator.tenantId) as never);
    await arm.managedHsms.beginDeleteAndWait(rg, name);
    await expectRestError(arm.managedHsms.get(rg, name), 404, 'ResourceNotFound');
    const deleted = await arm.managedHsms.getDeleted(name, 'westeurope');
    assert.equal(deleted.properties?.mhsmId?.endsWith(`/managedHSMs/${name}`), true);
    assert.equal((deleted.properties?.scheduledPurgeDate?.getTime() ?? 0) - (deleted.properties?.deletionDate?.getTime() ?? 0), 7 * DAY_MS);
    const listed: string[] = [];
    for await (const d of arm.managedHsms.listDeleted()) listed.push(d.name ?? '');
    assert.deepEqual(listed, [name]);
    const taken = await arm.managedHsms.checkMhsmNameAvailability({ name });
    assert.equal(taken.nameAvailable, false);
    await expectRestError(arm.managedHsms.beginCreateOrUpdateAndWait(rg, name, hsmBody(emulator.tenantId) as never), 409, 'ConflictError');
    await arm.managedHsms.beginPurgeDeletedAndWait(name, 'westeurope');
    await expectRestError(arm.managedHsms.getDeleted(name, 'westeurope'), 404);
    assert.equal((await arm.managedHsms.checkMhsmNameAvailability({ name })).nameAvailable, true);
  });

  it('when an HSM has purge protection, then purge is refused until the scheduled purge date, after which Azure purges it by itself', async () => {
    const name = uniqueName('hsmpp');
    await arm.managedHsms.beginCreateOrUpdateAndWait(rg, name, hsmBody(emulator.tenantId, { enablePurgeProtection: true }) as never);
    await arm.managedHsms.beginDeleteAndWait(rg, name);
    await expectRestError(arm.managedHsms.beginPurgeDeletedAndWait(name, 'westeurope'), 409, 'InvalidOperation');
    await emulator.control.advanceClock(8 * DAY_MS);
    await expectRestError(arm.managedHsms.getDeleted(name, 'westeurope'), 404);
  });

  it('when HSMs are listed per subscription and resource group, then a client can count them per region, and a sixth in one region hits the quota', async () => {
    for (let i = 0; i < 5; i += 1) await arm.managedHsms.beginCreateOrUpdateAndWait(rg, uniqueName(`hsmq${i}`), hsmBody(emulator.tenantId) as never);
    await arm.managedHsms.beginCreateOrUpdateAndWait(rg, uniqueName('hsmne'), hsmBody(emulator.tenantId, {}, 'northeurope') as never);
    const perRegion: Record<string, number> = {};
    for await (const hsm of arm.managedHsms.listBySubscription()) perRegion[hsm.location ?? ''] = (perRegion[hsm.location ?? ''] ?? 0) + 1;
    assert.deepEqual(perRegion, { westeurope: 5, northeurope: 1 });
    let inGroup = 0;
    for await (const _ of arm.managedHsms.listByResourceGroup(rg)) inGroup += 1;
    assert.equal(inGroup, 6);
    const quota = await expectRestError(arm.managedHsms.beginCreateOrUpdateAndWait(rg, uniqueName('hsmq6'), hsmBody(emulator.tenantId) as never), 409, 'QuotaExceeded');
    assert.match(quota.message, /5 per subscription per region/);
    // Another subscription has its own quota.
    await ensureResourceGroup(emulator, credential, rg, LOCAL_SUBSCRIPTIONS.secondary.id);
    await armClient(emulator, credential, LOCAL_SUBSCRIPTIONS.secondary.id).managedHsms.beginCreateOrUpdateAndWait(rg, uniqueName('hsmsec'), hsmBody(emulator.tenantId) as never);
  });

  it('when a region refuses HSM pools, then create answers 503 "Pool creation is disabled in this region" and other regions still work', async () => {
    await emulator.control.setHsmRegion('West US 3', 'disabled');
    const noRetry = armClient(emulator, credential, undefined, { retryOptions: { maxRetries: 0 } });
    const refused = await expectRestError(noRetry.managedHsms.beginCreateOrUpdateAndWait(rg, uniqueName('hsmwus3'), hsmBody(emulator.tenantId, {}, 'westus3') as never), 503);
    assert.equal(refused.message, 'Pool creation is disabled in this region');
    await arm.managedHsms.beginCreateOrUpdateAndWait(rg, uniqueName('hsmeus'), hsmBody(emulator.tenantId, {}, 'eastus') as never);
    await emulator.control.setHsmRegion('westus3', 'enabled');
    await arm.managedHsms.beginCreateOrUpdateAndWait(rg, uniqueName('hsmwus3'), hsmBody(emulator.tenantId, {}, 'westus3') as never);
  });

  it('when listing deleted HSMs hits the field-seen ProviderError, then the SDK surfaces it and the per-location GET and a later list still work', async () => {
    const name = uniqueName('hsmprov');
    await arm.managedHsms.beginCreateOrUpdateAndWait(rg, name, hsmBody(emulator.tenantId) as never);
    await arm.managedHsms.beginDeleteAndWait(rg, name);
    // The SDK tries 1 + 3 times (quick retries in these tests); the fifth hit is read raw below.
    await emulator.control.injectFault({ match: { method: 'GET', path: '/deletedManagedHSMs$' }, effect: { type: 'providerError' }, count: 5 });
    const listing = async () => {
      const names: string[] = [];
      for await (const d of arm.managedHsms.listDeleted()) names.push(d.name ?? '');
      return names;
    };
    await expectRestError(listing(), 500, 'ProviderError');
    const raw = await restClient(credential, ARM_SCOPE)(
      'GET',
      `${emulator.armEndpoint}/subscriptions/${emulator.subscriptionIds[0]}/providers/Microsoft.KeyVault/deletedManagedHSMs?api-version=2026-02-01`,
    );
    assert.deepEqual(raw.body, {
      error: { code: 'ProviderError', message: "Resource provider 'Microsoft.KeyVault' failed to return collection response for type 'deletedManagedHSMs'." },
    });
    assert.equal((await arm.managedHsms.getDeleted(name, 'westeurope')).name, name);
    assert.deepEqual(await listing(), [name]);
  });

  it('when an HSM is patched and names are checked, then tags and purge protection change, and invalid or wrong bodies are refused with 400', async () => {
    const name = uniqueName('hsmpatch');
    await arm.managedHsms.beginCreateOrUpdateAndWait(rg, name, hsmBody(emulator.tenantId) as never);
    const patched = await arm.managedHsms.beginUpdateAndWait(rg, name, { tags: { tier: 'ck' }, properties: { enablePurgeProtection: true } } as never);
    assert.deepEqual(patched.tags, { tier: 'ck' });
    assert.equal(patched.properties?.enablePurgeProtection, true);
    await expectRestError(arm.managedHsms.beginUpdateAndWait(rg, name, { properties: { enablePurgeProtection: false } } as never), 400);
    assert.equal((await arm.managedHsms.checkMhsmNameAvailability({ name: '9bad' })).reason, 'AccountNameInvalid');
    await expectRestError(arm.managedHsms.beginCreateOrUpdateAndWait(rg, uniqueName('hsmbad'), hsmBody(emulator.tenantId, { initialAdminObjectIds: [] }) as never), 400);
    await expectRestError(
      arm.managedHsms.beginCreateOrUpdateAndWait(rg, uniqueName('hsmbad'), { ...hsmBody(emulator.tenantId), sku: { family: 'B', name: 'Huge_Z9' } } as never),
      400,
    );
    await expectRestError(arm.managedHsms.beginCreateOrUpdateAndWait(rg, 'h', hsmBody(emulator.tenantId) as never), 400);
  });
});
