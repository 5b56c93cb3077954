import assert from 'node:assert/strict';
import { LOCAL_IDENTITIES, LOCAL_M365_SERVICE_PRINCIPALS, LOCAL_PEOPLE, silentLogger } from '../../../src/core';
import { AzureGateway, createAzureCredential } from '../../../src/azure';
import { INVENTORY_VERBS } from '../../../src/bot/inventory/inventoryVerbs';
import { containerResourceId, type Plan } from '../../../src/customerKey';
import { APP_PLAN_CONTEXT, premiumPlan } from '../../executor/executorFixtures';
import { ARM_SCOPE, keyClient, managedIdentity, restClient } from '../../contract/emulator/helpers';
import { GROUP, startOpsWorld, type OpsWorld } from './opsWorld';
import { collect } from '../../helpers/collect';

/**
 * `status` and the scheduled health check through HTTP against the emulator: the inventory of a
 * finished setup on the status card, a first check that is green, then real drift made in the
 * emulator (a key disabled, an expiry set, Exchange Online's permission removed) posted as a card to
 * the operator's and the approvers' chats, and the "green again" card once fixed.
 */
describe('status and health checks through HTTP against the Azure emulator', function () {
  this.timeout(120_000);
  let world: OpsWorld;
  let plan: Plan;
  const chat = () => world.conversationOf(LOCAL_PEOPLE.operator);

  before(async () => {
    world = await startOpsWorld();
    // Planned as the app plans: the reader identity, which runs the health checks, may read the keys.
    plan = premiumPlan({ workloads: ['exchange'] }, APP_PLAN_CONTEXT);
    await world.finishedSetup(plan);
  });
  after(async () => {
    await world?.close();
  });

  it('when the operator types "status" after a setup, then the card lists the setup, the vaults, and the keys with their versions; "Check key health now" answers and the card then shows them ready', async () => {
    await world.say('status');
    let status = JSON.stringify(world.cardIn(chat(), /Vaults and Managed HSMs Keyward knows/).card);
    assert.match(status, /Your Customer Key journeys/);
    for (const ref of plan.keys) {
      assert.match(status, new RegExp(`Vault ${ref.containerName}\\*\\* — active`));
      assert.match(status, new RegExp(`${ref.keyName} in vault ${ref.containerName} — 1 version, current [0-9a-f]{8}…`));
    }
    assert.match(status, /Readiness not checked yet/);
    const answer = await world.click(INVENTORY_VERBS.checkHealth, {});
    assert.match(answer.text, /Checking every key/);
    await world.settle();
    const done = world.harness.connector.calls.filter((c) => c.conversationId === chat() && /Health check done: 2 keys checked/.test(String(c.body.text ?? '')));
    assert.equal(done.length, 1);
    await world.say('status');
    status = JSON.stringify(world.cardIn(chat(), /Vaults and Managed HSMs Keyward knows/).card);
    assert.equal((status.match(/✅ Ready/g) ?? []).length, 2);
  });

  it('when a key is disabled, another gets an expiry date and Exchange Online loses its role, then the next check posts a drift card with a fix for each, and a "green again" card once the key is enabled', async () => {
    const writer = await managedIdentity(LOCAL_IDENTITIES.writer.clientId);
    const gateway = new AzureGateway({
      credential: createAzureCredential(LOCAL_IDENTITIES.writer.clientId),
      armEndpoint: world.emulator.emulator.armEndpoint,
      graphEndpoint: world.emulator.emulator.graphEndpoint,
      logger: silentLogger,
    });
    const [a, b] = [plan.keys.find((k) => k.site === 'A')!, plan.keys.find((k) => k.site === 'B')!];
    const vaultA = (await gateway.getVault(a.subscriptionId, a.resourceGroup, a.containerName))!;
    const vaultB = (await gateway.getVault(b.subscriptionId, b.resourceGroup, b.containerName))!;
    const clientA = keyClient(vaultA.vaultUri, writer);
    const clientB = keyClient(vaultB.vaultUri, writer);
    const keyA = await clientA.getKey(a.keyName);
    await clientA.updateKeyProperties(a.keyName, keyA.properties.version!, { enabled: false });
    const keyB = await clientB.getKey(b.keyName);
    await clientB.updateKeyProperties(b.keyName, keyB.properties.version!, { expiresOn: new Date('2027-01-01T00:00:00Z') });
    // Exchange Online's role on vault B removed.
    const exchange = LOCAL_M365_SERVICE_PRINCIPALS.find((sp) => sp.displayName === 'Office 365 Exchange Online')!;
    const scope = containerResourceId(b);
    const assignment = (await gateway.listRoleAssignments(scope)).find((r) => r.principalId === exchange.objectId)!;
    const arm = restClient(writer, ARM_SCOPE);
    const removed = await arm(
      'DELETE',
      `${world.emulator.emulator.armEndpoint}${scope}/providers/Microsoft.Authorization/roleAssignments/${assignment.name}?api-version=2022-04-01`,
    );
    assert.ok(removed.status < 300, JSON.stringify(removed.body));

    await world.harness.keyward.operations.tick({ health: true });
    const drift = world.cardIn(chat(), /Drift: 2 keys no longer meet the Customer Key rules/);
    const text = JSON.stringify(drift.card);
    assert.match(text, /is enabled\*\*/);
    assert.match(text, /--enabled true/);
    assert.match(text, /has no expiry date\*\*/);
    assert.match(text, /Microsoft 365 validation rejects any expiry other than 9999-12-31/);
    assert.match(text, /Office 365 Exchange Online can use/);
    world.cardIn(GROUP, /Drift: 2 keys/);
    assert.ok((await collect(world.harness.keyward.approvals.audit.records())).some((r) => r.action === 'health.drift'));

    // Nothing new: no second drift card.
    const posts = () => world.harness.connector.calls.filter((c) => c.method === 'POST' && /Customer Key health check/.test(JSON.stringify(c.body))).length;
    const before = posts();
    await world.harness.keyward.operations.tick({ health: true });
    assert.equal(posts(), before, 'unchanged drift is not posted again');

    await clientA.updateKeyProperties(a.keyName, keyA.properties.version!, { enabled: true });
    await world.harness.keyward.operations.tick({ health: true });
    const fixed = world.cardIn(chat(), /Green again/);
    assert.match(JSON.stringify(fixed.card), new RegExp(a.keyName));
  });
});
