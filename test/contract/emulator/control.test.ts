import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { TokenCredential } from '@azure/identity';
import { createControlClient } from '../../../src/emulator';
import { ARM_SCOPE, type TestEmulator, VAULT_SCOPE, WRITER_OBJECT_ID, createVault, keyClient, keyPolicy, managedIdentity, restClient, startTestEmulator } from './helpers';

describe('emulator control API', () => {
  let emulator: TestEmulator;
  let credential: TokenCredential;

  before(async () => {
    emulator = await startTestEmulator();
    credential = await managedIdentity();
  });
  after(async () => {
    await emulator.dispose();
  });

  it('when the control API is used over HTTPS, then it reads state without key material, counts requests by client request id, and resets to the seed', async () => {
    const control = createControlClient({ armEndpoint: emulator.armEndpoint, caCertPem: fs.readFileSync(emulator.caCertPath, 'utf8') });
    const vault = await createVault(emulator, credential, { properties: { accessPolicies: [keyPolicy(emulator.tenantId, WRITER_OBJECT_ID, ['all'])] } });
    await keyClient(vault.vaultUri, credential).createRsaKey('cmk-state');
    const state = await control.state();
    assert.equal((state.vaults as Array<{ name: string }>)[0]?.name, vault.name);
    assert.equal(state.keys[0]?.name, 'cmk-state');
    const dump = JSON.stringify(state);
    assert.doesNotMatch(dump, /PRIVATE KEY|privateKey|"d":/);
    assert.doesNotMatch(dump, /identityHeader/);

    await control.clearRequests();
    const rest = restClient(credential, VAULT_SCOPE);
    await rest('GET', `${vault.vaultUri}keys?api-version=2025-07-01`, undefined, { 'x-ms-client-request-id': 'count-me' });
    const log = await control.requests();
    assert.deepEqual(
      log.map((r) => [r.method, r.host, r.path, r.status, r.clientRequestId]),
      [['GET', `${vault.name}.vault.localhost`, '/keys', 200, 'count-me']],
    );

    const advanced = await control.advanceClock(86_400_000);
    assert.equal(advanced.offsetMs, 86_400_000);
    await control.setOptions({ hsmProvisioningMs: 0, lroMode: 'location' });
    await control.addPrincipal({
      objectId: '0a0a0a0a-0000-4000-8000-000000000001',
      clientId: '0b0b0b0b-0000-4000-8000-000000000001',
      displayName: 'test-app',
      kind: 'ServicePrincipal',
    });
    const token = await control.issueToken({ principal: '0b0b0b0b-0000-4000-8000-000000000001', resource: 'https://management.azure.com' });
    const asApp = await restClient({ getToken: async () => ({ token: token.accessToken, expiresOnTimestamp: token.expiresOn * 1000 }) }, ARM_SCOPE)(
      'GET',
      `${emulator.armEndpoint}/subscriptions?api-version=2022-12-01`,
    );
    assert.equal(asApp.status, 200);

    await control.reset();
    const fresh = await control.state();
    assert.deepEqual(fresh.vaults, []);
    assert.deepEqual(fresh.keys, []);
    assert.equal(fresh.clockOffsetMs, 0);
    assert.equal((fresh.subscriptions as unknown[]).length, 3);
    assert.deepEqual(await control.requests(), []);
  });

  it('when the control API gets bad input, then it answers 400 and changes nothing', async () => {
    const control = createControlClient({ armEndpoint: emulator.armEndpoint, caCertPem: fs.readFileSync(emulator.caCertPath, 'utf8') });
    await assert.rejects(control.setSubscriptionState(emulator.subscriptionIds[0] as string, 'Frozen' as never), /400/);
    await assert.rejects(control.setFeatureState(emulator.subscriptionIds[0] as string, 'Microsoft.Resources/mandatoryRetentionPeriodEnabled', 'Maybe'), /400/);
    await assert.rejects(control.setHsmRegion('atlantis', 'disabled'), /400/);
    await assert.rejects(control.advanceClock(-5), /400/);
    await assert.rejects(control.setOptions({ lroMode: 'carrier-pigeon' as never }), /400/);
    await assert.rejects(control.removeFault('no-such-fault'), /404/);
    const state = await control.state();
    assert.equal(
      (state.subscriptions as Array<{ state: string }>).every((s) => s.state === 'Enabled'),
      true,
    );
  });
});
