import assert from 'node:assert/strict';
import type { TokenCredential } from '@azure/identity';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { LOCAL_SUBSCRIPTIONS } from '../../../src/core';
import {
  ARM_SCOPE,
  type TestEmulator,
  armClient,
  clientOptions,
  ensureResourceGroup,
  expectRestError,
  managedIdentity,
  restClient,
  startTestEmulator,
  uniqueName,
  vaultBody,
} from './helpers';

const FEATURE_PATH = 'providers/Microsoft.Features/providers/Microsoft.Resources/features/mandatoryRetentionPeriodEnabled';

describe('emulator subscriptions, resource groups and features (ARM)', () => {
  let emulator: TestEmulator;
  let credential: TokenCredential;
  let subscriptions: SubscriptionClient;
  let rest: ReturnType<typeof restClient>;
  const primary = LOCAL_SUBSCRIPTIONS.primary.id;
  const unregistered = LOCAL_SUBSCRIPTIONS.unregistered.id;

  before(async () => {
    emulator = await startTestEmulator();
    credential = await managedIdentity();
    subscriptions = new SubscriptionClient(credential, clientOptions({ endpoint: emulator.armEndpoint, credentialScopes: [ARM_SCOPE] }));
    rest = restClient(credential, ARM_SCOPE);
  });
  after(async () => {
    await emulator.dispose();
  });
  afterEach(async () => {
    await emulator.control.reset();
  });

  it('when SubscriptionClient gets and lists subscriptions, then the seeded local tenant answers with state Enabled', async () => {
    const subscription = await subscriptions.subscriptions.get(primary);
    assert.equal(subscription.subscriptionId, primary);
    assert.equal(subscription.tenantId, emulator.tenantId);
    assert.equal(subscription.state, 'Enabled');
    assert.equal(subscription.displayName, LOCAL_SUBSCRIPTIONS.primary.displayName);
    const all: string[] = [];
    for await (const s of subscriptions.subscriptions.list()) all.push(s.subscriptionId ?? '');
    assert.deepEqual(all.sort(), [LOCAL_SUBSCRIPTIONS.primary.id, LOCAL_SUBSCRIPTIONS.secondary.id, LOCAL_SUBSCRIPTIONS.unregistered.id].sort());
    const locations: string[] = [];
    for await (const l of subscriptions.subscriptions.listLocations(primary)) locations.push(l.name ?? '');
    assert.ok(locations.includes('westeurope') && locations.includes('swedencentral'));
    const tenants: string[] = [];
    for await (const t of subscriptions.tenants.list()) tenants.push(t.tenantId ?? '');
    assert.deepEqual(tenants, [emulator.tenantId]);
  });

  it('when a subscription does not exist, then ARM answers 404 SubscriptionNotFound', async () => {
    await expectRestError(subscriptions.subscriptions.get('99999999-9999-4999-8999-999999999999'), 404, 'SubscriptionNotFound');
  });

  it('when the control API sets each state, then SubscriptionClient reports it', async () => {
    for (const state of ['Warned', 'PastDue', 'Disabled', 'Deleted', 'Enabled'] as const) {
      await emulator.control.setSubscriptionState(primary, state);
      assert.equal((await subscriptions.subscriptions.get(primary)).state, state);
    }
  });

  it('when the subscription is Disabled, then PUT and POST (purge included) get 409 ReadOnlyDisabledSubscription, while GET and DELETE still work', async () => {
    await ensureResourceGroup(emulator, credential, 'rg-disabled');
    const arm = armClient(emulator, credential);
    const name = uniqueName('kvdis');
    await arm.vaults.beginCreateOrUpdateAndWait('rg-disabled', name, vaultBody(emulator.tenantId, {}, { enablePurgeProtection: undefined }) as never);
    await emulator.control.setSubscriptionState(primary, 'Disabled');
    await expectRestError(arm.vaults.beginCreateOrUpdateAndWait('rg-disabled', uniqueName('kvdis'), vaultBody(emulator.tenantId) as never), 409, 'ReadOnlyDisabledSubscription');
    await expectRestError(arm.vaults.update('rg-disabled', name, { tags: { x: 'y' } }), 409, 'ReadOnlyDisabledSubscription');
    const registered = await rest('POST', `${emulator.armEndpoint}/subscriptions/${primary}/${FEATURE_PATH}/register?api-version=2021-07-01`);
    assert.equal(registered.status, 409);
    assert.equal((await arm.vaults.get('rg-disabled', name)).name, name);
    await arm.vaults.delete('rg-disabled', name);
    await expectRestError(arm.vaults.beginPurgeDeletedAndWait(name, 'westeurope'), 409, 'ReadOnlyDisabledSubscription');
    const deleted = await arm.vaults.getDeleted(name, 'westeurope');
    assert.equal(deleted.name, name);
  });

  it('when the subscription is Warned, then writes still succeed (the emulator reads Warned as writable)', async () => {
    await emulator.control.setSubscriptionState(primary, 'Warned');
    await ensureResourceGroup(emulator, credential, 'rg-warned');
    const vault = await armClient(emulator, credential).vaults.beginCreateOrUpdateAndWait('rg-warned', uniqueName('kvwarn'), vaultBody(emulator.tenantId) as never);
    assert.equal(vault.properties.provisioningState, 'Succeeded');
  });

  it('when resource groups are PUT, read, checked and listed, then ARM answers 201/200, is case-insensitive and 404s unknown groups', async () => {
    const url = (name: string) => `${emulator.armEndpoint}/subscriptions/${primary}/resourcegroups/${name}?api-version=2022-09-01`;
    const created = await rest('PUT', url('RG-Case'), { location: 'West Europe', tags: { owner: 'keyward' } });
    assert.equal(created.status, 201);
    assert.deepEqual((created.body as { location: string }).location, 'westeurope');
    assert.equal((await rest('PUT', url('rg-case'), { location: 'westeurope' })).status, 200);
    const read = await rest('GET', `${emulator.armEndpoint}/subscriptions/${primary}/resourceGroups/rg-case?api-version=2022-09-01`);
    assert.equal((read.body as { name: string }).name, 'RG-Case');
    assert.equal((await rest('HEAD', url('rg-case'))).status, 204);
    assert.equal((await rest('HEAD', url('rg-missing'))).status, 404);
    const missing = await rest('GET', url('rg-missing'));
    assert.equal(missing.status, 404);
    assert.equal((missing.body as { error: { code: string } }).error.code, 'ResourceGroupNotFound');
    const list = await rest('GET', `${emulator.armEndpoint}/subscriptions/${primary}/resourcegroups?api-version=2022-09-01`);
    assert.ok((list.body as { value: Array<{ name: string }> }).value.some((g) => g.name === 'RG-Case'));
    const badLocation = await rest('PUT', url('rg-atlantis'), { location: 'atlantis' });
    assert.equal((badLocation.body as { error: { code: string } }).error.code, 'LocationNotAvailableForResourceType');
    const noLocation = await rest('PUT', url('rg-nowhere'), {});
    assert.equal((noLocation.body as { error: { code: string } }).error.code, 'LocationRequired');
    const badName = await rest('PUT', url('rg%21bad'), { location: 'westeurope' });
    assert.equal(badName.status, 400);
    assert.equal((await rest('DELETE', url('rg-case'))).status, 200);
    assert.equal((await rest('GET', url('rg-case'))).status, 404);
  });

  it('when a vault is created in a missing resource group, then ARM answers 404 ResourceGroupNotFound', async () => {
    await expectRestError(
      armClient(emulator, credential).vaults.beginCreateOrUpdateAndWait('rg-absent', uniqueName('kv'), vaultBody(emulator.tenantId) as never),
      404,
      'ResourceGroupNotFound',
    );
  });

  it("when mandatoryRetentionPeriodEnabled is read and registered, then the feature API shape is Azure's and registration waits as Pending until approved", async () => {
    const url = (sub: string, suffix = '') => `${emulator.armEndpoint}/subscriptions/${sub}/${FEATURE_PATH}${suffix}?api-version=2021-07-01`;
    const registered = await rest('GET', url(primary));
    assert.deepEqual(registered.body, {
      id: `/subscriptions/${primary}/providers/Microsoft.Features/providers/Microsoft.Resources/features/mandatoryRetentionPeriodEnabled`,
      name: 'Microsoft.Resources/mandatoryRetentionPeriodEnabled',
      properties: { state: 'Registered' },
      type: 'Microsoft.Features/providers/features',
    });
    assert.equal(((await rest('GET', url(unregistered))).body as { properties: { state: string } }).properties.state, 'NotRegistered');
    const pending = await rest('POST', url(unregistered, '/register'));
    assert.equal(pending.status, 200);
    assert.equal((pending.body as { properties: { state: string } }).properties.state, 'Pending');
    assert.equal(((await rest('GET', url(unregistered))).body as { properties: { state: string } }).properties.state, 'Pending');
    await emulator.control.setFeatureState(unregistered, 'Microsoft.Resources/mandatoryRetentionPeriodEnabled', 'Registered');
    assert.equal(((await rest('GET', url(unregistered))).body as { properties: { state: string } }).properties.state, 'Registered');
    const list = await rest('GET', `${emulator.armEndpoint}/subscriptions/${unregistered}/providers/Microsoft.Features/features?api-version=2021-07-01`);
    assert.ok((list.body as { value: Array<{ name: string }> }).value.some((f) => f.name === 'Microsoft.Resources/mandatoryRetentionPeriodEnabled'));
    const byNamespace = await rest(
      'GET',
      `${emulator.armEndpoint}/subscriptions/${unregistered}/providers/Microsoft.Features/providers/Microsoft.Resources/features?api-version=2021-07-01`,
    );
    assert.deepEqual(
      (byNamespace.body as { value: Array<{ properties: { state: string } }> }).value.map((f) => f.properties.state),
      ['Registered'],
    );
    const unregister = await rest('POST', url(unregistered, '/unregister'));
    assert.equal((unregister.body as { properties: { state: string } }).properties.state, 'Unregistered');
    const other = await rest(
      'POST',
      `${emulator.armEndpoint}/subscriptions/${unregistered}/providers/Microsoft.Features/providers/Microsoft.KeyVault/features/SomePreview/register?api-version=2021-07-01`,
    );
    assert.equal((other.body as { properties: { state: string } }).properties.state, 'Registered');
  });

  it('when resource providers are read, then Microsoft.KeyVault is Registered and lists the managedHSMs regions; an unknown namespace is 404', async () => {
    const provider = await rest('GET', `${emulator.armEndpoint}/subscriptions/${primary}/providers/Microsoft.KeyVault?api-version=2021-04-01`);
    const body = provider.body as { registrationState: string; resourceTypes: Array<{ resourceType: string; locations: string[] }> };
    assert.equal(body.registrationState, 'Registered');
    assert.ok(body.resourceTypes.find((t) => t.resourceType === 'managedHSMs')?.locations.includes('West Europe'));
    const all = await rest('GET', `${emulator.armEndpoint}/subscriptions/${primary}/providers?api-version=2021-04-01`);
    assert.ok((all.body as { value: Array<{ namespace: string }> }).value.some((p) => p.namespace === 'Microsoft.Features'));
    assert.equal((await rest('POST', `${emulator.armEndpoint}/subscriptions/${primary}/providers/Microsoft.KeyVault/register?api-version=2021-04-01`)).status, 200);
    const unknown = await rest('GET', `${emulator.armEndpoint}/subscriptions/${primary}/providers/Microsoft.Nope?api-version=2021-04-01`);
    assert.equal((unknown.body as { error: { code: string } }).error.code, 'InvalidResourceNamespace');
  });

  it('when ARM is called without a token or without api-version, then it answers 401 AuthenticationFailed and 400 MissingApiVersionParameter', async () => {
    const anonymous = await restClient(undefined, '')('GET', `${emulator.armEndpoint}/subscriptions/${primary}?api-version=2022-12-01`);
    assert.equal(anonymous.status, 401);
    assert.equal((anonymous.body as { error: { code: string } }).error.code, 'AuthenticationFailed');
    const noVersion = await rest('GET', `${emulator.armEndpoint}/subscriptions/${primary}`);
    assert.equal(noVersion.status, 400);
    assert.equal((noVersion.body as { error: { code: string } }).error.code, 'MissingApiVersionParameter');
    const badVersion = await rest('GET', `${emulator.armEndpoint}/subscriptions/${primary}?api-version=latest`);
    assert.equal((badVersion.body as { error: { code: string } }).error.code, 'InvalidApiVersionParameter');
  });
});
