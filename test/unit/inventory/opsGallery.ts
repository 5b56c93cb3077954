/**
 * The DEP, key-roll, teardown, status and health cards in the states people meet them, built by
 * the real renderers from real journey states (the services driven with fake Azure reads). Part of
 * the card gallery (test/helpers/cardGallery.ts): checked by the card rules and drawn by the
 * official renderer in headless Chromium.
 */
import fs from 'node:fs';
import path from 'node:path';
import { appError, LOCAL_M365_SERVICE_PRINCIPALS, LOCAL_PEOPLE, LOCAL_SUBSCRIPTIONS, LOCAL_TENANT_ID, silentLogger } from '../../../src/core';
import type { DeletedContainer, ManagedHsmInfo, SubscriptionInfo, VaultInfo } from '../../../src/azure/ports';
import { servicePrincipalFor, type DepScope } from '../../../src/customerKey';
import { describeDepJourney, renderDepCard } from '../../../src/bot/dep/depCards';
import { renderRollCard, renderRotationReminderCard } from '../../../src/bot/roll/rollCards';
import { renderTeardownCard } from '../../../src/bot/teardown/teardownCards';
import { inventorySections, renderDriftCard } from '../../../src/bot/inventory/inventoryCards';
import { renderShareAttestationCard } from '../../../src/bot/inventory/shareCards';
import { custodyOf } from '../../../src/inventory/shareAttestations';
import { renderJourneyListCard } from '../../../src/bot/setup/setupCards';
import type { AdaptiveCardJson } from '../../../src/bot/cards/adaptiveCard';
import { DepJourneyService, journeyDeps } from '../../../src/journeys/depJourneyService';
import type { DepJourney } from '../../../src/journeys/depJourney';
import { RollJourneyService } from '../../../src/journeys/rollJourneyService';
import type { RollJourney } from '../../../src/journeys/rollJourney';
import { TeardownJourneyService } from '../../../src/journeys/teardownJourneyService';
import type { TeardownJourney } from '../../../src/journeys/teardownJourney';
import { RotationReminders } from '../../../src/inventory/rotationReminders';
import { HealthMonitor } from '../../../src/inventory/healthMonitor';
import { currentVersion } from '../../../src/inventory/inventoryTypes';
import { SqlOpsJourneyStore } from '../../../src/store/sqlOpsJourneyStore';
import { recordingAudit } from './inventoryFixtures';
import { SqlOnboardingStore } from '../../../src/store/sqlOnboardingStore';
import { inventoryWorld, OPERATOR, readinessLineOf, vaultInfo, type InventoryWorld } from './inventoryFixtures';

export interface OpsGalleryCard {
  name: string;
  title: string;
  card: AdaptiveCardJson;
}

const FIXTURES = path.join(__dirname, '..', 'customerKey', 'fixtures');
const KNOWN = Object.entries({
  [LOCAL_PEOPLE.approverChen.objectId]: LOCAL_PEOPLE.approverChen.displayName,
  [LOCAL_PEOPLE.approverDana.objectId]: LOCAL_PEOPLE.approverDana.displayName,
  [LOCAL_PEOPLE.approverAlex.objectId]: LOCAL_PEOPLE.approverAlex.displayName,
}).map(([objectId, name]) => ({ objectId, name }));

export const spObjectId = async (scope: DepScope) => LOCAL_M365_SERVICE_PRINCIPALS.find((sp) => sp.appId === servicePrincipalFor(scope).appId)?.objectId;

/** A reader over the fixture inventory's containers, with knobs for subscription states and deleted lists. */
export class FakeTeardownReader {
  states = new Map<string, string>();
  deleted = new Map<string, DeletedContainer>();
  providerError = false;
  calls: string[] = [];
  constructor(private readonly world: InventoryWorld) {}
  async getSubscription(id: string): Promise<SubscriptionInfo> {
    return {
      subscriptionId: id,
      state: this.states.get(id) ?? 'Enabled',
      displayName: id.endsWith('1') ? 'Contoso CK Primary' : 'Contoso CK Secondary',
      tenantId: LOCAL_TENANT_ID,
    };
  }
  async getVault(_sub: string, _rg: string, name: string): Promise<VaultInfo | undefined> {
    const c = await this.world.inventory.container(`vault:${name.toLowerCase()}`);
    return c && c.status === 'active' ? vaultInfo(c.name, c.region) : undefined;
  }
  async getManagedHsm(_sub: string, _rg: string, name: string): Promise<ManagedHsmInfo | undefined> {
    const c = await this.world.inventory.container(`managedHsm:${name.toLowerCase()}`);
    return c && c.status === 'active'
      ? {
          id: `/x/${c.name}`,
          name: c.name,
          location: c.region,
          hsmUri: `https://${c.name}.managedhsm.azure.net`,
          initialAdminObjectIds: [],
          softDeleteRetentionDays: 90,
          purgeProtectionEnabled: true,
          tags: {},
        }
      : undefined;
  }
  async getDeletedVault(_sub: string, name: string): Promise<DeletedContainer | undefined> {
    this.calls.push(`getDeletedVault ${name}`);
    return this.deleted.get(name.toLowerCase());
  }
  async getDeletedManagedHsm(_sub: string, name: string, location: string): Promise<DeletedContainer | undefined> {
    this.calls.push(`getDeletedManagedHsm ${name} ${location}`);
    return this.deleted.get(name.toLowerCase());
  }
  async listDeletedManagedHsms(): Promise<DeletedContainer[]> {
    this.calls.push('listDeletedManagedHsms');
    if (this.providerError) {
      throw appError('ProviderCollectionError', "Resource provider 'Microsoft.KeyVault' failed to return collection response for type 'deletedManagedHSMs'.");
    }
    return [...this.deleted.values()];
  }
}

export function servicesFor(world: InventoryWorld, options: { coolingOffMs?: number } = {}) {
  const audit = recordingAudit(world.audit);
  const submitted: Array<{ id: string; request: unknown }> = [];
  let counter = 0;
  const approvals = {
    submit: (request: unknown) => {
      counter += 1;
      const id = `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
      submitted.push({ id, request });
      return { id };
    },
    cancel: async () => ({ ok: true }),
  };
  const reminders = new RotationReminders({ inventory: world.inventory, clock: world.clock, audit });
  const onboarding = new SqlOnboardingStore(world.db);
  const dep = new DepJourneyService({
    store: new SqlOpsJourneyStore<DepJourney>(world.db, 'dep'),
    inventory: world.inventory,
    reader: world.reader,
    checker: world.checker,
    downloads: world.downloads,
    audit,
    approvals,
    clock: world.clock,
    logger: silentLogger,
    tenantId: LOCAL_TENANT_ID,
    servicePrincipalObjectId: spObjectId,
    onboarding,
    featureState: async (sub) => (sub.startsWith(LOCAL_SUBSCRIPTIONS.secondary.id) ? 'Pending' : 'Registered'),
  });
  const roll = new RollJourneyService({
    store: new SqlOpsJourneyStore<RollJourney>(world.db, 'roll'),
    inventory: world.inventory,
    reminders,
    downloads: world.downloads,
    audit,
    approvals,
    clock: world.clock,
    logger: silentLogger,
    tenantId: LOCAL_TENANT_ID,
    servicePrincipalObjectId: spObjectId,
    custodiansRequired: true,
  });
  const reader = new FakeTeardownReader(world);
  const started: string[] = [];
  const teardown = new TeardownJourneyService({
    store: new SqlOpsJourneyStore<TeardownJourney>(world.db, 'teardown'),
    inventory: world.inventory,
    reader,
    audit,
    approvals,
    starter: { start: async (id) => void started.push(id) },
    clock: world.clock,
    logger: silentLogger,
    tenantId: LOCAL_TENANT_ID,
    coolingOffMs: options.coolingOffMs ?? 30 * 60_000,
    purgeWatchIntervalMs: 6 * 3600_000,
    mayCancel: async (_requestId, objectId) => [LOCAL_PEOPLE.approverAlex.objectId, LOCAL_PEOPLE.approverBruno.objectId, LOCAL_PEOPLE.approverChen.objectId].includes(objectId),
  });
  return { dep, roll, teardown, reminders, reader, submitted, started, audit, onboarding };
}

/** `locale`: the cards' language (BCP 47), as the activity would give it; English by default. */
export async function buildOpsGallery(locale?: string): Promise<OpsGalleryCard[]> {
  const world = await inventoryWorld();
  const { dep, roll, teardown, reminders, reader, onboarding } = servicesFor(world);
  const cards: OpsGalleryCard[] = [];
  const now = () => world.clock.now();
  const depCard = async (j: DepJourney) =>
    renderDepCard(j, { pairs: await world.inventory.pairs(), deps: await journeyDeps(world.inventory, j), appOnly: false, now: now(), locale });
  const at = (j: { id: string; version: number }) => ({ journeyId: j.id, version: j.version });
  const pairOf = async (workload: string) => (await world.inventory.pairs()).find((p) => p.workload === workload)!;

  // DEP
  let d = await dep.start(OPERATOR, 'gallery', {});
  cards.push({ name: 'dep-1-scope', title: 'dep: which policy, and which keys (a pair Keyward created, or existing keys by URI)', card: await depCard(d) });
  const exchangeB = (await pairOf('exchange')).B;
  world.checker.red.set(exchangeB.id, readinessLineOf(exchangeB.ref, 'expiry', { key: { expires: '2027-06-30T00:00:00Z' } }));
  const red = await dep.submitScope(at(d), OPERATOR, { scope: 'exchange', source: 'inventory', pairId: (await pairOf('exchange')).pairId });
  cards.push({ name: 'dep-2-keys-red', title: 'dep: the keys are checked in Azure first; a red line stops the journey', card: await depCard(red) });
  world.checker.red.clear();
  d = await dep.submitScope(at(red), OPERATOR, { scope: 'exchange', source: 'inventory', pairId: (await pairOf('exchange')).pairId });
  cards.push({
    name: 'dep-2b-onboarding',
    title: 'dep: onboarding comes first (checked before every policy): the script, the mandatory retention period of both subscriptions, the fallback',
    card: await depCard(d),
  });
  const onboardingFixture = (name: string) => fs.readFileSync(path.join(__dirname, '..', 'customerKey', 'fixtures', name), 'utf8');
  d = await dep.submitOnboardingOutput(at(d), OPERATOR, { onboardingScenario: 'MDEP', onboardingOutput: onboardingFixture('onboarding-requested.txt') });
  cards.push({ name: 'dep-2c-onboarding-requested', title: 'dep: onboarding requested, Microsoft not done yet; paste newer output later', card: await depCard(d) });
  d = await dep.confirmOnboardingByMicrosoft(at(d), OPERATOR, { onboardingReference: 'Support request 2612010040001234' });
  cards.push({ name: 'dep-3-details', title: 'dep: Exchange mailbox policy details', card: await depCard(d) });
  d = await dep.submitDetails(at(d), OPERATOR, {
    policyName: 'Contoso-EX',
    description: 'Legal department',
    mailboxScope: 'list',
    mailboxes: 'adele@contoso.com\nmeganb@contoso.com',
    validate: 'true',
  });
  cards.push({ name: 'dep-4-script', title: 'dep: the ready-to-run script as a code block and a short-lived .ps1 download', card: await depCard(d) });
  d = await dep.ranIt(at(d), OPERATOR);
  cards.push({ name: 'dep-5-evidence', title: 'dep: paste what PowerShell printed', card: await depCard(d) });
  let s = await dep.start(OPERATOR, 'gallery', {});
  s = await dep.submitScope(at(s), OPERATOR, { scope: 'sharePoint', source: 'inventory', pairId: (await pairOf('sharePoint')).pairId });
  s = await dep.confirmOnboardingByMicrosoft(at(s), OPERATOR, { onboardingReference: 'Support request 2612010040005678' });
  s = await dep.submitDetails(at(s), OPERATOR, { adminUrls: 'https://contoso-admin.sharepoint.com' });
  s = await dep.ranIt(at(s), OPERATOR);
  s = await dep.submitEvidence(at(s), OPERATOR, { 'evidence.0': fs.readFileSync(path.join(FIXTURES, 'spo-registering.txt'), 'utf8') });
  cards.push({ name: 'dep-6-recorded', title: 'dep: SharePoint is Registering (42%); paste again later for Registered', card: await depCard(s) });

  // Key roll
  const rollCard = async (j: RollJourney) =>
    renderRollCard(j, {
      pairs: await world.inventory.pairs(),
      knownPeople: KNOWN,
      custodiansRequired: true,
      locale,
      ...(j.pairId && (await world.inventory.schedule(j.pairId)) ? { schedule: (await world.inventory.schedule(j.pairId))! } : {}),
      now: now(),
    });
  let r = await roll.start(OPERATOR, 'gallery', {});
  cards.push({ name: 'roll-1-choose', title: 'roll: key A or key B of a pair, custodians and a rotation reminder', card: await rollCard(r) });
  const sp = await pairOf('sharePoint');
  r = await roll.choose(at(r), OPERATOR, {
    pairId: sp.pairId,
    site: 'A',
    custodiansA: LOCAL_PEOPLE.approverChen.objectId,
    custodiansB: LOCAL_PEOPLE.approverDana.objectId,
    everyDays: '365',
  });
  cards.push({ name: 'roll-2-preview', title: 'roll: the plan (new version, backup, readiness, the SharePoint refresh) and its hash', card: await rollCard(r) });
  r = await roll.submit(at(r), OPERATOR, 'Annual rotation.', {});
  const newVersion = '9c1d2e3f4a5b46c7d8e9f0a1b2c3d4e5';
  r = (await roll.onRequestChanged(
    { id: r.requestId!, status: 'succeeded' },
    { steps: [{ kind: 'rollKey', status: 'done', output: { version: newVersion, previousVersion: currentVersion(sp.A)! } }] },
  ))!;
  cards.push({ name: 'roll-3-refresh', title: 'roll: the new version exists; the refresh cmdlet with it, and the pasted evidence', card: await rollCard(r) });
  const spoOut = (state: string) =>
    `PrimaryKeyVaultName : contoso-ck-sp-a\nPrimaryKeyName : ck-sp-a\nPrimaryKeyVersion : ${newVersion}\nSecondaryKeyVaultName : contoso-ck-sp-b\nSecondaryKeyName : ck-sp-b\nSecondaryKeyVersion : ${currentVersion(sp.B)}\nState : ${state}`;
  r = await roll.submitEvidence(at(r), OPERATOR, { 'evidence.0': spoOut('Registered') });
  cards.push({ name: 'roll-4-done', title: 'roll: done; older versions stay enabled', card: await rollCard(r) });
  world.clock.advance(400 * 86_400_000);
  const due = (await reminders.takeDue())[0]!;
  cards.push({
    name: 'roll-reminder',
    title: "Rotation reminder on the operator's schedule (keys never expire, so Azure cannot remind)",
    card: renderRotationReminderCard({ pair: due.pair, schedule: due.schedule, now: now(), locale }),
  });

  // Teardown
  const tdCard = async (j: TeardownJourney) =>
    renderTeardownCard(j, { candidates: await teardown.candidates(), deps: await world.inventory.deps(), coolingOffMs: teardown.coolingOffMs, now: now(), locale });
  let t = await teardown.start(OPERATOR, 'gallery', {});
  cards.push({ name: 'teardown-1-choose', title: 'teardown: which vaults or HSMs', card: await tdCard(t) });
  const hsmIds = (await world.inventory.containers()).filter((c) => c.kind === 'managedHsm').map((c) => c.id);
  reader.states.set((await world.inventory.container(hsmIds[1]!))!.subscriptionId, 'Disabled');
  t = await teardown.choose(at(t), OPERATOR, { targetIds: hsmIds.join(',') });
  cards.push({
    name: 'teardown-2-red',
    title: 'teardown: a Disabled subscription stops it (the purge would be refused while billing continues), with how to re-enable it',
    card: await tdCard(t),
  });
  reader.states.clear();
  t = await teardown.rerunPreflight(at(t), OPERATOR);
  cards.push({ name: 'teardown-3-confirm', title: 'teardown: green checks, billing facts, and each name typed to confirm', card: await tdCard(t) });
  t = await teardown.confirm(at(t), OPERATOR, { 'confirm.0': t.targets![0]!.name, 'confirm.1': t.targets![1]!.name, reason: 'The HSM pilot ends.' }, {});
  t = (await teardown.onRequestChanged({ id: t.requestId!, status: 'approved', executeBy: new Date(now().getTime() + 3600_000).toISOString() }))!;
  cards.push({ name: 'teardown-4-cooling-off', title: "teardown: approved; the cooling-off with Cancel (owner's and approvers' chats)", card: await tdCard(t) });
  world.clock.advance(31 * 60_000);
  await teardown.releaseDue();
  const scheduled = new Date(now().getTime() + 90 * 86_400_000).toISOString();
  const steps = t.plan!.steps.map((step) => ({
    index: step.index,
    kind: step.kind,
    status: 'done',
    output: step.kind.startsWith('delete')
      ? { state: 'softDeleted', deletionDate: now().toISOString(), scheduledPurgeDate: scheduled }
      : { state: 'scheduled', scheduledPurgeDate: scheduled },
  }));
  t = (await teardown.onRequestChanged(
    { id: t.requestId!, status: 'executing' },
    {
      status: 'stopped',
      lastError: {
        code: 'SubscriptionNotEnabled',
        message:
          'Subscription Contoso CK Secondary is Disabled. Azure accepts a delete there but refuses the purge, and a soft-deleted Managed HSM keeps billing until it is purged, so Keyward does not go on.',
      },
      steps: steps.slice(0, 2),
    },
  ))!;
  cards.push({
    name: 'teardown-5-stopped',
    title: 'teardown: the run stopped on a Disabled subscription; billing goes on; how to re-enable it, then Retry',
    card: await tdCard(t),
  });
  t = (await teardown.onRequestChanged({ id: t.requestId!, status: 'succeeded' }, { status: 'succeeded', steps }))!;
  cards.push({
    name: 'teardown-6-awaiting-purge',
    title: 'teardown: deleted; purge protection keeps the HSMs (and their billing) until the scheduled purge date',
    card: await tdCard(t),
  });
  world.clock.advance(91 * 86_400_000);
  const purged = (await teardown.watchPurges())[0]!;
  cards.push({ name: 'teardown-7-billing-stopped', title: 'teardown: purged — only now does the card say billing has stopped', card: await tdCard(purged) });

  // Status and health
  const health = new HealthMonitor({
    inventory: world.inventory,
    checker: world.checker,
    clock: world.clock,
    audit: { append: async () => undefined },
    servicePrincipalObjectId: spObjectId,
  });
  await health.checkAll();
  const mw = await pairOf('multiWorkload');
  world.checker.red.set(mw.A.id, readinessLineOf(mw.A.ref, 'purgeProtection', { container: { purgeProtectionEnabled: false } }));
  const drift = await health.checkAll();
  cards.push({
    name: 'health-drift',
    title: "The scheduled health check: drift posted to the operator's and the approvers' chats",
    card: renderDriftCard({ reports: drift.drift, checkedAt: drift.checkedAt, locale }),
  });
  const hsmShares = ['Alex Approver', 'Bruno Approver', 'Chen Custodian'].map((name, i) => ({
    hsmName: 'hsm-contoso-ck-a',
    officerObjectId: `holder-${i}`,
    officerName: name,
    thumbprint: `t${i}`,
    quorum: 2,
    storedAt: new Date(now().getTime() - 95 * 86_400_000).toISOString(),
    requestId: 'r1',
  }));
  const custody = custodyOf({
    shares: hsmShares,
    statements: [
      { hsmName: 'hsm-contoso-ck-a', holder: 'holder-0', status: 'confirmed', at: now().toISOString() },
      { hsmName: 'hsm-contoso-ck-a', holder: 'holder-1', status: 'lost', at: now().toISOString() },
    ],
    lastRequestedAt: new Date(now().getTime() - 86_400_000).toISOString(),
    now: now(),
    everyDays: 90,
  })!;
  cards.push({
    name: 'hsm-share-attestation',
    title: 'Every 90 days: do the security-domain officers still hold their shares? (one confirmed, one lost, one not answered yet)',
    card: renderShareAttestationCard(custody, { everyDays: 90, locale }),
  });
  const keys = await world.inventory.keys();
  const healthOf = new Map(await Promise.all(keys.map(async (key) => [key.id, await world.inventory.health(key.ref.versionlessUri)] as const)));
  cards.push({
    name: 'status-inventory',
    title: 'status: journeys, and every vault, HSM, key (with versions) and policy Keyward knows, with readiness',
    card: renderJourneyListCard([], {
      sections: inventorySections({
        containers: await world.inventory.containers(),
        keys,
        deps: await world.inventory.deps(),
        health: (key) => healthOf.get(key.id),
        journeys: [{ journey: d, line: describeDepJourney(d, locale), resumeVerb: 'dep.resume' }],
        onboarding: await onboarding.list(LOCAL_TENANT_ID),
        now: now(),
        locale,
      }),
      locale,
    }),
  });
  return cards;
}
