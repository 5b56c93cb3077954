import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { LOCAL_IDENTITIES, LOCAL_PEOPLE, LOCAL_SUBSCRIPTIONS, silentLogger } from '../../../src/core';
import { AzureGateway, createAzureCredential } from '../../../src/azure';
import { SETUP_VERBS } from '../../../src/bot/setup/setupVerbs';
import { PEOPLE_DATASET } from '../../../src/bot/cards/adaptiveCard';
import { choiceByTitle, defaultValues, inputsOf, typedGuids } from '../../../src/cli/cardForm';
import { invokeActivity, messageActivity, postActivity } from '../../helpers/activities';
import { startHarness, type Harness } from '../../helpers/keywardHarness';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulatorEnv';
import { assertValidCard } from '../../helpers/cardRules';

type Card = Record<string, unknown> & { actions?: Array<{ type: string; data?: Record<string, unknown> }> };

/**
 * Issue 14 item 1: the setup cards offer what Keyward reads from the tenant — subscriptions with
 * their state and mandatory retention, each subscription's own regions with their pairs, names
 * from the organisation's pattern checked free in Azure, and people pickers whose choices are
 * checked server-side — through the real server against the Azure emulator.
 */
describe('setup pickers through HTTP against the Azure emulator', function () {
  this.timeout(90_000);
  let emulator: TestEmulator;
  let harness: Harness;
  const conversationId = 'conv-setup-pickers';
  const prefix = `t${randomBytes(2).toString('hex')}`;

  before(async () => {
    emulator = await startTestEmulator();
    harness = await startHarness({ ...emulator.keywardEnv, KEYWARD_NAME_PATTERN: `{kind}-${prefix}-{workload}-{site}{nn}` });
  });
  after(async () => {
    await harness?.close();
    await emulator?.close();
  });

  const addressOf = (card: Card) => {
    const data = (card.actions ?? []).find((a) => a.type === 'Action.Execute' && typeof a.data?.journeyId === 'string')!.data!;
    return { journeyId: String(data.journeyId), v: Number(data.v) };
  };
  const click = async (verb: string, data: Record<string, unknown>): Promise<Card> => {
    const response = await postActivity(harness.url, invokeActivity(verb, data, { serviceUrl: harness.connector.url, conversationId }));
    const body = response.body as { type: string; value: unknown };
    assert.equal(body.type, 'application/vnd.microsoft.card.adaptive', JSON.stringify(body.value));
    assertValidCard(body.value, `card after ${verb}`);
    return body.value as Card;
  };
  /** Submits a step card as a client does: every input's current value, with the person's changes. */
  const submit = (card: Card, step: string, changes: Record<string, string> = {}) =>
    click(SETUP_VERBS.submitStep, { ...defaultValues(card), ...changes, ...addressOf(card), step });
  const start = async (protection: 'keyVaultPremium' | 'managedHsm', workloads: string): Promise<Card> => {
    harness.connector.reset();
    await postActivity(harness.url, messageActivity('setup', { serviceUrl: harness.connector.url, conversationId }));
    const call = await harness.connector.waitFor((c) => c.conversationId === conversationId && JSON.stringify(c.body).includes('Where should the keys live'));
    const choice = (call.body.attachments as Array<{ content: Card }>)[0]!.content;
    return submit(choice, 'choice', { protection, workloads });
  };
  const errorsOn = (card: Card) => [...JSON.stringify(card).matchAll(/"text":"\*\*Problem:\*\* ([^"]+)"/g)].map((m) => m[1]!);

  it('when the sites card opens, then it lists the subscriptions with state and mandatory retention, preselects two ready ones, and offers regions with their pairs', async () => {
    const sites = await start('keyVaultPremium', 'exchange');
    const inputs = inputsOf(sites);
    const subscriptionA = inputs.get('sites.A.subscriptionId')!;
    assert.equal(subscriptionA.type, 'Input.ChoiceSet');
    assert.match(subscriptionA.titles![LOCAL_SUBSCRIPTIONS.primary.id]!, /^Contoso CK Primary · enabled · mandatory retention: registered · 0b1f6471-1bf0-4dda-aec3-000000000001$/);
    assert.match(subscriptionA.titles![LOCAL_SUBSCRIPTIONS.unregistered.id]!, /mandatory retention: not registered/);
    assert.deepEqual(
      [subscriptionA.value, inputs.get('sites.B.subscriptionId')!.value],
      [LOCAL_SUBSCRIPTIONS.primary.id, LOCAL_SUBSCRIPTIONS.secondary.id],
      'the two ready subscriptions are preselected, one per key',
    );
    assert.equal(inputs.get('sites.A.subscriptionId.typed')!.type, 'Input.Text', 'a typed id stays as the fallback');
    assert.match(inputs.get('sites.A.region')!.titles!.westeurope!, /^West Europe \(Europe\) · pair: North Europe$/);
  });

  it('when a region the chosen subscription cannot use is sent, then it is refused at that field; a subscription typed by hand is checked against its own regions too', async () => {
    const sites = await start('keyVaultPremium', 'exchange');
    const refused = await submit(sites, 'sites', { 'sites.A.region': 'atlantis-east', 'sites.B.region': 'swedencentral' });
    assert.ok(
      errorsOn(refused).some((e) => /atlantis-east/.test(e)),
      errorsOn(refused).join(' | '),
    );
    const typed = await submit(refused, 'sites', {
      'sites.A.subscriptionId': '',
      'sites.A.subscriptionId.typed': LOCAL_SUBSCRIPTIONS.primary.id,
      'sites.A.region': 'westeurope',
      'sites.B.region': 'swedencentral',
    });
    assert.match(JSON.stringify(typed), /Vault or HSM names/, errorsOn(typed).join(' | '));
  });

  it("when the names card opens, then its names come from the organisation's pattern and are free in Azure; a taken one moves on to the next number", async () => {
    // Someone else already has the pattern's first vault name for key A.
    const other = new AzureGateway({
      credential: createAzureCredential(LOCAL_IDENTITIES.writer.clientId),
      armEndpoint: emulator.emulator.armEndpoint,
      graphEndpoint: emulator.emulator.graphEndpoint,
      logger: silentLogger,
    });
    const base = {
      subscriptionId: LOCAL_SUBSCRIPTIONS.unregistered.id,
      resourceGroup: 'rg-someone-else',
      location: 'westeurope',
      tenantId: emulator.emulator.tenantId,
      sku: 'premium' as const,
      softDeleteRetentionDays: 90,
      purgeProtection: false,
      rbacAuthorization: true,
      accessPolicies: [],
      tags: {},
    };
    await other.ensureResourceGroup(base.subscriptionId, base.resourceGroup, 'westeurope', {});
    await other.createVault({ ...base, name: `kv-${prefix}-ex-a01` });
    const sites = await start('keyVaultPremium', 'exchange');
    const names = await submit(sites, 'sites', { 'sites.A.region': 'westeurope', 'sites.B.region': 'swedencentral' });
    const inputs = inputsOf(names);
    assert.equal(inputs.get('sites.A.vaultName.exchange')!.value, `kv-${prefix}-ex-a02`, 'the taken 01 moved on to 02');
    assert.equal(inputs.get('sites.B.vaultName.exchange')!.value, `kv-${prefix}-ex-b01`);
    assert.match(JSON.stringify(names), /Suggested from your naming pattern; free in Azure/);
    const approvers = await submit(names, 'names');
    assert.match(JSON.stringify(approvers), /Who approves each key/, errorsOn(approvers).join(' | '));
  });

  it("when custodians are chosen, then the picker offers the members of the policy's custodian group (and the directory search in Teams), and someone unknown to the tenant, outside the policy's groups, or an approver outside the custodian group is refused", async () => {
    const sites = await start('keyVaultPremium', 'exchange');
    const names = await submit(sites, 'sites', { 'sites.A.region': 'westeurope', 'sites.B.region': 'swedencentral' });
    const approvers = await submit(names, 'names');
    const custodians = inputsOf(approvers).get('approvers.A')!;
    assert.equal(custodians.dataset, PEOPLE_DATASET, 'Teams shows its people picker');
    // One rule with submit and voting (issue 12 item 5): the key roll's separationOfDuties names the
    // custodian group "Key custodians", so only its members can be custodians of a key set up here.
    assert.deepEqual(
      custodians.choices!.sort(),
      [LOCAL_PEOPLE.approverChen, LOCAL_PEOPLE.approverDana].map((p) => p.objectId).sort(),
      "the static list: members of the policy's custodian group",
    );
    const stranger = 'a1b2c3d4-0000-4000-8000-00000000beef';
    const refused = await submit(approvers, 'approvers', { 'approvers.A': LOCAL_PEOPLE.observer.objectId, 'approvers.B': stranger });
    const errors = errorsOn(refused).join(' | ');
    assert.match(errors, /Omar Observer is not a member of Key custodians, the group the approval policy requires of key custodians/);
    assert.match(errors, new RegExp(`${stranger} is not an active user in your tenant`));
    // An approver is in a policy group, but not in the custodian group: a key roll would refuse him as custodian later.
    const approver = await submit(refused, 'approvers', { 'approvers.A': LOCAL_PEOPLE.approverAlex.objectId, 'approvers.B': LOCAL_PEOPLE.approverDana.objectId });
    assert.match(errorsOn(approver).join(' | '), /Alex Approver is not a member of Key custodians/);
    const chen = choiceByTitle(custodians, /Chen/);
    const dana = choiceByTitle(inputsOf(refused).get('approvers.B'), /Dana/);
    const preview = await submit(approver, 'approvers', { 'approvers.A': chen, 'approvers.A.typed': '', 'approvers.B': dana, 'approvers.B.typed': '' });
    assert.match(JSON.stringify(preview), /Plan preview/, errorsOn(preview).join(' | '));
    assert.equal(typedGuids(refused, { 'approvers.A': chen, 'approvers.B': dana }), 0, 'picked, not typed');
  });

  it('when Managed HSM officers are picked, then their names come from the directory, and an officer id typed by hand that is no user is refused', async () => {
    const sites = await start('managedHsm', 'multiWorkload');
    const names = await submit(sites, 'sites', { 'sites.A.region': 'westeurope', 'sites.B.region': 'swedencentral' });
    const hsm = await submit(names, 'names');
    const inputs = inputsOf(hsm);
    const slot = inputs.get('hsm.officerIds.0')!;
    assert.equal(slot.dataset, PEOPLE_DATASET, 'one people picker per officer');
    const picks = Object.fromEntries([/Chen/, /Dana/, /Alex/].map((title, i) => [`hsm.officerIds.${i}`, choiceByTitle(inputs.get(`hsm.officerIds.${i}`), title)]));
    const refused = await submit(hsm, 'hsm', {
      'hsm.initialAdminObjectIds': choiceByTitle(inputs.get('hsm.initialAdminObjectIds'), /Olivia/),
      ...picks,
      'hsm.officers.0.displayName': 'Someone',
      'hsm.officers.0.objectId': 'a1b2c3d4-0000-4000-8000-00000000f00d',
      'hsm.costAcknowledged': 'true',
    });
    assert.match(errorsOn(refused).join(' | '), /a1b2c3d4-0000-4000-8000-00000000f00d is not an active user in your tenant/);
    const approvers = await submit(refused, 'hsm', { 'hsm.officers.0.displayName': '', 'hsm.officers.0.objectId': '' });
    assert.match(JSON.stringify(approvers), /Who approves each key/, errorsOn(approvers).join(' | '));
    const journey = await harness.keyward.setup.get(addressOf(approvers).journeyId);
    assert.deepEqual(journey.choices?.people?.[LOCAL_PEOPLE.approverChen.objectId], 'Chen Custodian', "the officer's name comes from the directory, not the card");
  });

  it('when the reader identity cannot list subscriptions, then the sites card says why and asks for the ids', async () => {
    const fault = await emulator.emulator.control.injectFault({
      match: { method: 'GET', path: '^/subscriptions$' },
      effect: {
        type: 'status',
        status: 403,
        code: 'AuthorizationFailed',
        message: 'The client does not have authorization to perform action Microsoft.Resources/subscriptions/read.',
      },
      count: null,
    });
    try {
      const sites = await start('keyVaultPremium', 'exchange');
      assert.match(JSON.stringify(sites), /Keyward could not list your subscriptions/);
      assert.equal(inputsOf(sites).get('sites.A.subscriptionId')!.type, 'Input.Text');
    } finally {
      await emulator.emulator.control.removeFault(fault.id);
    }
  });
});
