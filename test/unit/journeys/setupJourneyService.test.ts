import assert from 'node:assert/strict';
import { isAppError, LOCAL_IDENTITIES, LOCAL_M365_SERVICE_PRINCIPALS, LOCAL_PEOPLE, LOCAL_SUBSCRIPTIONS, LOCAL_TENANT_ID, ManualClock, textOf } from '../../../src/core';
import { openSqliteDatabase } from '../../../src/store/sqliteDatabase';
import { journeyMigrations, SqlJourneyStore } from '../../../src/store/sqlJourneyStore';
import { SetupJourneyService } from '../../../src/journeys/setupJourneyService';
import type { SubmitRequest } from '../../../src/approvals/submitRequest';
import type { AuditEventInput } from '../../../src/audit/auditRecord';
import type { SetupJourney } from '../../../src/journeys/setupJourney';
import { renderSetupCard, renderJourneyListCard } from '../../../src/bot/setup/setupCards';
import { FakeAzureReader } from '../../helpers/fakeAzureReader';
import { assertValidCard } from '../../helpers/cardRules';
import { walkPremiumSetup } from '../../helpers/setupWalk';

const A = LOCAL_SUBSCRIPTIONS.primary.id;
const B = LOCAL_SUBSCRIPTIONS.secondary.id;
const operator = { aadObjectId: LOCAL_PEOPLE.operator.objectId, name: LOCAL_PEOPLE.operator.displayName, tenantId: LOCAL_TENANT_ID };
const cardContext = { knownPeople: [LOCAL_PEOPLE.approverChen, LOCAL_PEOPLE.approverDana].map((p) => ({ objectId: p.objectId, name: p.displayName })), custodiansRequired: true };

async function setup() {
  const db = await openSqliteDatabase({ file: ':memory:', migrations: journeyMigrations });
  const reader = new FakeAzureReader([A, B]);
  const audit: AuditEventInput[] = [];
  const submitted: SubmitRequest[] = [];
  const clock = new ManualClock(Date.UTC(2026, 10, 29, 9));
  const service = new SetupJourneyService({
    store: new SqlJourneyStore(db),
    atomic: db.atomic,
    reader,
    audit: { append: async (event) => void audit.push(event) },
    approvals: { submit: (request) => (submitted.push(request), { id: 'req_test_1' }) },
    clock,
    logger: {
      debug() {},
      info() {},
      warn() {},
      error() {},
      child() {
        return this;
      },
    },
    planContext: async () => ({
      tenantId: LOCAL_TENANT_ID,
      keywardWriterObjectId: LOCAL_IDENTITIES.writer.objectId,
      servicePrincipalObjectIds: Object.fromEntries(LOCAL_M365_SERVICE_PRINCIPALS.map((sp) => [sp.appId, sp.objectId])),
    }),
    preflightContext: async () => ({ tenantId: LOCAL_TENANT_ID, keywardWriterObjectId: LOCAL_IDENTITIES.writer.objectId }),
    validationOptions: () => ({ requireKeyCustodians: true }),
  });
  return { service, reader, audit, submitted, clock };
}

const at = (journey: SetupJourney) => ({ journeyId: journey.id, version: journey.version });

const walkPremium = (service: SetupJourneyService, start: SetupJourney) => walkPremiumSetup(service, start, operator);

describe('setup journey service', () => {
  it('when an operator walks a Premium setup with valid answers, then preflight is green, the plan preview follows at once with its hash, and submit hands it to approvals', async () => {
    const { service, submitted, audit } = await setup();
    let j = await walkPremium(service, await service.start(operator, 'conv-1', { conversation: { id: 'conv-1' } }));
    assert.equal(
      j.preflight?.ready,
      true,
      JSON.stringify(
        j.preflight?.lines.filter((l) => l.status !== 'pass'),
        null,
        1,
      ),
    );
    assert.equal(j.stage, 'preview', 'green checks go straight on to the plan (one click fewer)');
    assert.deepEqual(
      audit.slice(-2).map((e) => e.action),
      ['journey.preflight.run', 'journey.plan.built'],
    );
    assert.match(j.planHash ?? '', /^[0-9a-f]{64}$/);
    j = await service.submit(at(j), operator, 'Compliance requires customer-managed keys for Exchange.', { conversation: { id: 'conv-1' } });
    assert.equal(j.status, 'submitted');
    assert.equal(j.requestId, 'req_test_1');
    assert.equal(submitted[0]?.planHash, j.planHash);
    assert.deepEqual(submitted[0]?.keySides, { A: [LOCAL_PEOPLE.approverChen.objectId], B: [LOCAL_PEOPLE.approverDana.objectId] });
    assert.ok(audit.some((e) => e.action === 'journey.submitted' && e.requestId === 'req_test_1'));
    for (const stage of [j]) assertValidCard(renderSetupCard(stage, cardContext), 'submitted card');
  });

  it('when values are wrong, then each wrong field gets a message, every value is kept, and the journey does not move', async () => {
    const { service } = await setup();
    let j = await service.submitStep(at(await service.start(operator, 'c', {})), operator, 'choice', { protection: 'keyVaultPremium', workloads: 'exchange' });
    j = await service.submitStep(at(j), operator, 'sites', {
      'sites.A.subscriptionId': A,
      'sites.A.resourceGroup': 'rg',
      'sites.A.region': 'westeurope',
      'sites.B.subscriptionId': A,
      'sites.B.resourceGroup': 'rg',
      'sites.B.region': 'atlantis',
    });
    assert.equal(j.stage, 'sites');
    assert.ok(j.errors['sites.B.subscriptionId'], 'equal subscriptions are refused');
    assert.ok(j.errors['sites.B.region'], 'unknown region is refused');
    assert.equal(j.draft.sites?.B?.region, 'atlantis', 'the typed value is kept');
    const rendered = JSON.stringify(renderSetupCard(j, cardContext));
    assert.match(rendered, /"value":"atlantis"/);
    assert.match(rendered, /Problem:/);
  });

  it('when a vault name is taken or has an underscore, then the names card says so at that field', async () => {
    const { service, reader } = await setup();
    reader.takenNames.add('kv-taken-a');
    let j = await service.submitStep(at(await service.start(operator, 'c', {})), operator, 'choice', { protection: 'keyVaultPremium', workloads: 'exchange' });
    j = await service.submitStep(at(j), operator, 'sites', {
      'sites.A.subscriptionId': A,
      'sites.A.resourceGroup': 'rg-a',
      'sites.A.region': 'westeurope',
      'sites.B.subscriptionId': B,
      'sites.B.resourceGroup': 'rg-b',
      'sites.B.region': 'swedencentral',
    });
    j = await service.submitStep(at(j), operator, 'names', {
      'sites.A.vaultName.exchange': 'kv_bad_a',
      'sites.B.vaultName.exchange': 'kv-ok-b',
      'sites.A.keyName.exchange': 'k-a',
      'sites.B.keyName.exchange': 'k-b',
      keySize: '3072',
      accessModel: 'rbac',
    });
    assert.match(textOf(j.errors['sites.A.vaultName.exchange'] ?? ''), /underscore/i);
    j = await service.submitStep(at(j), operator, 'names', {
      'sites.A.vaultName.exchange': 'kv-taken-a',
      'sites.B.vaultName.exchange': 'kv-ok-b',
      'sites.A.keyName.exchange': 'k-a',
      'sites.B.keyName.exchange': 'k-b',
      keySize: '3072',
      accessModel: 'rbac',
    });
    assert.equal(j.stage, 'names');
    assert.match(textOf(j.errors['sites.A.vaultName.exchange'] ?? ''), /taken/);
  });

  it('when the mandatory retention feature is not registered, then preflight is red with the exact command and the journey waits', async () => {
    const { service, reader } = await setup();
    reader.features.set(B, 'NotRegistered');
    const j = await walkPremium(service, await service.start(operator, 'c', {}));
    assert.equal(j.stage, 'preflight');
    assert.equal(j.preflight?.ready, false);
    const line = j.preflight?.lines.find((l) => l.status === 'fail' && /retention/i.test(textOf(l.title)));
    assert.ok(line, 'a red mandatory-retention line');
    assert.match(JSON.stringify(line.fix), /Register-AzProviderFeature -FeatureName mandatoryRetentionPeriodEnabled -ProviderNamespace Microsoft\.Resources/);
    await assert.rejects(
      async () => {
        const refused = await service.preview(at(j), operator);
        if (refused.stage !== 'preview') throw Object.assign(new Error('refused'), { code: 'refused' });
      },
      { code: 'refused' },
    );
    reader.features.set(B, 'Registered');
    const again = await service.get(j.id);
    const rerun = await service.rerunPreflight(at(again), operator);
    assert.equal(rerun.preflight?.ready, true);
    assertValidCard(renderSetupCard(again, cardContext), 'red preflight card');
  });

  // Issue 11 item 8: the mandatory-retention wait is never silent and never forever.
  it('when Microsoft has not confirmed the mandatory retention period yet, then each re-check says for how long and what to do, and after five business days says to contact Microsoft', async () => {
    const { service, reader, clock } = await setup();
    reader.features.set(B, 'Pending');
    let j = await walkPremium(service, await service.start(operator, 'c', {}));
    const lineOf = (journey: SetupJourney) => journey.preflight?.lines.find((l) => l.id === 'mandatoryRetention:B');
    assert.equal(lineOf(j)?.status, 'fail');
    assert.match(textOf(lineOf(j)?.detail ?? ''), /is Pending \(0 business days so far\).*Make sure Microsoft was told/);
    assert.match(textOf(lineOf(j)?.fix?.text ?? ''), /re-checks the registration when you press "Run the checks again"/);
    const since = j.preflight?.mandatoryRetentionPendingSince?.[B];
    assert.ok(since);
    clock.advance(2 * 86_400_000); // Sunday 29 Nov → Tuesday 1 Dec: Monday and Tuesday
    j = await service.rerunPreflight(at(j), operator);
    assert.equal(j.preflight?.mandatoryRetentionPendingSince?.[B], since, 'the wait counts from the first time it was seen pending');
    assert.match(textOf(lineOf(j)?.detail ?? ''), /2 business days so far/);
    clock.advance(2 * 86_400_000); // Thursday 3 Dec: four business days, not yet five
    j = await service.rerunPreflight(at(j), operator);
    assert.doesNotMatch(textOf(lineOf(j)?.detail ?? ''), /Contact Microsoft now/);
    clock.advance(5 * 86_400_000); // Tuesday 8 Dec: seven business days
    j = await service.rerunPreflight(at(j), operator);
    assert.match(textOf(lineOf(j)?.detail ?? ''), /for 7 business days, longer than Microsoft's usual five\. Contact Microsoft now.*Get-AzProviderFeature/);
    reader.features.set(B, 'Registered');
    j = await service.rerunPreflight(at(j), operator);
    assert.equal(j.preflight?.ready, true);
    assert.equal(j.preflight?.mandatoryRetentionPendingSince, undefined);
  });

  it('when Microsoft confirms while the setup waits, then Keyward re-checks it on its own once the interval has passed, records it as Keyward, and reports the journey to tell its operator', async () => {
    const { service, reader, clock, audit } = await setup();
    reader.features.set(B, 'Pending');
    const waiting = await walkPremium(service, await service.start(operator, 'c', {}));
    assert.ok(waiting.preflight?.mandatoryRetentionPendingSince?.[B]);
    const hour = 3_600_000;

    // Still pending: checked again (the wait advice moves on) and not reported.
    clock.advance(hour);
    assert.deepEqual(await service.recheckWaitingRetention(hour), []);
    const checked = await service.get(waiting.id);
    assert.equal(checked.version, waiting.version + 1);
    assert.equal(audit.filter((e) => e.action === 'journey.preflight.rechecked').length, 1);

    // Confirmed, but checked less than an interval ago: not read yet.
    reader.features.set(B, 'Registered');
    clock.advance(hour / 2);
    assert.deepEqual(await service.recheckWaitingRetention(hour), []);
    assert.equal((await service.get(waiting.id)).version, checked.version);

    // An interval later: green, reported once, recorded as Keyward (not as the operator).
    clock.advance(hour / 2);
    const confirmed = await service.recheckWaitingRetention(hour);
    assert.deepEqual(
      confirmed.map((j) => j.id),
      [waiting.id],
    );
    assert.equal(confirmed[0]!.preflight?.ready, true);
    assert.equal(confirmed[0]!.preflight?.mandatoryRetentionPendingSince, undefined);
    assert.match(textOf(confirmed[0]!.notice ?? ''), /Microsoft has confirmed the mandatory retention period/);
    const record = audit.filter((e) => e.action === 'journey.preflight.rechecked').at(-1)!;
    assert.equal(record.actor.objectId, 'system:keyward');
    assert.equal(record.details?.retentionConfirmed, true);
    clock.advance(2 * hour);
    assert.deepEqual(await service.recheckWaitingRetention(hour), [], 'nothing waits any more: not re-read, not reported again');
  });

  it('when a stale card is clicked, then nothing changes and the current card comes back with a note', async () => {
    const { service } = await setup();
    const start = await service.start(operator, 'c', {});
    const moved = await service.submitStep(at(start), operator, 'choice', { protection: 'managedHsm', workloads: 'exchange,sharePoint' });
    const stale = await service.submitStep(at(start), operator, 'choice', { protection: 'keyVaultPremium', workloads: 'exchange' });
    assert.equal(stale.version, moved.version);
    assert.equal(stale.draft.protection, 'managedHsm');
    assert.match(textOf(stale.notice ?? ''), /out of date/);
  });

  it("when someone else clicks the operator's card, then it is refused as not theirs and audited", async () => {
    const { service, audit } = await setup();
    const start = await service.start(operator, 'c', {});
    const other = { aadObjectId: LOCAL_PEOPLE.observer.objectId, name: 'Omar' };
    await assert.rejects(
      () => service.submitStep(at(start), other, 'choice', { protection: 'keyVaultPremium', workloads: 'exchange' }),
      (error: unknown) => isAppError(error, 'NotYourJourney'),
    );
    assert.ok(audit.some((e) => e.action === 'journey.foreign_click' && e.outcome === 'denied'));
  });

  it('when a card payload is edited by hand, then unreadable fields get messages and nothing moves', async () => {
    const { service } = await setup();
    const start = await service.start(operator, 'c', {});
    const j = await service.submitStep(at(start), operator, 'choice', { protection: { $ne: 1 }, workloads: ['x'] });
    assert.equal(j.stage, 'choice');
    assert.ok(Object.keys(j.errors).length > 0);
  });

  it('when a Managed HSM setup has too few officers, a quorum above them, or no cost acknowledgment, then each is a field error', async () => {
    const { service } = await setup();
    let j = await service.submitStep(at(await service.start(operator, 'c', {})), operator, 'choice', { protection: 'managedHsm', workloads: 'multiWorkload' });
    j = await service.submitStep(at(j), operator, 'sites', {
      'sites.A.subscriptionId': A,
      'sites.A.resourceGroup': 'rg-a',
      'sites.A.region': 'westeurope',
      'sites.B.subscriptionId': B,
      'sites.B.resourceGroup': 'rg-b',
      'sites.B.region': 'northeurope',
    });
    j = await service.submitStep(at(j), operator, 'names', {
      'sites.A.hsmName': 'hsm-ck-a-1',
      'sites.B.hsmName': 'hsm-ck-b-1',
      'sites.A.keyName.multiWorkload': 'k-a',
      'sites.B.keyName.multiWorkload': 'k-b',
      keySize: '3072',
    });
    assert.equal(j.stage, 'hsm', JSON.stringify(j.errors));
    assertValidCard(renderSetupCard(j, cardContext), 'hsm card');
    j = await service.submitStep(at(j), operator, 'hsm', {
      'hsm.initialAdminObjectIds': LOCAL_PEOPLE.operator.objectId,
      'hsm.softDeleteRetentionDays': '90',
      'hsm.officers.0.displayName': 'Chen',
      'hsm.officers.0.objectId': LOCAL_PEOPLE.approverChen.objectId,
      'hsm.officers.1.displayName': 'Dana',
      'hsm.officers.1.objectId': LOCAL_PEOPLE.approverDana.objectId,
      'hsm.quorum': '3',
      'hsm.costAcknowledged': 'false',
    });
    assert.equal(j.stage, 'hsm');
    assert.ok(j.errors['hsm.officers'], 'too few officers');
    assert.ok(j.errors['hsm.costAcknowledged'], 'cost acknowledgment required');
    assertValidCard(renderSetupCard(j, cardContext), 'hsm card with errors');
    // A card always submits all its inputs.
    j = await service.submitStep(at(j), operator, 'hsm', {
      'hsm.initialAdminObjectIds': LOCAL_PEOPLE.operator.objectId,
      'hsm.softDeleteRetentionDays': '90',
      'hsm.officers.0.displayName': 'Chen',
      'hsm.officers.0.objectId': LOCAL_PEOPLE.approverChen.objectId,
      'hsm.officers.1.displayName': 'Dana',
      'hsm.officers.1.objectId': LOCAL_PEOPLE.approverDana.objectId,
      'hsm.officers.2.displayName': 'Olivia',
      'hsm.officers.2.objectId': LOCAL_PEOPLE.operator.objectId,
      'hsm.quorum': '4',
      'hsm.costAcknowledged': 'true',
    });
    assert.equal(j.stage, 'hsm');
    assert.ok(!j.errors['hsm.officers'], 'three officers are enough');
    assert.ok(j.errors['hsm.quorum'], 'quorum above the number of officers');
    assert.equal(j.draft.hsm?.officers?.[0]?.displayName, 'Chen', 'earlier rows are kept');
  });

  it('when every stage is rendered, then each card passes the card rules', async () => {
    const { service } = await setup();
    let j = await service.start(operator, 'c', {});
    assertValidCard(renderSetupCard(j, cardContext), 'choice');
    j = await walkPremium(service, j);
    assertValidCard(renderSetupCard(j, cardContext), 'preflight');
    j = await service.preview(at(j), operator);
    assertValidCard(renderSetupCard(j, cardContext), 'preview');
    assertValidCard(renderJourneyListCard(await service.listFor(operator, 'c')), 'status');
    const back = await service.back(at(j), operator);
    assert.equal(back.stage, 'preflight');
  });
});
