import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { LOCAL_SUBSCRIPTIONS, LOCAL_TENANT_ID, silentLogger, textOf } from '../../../src/core';
import { DepJourneyService, type OnboardingRecords } from '../../../src/journeys/depJourneyService';
import { WORKLOADS } from '../../../src/customerKey';
import { SqlOnboardingStore } from '../../../src/store/sqlOnboardingStore';
import type { DepJourney } from '../../../src/journeys/depJourney';
import { SqlOpsJourneyStore } from '../../../src/store/sqlOpsJourneyStore';
import { LOCAL_M365_SERVICE_PRINCIPALS } from '../../../src/core';
import { loadPowerShellChecker } from '../../helpers/psScriptChecker';
import { inventoryWorld, OBSERVER, OPERATOR, readinessLineOf, VERSIONS, vaultInfo, type InventoryWorld } from '../inventory/inventoryFixtures';

const FIXTURES = path.join(__dirname, '..', 'customerKey', 'fixtures');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

function serviceIn(world: InventoryWorld, options: { appOnly?: boolean; onboarded?: boolean; featureState?: (subscriptionId: string) => Promise<string> } = {}) {
  const submitted: unknown[] = [];
  const records = new SqlOnboardingStore(world.db);
  // Every workload already onboarded unless a test says otherwise (the seeding finishes before any read).
  const seeded =
    options.onboarded === false
      ? Promise.resolve()
      : Promise.all(
          WORKLOADS.map((workload) =>
            records.put({ tenantId: LOCAL_TENANT_ID, workload, state: 'onboarded', problems: [], updatedAt: world.clock.now().toISOString(), updatedBy: OPERATOR.aadObjectId }),
          ),
        ).then(() => undefined);
  const onboarding: OnboardingRecords = {
    get: async (tenantId, workload) => (await seeded, records.get(tenantId, workload)),
    put: async (record) => (await seeded, records.put(record)),
    list: async (tenantId) => (await seeded, records.list(tenantId)),
  };
  const service = new DepJourneyService({
    onboarding,
    featureState: options.featureState ?? (async () => 'Registered'),
    store: new SqlOpsJourneyStore<DepJourney>(world.db, 'dep'),
    inventory: world.inventory,
    reader: world.reader,
    checker: world.checker,
    downloads: world.downloads,
    audit: { append: async (e) => world.audit.push(e) },
    approvals: { submit: (r) => (submitted.push(r), { id: 'req-dep-1' }) },
    clock: world.clock,
    logger: silentLogger,
    tenantId: LOCAL_TENANT_ID,
    servicePrincipalObjectId: async (scope) =>
      LOCAL_M365_SERVICE_PRINCIPALS.find(
        (sp) =>
          sp.appId ===
          { multiWorkload: 'c066d759-24ae-40e7-a56f-027002b5d3e4', exchange: '00000002-0000-0ff1-ce00-000000000000', sharePoint: '00000003-0000-0ff1-ce00-000000000000' }[scope],
      )?.objectId,
    keyUriOptions: { extraHostSuffixes: { vault: ['vault.localhost'], managedHsm: ['managedhsm.localhost'] } },
    ...(options.appOnly ? { exchangeAppOnly: { organization: 'contoso.onmicrosoft.com' } } : {}),
  });
  return { service, submitted, onboarding };
}

const at = (j: DepJourney) => ({ journeyId: j.id, version: j.version });

describe('DEP journey', () => {
  let world: InventoryWorld;
  beforeEach(async () => {
    world = await inventoryWorld();
  });

  const pairFor = async (workload: string) => (await world.inventory.pairs()).find((p) => p.workload === workload)!;

  it('when the operator picks the Exchange pair Keyward created and names the policy, then the script takes versionless key URIs, a download link is offered and the DEP is recorded as Scripted', async () => {
    const { service } = serviceIn(world);
    let j = await service.start(OPERATOR, 'conv', {});
    j = await service.submitScope(at(j), OPERATOR, { scope: 'exchange', source: 'inventory', pairId: (await pairFor('exchange')).pairId });
    assert.equal(j.stage, 'details', JSON.stringify(j.errors));
    assert.equal(world.checker.calls.length, 1, 'the keys were verified before anything else');
    j = await service.submitDetails(at(j), OPERATOR, {
      policyName: 'Contoso-EX',
      description: '',
      mailboxScope: 'list',
      mailboxes: 'adele@contoso.com\nbob@contoso.com',
      validate: 'true',
    });
    assert.equal(j.stage, 'review', JSON.stringify(j.errors));
    const script = j.script!.script;
    assert.match(
      script,
      /New-DataEncryptionPolicy -Name 'Contoso-EX' -AzureKeyIDs 'https:\/\/contoso-ck-ex-a\.vault\.azure\.net\/keys\/ck-ex-a', 'https:\/\/contoso-ck-ex-b\.vault\.azure\.net\/keys\/ck-ex-b'/,
    );
    assert.match(script, /^Set-Mailbox -Identity 'bob@contoso\.com' -DataEncryptionPolicy 'Contoso-EX'$/m);
    assert.match(script, /-OnboardingMode 'Validate'/);
    assert.ok(j.download?.url?.startsWith('https://keyward.example.org/downloads/'));
    assert.match(j.download!.fileSha256, /^[0-9a-f]{64}$/);
    const dep = (await world.inventory.dep(j.depIds![0]!))!;
    assert.equal(dep.state, 'Scripted');
    assert.equal(dep.scriptSha256, j.script!.sha256);
    assert.ok(world.audit.some((e) => e.action === 'dep.script.generated' && (e.details as { scriptSha256: string }).scriptSha256 === j.script!.sha256));
  });

  // Issue 11 item 8: onboarding is a step before any DEP step.
  it('when the workload is not onboarded, then the journey stops at the onboarding step with the script; failed, requested and done outputs are recorded, and only done lets the policy go on', async () => {
    const { service, onboarding } = serviceIn(world, { onboarded: false, featureState: async (sub) => (sub === LOCAL_SUBSCRIPTIONS.primary.id ? 'Registered' : 'Pending') });
    let j = await service.start(OPERATOR, 'conv', {});
    j = await service.submitScope(at(j), OPERATOR, { scope: 'multiWorkload', source: 'inventory', pairId: (await pairFor('multiWorkload')).pairId });
    assert.equal(j.stage, 'onboarding', JSON.stringify(j.errors));
    assert.match(j.onboarding?.script?.script ?? '', /New-CustomerKeyOnboardingRequest -OrganizationId '[^']+' -Scenario 'MDEP' .*-OnboardingMode 'Validate'/);
    assert.match(j.onboarding?.script?.script ?? '', /-OnboardingMode 'Enable'/);
    assert.deepEqual(
      j.onboarding?.mrp.map((m) => [m.site, m.state, m.pendingSince !== undefined]),
      [
        ['A', 'Registered', false],
        ['B', 'Pending', true],
      ],
    );
    // No way round it: details are refused while the workload is not onboarded.
    const around = await service.submitDetails(at(j), OPERATOR, { policyName: 'Contoso-MW' });
    assert.equal(around.stage, 'onboarding');
    assert.equal(around.script, undefined);

    j = await service.submitOnboardingOutput(at(around), OPERATOR, { onboardingOutput: fixture('onboarding-failed.txt') });
    assert.equal(j.stage, 'onboarding');
    assert.equal((await onboarding.get(LOCAL_TENANT_ID, 'multiWorkload'))?.state, 'failed');
    assert.match(textOf(j.errors.onboardingOutput ?? ''), /MandatoryRetentionPeriod; KeyPermissions/);
    j = await service.submitOnboardingOutput(at(j), OPERATOR, { onboardingOutput: fixture('onboarding-requested.txt') });
    assert.equal(j.stage, 'onboarding');
    assert.equal((await onboarding.get(LOCAL_TENANT_ID, 'multiWorkload'))?.state, 'requested');
    assert.equal((await onboarding.get(LOCAL_TENANT_ID, 'multiWorkload'))?.requestId, '3c1e6a52-90f4-4b1e-8d0e-7a4f2b9c1d11');
    j = await service.submitOnboardingOutput(at(j), OPERATOR, { onboardingOutput: fixture('onboarding-done.txt') });
    assert.equal(j.stage, 'details', JSON.stringify(j.errors));
    assert.equal((await onboarding.get(LOCAL_TENANT_ID, 'multiWorkload'))?.state, 'onboarded');
    assert.ok(world.audit.some((e) => e.action === 'dep.onboarding.recorded'));
    // The next policy of the same workload skips the step.
    let next = await service.start(OPERATOR, 'conv', {});
    next = await service.submitScope(at(next), OPERATOR, { scope: 'multiWorkload', source: 'inventory', pairId: (await pairFor('multiWorkload')).pairId });
    assert.equal(next.stage, 'details');
  });

  it("when a workload is not covered by the module, then Microsoft's confirmation with a reference onboards it; without a reference it is refused", async () => {
    const { service, onboarding } = serviceIn(world, { onboarded: false });
    let j = await service.start(OPERATOR, 'conv', {});
    j = await service.submitScope(at(j), OPERATOR, { scope: 'sharePoint', source: 'inventory', pairId: (await pairFor('sharePoint')).pairId });
    assert.equal(j.stage, 'onboarding');
    j = await service.confirmOnboardingByMicrosoft(at(j), OPERATOR, { onboardingReference: '' });
    assert.match(textOf(j.errors.onboardingReference ?? ''), /reference/);
    j = await service.confirmOnboardingByMicrosoft(at(j), OPERATOR, { onboardingReference: 'Support request 2612010040001234' });
    assert.equal(j.stage, 'details');
    assert.equal((await onboarding.get(LOCAL_TENANT_ID, 'sharePoint'))?.state, 'confirmedByMicrosoft');
    assert.equal((await onboarding.get(LOCAL_TENANT_ID, 'sharePoint'))?.reference, 'Support request 2612010040001234');
  });

  it('when the SharePoint pair is chosen, then Register-SPODataEncryptionPolicy gets vault name, key name and the current version of each key, one geo per admin URL', async () => {
    const { service } = serviceIn(world);
    let j = await service.start(OPERATOR, 'conv', {});
    j = await service.submitScope(at(j), OPERATOR, { scope: 'sharePoint', source: 'inventory', pairId: (await pairFor('sharePoint')).pairId });
    j = await service.submitDetails(at(j), OPERATOR, { adminUrls: 'https://contoso-admin.sharepoint.com\nhttps://contosoeur-admin.sharepoint.com' });
    assert.equal(j.stage, 'review', JSON.stringify(j.errors));
    assert.match(
      j.script!.script,
      new RegExp(
        `Register-SPODataEncryptionPolicy -PrimaryKeyVaultName 'contoso-ck-sp-a' -PrimaryKeyName 'ck-sp-a' -PrimaryKeyVersion '${VERSIONS['ck-sp-a']}' -SecondaryKeyVaultName 'contoso-ck-sp-b' -SecondaryKeyName 'ck-sp-b' -SecondaryKeyVersion '${VERSIONS['ck-sp-b']}'`,
      ),
    );
    assert.equal(j.depIds!.length, 2, 'one DEP record per geo');
  });

  it('when the pair does not serve the chosen workload, or a key check is red, then the card says so and no script is made', async () => {
    const { service } = serviceIn(world);
    let j = await service.start(OPERATOR, 'conv', {});
    j = await service.submitScope(at(j), OPERATOR, { scope: 'sharePoint', source: 'inventory', pairId: (await pairFor('exchange')).pairId });
    assert.match(textOf(j.errors.pairId ?? ''), /serves Exchange mailboxes/);
    const sharePointB = (await pairFor('sharePoint')).B;
    world.checker.red.set(sharePointB.id, readinessLineOf(sharePointB.ref, 'expiry', { key: { expires: '2027-01-01T00:00:00Z' } }));
    j = await service.submitScope(at(j), OPERATOR, { scope: 'sharePoint', source: 'inventory', pairId: (await pairFor('sharePoint')).pairId });
    assert.equal(j.stage, 'scope');
    assert.match(textOf(j.errors.keys ?? ''), /1 check failed/);
    assert.equal(j.verification?.blocking, 1);
  });

  it('when existing keys are given by URI, then Keyward finds their vaults through Azure, verifies them, and adopts the pair; a vault it cannot find is named at the field', async () => {
    const fresh = await inventoryWorld({ seed: false });
    const { service } = serviceIn(fresh);
    fresh.vaults.set('kv-old-a', vaultInfo('kv-old-a', 'westeurope'));
    let j = await service.start(OPERATOR, 'conv', {});
    const uris = {
      scope: 'multiWorkload',
      source: 'uri',
      'keyA.uri': 'https://kv-old-a.vault.azure.net:443/keys/mw-a/0123456789abcdef0123456789abcdef',
      'keyA.subscriptionId': LOCAL_SUBSCRIPTIONS.primary.id,
      'keyA.resourceGroup': 'rg-old-a',
      'keyB.uri': 'https://kv-old-b.vault.azure.net/keys/mw-b',
      'keyB.subscriptionId': LOCAL_SUBSCRIPTIONS.secondary.id,
      'keyB.resourceGroup': 'rg-old-b',
    };
    j = await service.submitScope(at(j), OPERATOR, uris);
    assert.equal(j.stage, 'scope');
    assert.match(textOf(j.errors['keyB.uri'] ?? ''), /found no vault named kv-old-b in resource group rg-old-b/);
    assert.equal(fresh.checker.calls.length, 0, 'nothing is verified until both keys are found');
    fresh.vaults.set('kv-old-b', vaultInfo('kv-old-b', 'swedencentral'));
    j = await service.submitScope(at(j), OPERATOR, uris);
    assert.equal(j.stage, 'details', JSON.stringify(j.errors));
    assert.deepEqual(
      j.keys!.map((k) => k.versionlessUri),
      ['https://kv-old-a.vault.azure.net/keys/mw-a', 'https://kv-old-b.vault.azure.net/keys/mw-b'],
    );
    assert.equal(j.keys![1]!.region, 'swedencentral');
    const adopted = await fresh.inventory.pairs();
    assert.equal(adopted.length, 1);
    assert.equal(
      (await fresh.inventory.containers()).every((c) => c.source === 'adopted'),
      true,
    );
    j = await service.submitDetails(at(j), OPERATOR, { policyName: 'Contoso-MW', description: 'Tenant-wide' });
    assert.match(
      j.script!.script,
      /New-M365DataAtRestEncryptionPolicy -Name 'Contoso-MW' -AzureKeyIDs 'https:\/\/kv-old-a\.vault\.azure\.net\/keys\/mw-a', 'https:\/\/kv-old-b\.vault\.azure\.net\/keys\/mw-b'/,
    );
  });

  it('when hostile values reach the details card, then each is refused at its field or emitted as an inert literal, and the script skeleton is the benign one', async () => {
    const { service } = serviceIn(world);
    const go = async (details: Record<string, unknown>) => {
      let j = await service.start(OPERATOR, 'conv', {});
      j = await service.submitScope(at(j), OPERATOR, { scope: 'exchange', source: 'inventory', pairId: (await pairFor('exchange')).pairId });
      return service.submitDetails(at(j), OPERATOR, details);
    };
    const refused = await go({
      policyName: "EX'; Remove-Mailbox -Identity * -Confirm:$false #",
      description: 'ok\u2019; Stop-Computer',
      mailboxScope: 'list',
      mailboxes: 'a@contoso.com\n$(Invoke-Expression evil)',
    });
    assert.equal(refused.stage, 'details');
    assert.match(textOf(refused.errors.policyName ?? ''), /characters Keyward does not allow|space/);
    assert.match(textOf(refused.errors.description ?? ''), /typographic quote/);
    assert.match(textOf(refused.errors.mailboxes ?? ''), /Mailbox 2/);
    assert.equal(refused.script, undefined);
    assert.equal(refused.draft.policyName, "EX'; Remove-Mailbox -Identity * -Confirm:$false #", 'the typed value is kept');

    const benign = await go({ policyName: 'Contoso-EX', description: 'Legal', mailboxScope: 'list', mailboxes: 'adele@contoso.com' });
    const tricky = await go({ policyName: 'Contoso-EX', description: "Legal'; Remove-Mailbox -Identity * #", mailboxScope: 'list', mailboxes: "o'brien'+x@contoso.com" });
    assert.equal(tricky.stage, 'review', JSON.stringify(tricky.errors));
    const checker = await loadPowerShellChecker();
    const a = checker.literalSkeleton(benign.script!.script);
    const b = checker.literalSkeleton(tricky.script!.script);
    assert.deepEqual(checker.check(tricky.script!.script), []);
    assert.equal(b.skeleton, a.skeleton, 'hostile but valid values change literals only, never code');
    assert.ok(b.literals.includes("Legal'; Remove-Mailbox -Identity * #"));
    assert.ok(b.literals.includes("o'brien'+x@contoso.com"));
  });

  it('when the operator pastes real Get- output, then the state is recorded: Exchange and multi-workload Registered, SharePoint Registering with its percentage; a paste for another policy or other keys is refused with the text kept', async () => {
    const { service } = serviceIn(world);
    // Multi-workload: the parser fixtures name Contoso-MW with the ck-mw keys.
    let mw = await service.start(OPERATOR, 'conv', {});
    mw = await service.submitScope(at(mw), OPERATOR, { scope: 'multiWorkload', source: 'inventory', pairId: (await pairFor('multiWorkload')).pairId });
    mw = await service.submitDetails(at(mw), OPERATOR, { policyName: 'Contoso-MW' });
    mw = await service.ranIt(at(mw), OPERATOR);
    const wrong = await service.submitEvidence(at(mw), OPERATOR, {
      'evidence.policy': fixture('m365-policies-teams-paste.txt').replace(/: Contoso-MW(\r?\n)/, ': Contoso-Other$1'),
    });
    assert.match(textOf(wrong.errors['evidence.policy'] ?? ''), /not Contoso-MW/);
    assert.equal(wrong.draft.evidence?.['evidence.policy']?.includes('Contoso-Other'), true);
    mw = await service.submitEvidence(at(wrong), OPERATOR, { 'evidence.policy': fixture('m365-policy.txt'), 'evidence.assignment': fixture('m365-assignment.txt') });
    assert.equal(mw.stage, 'recorded', JSON.stringify(mw.errors));
    const mwDep = (await world.inventory.dep(mw.depIds![0]!))!;
    assert.equal(mwDep.state, 'Registered');
    assert.deepEqual(mwDep.assignment, { kind: 'tenant', assigned: true });
    assert.match(mwDep.evidence!.sha256, /^[0-9a-f]{64}$/);
    assert.equal(mw.draft.evidence, undefined, 'the pasted text is not kept once recorded');

    let sp = await service.start(OPERATOR, 'conv', {});
    sp = await service.submitScope(at(sp), OPERATOR, { scope: 'sharePoint', source: 'inventory', pairId: (await pairFor('sharePoint')).pairId });
    sp = await service.submitDetails(at(sp), OPERATOR, { adminUrls: 'https://contoso-admin.sharepoint.com' });
    sp = await service.ranIt(at(sp), OPERATOR);
    sp = await service.submitEvidence(at(sp), OPERATOR, { 'evidence.0': fixture('spo-registering.txt') });
    assert.equal(sp.stage, 'recorded', JSON.stringify(sp.errors));
    let spDep = (await world.inventory.dep(sp.depIds![0]!))!;
    assert.equal(spDep.state, 'Registering');
    assert.equal(spDep.percentComplete, 42);
    sp = await service.ranIt(at(sp), OPERATOR);
    sp = await service.submitEvidence(at(sp), OPERATOR, { 'evidence.0': fixture('spo-registered.json') });
    spDep = (await world.inventory.dep(sp.depIds![0]!))!;
    assert.equal(spDep.state, 'Registered');
    assert.equal(spDep.percentComplete, undefined);
  });

  it('when the truncated key list is pasted, then Keyward asks for $FormatEnumerationLimit = -1 instead of guessing', async () => {
    const { service } = serviceIn(world);
    let j = await service.start(OPERATOR, 'conv', {});
    j = await service.submitScope(at(j), OPERATOR, { scope: 'exchange', source: 'inventory', pairId: (await pairFor('exchange')).pairId });
    j = await service.submitDetails(at(j), OPERATOR, { policyName: 'Contoso-EX' });
    j = await service.ranIt(at(j), OPERATOR);
    j = await service.submitEvidence(at(j), OPERATOR, { 'evidence.policy': fixture('exchange-truncated.txt') });
    assert.match(textOf(j.errors['evidence.policy'] ?? ''), /FormatEnumerationLimit = -1/);
    assert.equal((await world.inventory.dep(j.depIds![0]!))!.state, 'Scripted');
  });

  it("when someone else clicks the operator's card, or a stale card is clicked, then nothing changes", async () => {
    const { service } = serviceIn(world);
    const j = await service.start(OPERATOR, 'conv', {});
    await assert.rejects(service.submitScope(at(j), OBSERVER, { scope: 'exchange' }), { code: 'NotYourJourney' });
    const moved = await service.submitScope(at(j), OPERATOR, { scope: 'exchange', source: 'inventory', pairId: (await pairFor('exchange')).pairId });
    const stale = await service.submitScope(at(j), OPERATOR, { scope: 'sharePoint', source: 'inventory', pairId: (await pairFor('sharePoint')).pairId });
    assert.match(textOf(stale.notice ?? ''), /out of date/);
    assert.equal((await service.get(j.id)).version, moved.version);
    assert.equal((await service.get(j.id)).scope, 'exchange');
  });

  it('when Exchange app-only is on and the operator asks Keyward to run it, then an applyDep plan with the managed-identity connection goes to approval; SharePoint is refused', async () => {
    const { service, submitted } = serviceIn(world, { appOnly: true });
    let j = await service.start(OPERATOR, 'conv', {});
    j = await service.submitScope(at(j), OPERATOR, { scope: 'exchange', source: 'inventory', pairId: (await pairFor('exchange')).pairId });
    j = await service.submitDetails(at(j), OPERATOR, { policyName: 'Contoso-EX' });
    j = await service.submitForKeyward(at(j), OPERATOR, 'Legal hold mailboxes need our keys.', { conversation: { id: 'conv' } });
    assert.equal(j.stage, 'submitted');
    const request = submitted[0] as { operationClass: string; planHash: string };
    assert.equal(request.operationClass, 'create');
    const apply = j.plan!.steps.find((s) => s.kind === 'applyDep')!;
    assert.equal(apply.kind === 'applyDep' && apply.params.runner, 'executor');
    assert.match(apply.kind === 'applyDep' ? apply.params.script : '', /Connect-ExchangeOnline -ManagedIdentity -Organization 'contoso\.onmicrosoft\.com'/);
    assert.deepEqual(await service.planFor({ journeyId: j.id, planHash: request.planHash }), j.plan);

    let s = await service.start(OPERATOR, 'conv', {});
    s = await service.submitScope(at(s), OPERATOR, { scope: 'sharePoint', source: 'inventory', pairId: (await pairFor('sharePoint')).pairId });
    s = await service.submitDetails(at(s), OPERATOR, { adminUrls: 'https://contoso-admin.sharepoint.com' });
    await assert.rejects(service.submitForKeyward(at(s), OPERATOR, 'because', {}), /SharePoint policies are always run by an operator/);
  });
});
