import assert from 'node:assert/strict';
import { LOCAL_IDENTITIES, LOCAL_PEOPLE, LOCAL_SUBSCRIPTIONS, LOCAL_TENANT_ID, silentLogger } from '../../../src/core';
import { AzureGateway, createAzureCredential } from '../../../src/azure';
import { VERBS } from '../../../src/bot/cards/verbs';
import { TEARDOWN_VERBS } from '../../../src/bot/teardown/teardownVerbs';
import { versionlessKeyUri, type Plan } from '../../../src/customerKey';
import { premiumPlan } from '../../executor/executorFixtures';
import { actionData, addressOf, GROUP, startOpsWorld, type Card, type OpsWorld } from '../inventory/opsWorld';
import { collect } from '../../helpers/collect';

const DAY = 86_400_000;

/**
 * Teardown end to end through HTTP activities against the emulator: the real server, approvals,
 * executor and operations runtime. Time is a ManualClock for Keyward; the emulator's own clock is
 * moved through its control API to let a purge-protected vault reach its scheduled purge date.
 */
describe('teardown through HTTP against the Azure emulator', function () {
  this.timeout(120_000);
  let world: OpsWorld;
  const operator = LOCAL_PEOPLE.operator;
  const operatorChat = () => world.conversationOf(operator);

  before(async () => {
    world = await startOpsWorld();
  });
  after(async () => {
    await world?.close();
  });

  const ops = () => world.harness.keyward.operations;
  const gateway = () =>
    new AzureGateway({
      credential: createAzureCredential(LOCAL_IDENTITIES.writer.clientId),
      armEndpoint: world.emulator.emulator.armEndpoint,
      graphEndpoint: world.emulator.emulator.graphEndpoint,
      logger: silentLogger,
    });
  const idsOf = (plan: Plan) => [...new Set(plan.keys.map((k) => `${k.containerKind}:${k.containerName.toLowerCase()}`))];

  /** "teardown" → choose → confirm card (not yet submitted). */
  async function toConfirm(plan: Plan): Promise<Card> {
    await world.say('teardown');
    const start = world.cardIn(operatorChat(), /What should be removed\?/).card;
    const confirm = await world.click(TEARDOWN_VERBS.choose, { ...addressOf(start), targetIds: idsOf(plan).join(',') });
    assert.match(confirm.text, /Confirm the teardown/);
    return confirm.card!;
  }

  const typedNames = (plan: Plan) => Object.fromEntries([...new Set(plan.keys.map((k) => k.containerName))].map((name, i) => [`confirm.${i}`, name]));

  async function submitted(plan: Plan): Promise<{ card: Card; requestId: string }> {
    const confirm = await toConfirm(plan);
    const answer = await world.click(TEARDOWN_VERBS.confirm, { ...addressOf(confirm), ...typedNames(plan), reason: 'The pilot tenant is being decommissioned.' });
    assert.match(answer.text, /Waiting for approval/, answer.text.slice(0, 2000));
    const journey = await ops().teardown.get(addressOf(answer.card!).journeyId);
    return { card: answer.card!, requestId: journey.requestId! };
  }

  it('when the operator tears down the vaults of a finished setup, then typed names, destructive approval, a cooling-off, the re-check, delete and the scheduled purge lead to a card that says they are gone', async () => {
    const plan = premiumPlan();
    await world.finishedSetup(plan);
    assert.equal((await ops().inventory.containers()).filter((c) => idsOf(plan).includes(c.id) && c.status === 'active').length, 2, 'the finished setup is in the inventory');

    const confirm = await toConfirm(plan);
    assert.match(JSON.stringify(confirm), /Subscription A is Enabled/);
    assert.match(JSON.stringify(confirm), /No Data Encryption Policy uses these keys/);
    const wrong = await world.click(TEARDOWN_VERBS.confirm, {
      ...addressOf(confirm),
      'confirm.0': plan.keys[0]!.containerName.toUpperCase(),
      'confirm.1': '',
      reason: 'Decommissioning.',
    });
    assert.match(wrong.text, /is not .*Type the name exactly as shown/);
    assert.match(wrong.text, /Type .* to confirm that it is to be deleted and purged/);
    assert.equal((await ops().teardown.get(addressOf(wrong.card!).journeyId)).requestId, undefined, 'nothing was submitted');

    const answer = await world.click(TEARDOWN_VERBS.confirm, { ...addressOf(wrong.card!), ...typedNames(plan), reason: 'The pilot tenant is being decommissioned.' });
    assert.match(answer.text, /Waiting for approval/);
    const journeyId = addressOf(answer.card!).journeyId;
    const requestId = (await ops().teardown.get(journeyId)).requestId!;
    const request = (await world.harness.keyward.approvals.service.get(requestId))!;
    assert.equal(request.operationClass, 'destructive');
    assert.deepEqual(
      request.rule.factors.map((f) => `${f.groupId}:${f.approvals}`),
      ['keyApprovers:2', 'keyCustodians:1'],
    );

    await world.approveAs(requestId, [LOCAL_PEOPLE.approverAlex, LOCAL_PEOPLE.approverBruno, LOCAL_PEOPLE.approverChen]);
    assert.equal((await world.harness.keyward.approvals.service.get(requestId))?.status, 'approved');
    const coolingOff = world.cardIn(GROUP, /cooling-off period/);
    assert.match(JSON.stringify(coolingOff.card), /Cancel the teardown/);
    world.cardIn(operatorChat(), /cooling-off period/);
    assert.equal(await world.harness.keyward.executor.service.getByRequest(requestId), undefined, 'nothing runs during the cooling-off');
    await ops().tick({ health: false });
    assert.equal(await world.harness.keyward.executor.service.getByRequest(requestId), undefined, 'a tick before the end of the cooling-off releases nothing');
    assert.ok(await gateway().getVault(plan.keys[0]!.subscriptionId, plan.keys[0]!.resourceGroup, plan.keys[0]!.containerName), 'the vault still exists');

    world.clock.advance(121_000);
    await ops().tick({ health: false });
    await world.settle();
    const run = await world.harness.keyward.executor.service.getByRequest(requestId);
    assert.equal(run?.status, 'succeeded', JSON.stringify(run?.lastError));
    assert.deepEqual(
      run!.steps.map((s) => `${s.kind}:${String(s.output?.state)}`),
      ['deleteVault:softDeleted', 'purgeVault:scheduled', 'deleteVault:softDeleted', 'purgeVault:scheduled'],
    );
    let journey = await ops().teardown.get(journeyId);
    assert.equal(journey.stage, 'awaitingPurge');
    assert.equal((await ops().inventory.container(idsOf(plan)[0]!))?.status, 'softDeleted');
    assert.ok(
      journey.progress?.every((p) => p.scheduledPurgeDate),
      'each vault shows its scheduled purge date',
    );

    // Azure purges a purge-protected vault by itself on its scheduled date.
    await world.emulator.emulator.control.advanceClock(91 * DAY);
    await ops().tick({ health: false });
    journey = await ops().teardown.get(journeyId);
    assert.equal(journey.stage, 'done');
    assert.equal(journey.status, 'done');
    const final = world.cardIn(operatorChat(), /Teardown complete/);
    assert.match(JSON.stringify(final.card), /purged/);
    assert.doesNotMatch(JSON.stringify(final.card), /billing has stopped/i, 'vaults never billed hourly: no "billing stopped" claim');
    assert.match(JSON.stringify(final.card), /vaults never billed hourly/);
    world.cardIn(GROUP, /Teardown complete/);
    for (const id of idsOf(plan)) assert.equal((await ops().inventory.container(id))?.status, 'purged');
    assert.ok((await ops().inventory.keys()).filter((k) => idsOf(plan).includes(`vault:${k.ref.containerName.toLowerCase()}`)).every((k) => k.status === 'gone'));
    assert.equal((await world.harness.keyward.approvals.audit.verify()).ok, true);
  });

  it('when an approver cancels during the cooling-off, then nothing is deleted, the executor never gets the plan, and the card says who cancelled', async () => {
    const plan = premiumPlan();
    await world.finishedSetup(plan);
    const { requestId } = await submitted(plan);
    await world.approveAs(requestId, [LOCAL_PEOPLE.approverAlex, LOCAL_PEOPLE.approverBruno, LOCAL_PEOPLE.approverChen]);
    const posted = world.cardIn(GROUP, /cooling-off period/);
    const cancelData = actionData(posted.card, TEARDOWN_VERBS.cancelCoolingOff);
    const observer = await world.click(TEARDOWN_VERBS.cancelCoolingOff, cancelData, LOCAL_PEOPLE.observer, GROUP);
    assert.match(observer.text, /Only the person who asked for this teardown, or one of its approvers/);
    const cancelled = await world.click(TEARDOWN_VERBS.cancelCoolingOff, cancelData, LOCAL_PEOPLE.approverBruno, GROUP);
    assert.match(cancelled.text, /Teardown cancelled/);
    assert.match(cancelled.text, /Cancelled by Bruno Approver \(an approver\) during the cooling-off\. Nothing was deleted\./);
    world.clock.advance(10 * 60_000);
    await ops().tick({ health: false });
    await world.harness.keyward.executor.service.start(requestId);
    assert.equal(await world.harness.keyward.executor.service.getByRequest(requestId), undefined, 'the plan is never handed to the executor');
    assert.ok(await gateway().getVault(plan.keys[0]!.subscriptionId, plan.keys[0]!.resourceGroup, plan.keys[0]!.containerName));
    assert.ok(
      (await collect(world.harness.keyward.approvals.audit.records())).some((r) => r.action === 'teardown.cancelled' && (r.details as { role?: string }).role === 'approver'),
    );
  });

  it('when the requester cancels during the cooling-off, then the approval request itself is closed too', async () => {
    const plan = premiumPlan();
    await world.finishedSetup(plan);
    const { requestId } = await submitted(plan);
    await world.approveAs(requestId, [LOCAL_PEOPLE.approverAlex, LOCAL_PEOPLE.approverBruno, LOCAL_PEOPLE.approverChen]);
    const posted = world.cardIn(operatorChat(), /cooling-off period/);
    await world.click(TEARDOWN_VERBS.cancelCoolingOff, actionData(posted.card, TEARDOWN_VERBS.cancelCoolingOff));
    assert.equal((await world.harness.keyward.approvals.service.get(requestId))?.status, 'cancelled');
  });

  it('when a subscription is Disabled, then the preflight is red with how to re-enable it and nothing can be submitted; when it is disabled during the cooling-off, the re-check holds the teardown until it is Enabled again', async () => {
    const plan = premiumPlan();
    await world.finishedSetup(plan);
    const control = world.emulator.emulator.control;
    await control.setSubscriptionState(LOCAL_SUBSCRIPTIONS.secondary.id, 'Disabled');
    const confirm = await toConfirm(plan);
    const text = JSON.stringify(confirm);
    assert.match(text, /Subscription B is Enabled/);
    assert.match(text, /is Disabled\. Azure allows only reads and deletes in this state, so a purge \(a POST\) is refused, while a soft-deleted Managed HSM keeps billing/);
    assert.match(text, /Reactivate/);
    assert.doesNotMatch(text, new RegExp(TEARDOWN_VERBS.confirm.replace('.', '\\.')), 'no submit button while red');
    const refused = await world.click(TEARDOWN_VERBS.confirm, { ...addressOf(confirm), ...typedNames(plan), reason: 'Trying anyway.' });
    assert.match(refused.text, /not all green, so nothing was submitted/);
    await control.setSubscriptionState(LOCAL_SUBSCRIPTIONS.secondary.id, 'Enabled');
    const green = await world.click(TEARDOWN_VERBS.recheck, addressOf(refused.card!));
    const answer = await world.click(TEARDOWN_VERBS.confirm, { ...addressOf(green.card!), ...typedNames(plan), reason: 'Decommissioning.' });
    const journeyId = addressOf(answer.card!).journeyId;
    const requestId = (await ops().teardown.get(journeyId)).requestId!;
    await world.approveAs(requestId, [LOCAL_PEOPLE.approverAlex, LOCAL_PEOPLE.approverBruno, LOCAL_PEOPLE.approverChen]);

    await control.setSubscriptionState(LOCAL_SUBSCRIPTIONS.secondary.id, 'Disabled');
    world.clock.advance(121_000);
    await ops().tick({ health: false });
    let journey = await ops().teardown.get(journeyId);
    assert.equal(journey.stage, 'blocked');
    assert.equal(await world.harness.keyward.executor.service.getByRequest(requestId), undefined, 'nothing ran');
    const held = world.cardIn(GROUP, /cooling-off period/);
    const latest = world.harness.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === held.messageId).pop();
    assert.match(JSON.stringify(latest?.body), /Held: the checks at the end of the cooling-off failed/);

    await control.setSubscriptionState(LOCAL_SUBSCRIPTIONS.secondary.id, 'Enabled');
    const again = await world.click(TEARDOWN_VERBS.checkAgain, { journeyId, v: journey.version }, LOCAL_PEOPLE.approverAlex, GROUP);
    assert.doesNotMatch(again.text, /Held/);
    await world.settle();
    journey = await ops().teardown.get(journeyId);
    assert.equal(journey.stage, 'awaitingPurge');
    assert.equal((await world.harness.keyward.executor.service.getByRequest(requestId))?.status, 'succeeded');
  });

  it('when a Data Encryption Policy Keyward knows uses a key, then the teardown is refused at the preflight', async () => {
    const plan = premiumPlan();
    await world.finishedSetup(plan);
    const a = plan.keys.find((k) => k.site === 'A')!;
    const b = plan.keys.find((k) => k.site === 'B')!;
    const dep = await ops().inventory.scriptDep({
      dep: { scope: 'exchange', policyName: 'Contoso-EX' },
      keyUris: [a.versionlessUri, versionlessKeyUri('vault', b.containerName, b.keyName)],
      scriptSha256: 'f'.repeat(64),
      journeyId: 'dep_test',
    });
    await ops().inventory.recordDepEvidence(dep.id, {
      state: 'Registered',
      evidence: { at: new Date().toISOString(), by: operator.objectId, sha256: 'e'.repeat(64), summary: 'Contoso-EX exists', problems: [] },
    });
    const confirm = await toConfirm(plan);
    assert.match(JSON.stringify(confirm), /Exchange mailbox DEP 'Contoso-EX' uses https:\/\//);
    assert.match(JSON.stringify(confirm), /Deleting these keys would make that data unreadable/);
    const refused = await world.click(TEARDOWN_VERBS.confirm, { ...addressOf(confirm), ...typedNames(plan), reason: 'Decommissioning.' });
    assert.match(refused.text, /nothing was submitted/);
  });

  it('when Azure refuses the purge because the subscription is Disabled, then the run stops, the card explains the refused purge and how to re-enable the subscription, and Retry finishes it once re-enabled', async () => {
    // A vault without purge protection (adopted), so the purge is a real POST right after the delete.
    const g = gateway();
    const sub = LOCAL_SUBSCRIPTIONS.primary.id;
    const name = `kv-np-${Date.now().toString(36).slice(-6)}`;
    await g.ensureResourceGroup(sub, 'rg-np', 'westeurope', {});
    await g.createVault({
      subscriptionId: sub,
      resourceGroup: 'rg-np',
      name,
      location: 'westeurope',
      tenantId: LOCAL_TENANT_ID,
      sku: 'premium',
      softDeleteRetentionDays: 7,
      purgeProtection: false,
      rbacAuthorization: true,
      accessPolicies: [],
      tags: {},
    });
    const ref = {
      site: 'A' as const,
      workload: 'exchange' as const,
      containerKind: 'vault' as const,
      containerName: name,
      keyName: 'k',
      subscriptionId: sub,
      resourceGroup: 'rg-np',
      region: 'westeurope',
      versionlessUri: versionlessKeyUri('vault', name, 'k'),
    };
    await ops().inventory.adoptPair({
      refs: [ref, { ...ref, site: 'B', keyName: 'k2', versionlessUri: versionlessKeyUri('vault', name, 'k2') }],
      versions: [undefined, undefined],
      containers: [
        { purgeProtectionEnabled: false, softDeleteRetentionDays: 7 },
        { purgeProtectionEnabled: false, softDeleteRetentionDays: 7 },
      ],
    });
    await world.say('teardown');
    const start = world.cardIn(operatorChat(), /What should be removed\?/).card;
    const confirm = await world.click(TEARDOWN_VERBS.choose, { ...addressOf(start), targetIds: `vault:${name}` });
    const answer = await world.click(TEARDOWN_VERBS.confirm, { ...addressOf(confirm.card!), 'confirm.0': name, reason: 'Test vault.' });
    const journeyId = addressOf(answer.card!).journeyId;
    const requestId = (await ops().teardown.get(journeyId)).requestId!;
    await world.approveAs(requestId, [LOCAL_PEOPLE.approverAlex, LOCAL_PEOPLE.approverBruno, LOCAL_PEOPLE.approverChen]);
    const fault = await world.emulator.emulator.control.injectFault({
      match: { method: 'POST', path: `/deletedVaults/${name}/purge$` },
      effect: {
        type: 'status',
        status: 409,
        code: 'ReadOnlyDisabledSubscription',
        message: `The subscription '${sub}' is disabled and therefore marked as read only. You cannot perform any write actions on this subscription until it is re-enabled.`,
      },
      count: null,
    });
    world.clock.advance(121_000);
    await ops().tick({ health: false });
    await world.settle();
    let run = (await world.harness.keyward.executor.service.getByRequest(requestId))!;
    assert.equal(run.status, 'stopped');
    assert.equal(run.lastError?.code, 'SubscriptionNotEnabled');
    let journey = await ops().teardown.get(journeyId);
    assert.equal(journey.stopped?.code, 'SubscriptionNotEnabled');
    const card = world.cardIn(operatorChat(), /cooling-off period/);
    const update = world.harness.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === card.messageId).pop();
    assert.match(JSON.stringify(update?.body), /refuses the purge \(a POST\)/);
    assert.match(JSON.stringify(update?.body), /Reactivate/);

    await world.emulator.emulator.control.removeFault(fault.id);
    const runCard = world.cardIn(GROUP, new RegExp(run.id));
    const retry = await world.click(VERBS.runRetry, actionData(runCard.card, VERBS.runRetry), LOCAL_PEOPLE.approverAlex, GROUP);
    assert.doesNotMatch(retry.text, /refused/i);
    await world.settle();
    run = (await world.harness.keyward.executor.service.getByRequest(requestId))!;
    assert.equal(run.status, 'succeeded', JSON.stringify(run.lastError));
    journey = await ops().teardown.get(journeyId);
    assert.equal(journey.stage, 'done');
    assert.equal((await ops().inventory.container(`vault:${name}`))?.status, 'purged');
  });
});
