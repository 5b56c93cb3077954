import assert from 'node:assert/strict';
import { LOCAL_IDENTITIES, LOCAL_PEOPLE, LOCAL_SUBSCRIPTIONS, silentLogger } from '../../../src/core';
import { AzureGateway } from '../../../src/azure';
import { GRAPH_SCOPE, type TestEmulator, managedIdentity, restClient, startTestEmulator } from './helpers';

/**
 * Issue 14 item 1: what the setup cards offer as choices is read with the real SDKs through
 * Keyward's gateway — the subscriptions the reader can see, each subscription's own regions with
 * their pairs, and people looked up in the directory — the same way against the emulator as against Azure.
 */
describe('emulator reads behind the setup pickers (subscriptions, regions, users)', () => {
  let emulator: TestEmulator;
  let gateway: AzureGateway;
  before(async () => {
    emulator = await startTestEmulator();
    gateway = new AzureGateway({ credential: await managedIdentity(), armEndpoint: emulator.armEndpoint, graphEndpoint: emulator.graphEndpoint, logger: silentLogger });
  });
  after(async () => {
    await emulator.dispose();
  });

  it('when the reader lists subscriptions, then each comes with its id, name and state', async () => {
    const subscriptions = await gateway.listSubscriptions();
    for (const known of Object.values(LOCAL_SUBSCRIPTIONS)) {
      const found = subscriptions.find((s) => s.subscriptionId === known.id);
      assert.ok(found, `${known.displayName} is listed`);
      assert.equal(found.displayName, known.displayName);
      assert.equal(found.state, 'Enabled');
    }
  });

  it("when the reader lists a subscription's regions, then they are physical regions with their pairs", async () => {
    const locations = await gateway.listLocations(LOCAL_SUBSCRIPTIONS.primary.id);
    const westEurope = locations.find((l) => l.name === 'westeurope');
    assert.deepEqual(westEurope && { displayName: westEurope.displayName, pairedRegion: westEurope.pairedRegion }, { displayName: 'West Europe', pairedRegion: 'northeurope' });
    assert.ok(locations.length >= 10);
  });

  it('when a person is looked up by object id, then Graph answers with the user; a service principal or an unknown id is not a user', async () => {
    const chen = await gateway.getUser(LOCAL_PEOPLE.approverChen.objectId);
    assert.deepEqual(chen, { objectId: LOCAL_PEOPLE.approverChen.objectId, displayName: 'Chen Custodian', userPrincipalName: LOCAL_PEOPLE.approverChen.upn, accountEnabled: true });
    assert.equal(await gateway.getUser(LOCAL_IDENTITIES.writer.objectId), undefined, 'a managed identity is no person');
    assert.equal(await gateway.getUser('00000000-0000-4000-8000-00000000dead'), undefined);
    const graph = restClient(await managedIdentity(), GRAPH_SCOPE);
    const missing = await graph('GET', `${emulator.graphEndpoint}/v1.0/users/00000000-0000-4000-8000-00000000dead`);
    assert.equal(missing.status, 404);
    assert.equal((missing.body as { error: { code: string } }).error.code, 'Request_ResourceNotFound');
  });
});
