import assert from 'node:assert/strict';
import type { TokenCredential } from '@azure/identity';
import type { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { LOCAL_SUBSCRIPTIONS } from '../../../src/core';
import {
  ARM_SCOPE,
  EXCHANGE_OBJECT_ID,
  type TestEmulator,
  WRITER_OBJECT_ID,
  armClient,
  ensureResourceGroup,
  expectRestError,
  keyPolicy,
  managedIdentity,
  restClient,
  startTestEmulator,
  uniqueName,
  vaultBody,
} from './helpers';

const DAY_MS = 86_400_000;

describe('emulator Microsoft.KeyVault/vaults (ARM)', () => {
  let emulator: TestEmulator;
  let credential: TokenCredential;
  let arm: KeyVaultManagementClient;
  const rg = 'rg-vaults';

  before(async () => {
    emulator = await startTestEmulator();
    credential = await managedIdentity();
    arm = armClient(emulator, credential);
  });
  beforeEach(async () => {
    await emulator.control.reset();
    await ensureResourceGroup(emulator, credential, rg);
  });
  after(async () => {
    await emulator.dispose();
  });

  it('when a Customer Key vault is created, then the PUT returns 201 Succeeded synchronously with vaultUri on the vault host and every property echoed', async () => {
    const name = uniqueName('kvck');
    const vault = await arm.vaults.beginCreateOrUpdateAndWait(
      rg,
      name,
      vaultBody(emulator.tenantId, {}, { accessPolicies: [keyPolicy(emulator.tenantId, WRITER_OBJECT_ID, ['get', 'create'])] }) as never,
    );
    assert.equal(vault.properties.provisioningState, 'Succeeded');
    assert.equal(vault.properties.vaultUri, emulator.vaultUrl(name));
    assert.equal(vault.properties.sku.name, 'premium');
    assert.equal(vault.properties.enableSoftDelete, true);
    assert.equal(vault.properties.enablePurgeProtection, true);
    assert.equal(vault.properties.softDeleteRetentionInDays, 90);
    assert.equal(vault.properties.accessPolicies?.[0]?.objectId, WRITER_OBJECT_ID);
    assert.equal(vault.id, `/subscriptions/${emulator.subscriptionIds[0]}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${name}`);
    assert.equal(vault.systemData?.createdBy, WRITER_OBJECT_ID);
    assert.ok(vault.systemData?.createdAt instanceof Date);
    const puts = (await emulator.control.requests()).filter((r) => r.method === 'PUT' && r.path.endsWith(`/vaults/${name}`));
    assert.deepEqual(
      puts.map((r) => r.status),
      [201],
    );
    // PUT again with the same body updates in place: 200.
    const again = await restClient(credential, ARM_SCOPE)('PUT', `${emulator.armEndpoint}${vault.id}?api-version=2026-02-01`, vaultBody(emulator.tenantId));
    assert.equal(again.status, 200);
  });

  it('when vaults are read and listed, then get, listBySubscription, listByResourceGroup and the /resources form all see them, with $top paging', async () => {
    const names = [uniqueName('kva'), uniqueName('kvb'), uniqueName('kvc')];
    for (const name of names) await arm.vaults.beginCreateOrUpdateAndWait(rg, name, vaultBody(emulator.tenantId) as never);
    assert.equal((await arm.vaults.get(rg, names[0] as string)).name, names[0]);
    const bySubscription: string[] = [];
    for await (const v of arm.vaults.listBySubscription()) bySubscription.push(v.name ?? '');
    assert.deepEqual(bySubscription.sort(), [...names].sort());
    const byGroup: string[] = [];
    for await (const v of arm.vaults.listByResourceGroup(rg)) byGroup.push(v.name ?? '');
    assert.equal(byGroup.length, 3);
    const resources: Array<{ name?: string; type?: string }> = [];
    for await (const r of arm.vaults.list()) resources.push(r);
    assert.deepEqual(
      resources.map((r) => r.type),
      ['Microsoft.KeyVault/vaults', 'Microsoft.KeyVault/vaults', 'Microsoft.KeyVault/vaults'],
    );
    const pages: number[] = [];
    for await (const page of arm.vaults.listBySubscription({ top: 2 }).byPage()) pages.push(page.length);
    assert.deepEqual(pages, [2, 1]);
    await expectRestError(arm.vaults.get(rg, 'kv-not-there'), 404, 'ResourceNotFound');
  });

  it('when a vault is patched, then tags and properties change, and purge protection cannot be switched off', async () => {
    const name = uniqueName('kvpatch');
    await arm.vaults.beginCreateOrUpdateAndWait(rg, name, vaultBody(emulator.tenantId, {}, { enablePurgeProtection: undefined }) as never);
    const patched = await arm.vaults.update(rg, name, { tags: { stage: 'prod' }, properties: { enablePurgeProtection: true, enableRbacAuthorization: true } });
    assert.deepEqual(patched.tags, { stage: 'prod' });
    assert.equal(patched.properties.enablePurgeProtection, true);
    assert.equal(patched.properties.enableRbacAuthorization, true);
    const refused = await expectRestError(arm.vaults.update(rg, name, { properties: { enablePurgeProtection: false } }), 400, 'BadRequest');
    assert.match(refused.message, /cannot be set to false/);
    await expectRestError(arm.vaults.update(rg, name, { properties: { softDeleteRetentionInDays: 30 } }), 400, 'BadRequest');
  });

  it("when access policies are added, replaced and removed, then the vault's list changes accordingly and the response echoes the request", async () => {
    const name = uniqueName('kvap');
    await arm.vaults.beginCreateOrUpdateAndWait(rg, name, vaultBody(emulator.tenantId) as never);
    const add = await arm.vaults.updateAccessPolicy(rg, name, 'add', { properties: { accessPolicies: [keyPolicy(emulator.tenantId, EXCHANGE_OBJECT_ID, ['get', 'wrapKey'])] } });
    assert.equal(add.properties.accessPolicies[0]?.objectId, EXCHANGE_OBJECT_ID);
    await arm.vaults.updateAccessPolicy(rg, name, 'add', { properties: { accessPolicies: [keyPolicy(emulator.tenantId, EXCHANGE_OBJECT_ID, ['unwrapKey'])] } });
    let vault = await arm.vaults.get(rg, name);
    assert.deepEqual(vault.properties.accessPolicies?.[0]?.permissions.keys, ['get', 'wrapKey', 'unwrapKey']);
    await arm.vaults.updateAccessPolicy(rg, name, 'replace', { properties: { accessPolicies: [keyPolicy(emulator.tenantId, EXCHANGE_OBJECT_ID, ['get'])] } });
    vault = await arm.vaults.get(rg, name);
    assert.deepEqual(vault.properties.accessPolicies?.[0]?.permissions.keys, ['get']);
    await arm.vaults.updateAccessPolicy(rg, name, 'remove', { properties: { accessPolicies: [keyPolicy(emulator.tenantId, EXCHANGE_OBJECT_ID, ['get'])] } });
    vault = await arm.vaults.get(rg, name);
    assert.deepEqual(vault.properties.accessPolicies, []);
    await expectRestError(
      arm.vaults.updateAccessPolicy(rg, name, 'add', { properties: { accessPolicies: [keyPolicy(emulator.tenantId, EXCHANGE_OBJECT_ID, ['teleport'])] } }),
      400,
      'BadRequest',
    );
  });

  it('when names are checked, then invalid, free, taken (in any subscription) and soft-deleted names answer as Azure does', async () => {
    assert.deepEqual(await arm.vaults.checkNameAvailability({ name: 'kv-free-name', type: 'Microsoft.KeyVault/vaults' }), {
      nameAvailable: true,
      reason: undefined,
      message: undefined,
    });
    const invalid = await arm.vaults.checkNameAvailability({ name: '1-bad', type: 'Microsoft.KeyVault/vaults' });
    assert.equal(invalid.nameAvailable, false);
    assert.equal(invalid.reason, 'AccountNameInvalid');
    const name = uniqueName('kvtaken');
    await ensureResourceGroup(emulator, credential, 'rg-other', LOCAL_SUBSCRIPTIONS.secondary.id);
    await armClient(emulator, credential, LOCAL_SUBSCRIPTIONS.secondary.id).vaults.beginCreateOrUpdateAndWait('rg-other', name, vaultBody(emulator.tenantId) as never);
    const taken = await arm.vaults.checkNameAvailability({ name, type: 'Microsoft.KeyVault/vaults' });
    assert.equal(taken.reason, 'AlreadyExists');
    await expectRestError(arm.vaults.beginCreateOrUpdateAndWait(rg, name, vaultBody(emulator.tenantId) as never), 409, 'VaultAlreadyExists');
    await armClient(emulator, credential, LOCAL_SUBSCRIPTIONS.secondary.id).vaults.delete('rg-other', name);
    const softDeleted = await arm.vaults.checkNameAvailability({ name, type: 'Microsoft.KeyVault/vaults' });
    assert.equal(softDeleted.nameAvailable, false);
    assert.match(softDeleted.message ?? '', /deleted but not purged/);
  });

  it('when a vault is deleted, then it is soft-deleted: get/list deleted work, the name stays taken (409), purge protection refuses purge until the scheduled date', async () => {
    const name = uniqueName('kvdel');
    await arm.vaults.beginCreateOrUpdateAndWait(rg, name, vaultBody(emulator.tenantId, {}, { softDeleteRetentionInDays: 7 }) as never);
    await arm.vaults.delete(rg, name);
    await expectRestError(arm.vaults.get(rg, name), 404, 'ResourceNotFound');
    const deleted = await arm.vaults.getDeleted(name, 'westeurope');
    assert.equal(deleted.properties?.vaultId?.endsWith(`/vaults/${name}`), true);
    assert.equal(deleted.properties?.purgeProtectionEnabled, true);
    assert.equal((deleted.properties?.scheduledPurgeDate?.getTime() ?? 0) - (deleted.properties?.deletionDate?.getTime() ?? 0), 7 * DAY_MS);
    const listed: string[] = [];
    for await (const d of arm.vaults.listDeleted()) listed.push(d.name ?? '');
    assert.deepEqual(listed, [name]);
    const conflict = await expectRestError(arm.vaults.beginCreateOrUpdateAndWait(rg, name, vaultBody(emulator.tenantId) as never), 409, 'ConflictError');
    assert.match(conflict.message, /deleted state/);
    await expectRestError(arm.vaults.beginPurgeDeletedAndWait(name, 'westeurope'), 409, 'InvalidOperation');
    await emulator.control.advanceClock(8 * DAY_MS);
    // Retention elapsed: Azure purges it by itself and the name is free again.
    await expectRestError(arm.vaults.getDeleted(name, 'westeurope'), 404);
    await arm.vaults.beginCreateOrUpdateAndWait(rg, name, vaultBody(emulator.tenantId) as never);
  });

  it('when a deleted vault without purge protection is purged, then it is gone and the name is free; createMode recover restores a deleted vault', async () => {
    const purged = uniqueName('kvpurge');
    await arm.vaults.beginCreateOrUpdateAndWait(rg, purged, vaultBody(emulator.tenantId, {}, { enablePurgeProtection: undefined }) as never);
    await arm.vaults.delete(rg, purged);
    await arm.vaults.beginPurgeDeletedAndWait(purged, 'West Europe');
    await expectRestError(arm.vaults.getDeleted(purged, 'westeurope'), 404);
    assert.equal((await arm.vaults.checkNameAvailability({ name: purged, type: 'Microsoft.KeyVault/vaults' })).nameAvailable, true);

    const recovered = uniqueName('kvrec');
    await arm.vaults.beginCreateOrUpdateAndWait(rg, recovered, vaultBody(emulator.tenantId) as never);
    await arm.vaults.delete(rg, recovered);
    const back = await arm.vaults.beginCreateOrUpdateAndWait(rg, recovered, vaultBody(emulator.tenantId, {}, { createMode: 'recover' }) as never);
    assert.equal(back.name, recovered);
    assert.equal((await arm.vaults.get(rg, recovered)).properties.provisioningState, 'Succeeded');
    // Deleting something that is not there is a 204 the SDK accepts.
    await arm.vaults.delete(rg, 'kv-never-existed');
  });

  it('when a vault body is wrong, then ARM answers 400 with a clear code and nothing is created', async () => {
    const bad = async (name: string, body: unknown, code: string) => {
      await expectRestError(arm.vaults.beginCreateOrUpdateAndWait(rg, name, body as never), 400, code);
    };
    await bad('ab', vaultBody(emulator.tenantId), 'VaultNameNotValid');
    await bad('kv--double', vaultBody(emulator.tenantId), 'VaultNameNotValid');
    await bad(uniqueName('kvx'), vaultBody(emulator.tenantId, { location: 'atlantis' }), 'LocationNotAvailableForResourceType');
    await bad(uniqueName('kvx'), vaultBody('not-a-guid'), 'BadRequest');
    await bad(uniqueName('kvx'), vaultBody(emulator.tenantId, {}, { sku: { family: 'A', name: 'platinum' } }), 'BadRequest');
    await bad(uniqueName('kvx'), vaultBody(emulator.tenantId, {}, { softDeleteRetentionInDays: 120 }), 'BadRequest');
    await bad(uniqueName('kvx'), vaultBody(emulator.tenantId, {}, { enableSoftDelete: false }), 'BadRequest');
    await bad(uniqueName('kvx'), vaultBody(emulator.tenantId, {}, { enablePurgeProtection: false }), 'BadRequest');
    const raw = await restClient(credential, ARM_SCOPE)(
      'PUT',
      `${emulator.armEndpoint}/subscriptions/${emulator.subscriptionIds[0]}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/kvjson?api-version=2026-02-01`,
      undefined,
      {
        'content-type': 'application/json',
      },
    );
    assert.equal(raw.status, 400);
    const vaults: string[] = [];
    for await (const v of arm.vaults.listBySubscription()) vaults.push(v.name ?? '');
    assert.deepEqual(vaults, []);
  });
});
