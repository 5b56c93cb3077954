import assert from 'node:assert/strict';
import type { TokenCredential } from '@azure/identity';
import { LOCAL_IDENTITIES, LOCAL_M365_SERVICE_PRINCIPALS } from '../../../src/core';
import { GRAPH_SCOPE, type TestEmulator, VAULT_SCOPE, managedIdentity, restClient, startTestEmulator } from './helpers';

describe('emulator Microsoft Graph (service principals)', () => {
  let emulator: TestEmulator;
  let credential: TokenCredential;
  let graph: ReturnType<typeof restClient>;

  before(async () => {
    emulator = await startTestEmulator();
    credential = await managedIdentity();
    graph = restClient(credential, GRAPH_SCOPE);
  });
  after(async () => {
    await emulator.dispose();
  });

  it('when a Microsoft 365 service principal is looked up by appId, then Graph returns its object id in this tenant', async () => {
    for (const sp of LOCAL_M365_SERVICE_PRINCIPALS) {
      const response = await graph('GET', `${emulator.graphEndpoint}/v1.0/servicePrincipals(appId='${sp.appId}')`);
      assert.equal(response.status, 200);
      const body = response.body as { id: string; appId: string; displayName: string };
      assert.deepEqual({ id: body.id, appId: body.appId, displayName: body.displayName }, { id: sp.objectId, appId: sp.appId, displayName: sp.displayName });
    }
  });

  it('when the $filter form or the object id form is used, then Graph answers with a value list or the principal', async () => {
    const filtered = await graph('GET', `${emulator.graphEndpoint}/v1.0/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${LOCAL_IDENTITIES.writer.clientId}'`)}`);
    assert.deepEqual(
      (filtered.body as { value: Array<{ id: string }> }).value.map((v) => v.id),
      [LOCAL_IDENTITIES.writer.objectId],
    );
    const none = await graph('GET', `${emulator.graphEndpoint}/v1.0/servicePrincipals?$filter=${encodeURIComponent("appId eq '00000000-0000-0000-0000-000000000000'")}`);
    assert.deepEqual((none.body as { value: unknown[] }).value, []);
    const byId = await graph('GET', `${emulator.graphEndpoint}/v1.0/servicePrincipals/${LOCAL_M365_SERVICE_PRINCIPALS[0].objectId}`);
    assert.equal((byId.body as { appId: string }).appId, LOCAL_M365_SERVICE_PRINCIPALS[0].appId);
    const all = await graph('GET', `${emulator.graphEndpoint}/v1.0/servicePrincipals`);
    assert.equal((all.body as { value: unknown[] }).value.length, 5);
    const unsupported = await graph('GET', `${emulator.graphEndpoint}/v1.0/servicePrincipals?$filter=${encodeURIComponent("startswith(displayName,'Office')")}`);
    assert.equal(unsupported.status, 400);
  });

  it('when a service principal is missing, then Graph answers 404 Request_ResourceNotFound', async () => {
    const response = await graph('GET', `${emulator.graphEndpoint}/v1.0/servicePrincipals(appId='11111111-1111-1111-1111-111111111111')`);
    assert.equal(response.status, 404);
    assert.equal((response.body as { error: { code: string } }).error.code, 'Request_ResourceNotFound');
  });

  it('when Graph is called without a token or with a vault token, then it answers 401', async () => {
    const anonymous = await restClient(undefined, '')('GET', `${emulator.graphEndpoint}/v1.0/servicePrincipals`);
    assert.equal(anonymous.status, 401);
    const wrongAudience = await restClient(credential, VAULT_SCOPE)('GET', `${emulator.graphEndpoint}/v1.0/servicePrincipals`);
    assert.equal(wrongAudience.status, 401);
    assert.equal((wrongAudience.body as { error: { code: string } }).error.code, 'InvalidAuthenticationToken');
  });
});
