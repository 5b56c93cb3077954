import { LOCAL_IDENTITIES, LOCAL_M365_SERVICE_PRINCIPALS, LOCAL_PEOPLE, LOCAL_SUBSCRIPTIONS, LOCAL_TENANT_ID, ManualClock, say, silentLogger } from '../../src/core';
import { progressLine } from '../../src/executor/runProgress';
import { openSqliteDatabase } from '../../src/store/sqliteDatabase';
import { journeyMigrations, SqlJourneyStore } from '../../src/store/sqlJourneyStore';
import { SetupJourneyService } from '../../src/journeys/setupJourneyService';
import type { SetupJourney } from '../../src/journeys/setupJourney';
import { renderJourneyListCard, renderSetupCard } from '../../src/bot/setup/setupCards';
import { renderWelcomeCard } from '../../src/bot/cards/welcomeCard';
import { journeyEntries } from '../../src/bot/journeyCatalogue';
import type { AdaptiveCardJson } from '../../src/bot/cards/adaptiveCard';
import { FakeAzureReader } from './fakeAzureReader';
import { evaluateRule } from '../../src/approvals';
import { readPolicyFile, localPolicyPath } from '../../src/approvals/policyFile';
import { renderApprovalCard } from '../../src/bot/cards/approvalCard';
import { renderPolicyCard } from '../../src/bot/cards/approvalPolicyCard';
import { teamHealth } from '../../src/approvals/teamHealth';
import { planSummaryLines, planSummaryMessages } from '../../src/journeys/setupJourneyService';
import { at as minutesAfter, P, personOf, requestIn } from '../unit/approvals/approvalFixtures';
import { renderRunCard } from '../../src/bot/cards/runCard';
import { renderVerifyCard } from '../../src/bot/cards/runVerifyCard';
import { evaluateReadiness, planText } from '../../src/customerKey';
import { EMULATOR_KEY_URI_OPTIONS } from '../../src/executor';
import { hsmPlan, runOf } from '../executor/executorFixtures';
import { buildOpsGallery } from '../unit/inventory/opsGallery';
import { TWO_SITES } from './setupWalk';

export interface GalleryCard {
  /** File name stem for docs/cards/<name>.png */
  name: string;
  title: string;
  card: AdaptiveCardJson;
}

const A = LOCAL_SUBSCRIPTIONS.primary.id;
const B = LOCAL_SUBSCRIPTIONS.secondary.id;

/**
 * Every card Keyward shows, in the states a person meets them, built by the real renderers from
 * real journey states (fake Azure reads). Used by the card-rendering test and by
 * `npm run docs:cards`, which draws them for the README.
 */
export async function buildCardGallery(locale?: string): Promise<GalleryCard[]> {
  const operator = { aadObjectId: LOCAL_PEOPLE.operator.objectId, name: LOCAL_PEOPLE.operator.displayName, tenantId: LOCAL_TENANT_ID };
  const reader = new FakeAzureReader([A, B, LOCAL_SUBSCRIPTIONS.unregistered.id]);
  // The sites card lists them by name, with state and mandatory retention (the sandbox is not registered).
  for (const sub of Object.values(LOCAL_SUBSCRIPTIONS)) reader.subscriptions.set(sub.id, { ...reader.subscriptions.get(sub.id)!, displayName: sub.displayName });
  reader.features.set(LOCAL_SUBSCRIPTIONS.unregistered.id, 'NotRegistered');
  const service = new SetupJourneyService({
    store: new SqlJourneyStore(await openSqliteDatabase({ file: ':memory:', migrations: journeyMigrations })),
    reader,
    audit: { append: async () => undefined },
    approvals: { submit: () => ({ id: 'req_7Hq2ZfA9kLmN3pQr' }) },
    clock: new ManualClock(Date.UTC(2026, 10, 29, 9, 30)),
    logger: silentLogger,
    planContext: async () => ({
      tenantId: LOCAL_TENANT_ID,
      keywardWriterObjectId: LOCAL_IDENTITIES.writer.objectId,
      servicePrincipalObjectIds: Object.fromEntries(LOCAL_M365_SERVICE_PRINCIPALS.map((sp) => [sp.appId, sp.objectId])),
    }),
    preflightContext: async () => ({ tenantId: LOCAL_TENANT_ID, keywardWriterObjectId: LOCAL_IDENTITIES.writer.objectId }),
    validationOptions: () => ({ requireKeyCustodians: true }),
  });
  const person = (p: (typeof LOCAL_PEOPLE)[keyof typeof LOCAL_PEOPLE]) => ({ objectId: p.objectId, name: p.displayName });
  const context = {
    knownPeople: Object.values(LOCAL_PEOPLE).map(person),
    custodianCandidates: [LOCAL_PEOPLE.approverAlex, LOCAL_PEOPLE.approverBruno, LOCAL_PEOPLE.approverChen, LOCAL_PEOPLE.approverDana].map(person),
    custodianGroups: ['Key approvers', 'Key custodians'],
    custodiansRequired: true,
    locale,
  };
  const at = (j: SetupJourney) => ({ journeyId: j.id, version: j.version });
  const gallery: GalleryCard[] = [];
  const add = (name: string, title: string, journey: SetupJourney) => gallery.push({ name, title, card: renderSetupCard(journey, context) });

  gallery.push({
    name: 'welcome',
    title: 'Welcome (help, install, first message)',
    card: renderWelcomeCard({
      userName: 'Olivia Operator',
      journeys: journeyEntries(new Set(['setup', 'status', 'approvals', 'dep', 'roll', 'teardown'])),
      localMode: true,
      locale,
    }),
  });
  let j = await service.start(operator, 'gallery', {});
  add('setup-1-choice', 'Setup: Key Vault Premium or Managed HSM', j);
  j = await service.submitStep(at(j), operator, 'choice', { protection: 'keyVaultPremium', workloads: 'exchange' });
  add(
    'setup-2-sites',
    "Setup: subscriptions listed from Azure with their state and mandatory retention (the two ready ones preselected), regions from the subscriptions' own lists with their pairs",
    j,
  );
  const sitesBad = await service.submitStep(at(j), operator, 'sites', {
    'sites.A.subscriptionId': A,
    'sites.A.resourceGroup': 'rg-ck-a',
    'sites.A.region': 'westeurope',
    'sites.B.subscriptionId': A,
    'sites.B.resourceGroup': 'rg-ck-b',
    'sites.B.region': 'northeurope',
  });
  add('setup-2-sites-errors', 'Setup: subscriptions and regions, with the messages for two mistakes', sitesBad);
  j = await service.submitStep(at(sitesBad), operator, 'sites', TWO_SITES);
  add('setup-3-names', 'Setup: vault and key names from your naming pattern, checked free in Azure; key size, access model', j);
  j = await service.submitStep(at(j), operator, 'names', {
    'sites.A.vaultName.exchange': 'kv-ck-ex-a-7h2q',
    'sites.B.vaultName.exchange': 'kv-ck-ex-b-7h2q',
    'sites.A.keyName.exchange': 'ck-ex-key-a',
    'sites.B.keyName.exchange': 'ck-ex-key-b',
    keySize: '3072',
    accessModel: 'rbac',
  });
  add('setup-4-approvers', "Setup: custodians of key A and key B from the people picker (the policy's group members where Teams' directory search is missing)", j);
  reader.features.set(B, 'NotRegistered');
  j = await service.submitStep(at(j), operator, 'approvers', { 'approvers.A': LOCAL_PEOPLE.approverChen.objectId, 'approvers.B': LOCAL_PEOPLE.approverDana.objectId });
  add('setup-5-preflight-red', 'Preflight: a red line with its fix (mandatory retention not registered)', j);
  reader.features.set(B, 'Registered');
  const licensed = reader.skus;
  reader.skus = [
    {
      skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965',
      skuPartNumber: 'SPE_E3',
      capabilityStatus: 'Enabled',
      enabledUnits: 300,
      consumedUnits: 280,
      servicePlans: [{ servicePlanId: 'efb87545-963c-4e0d-99df-69c6916d9eb0', servicePlanName: 'EXCHANGE_S_ENTERPRISE' }],
    },
  ];
  j = await service.rerunPreflight(at(j), operator);
  add('setup-5b-preflight-licence', 'Preflight: licences read from Microsoft Graph; none includes Customer Key, with the qualifying licences', j);
  reader.skus = licensed;
  // All green: the journey goes straight on to the plan; the checks stay on the preview card.
  j = await service.rerunPreflight(at(j), operator);
  add('setup-7-preview', 'Plan preview: the checks passed, the plan and its hash', j);
  j = await service.submit(at(j), operator, 'Regulator requires customer-managed keys for mailboxes.', {});
  add('setup-8-submitted', 'Submitted for approval', j);

  // The approval card for that plan, as the approvers' chat sees it over its life.
  const plan = j.plan!;
  const fromPlan = {
    title: plan.title,
    titleMessage: planText(plan).title,
    summaryLines: planSummaryLines(plan),
    summaryMessages: planSummaryMessages(plan),
    targets: plan.keys.map((k) => `${k.site}: ${k.containerName}/${k.keyName}`),
    planHash: j.planHash!,
    reason: 'Regulator requires customer-managed keys for mailboxes.',
  };
  const names = Object.fromEntries(Object.values(P).map((p) => [p.objectId, p.displayName]));
  const pending = requestIn('pending', {
    ...fromPlan,
    votes: [{ voter: personOf(P.approverAlex), decision: 'approve', reason: 'Names and regions checked', at: minutesAfter(20).toISOString(), planHash: fromPlan.planHash }],
  });
  gallery.push({
    name: 'approval-1-pending',
    title: "Approval card in the approvers' chat: one of two approvals given",
    card: renderApprovalCard({ request: pending, progress: evaluateRule(pending), viewer: 'shared', now: minutesAfter(30), names, locale }),
  });
  // More than 60 people may act: Teams refreshes the card for 60 of them; the card says what the others do.
  gallery.push({
    name: 'approval-1b-many-approvers',
    title: 'Approval card when more than 60 people may act on it (Teams refreshes 60; the card says what the others do)',
    card: renderApprovalCard({
      request: pending,
      progress: evaluateRule(pending),
      viewer: 'shared',
      now: minutesAfter(30),
      names,
      refreshUserIds: Array.from({ length: 60 }, (_, i) => `29:1user-${i}`),
      refreshLeftOut: 13,
      locale,
    }),
  });
  const running = requestIn('executing', {
    ...fromPlan,
    execution: { startedAt: minutesAfter(125).toISOString(), progress: progressLine(runOf(plan, 'running', 5), 5, planText(plan).steps[5]!) },
  });
  gallery.push({
    name: 'approval-2-running',
    title: 'The same card while the plan runs',
    card: renderApprovalCard({ request: running, progress: evaluateRule(running), viewer: 'shared', now: minutesAfter(127), names, locale }),
  });
  const done = requestIn('succeeded', {
    ...fromPlan,
    execution: {
      startedAt: minutesAfter(125).toISOString(),
      finishedAt: minutesAfter(128).toISOString(),
      outcome: 'succeeded',
      detail: say('run.detail.success', `All ${plan.steps.length} steps done and verified.`, { count: plan.steps.length }),
    },
  });
  gallery.push({
    name: 'approval-3-done',
    title: 'The same card when the run has finished',
    card: renderApprovalCard({ request: done, progress: evaluateRule(done), viewer: 'shared', now: minutesAfter(129), names, locale }),
  });
  const localPolicy = readPolicyFile(localPolicyPath());
  const lastSeen: Record<string, number> = { [P.approverAlex.objectId]: 2, [P.approverBruno.objectId]: 130, [P.approverChen.objectId]: 20, [P.operator.objectId]: 1 };
  const health = teamHealth({
    policy: localPolicy,
    lastActivity: (id) =>
      lastSeen[id] !== undefined ? { at: new Date(minutesAfter(0).getTime() - lastSeen[id]! * 86_400_000).toISOString(), action: 'approval.vote.recorded' } : undefined,
    reachable: () => true,
    now: minutesAfter(0),
    activeDays: 90,
  });
  gallery.push({
    name: 'policy',
    title: 'policy: the approval policy in words, with team health (Bruno has been quiet for 130 days, so two rules could not be met)',
    card: renderPolicyCard({ policy: localPolicy, health, locale }),
  });

  // The run card the executor keeps up to date, and the verify answer.
  const now = minutesAfter(130);
  gallery.push({
    name: 'run-1-running',
    title: 'Run card: step by step with a progress bar',
    card: renderRunCard({ run: runOf(plan, 'running', 5), now, keyUriOptions: EMULATOR_KEY_URI_OPTIONS, locale }),
  });
  const hsm = hsmPlan({ workloads: ['multiWorkload', 'sharePoint'] });
  const ceremony = runOf(
    hsm,
    'waitingForInput',
    hsm.steps.findIndex((step) => step.kind === 'activateSecurityDomain'),
    {
      waitingFor: say('run.waiting.officers', '1 of 3 security-domain officers have handed in their public certificate; waiting for Dana Custodian, Alex Approver.', {
        handedIn: 1,
        officers: 3,
        missing: 'Dana Custodian, Alex Approver',
      }),
    },
  );
  gallery.push({
    name: 'run-2-ceremony',
    title: "Managed HSM: the security-domain ceremony waits for the officers' public certificates",
    card: renderRunCard({
      run: ceremony,
      now,
      officers: [
        { name: 'Chen Custodian', submitted: true, thumbprint: '3Qx7b0mK1vVq9Zr2y8Hn4Tc' },
        { name: 'Dana Custodian', submitted: false },
        { name: 'Alex Approver', submitted: false },
      ],
      locale,
    }),
  });
  const stopped = runOf(plan, 'stopped', 4, {
    lastError: {
      code: 'AzureForbidden',
      message:
        'Azure refused to create key ck-ex-key-a (ForbiddenByRbac). Grant "Key Vault Crypto Officer" at scope https://kv-ck-ex-a-7h2q.vault.azure.net to Keyward\'s identity.',
      transient: false,
      stepId: plan.steps[4]!.id,
    },
  });
  gallery.push({
    name: 'run-3-stopped',
    title: 'Run card: a step failed for good; what is done stays, Retry while the window is open',
    card: renderRunCard({ run: stopped, now, locale }),
  });
  gallery.push({
    name: 'run-4-done',
    title: 'Run card: done, with the key URIs the DEP cmdlets take',
    card: renderRunCard({ run: runOf(plan, 'succeeded', plan.steps.length), now, keyUriOptions: EMULATOR_KEY_URI_OPTIONS, locale }),
  });
  const [keyA, keyB] = plan.keys;
  const lines = evaluateReadiness({
    now,
    keys: [keyA!, keyB!].map((ref, i) => ({
      ref,
      principalObjectId: 'c0ffee00-0000-4000-8000-000000000002',
      observed: {
        key: {
          ok: true as const,
          value: {
            kid: `https://${ref.containerName}.vault.azure.net/keys/${ref.keyName}/0123456789abcdef0123456789abcdef`,
            kty: 'RSA-HSM',
            keyOps: ['wrapKey', 'unwrapKey'],
            enabled: true,
            expires: i === 1 ? '2027-06-30T00:00:00Z' : null,
            recoveryLevel: 'Recoverable+ProtectedSubscription',
          },
        },
        backup: { ok: true as const, value: { present: true } },
      },
    })),
  });
  gallery.push({
    name: 'verify',
    title: 'verify: readiness, red lines first with their fix (here an expiry date was set on key B)',
    card: renderVerifyCard({
      run: { id: 'run_demo', requestId: fromPlan.planHash.slice(0, 8), title: plan.title, plan },
      report: { checkedAt: now.toISOString(), keys: [keyA!, keyB!], lines, ready: false, probed: false },
      locale,
    }),
  });

  let h = await service.start(operator, 'gallery', {});
  h = await service.submitStep(at(h), operator, 'choice', { protection: 'managedHsm', workloads: 'multiWorkload,sharePoint' });
  h = await service.submitStep(at(h), operator, 'sites', TWO_SITES);
  h = await service.submitStep(at(h), operator, 'names', {
    'sites.A.hsmName': 'hsm-ck-a-7h2q',
    'sites.B.hsmName': 'hsm-ck-b-7h2q',
    'sites.A.keyName.multiWorkload': 'ck-mw-key-a',
    'sites.B.keyName.multiWorkload': 'ck-mw-key-b',
    'sites.A.keyName.sharePoint': 'ck-sp-key-a',
    'sites.B.keyName.sharePoint': 'ck-sp-key-b',
    keySize: '3072',
  });
  add('setup-hsm', 'Managed HSM: administrators and security-domain officers from the people picker, quorum and the billing acknowledgment', h);
  gallery.push({ name: 'status', title: 'status: your journeys', card: renderJourneyListCard(await service.listFor(operator, 'gallery'), { locale }) });
  // Data Encryption Policies, key rolls, teardowns, the inventory on the status card, health drift.
  gallery.push(...(await buildOpsGallery(locale)));
  return gallery;
}
