import assert from 'node:assert/strict';
import { throughOnboarding } from '../../helpers/onboardingClicks';
import { LOCAL_IDENTITIES, LOCAL_PEOPLE } from '../../../src/core';
import { AzureGateway, createAzureCredential } from '../../../src/azure';
import { DEP_VERBS } from '../../../src/bot/dep/depVerbs';
import { ROLL_VERBS } from '../../../src/bot/roll/rollVerbs';
import { silentLogger } from '../../../src/core';
import { currentVersion } from '../../../src/inventory/inventoryTypes';
import { DEFAULT_EXECUTOR_SETTINGS, EMULATOR_KEY_URI_OPTIONS, ContainerLocator, type Run, type StepContext } from '../../../src/executor';
import { rollKeyStep } from '../../../src/executor/steps/rollKeyStep';
import type { KeyRef, Plan, RollKeyStep } from '../../../src/customerKey';
import { premiumPlan } from '../../executor/executorFixtures';
import { addressOf, startOpsWorld, type Card, type OpsWorld } from '../inventory/opsWorld';
import { collect } from '../../helpers/collect';

const DAY = 86_400_000;

function spoOutput(a: KeyRef, aVersion: string, b: KeyRef, bVersion: string, state: string, percent?: number): string {
  return [
    'PS C:\\> Get-SPODataEncryptionPolicy | Format-List',
    '',
    `PrimaryKeyVaultName   : ${a.containerName}`,
    `PrimaryKeyName        : ${a.keyName}`,
    `PrimaryKeyVersion     : ${aVersion}`,
    `SecondaryKeyVaultName : ${b.containerName}`,
    `SecondaryKeyName      : ${b.keyName}`,
    `SecondaryKeyVersion   : ${bVersion}`,
    `State                 : ${state}`,
    ...(percent !== undefined ? [`PercentComplete       : ${percent}`] : []),
  ].join('\r\n');
}

/**
 * Key roll end to end through HTTP against the emulator: a finished SharePoint setup, its DEP
 * recorded from pasted output, then a roll of key A through approval (an approver plus both key
 * custodians), the new version made by the executor, the SharePoint refresh cmdlet with that
 * version, the pasted evidence (Rolling, then Registered) and the one-key-at-a-time lock.
 */
describe('key roll through HTTP against the Azure emulator', function () {
  this.timeout(120_000);
  let world: OpsWorld;
  let plan: Plan;
  const operator = LOCAL_PEOPLE.operator;
  const chat = () => world.conversationOf(operator);
  const ops = () => world.harness.keyward.operations;
  const gateway = () =>
    new AzureGateway({
      credential: createAzureCredential(LOCAL_IDENTITIES.writer.clientId),
      armEndpoint: world.emulator.emulator.armEndpoint,
      graphEndpoint: world.emulator.emulator.graphEndpoint,
      logger: silentLogger,
    });

  before(async () => {
    world = await startOpsWorld();
    plan = premiumPlan({ workloads: ['sharePoint'] });
    await world.finishedSetup(plan);
  });
  after(async () => {
    await world?.close();
  });

  const pair = async () => (await ops().inventory.pairs()).find((p) => p.A.ref.containerName === plan.keys[0]!.containerName)!;

  async function recordSharePointDep(): Promise<void> {
    await world.say('dep sharePoint');
    let card: Card = world.cardIn(chat(), /Which policy, and which keys\?/).card;
    card = (
      await throughOnboarding(
        await world.click(DEP_VERBS.submitScope, { ...addressOf(card), scope: 'sharePoint', source: 'inventory', pairId: (await pair()).pairId }),
        (verb, data) => world.click(verb, data),
        addressOf,
        'SPO',
      )
    ).card!;
    card = (await world.click(DEP_VERBS.submitDetails, { ...addressOf(card), adminUrls: 'https://contoso-admin.sharepoint.com', validate: 'true' })).card!;
    assert.match(JSON.stringify(card), /Register-SPODataEncryptionPolicy/);
    card = (await world.click(DEP_VERBS.ranIt, addressOf(card))).card!;
    const p = await pair();
    const recorded = await world.click(DEP_VERBS.evidence, {
      ...addressOf(card),
      'evidence.0': spoOutput(p.A.ref, currentVersion(p.A)!, p.B.ref, currentVersion(p.B)!, 'Registered'),
    });
    assert.match(recorded.text, /Policy state recorded/, recorded.text.slice(0, 1500));
  }

  async function chooseRoll(site: 'A' | 'B', extra: Record<string, unknown> = {}): Promise<{ text: string; card?: Card }> {
    await world.say('roll');
    const card = world.cardIn(chat(), /Which key to roll\?/).card;
    return world.click(ROLL_VERBS.choose, {
      ...addressOf(card),
      pairId: (await pair()).pairId,
      site,
      custodiansA: LOCAL_PEOPLE.approverChen.objectId,
      custodiansB: LOCAL_PEOPLE.approverDana.objectId,
      everyDays: 'keep',
      ...extra,
    });
  }

  it('when key A of a pair used by a SharePoint DEP is rolled, then approval, a new version, the refresh cmdlet with that version, and the pasted evidence lead to done — and key B waits until SharePoint shows Registered', async () => {
    await recordSharePointDep();
    const before = await pair();
    const oldVersion = currentVersion(before.A)!;
    const preview = await chooseRoll('A');
    assert.match(preview.text, /Key roll plan/, preview.text.slice(0, 1500));
    assert.match(preview.text, /Operator runs Update-SPODataEncryptionPolicy -KeyType Primary/);
    const submitted = await world.click(ROLL_VERBS.submit, { ...addressOf(preview.card!), reason: 'Annual rotation.' });
    assert.match(submitted.text, /Waiting for approval/);
    const journeyId = addressOf(preview.card!).journeyId;
    const requestId = (await ops().roll.get(journeyId)).requestId!;
    const request = (await world.harness.keyward.approvals.service.get(requestId))!;
    assert.equal(request.operationClass, 'keyRoll');
    assert.deepEqual(request.keySides, { A: [LOCAL_PEOPLE.approverChen.objectId], B: [LOCAL_PEOPLE.approverDana.objectId] });

    await world.approveAs(requestId, [LOCAL_PEOPLE.approverAlex, LOCAL_PEOPLE.approverChen, LOCAL_PEOPLE.approverDana]);
    await world.settle();
    const run = (await world.harness.keyward.executor.service.getByRequest(requestId))!;
    assert.equal(run.status, 'succeeded', JSON.stringify(run.lastError));
    const rolled = run.steps.find((s) => s.kind === 'rollKey')!;
    const newVersion = String(rolled.output?.version);
    assert.notEqual(newVersion, oldVersion);
    assert.equal(rolled.output?.previousVersion, oldVersion);

    // Azure: exactly one new version, the old one still enabled; the inventory knows both.
    const a = before.A.ref;
    const vault = await gateway().getVault(a.subscriptionId, a.resourceGroup, a.containerName);
    const versions = await gateway().listKeyVersions(vault!.vaultUri, a.keyName);
    assert.equal(versions.length, 2);
    assert.ok(
      versions.every((v) => v.enabled),
      'the old version stays enabled',
    );
    assert.deepEqual(
      (await ops().inventory.key(a.versionlessUri))!.versions.map((v) => v.version),
      [oldVersion, newVersion],
    );

    const refreshCard = world.cardIn(chat(), /Tell each policy about the new version/);
    const text = JSON.stringify(refreshCard.card);
    assert.match(text, new RegExp(`Update-SPODataEncryptionPolicy -KeyVaultName '${a.containerName}' -KeyName '${a.keyName}' -KeyVersion '${newVersion}' -KeyType 'Primary'`));
    assert.match(text, /Download keyward-refresh-sharepoint-primary\.ps1/);
    assert.equal((await ops().inventory.dep('sharepoint:https://contoso-admin.sharepoint.com'))?.state, 'Rolling');

    // Rolling: recorded, but the pair stays locked.
    const p = await pair();
    let answer = await world.click(ROLL_VERBS.evidence, {
      ...addressOf(refreshCard.card),
      'evidence.0': spoOutput(p.A.ref, newVersion, p.B.ref, currentVersion(p.B)!, 'Rolling', 63),
    });
    assert.match(answer.text, /Rolling \(63% of sites\)/);
    assert.equal((await ops().roll.get(journeyId)).stage, 'refresh');
    const locked = await chooseRoll('B');
    assert.match(locked.text, /A roll of key A of this pair is already in progress/);

    answer = await world.click(ROLL_VERBS.evidence, { ...addressOf(answer.card!), 'evidence.0': spoOutput(p.A.ref, newVersion, p.B.ref, currentVersion(p.B)!, 'Registered') });
    assert.match(answer.text, /Key roll done/);
    assert.equal((await ops().roll.get(journeyId)).status, 'done');
    assert.equal((await ops().inventory.dep('sharepoint:https://contoso-admin.sharepoint.com'))?.state, 'Registered');
    const next = await chooseRoll('B');
    assert.match(next.text, /Key roll plan/, 'key B may be rolled now');
    await world.click(ROLL_VERBS.cancel, addressOf(next.card!));
  });

  it('when someone asks to retire (disable or delete) an old version, then Keyward refuses, says why, and audits the request', async () => {
    const key = (await pair()).A;
    const old = key.versions[0]!.version;
    const replies = await world.say(`retire ${key.ref.versionlessUri}/${old}`);
    const text = replies.map((r) => String(r.body.text ?? '')).join('\n');
    assert.match(text, new RegExp(`Keyward will not disable or delete version ${old}`));
    assert.match(text, /SharePoint DEP of https:\/\/contoso-admin\.sharepoint\.com uses this key/);
    assert.ok((await collect(world.harness.keyward.approvals.audit.records())).some((r) => r.action === 'key.version.retire.refused'));
  });

  it('when the rollKey step is checked again after it made a version (a retry or a resumed run), then it finds that version by its request tag and never makes a second one', async () => {
    const key = (await pair()).B;
    const ref = key.ref;
    const writer = gateway();
    const step: RollKeyStep = {
      index: 0,
      id: `rollKey:${ref.site}:${ref.workload}`,
      kind: 'rollKey',
      site: ref.site,
      params: {
        container: { kind: 'vault', name: ref.containerName, subscriptionId: ref.subscriptionId, resourceGroup: ref.resourceGroup, region: ref.region },
        keyName: ref.keyName,
        kty: 'RSA-HSM',
        keySize: 2048,
        keyOps: ['wrapKey', 'unwrapKey'],
        expires: null,
        tagWithRequestId: true,
        disableOldVersions: false,
      },
      irreversible: false,
      summary: 'Roll key B.',
      estimatedSeconds: 10,
    };
    const run = { id: 'run_idem', requestId: 'req-idempotency-1', plan: { ...plan, kind: 'keyRoll', steps: [step] }, steps: [] } as unknown as Run;
    const context = {
      run,
      azure: writer,
      clock: world.clock,
      settings: { ...DEFAULT_EXECUTOR_SETTINGS, keyUriOptions: EMULATOR_KEY_URI_OPTIONS },
      containers: new ContainerLocator(writer, run),
      progress: async () => undefined,
      audit: () => undefined,
      sleep: async () => undefined,
    } as unknown as StepContext;
    const vault = await writer.getVault(ref.subscriptionId, ref.resourceGroup, ref.containerName);
    const count = async () => (await writer.listKeyVersions(vault!.vaultUri, ref.keyName)).length;
    const before = await count();
    const first = await rollKeyStep.check(step, context);
    assert.equal(first.state, 'todo');
    const made = await rollKeyStep.apply(step, context, first.state === 'todo' ? first.resume : undefined);
    const again = await rollKeyStep.check(step, context);
    assert.equal(again.state, 'done');
    assert.equal(again.state === 'done' && again.output.version, made.version);
    assert.equal(await count(), before + 1, 'exactly one new version');
  });

  it('when the operator chooses a rotation reminder, then a tick after the due date posts a reminder card whose button starts the roll, and Azure expiry dates play no part', async () => {
    await world.say('roll');
    const card = world.cardIn(chat(), /Which key to roll\?/).card;
    const chosen = await world.click(ROLL_VERBS.choose, {
      ...addressOf(card),
      pairId: (await pair()).pairId,
      site: 'A',
      custodiansA: LOCAL_PEOPLE.approverChen.objectId,
      custodiansB: LOCAL_PEOPLE.approverDana.objectId,
      everyDays: '90',
    });
    assert.match(chosen.text, /Key roll plan/);
    await world.click(ROLL_VERBS.cancel, addressOf(chosen.card!));
    const schedule = (await ops().inventory.schedule((await pair()).pairId))!;
    assert.equal(schedule.everyDays, 90);
    const before = world.harness.connector.calls.length;
    await ops().tick({ health: false });
    assert.equal(world.harness.connector.calls.slice(before).filter((c) => JSON.stringify(c.body).includes('Time to roll the')).length, 0, 'not due yet');
    world.clock.advance(91 * DAY);
    await ops().tick({ health: false });
    const reminder = world.cardIn(chat(), /Time to roll the/);
    assert.match(JSON.stringify(reminder.card), /Time to roll the SharePoint/);
    await ops().tick({ health: false });
    assert.equal(world.harness.connector.calls.filter((c) => c.method === 'POST' && JSON.stringify(c.body).includes('Time to roll the')).length, 1, 'one reminder per due date');
    const started = await world.click(ROLL_VERBS.start, { pairId: (await pair()).pairId, site: 'B' });
    assert.match(started.text, /A key roll has started below/);
    const rollCard = world.cardIn(chat(), /Which key to roll\?/).card;
    const siteInput = (rollCard.body as Array<{ id?: string; value?: string }>).find((element) => element.id === 'site');
    assert.equal(siteInput?.value, 'B', 'the reminder button preselects the key');
  });
});
