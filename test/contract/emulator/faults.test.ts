import assert from 'node:assert/strict';
import type { TokenCredential } from '@azure/identity';
import type { KeyClient } from '@azure/keyvault-keys';
import {
  ARM_SCOPE,
  type TestEmulator,
  WRITER_OBJECT_ID,
  armClient,
  createVault,
  expectRestError,
  keyClient,
  keyPolicy,
  managedIdentity,
  restClient,
  startTestEmulator,
} from './helpers';

describe('emulator fault injection and gaps', () => {
  let emulator: TestEmulator;
  let credential: TokenCredential;
  let keys: KeyClient;
  let vault: Awaited<ReturnType<typeof createVault>>;

  before(async () => {
    emulator = await startTestEmulator();
    credential = await managedIdentity();
    vault = await createVault(emulator, credential, { properties: { accessPolicies: [keyPolicy(emulator.tenantId, WRITER_OBJECT_ID, ['all'])] } });
    keys = keyClient(vault.vaultUri, credential);
    await keys.createRsaKey('cmk-faults');
  });
  afterEach(async () => {
    await emulator.control.clearFaults();
  });
  after(async () => {
    await emulator.dispose();
  });

  const countRequests = async (path: string) => (await emulator.control.requests()).filter((r) => r.path === path);

  it('when the next 2 key reads get 429 with Retry-After, then the SDK waits, retries and succeeds on the third request', async () => {
    await emulator.control.clearRequests();
    await emulator.control.injectFault({
      match: { method: 'GET', host: 'vault', path: '^/keys/cmk-faults/?$' },
      effect: { type: 'status', status: 429, retryAfterSeconds: 1 },
      count: 2,
    });
    const started = Date.now();
    const key = await keys.getKey('cmk-faults');
    assert.equal(key.name, 'cmk-faults');
    assert.ok(Date.now() - started >= 1_900, 'Retry-After was honoured');
    assert.deepEqual(
      (await countRequests('/keys/cmk-faults/')).map((r) => r.status),
      [429, 429, 200],
    );
  });

  it('when ARM answers 503 twice and then 500 forever, then the SDK recovers from the first and gives up on the second after its retries', async () => {
    const arm = armClient(emulator, credential);
    await emulator.control.injectFault({ match: { method: 'GET', path: `/vaults/${vault.name}$` }, effect: { type: 'status', status: 503 }, count: 2 });
    assert.equal((await arm.vaults.get(vault.resourceGroup, vault.name)).name, vault.name);
    const rule = await emulator.control.injectFault({
      match: { method: 'GET', path: `/vaults/${vault.name}$` },
      effect: { type: 'status', status: 500, code: 'InternalServerError' },
      count: null,
    });
    await expectRestError(arm.vaults.get(vault.resourceGroup, vault.name), 500, 'InternalServerError');
    const armed = (await emulator.control.listFaults()).find((f) => f.id === rule.id);
    assert.equal(armed?.hits, 4);
    await emulator.control.removeFault(rule.id);
    assert.equal((await arm.vaults.get(vault.resourceGroup, vault.name)).name, vault.name);
  });

  it('when the next connection is dropped, then the SDK retries on a new connection and succeeds', async () => {
    await emulator.control.clearRequests();
    await emulator.control.injectFault({ match: { path: '^/keys/cmk-faults/?$' }, effect: { type: 'drop' }, count: 1 });
    assert.equal((await keys.getKey('cmk-faults')).name, 'cmk-faults');
    assert.deepEqual(
      (await countRequests('/keys/cmk-faults/')).map((r) => r.status),
      [0, 200],
    );
  });

  it('when latency is injected, then the request takes at least that long and still succeeds', async () => {
    await emulator.control.injectFault({ match: { path: '^/keys$' }, effect: { type: 'latency', ms: 300 } });
    const started = Date.now();
    for await (const _ of keys.listPropertiesOfKeys()) break;
    assert.ok(Date.now() - started >= 290);
  });

  it('when a route is not implemented, then the emulator answers 501 NotImplementedByEmulator naming method and path', async () => {
    const rest = restClient(credential, ARM_SCOPE);
    const response = await rest('GET', `${emulator.armEndpoint}/subscriptions/${emulator.subscriptionIds[0]}/providers/Microsoft.Compute/virtualMachines?api-version=2024-01-01`);
    assert.equal(response.status, 501);
    const error = (response.body as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'NotImplementedByEmulator');
    assert.match(error.message, /GET \/subscriptions\/.+\/providers\/Microsoft\.Compute\/virtualMachines/);
    await expectRestError(keys.releaseKey('cmk-faults', 'attestation-token'), 501, 'NotImplementedByEmulator');
  });

  it('when fault specs are malformed, then the control API refuses them', async () => {
    await assert.rejects(emulator.control.injectFault({ match: { path: '(' }, effect: { type: 'drop' } }), /regular expression/);
    await assert.rejects(emulator.control.injectFault({ match: {}, effect: { type: 'status', status: 200 } }), /effect.status/);
  });
});
