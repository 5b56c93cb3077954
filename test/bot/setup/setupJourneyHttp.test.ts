import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { LOCAL_IDENTITIES, LOCAL_PEOPLE, LOCAL_SUBSCRIPTIONS, silentLogger } from '../../../src/core';
import { AzureGateway, createAzureCredential } from '../../../src/azure';
import { SETUP_VERBS } from '../../../src/bot/setup/setupVerbs';
import { invokeActivity, messageActivity, postActivity } from '../../helpers/activities';
import { startHarness, type Harness } from '../../helpers/keywardHarness';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulatorEnv';
import { assertValidCard } from '../../helpers/cardRules';
import { TWO_SITES } from '../../helpers/setupWalk';

type Card = { body: unknown[]; actions?: Array<{ type: string; verb?: string; data?: Record<string, unknown> }> };

function addressOf(card: Card): { journeyId: string; v: number } {
  const action = (card.actions ?? []).find((a) => a.type === 'Action.Execute' && typeof a.data?.journeyId === 'string');
  assert.ok(action, 'the card carries its journey address');
  return { journeyId: String(action.data!.journeyId), v: Number(action.data!.v) };
}

function cardText(card: Card): string {
  return JSON.stringify(card);
}

describe('setup journey through HTTP against the Azure emulator', function () {
  this.timeout(60_000);
  let emulator: TestEmulator;
  let harness: Harness;
  const conversationId = 'conv-setup-http';
  const suffix = randomBytes(3).toString('hex');

  before(async () => {
    emulator = await startTestEmulator();
    harness = await startHarness(emulator.keywardEnv);
  });
  after(async () => {
    await harness?.close();
    await emulator?.close();
  });

  const click = async (verb: string, data: Record<string, unknown>, from = LOCAL_PEOPLE.operator): Promise<{ card?: Card; message?: string }> => {
    const response = await postActivity(harness.url, invokeActivity(verb, data, { serviceUrl: harness.connector.url, conversationId, from }));
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const body = response.body as { type: string; value: unknown };
    if (body.type === 'application/vnd.microsoft.card.adaptive') {
      assertValidCard(body.value, `card after ${verb}`);
      return { card: body.value as Card };
    }
    return { message: String(body.value) };
  };

  async function startSetup(): Promise<Card> {
    harness.connector.reset();
    await postActivity(harness.url, messageActivity('setup', { serviceUrl: harness.connector.url, conversationId }));
    const call = await harness.connector.waitFor((c) => c.conversationId === conversationId && JSON.stringify(c.body).includes('Where should the keys live'));
    return (call.body.attachments as Array<{ content: Card }>)[0]!.content;
  }

  it('when the operator walks a Key Vault Premium setup, then the live preflight is green, the plan preview follows with its hash, and it is submitted for approval', async () => {
    let card = await startSetup();
    let at = addressOf(card);
    card = (await click(SETUP_VERBS.submitStep, { ...at, step: 'choice', protection: 'keyVaultPremium', workloads: 'exchange' })).card!;
    at = addressOf(card);
    card = (
      await click(SETUP_VERBS.submitStep, {
        ...at,
        step: 'sites',
        ...TWO_SITES,
      })
    ).card!;
    assert.match(cardText(card), /Vault for Exchange mailboxes, key A/);
    at = addressOf(card);
    card = (
      await click(SETUP_VERBS.submitStep, {
        ...at,
        step: 'names',
        'sites.A.vaultName.exchange': `kv-ex-a-${suffix}`,
        'sites.B.vaultName.exchange': `kv-ex-b-${suffix}`,
        'sites.A.keyName.exchange': 'ck-ex-key-a',
        'sites.B.keyName.exchange': 'ck-ex-key-b',
        keySize: '3072',
        accessModel: 'rbac',
      })
    ).card!;
    assert.match(cardText(card), /Who approves each key/);
    at = addressOf(card);
    card = (await click(SETUP_VERBS.submitStep, { ...at, step: 'approvers', 'approvers.A': LOCAL_PEOPLE.approverChen.objectId, 'approvers.B': LOCAL_PEOPLE.approverDana.objectId }))
      .card!;
    // Green checks go straight on to the plan; the checks stay on the preview card.
    assert.match(cardText(card), /Plan preview/);
    assert.match(cardText(card), /All \d+ checks passed/, cardText(card).slice(0, 3000));
    const hash = /[0-9a-f]{64}/.exec(cardText(card))?.[0];
    assert.ok(hash, 'the preview shows the plan hash');
    at = addressOf(card);
    const submitted = await click(SETUP_VERBS.submit, { ...at, reason: 'Exchange mailboxes must use our own keys (audit finding 2026-17).' });
    assert.match(cardText(submitted.card!), /Submitted for approval/);
    const journey = await harness.keyward.setup.get(at.journeyId);
    assert.equal(journey.status, 'submitted');
    const request = await harness.keyward.approvals.service.get(journey.requestId!);
    assert.ok(request, 'the approval request exists');
    assert.equal(request.planHash, hash);
    assert.equal(request.status, 'pending');
  });

  it('when the operator picks an invalid, a taken or a soft-deleted vault name, then the names card says so at each field and keeps the values', async () => {
    // Someone else's vault (taken) and a deleted one (soft-deleted, name blocked until purged).
    const other = new AzureGateway({
      credential: createAzureCredential(LOCAL_IDENTITIES.writer.clientId),
      armEndpoint: emulator.emulator.armEndpoint,
      graphEndpoint: emulator.emulator.graphEndpoint,
      logger: silentLogger,
    });
    const base = {
      subscriptionId: LOCAL_SUBSCRIPTIONS.unregistered.id,
      resourceGroup: 'rg-other',
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
    await other.createVault({ ...base, name: `kv-taken-${suffix}` });
    // Soft-deleted vaults are only visible in their own subscription: delete one in subscription B.
    const mine = { ...base, subscriptionId: LOCAL_SUBSCRIPTIONS.secondary.id, resourceGroup: 'rg-old' };
    await other.ensureResourceGroup(mine.subscriptionId, mine.resourceGroup, 'westeurope', {});
    await other.createVault({ ...mine, name: `kv-gone-${suffix}` });
    await other.deleteVault(mine.subscriptionId, mine.resourceGroup, `kv-gone-${suffix}`);
    let card = await startSetup();
    let at = addressOf(card);
    card = (await click(SETUP_VERBS.submitStep, { ...at, step: 'choice', protection: 'keyVaultPremium', workloads: 'exchange' })).card!;
    at = addressOf(card);
    card = (
      await click(SETUP_VERBS.submitStep, {
        ...at,
        step: 'sites',
        'sites.A.subscriptionId': LOCAL_SUBSCRIPTIONS.primary.id,
        'sites.A.resourceGroup': 'rg-a',
        'sites.A.region': 'westeurope',
        'sites.B.subscriptionId': LOCAL_SUBSCRIPTIONS.secondary.id,
        'sites.B.resourceGroup': 'rg-b',
        'sites.B.region': 'northcentralus',
      })
    ).card!;
    at = addressOf(card);
    card = (
      await click(SETUP_VERBS.submitStep, {
        ...at,
        step: 'names',
        'sites.A.vaultName.exchange': 'kv_under_score',
        'sites.B.vaultName.exchange': `kv-b-${suffix}`,
        'sites.A.keyName.exchange': 'k-a',
        'sites.B.keyName.exchange': 'k-b',
        keySize: '3072',
        accessModel: 'rbac',
      })
    ).card!;
    assert.match(cardText(card), /Problem/);
    assert.match(cardText(card), /underscore/i);
    assert.match(cardText(card), /"value":"kv_under_score"/);
    at = addressOf(card);
    card = (
      await click(SETUP_VERBS.submitStep, {
        ...at,
        step: 'names',
        'sites.A.vaultName.exchange': `kv-taken-${suffix}`,
        'sites.B.vaultName.exchange': `kv-gone-${suffix}`,
        'sites.A.keyName.exchange': 'k-a',
        'sites.B.keyName.exchange': 'k-b',
        keySize: '3072',
        accessModel: 'rbac',
      })
    ).card!;
    assert.match(cardText(card), /Vault or HSM names/, 'still on the names card');
    assert.match(cardText(card), new RegExp(`kv-taken-${suffix} is taken`));
    assert.match(cardText(card), new RegExp(`kv-gone-${suffix} belongs to a soft-deleted vault`));
    assert.match(cardText(card), new RegExp(`"value":"kv-gone-${suffix}"`));
  });

  it('when the Managed HSM path gets bad input (equal subscriptions, unknown region, too few officers, quorum above officers, no cost acknowledgment), then each is refused at its field with the values kept', async () => {
    let card = await startSetup();
    let at = addressOf(card);
    card = (await click(SETUP_VERBS.submitStep, { ...at, step: 'choice', protection: 'managedHsm', workloads: 'multiWorkload' })).card!;
    at = addressOf(card);
    const sitesBad = {
      'sites.A.subscriptionId': LOCAL_SUBSCRIPTIONS.primary.id,
      'sites.A.resourceGroup': 'rg-a',
      'sites.A.region': 'westeurope',
      'sites.B.subscriptionId': LOCAL_SUBSCRIPTIONS.primary.id,
      'sites.B.resourceGroup': 'rg-b',
      'sites.B.region': 'atlantis-east',
    };
    card = (await click(SETUP_VERBS.submitStep, { ...at, step: 'sites', ...sitesBad })).card!;
    assert.match(cardText(card), /Subscriptions, resource groups and regions/, 'still on the sites card');
    assert.match(cardText(card), /must differ|different subscription/i);
    assert.match(cardText(card), /atlantis-east/);
    at = addressOf(card);
    card = (
      await click(SETUP_VERBS.submitStep, { ...at, step: 'sites', ...sitesBad, 'sites.B.subscriptionId': LOCAL_SUBSCRIPTIONS.secondary.id, 'sites.B.region': 'swedencentral' })
    ).card!;
    at = addressOf(card);
    card = (
      await click(SETUP_VERBS.submitStep, {
        ...at,
        step: 'names',
        'sites.A.hsmName': `hsm-a-${suffix}`,
        'sites.B.hsmName': `hsm-b-${suffix}`,
        'sites.A.keyName.multiWorkload': 'k-a',
        'sites.B.keyName.multiWorkload': 'k-b',
        keySize: '3072',
      })
    ).card!;
    assert.match(cardText(card), /Managed HSM: administrators/);
    at = addressOf(card);
    const hsm = {
      'hsm.initialAdminObjectIds': LOCAL_PEOPLE.operator.objectId,
      'hsm.softDeleteRetentionDays': '90',
      'hsm.officers.0.displayName': 'Chen',
      'hsm.officers.0.objectId': LOCAL_PEOPLE.approverChen.objectId,
      'hsm.officers.1.displayName': 'Dana',
      'hsm.officers.1.objectId': LOCAL_PEOPLE.approverDana.objectId,
      'hsm.quorum': '3',
      'hsm.costAcknowledged': 'false',
    };
    card = (await click(SETUP_VERBS.submitStep, { ...at, step: 'hsm', ...hsm })).card!;
    const text = cardText(card);
    assert.match(text, /Managed HSM: administrators/, 'still on the HSM card');
    assert.match(text, /3 (security-domain )?officers|at least 3/i, 'too few officers');
    assert.match(text, /acknowledg/i, 'the billing acknowledgment is required');
    assert.match(text, /"value":"Dana"/, 'values kept');
    at = addressOf(card);
    card = (
      await click(SETUP_VERBS.submitStep, {
        ...at,
        step: 'hsm',
        ...hsm,
        'hsm.officers.2.displayName': 'Alex',
        'hsm.officers.2.objectId': LOCAL_PEOPLE.approverAlex.objectId,
        'hsm.quorum': '4',
        'hsm.costAcknowledged': 'true',
      })
    ).card!;
    assert.match(cardText(card), /Managed HSM: administrators/, 'quorum above officers keeps the card');
    assert.match(cardText(card), /quorum/i);
  });

  it('when a stale card is clicked again, then nothing changes and the current card comes back with a note', async () => {
    const card = await startSetup();
    const at = addressOf(card);
    const first = (await click(SETUP_VERBS.submitStep, { ...at, step: 'choice', protection: 'managedHsm', workloads: 'exchange' })).card!;
    const replay = (await click(SETUP_VERBS.submitStep, { ...at, step: 'choice', protection: 'keyVaultPremium', workloads: 'exchange' })).card!;
    assert.match(cardText(replay), /out of date/);
    assert.equal(addressOf(replay).v, addressOf(first).v, 'the replay did not move the journey');
    assert.equal((await harness.keyward.setup.get(at.journeyId)).draft.protection, 'managedHsm');
  });

  it("when another person clicks the operator's card, or the payload is edited, then each gets a clear message and nothing changes", async () => {
    const card = await startSetup();
    const at = addressOf(card);
    const foreign = await click(SETUP_VERBS.submitStep, { ...at, step: 'choice', protection: 'keyVaultPremium', workloads: 'exchange' }, LOCAL_PEOPLE.observer);
    assert.match(foreign.message ?? '', /belongs to Olivia Operator/);
    const edited = await click(SETUP_VERBS.submitStep, { journeyId: at.journeyId, v: 'not-a-number', step: 'teleport' });
    assert.match(edited.message ?? '', /not valid/);
    assert.equal((await harness.keyward.setup.get(at.journeyId)).version, at.v);
  });

  it('when the operator types "status", then the journeys are listed with Resume', async () => {
    harness.connector.reset();
    await postActivity(harness.url, messageActivity('status', { serviceUrl: harness.connector.url, conversationId }));
    const call = await harness.connector.waitFor((c) => c.conversationId === conversationId && JSON.stringify(c.body).includes('Your Customer Key journeys'));
    assert.match(JSON.stringify(call.body), /Resume/);
    assert.match(JSON.stringify(call.body), /submitted for approval/);
  });
});
