import assert from 'node:assert/strict';
import { silentLogger, textOf } from '../../../src/core';
import { AzureGateway } from '../../../src/azure';
import { CUSTOMER_KEY_SERVICE_PLAN, licenceLine } from '../../../src/customerKey';
import { GRAPH_SCOPE, type TestEmulator, managedIdentity, restClient, startTestEmulator } from './helpers';

/** Issue 11 item 9: the reader reads the tenant's licences from Graph subscribedSkus, the same way against the emulator as against Graph. */
describe('emulator Microsoft Graph (subscribed licences)', () => {
  let emulator: TestEmulator;
  before(async () => {
    emulator = await startTestEmulator();
  });
  after(async () => {
    await emulator.dispose();
  });

  it('when subscribedSkus is read with a Graph token, then it answers the subscribedSku shape; without a token, 401', async () => {
    const graph = restClient(await managedIdentity(), GRAPH_SCOPE);
    const response = await graph('GET', `${emulator.graphEndpoint}/v1.0/subscribedSkus`);
    assert.equal(response.status, 200);
    const body = response.body as {
      '@odata.context': string;
      value: Array<{ skuPartNumber: string; prepaidUnits: { enabled: number }; servicePlans: Array<{ servicePlanName: string }> }>;
    };
    assert.match(body['@odata.context'], /\$metadata#subscribedSkus$/);
    assert.ok(body.value[0]!.prepaidUnits.enabled > 0);
    const anonymous = await restClient(undefined, '')('GET', `${emulator.graphEndpoint}/v1.0/subscribedSkus`);
    assert.equal(anonymous.status, 401);
  });

  it("when Keyward's gateway reads the licences, then the Customer Key plan is found and the preflight line passes", async () => {
    const gateway = new AzureGateway({ credential: await managedIdentity(), armEndpoint: emulator.armEndpoint, graphEndpoint: emulator.graphEndpoint, logger: silentLogger });
    const skus = await gateway.subscribedSkus();
    assert.equal(skus[0]?.skuPartNumber, 'SPE_E5');
    assert.ok(skus[0]!.servicePlans.some((p) => p.servicePlanId === CUSTOMER_KEY_SERVICE_PLAN.id));
    const line = licenceLine({
      ok: true,
      value: skus.map((s) => ({ ...s, servicePlanNames: s.servicePlans.map((p) => p.servicePlanName), servicePlanIds: s.servicePlans.map((p) => p.servicePlanId) })),
    });
    assert.equal(line.status, 'pass', textOf(line.detail));
  });
});
