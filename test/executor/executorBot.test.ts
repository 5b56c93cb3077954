import assert from 'node:assert/strict';
import fs from 'node:fs';
import { LOCAL_PEOPLE, LOCAL_TENANT_ID, TOKEN_PATTERN, type LocalPerson } from '../../src/core';
import { VERBS } from '../../src/bot/cards/verbs';
import { planHash, type Plan } from '../../src/customerKey';
import type { Run } from '../../src/executor';
import type { SetupJourney } from '../../src/journeys/setupJourney';
import { invokeActivity, messageActivity, postActivity } from '../helpers/activities';
import { assertValidCard } from '../helpers/cardRules';
import { startTestEmulator, type TestEmulator } from '../helpers/emulatorEnv';
import { startHarness, type Harness } from '../helpers/keywardHarness';
import type { ConnectorCall } from '../helpers/fakeConnector';
import { APP_PLAN_CONTEXT, hsmPlan, premiumPlan } from './executorFixtures';
import { testOfficers } from './testOfficers';
import { collect } from '../helpers/collect';

const GROUP = 'group-chat-key-approvers';
const ORIGIN_CONVERSATION = `conv-${LOCAL_PEOPLE.operator.teamsId}`;

type Card = Record<string, unknown>;

/**
 * The executor inside the real Keyward server (restify, botbuilder, teams-ai, SQLite, fake Bot
 * Connector) against the emulator: an approved plan runs by itself, its run card is posted and
 * updated in place, the approval card shows the progress, officers hand in certificates through
 * the card, `verify` answers red/green — and no token, private key or security domain reaches
 * chat, logs or the audit log.
 */
describe('executor in the bot: run cards, ceremony, verify (HTTP, emulator)', function () {
  this.timeout(60_000);
  let emulator: TestEmulator;
  let harness: Harness;

  before(async () => {
    emulator = await startTestEmulator({ hsmProvisioningMs: 200 });
    harness = await startHarness({ ...emulator.keywardEnv, KEYWARD_APPROVALS_TICK_SECONDS: '0', KEYWARD_EXECUTOR_POLL_SECONDS: '0.05' });
  });
  after(async () => {
    await harness?.close();
    await emulator?.close();
  });

  const origin = () => ({
    channelId: 'msteams',
    serviceUrl: harness.connector.url,
    conversation: { id: ORIGIN_CONVERSATION, conversationType: 'personal', tenantId: LOCAL_TENANT_ID },
    bot: { id: 'bot-keyward', name: 'Keyward' },
    user: { id: LOCAL_PEOPLE.operator.teamsId, name: LOCAL_PEOPLE.operator.displayName, aadObjectId: LOCAL_PEOPLE.operator.objectId },
  });
  const actor = (p: LocalPerson) => ({ aadObjectId: p.objectId, channelUserId: p.teamsId, name: p.displayName, tenantId: LOCAL_TENANT_ID });

  /** What the setup journey leaves behind: the journey with its plan, and the approved request. */
  async function approvedPlan(plan: Plan): Promise<string> {
    const hash = planHash(plan);
    const now = new Date().toISOString();
    const journey: SetupJourney = {
      id: `setup_${hash.slice(0, 16)}`,
      kind: 'setup',
      owner: { aadObjectId: LOCAL_PEOPLE.operator.objectId, name: LOCAL_PEOPLE.operator.displayName, tenantId: LOCAL_TENANT_ID },
      conversationId: ORIGIN_CONVERSATION,
      origin: origin(),
      status: 'submitted',
      stage: 'preview',
      draft: {},
      errors: {},
      warnings: {},
      plan,
      planHash: hash,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await harness.keyward.store.journeys.insert(journey);
    const service = harness.keyward.approvals.service;
    const request = await service.submit({
      planHash: hash,
      operationClass: 'create',
      title: plan.title,
      summaryLines: plan.steps.slice(0, 50).map((s) => s.summary.slice(0, 480)),
      targets: plan.keys.map((k) => `${k.containerName}/${k.keyName}`),
      requester: actor(LOCAL_PEOPLE.operator),
      reason: 'Our own keys for Exchange.',
      origin: origin(),
      journeyId: journey.id,
    });
    for (const approver of [LOCAL_PEOPLE.approverAlex, LOCAL_PEOPLE.approverBruno]) {
      const vote = await service.vote({ requestId: request.id, voter: actor(approver), decision: 'approve', reason: 'Checked.', planHash: hash });
      assert.equal(vote.ok, true);
    }
    await settle();
    return request.id;
  }

  async function settle(): Promise<void> {
    for (let i = 0; i < 6; i += 1) {
      await harness.keyward.approvals.idle();
      await harness.keyward.executor.idle();
    }
  }

  const cardsOf = (call: ConnectorCall): Card[] =>
    ((call.body.attachments as Array<{ contentType: string; content: Card }> | undefined) ?? [])
      .filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')
      .map((a) => a.content);
  const runCardCalls = (runId: string) =>
    harness.connector.calls.filter((call) => cardsOf(call).some((card) => JSON.stringify(card).includes(runId) && JSON.stringify(card).includes('Keyward run')));
  /** The newest version of the run card in a conversation. */
  const latestRunCard = (runId: string, conversationId: string): { messageId: string; card: Card } => {
    const calls = runCardCalls(runId).filter((call) => call.conversationId === conversationId);
    const last = calls[calls.length - 1];
    assert.ok(last, `a run card in ${conversationId}`);
    const post = calls.find((call) => call.method === 'POST')!;
    return { messageId: post.activityId ?? `activity-${harness.connector.calls.indexOf(post) + 1}`, card: cardsOf(last)[0]! };
  };
  const click = async (verb: string, data: Record<string, unknown>, from: LocalPerson, replyToId?: string) => {
    const response = await postActivity(
      harness.url,
      invokeActivity(verb, data, { serviceUrl: harness.connector.url, conversationId: GROUP, conversationType: 'groupChat', from, replyToId }),
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const body = response.body as { type: string; value: unknown };
    if (body.type === 'application/vnd.microsoft.card.adaptive') assertValidCard(body.value, `run card after ${verb}`);
    return JSON.stringify(body.value);
  };
  const runFor = async (requestId: string): Promise<Run> => (await harness.keyward.executor.service.getByRequest(requestId))!;
  const noSecrets = (what: string, text: string, extra: readonly string[] = []) => {
    assert.doesNotMatch(text, TOKEN_PATTERN, `${what}: no bearer token or JWT`);
    assert.doesNotMatch(text, /PRIVATE KEY/, `${what}: no private key`);
    assert.doesNotMatch(text, /enc_shares|EncData/, `${what}: no security domain content`);
    for (const secret of extra) assert.ok(!text.includes(secret), `${what}: no secret material`);
  };

  it('when a Premium plan is approved, then it runs by itself, the run card is updated in place up to the key URIs, the approval card shows progress, and verify is green', async () => {
    // Planned as the app plans: the reader identity, which `verify` runs as (issue 12 item 6), may read the keys.
    const plan = premiumPlan({}, APP_PLAN_CONTEXT);
    const steps = plan.steps.length;
    const requestId = await approvedPlan(plan);
    const run = await runFor(requestId);
    assert.equal(run.status, 'succeeded', JSON.stringify(run.lastError));
    assert.equal((await harness.keyward.approvals.service.get(requestId))?.status, 'succeeded');

    for (const conversationId of [ORIGIN_CONVERSATION, GROUP]) {
      const calls = runCardCalls(run.id).filter((call) => call.conversationId === conversationId);
      assert.equal(calls.filter((call) => call.method === 'POST').length, 1, `one run card posted in ${conversationId}`);
      assert.ok(calls.filter((call) => call.method === 'PUT').length >= 1, `the run card in ${conversationId} is updated in place`);
      for (const call of calls) for (const card of cardsOf(call)) assertValidCard(card, `run card in ${conversationId}`);
    }
    const final = JSON.stringify(latestRunCard(run.id, ORIGIN_CONVERSATION).card);
    assert.match(final, /Done: /);
    assert.match(final, new RegExp(`▓▓▓▓▓▓▓▓▓▓  ${steps} of ${steps} steps done`));
    for (const ref of plan.keys)
      assert.match(final, new RegExp(`https://${ref.containerName}\\.vault\\.localhost:\\d+/keys/${ref.keyName}(?!/)`), `versionless URI of ${ref.keyName}`);
    assert.match(final, /New-DataEncryptionPolicy -Name <policy> -AzureKeyIDs https:/);
    const approvalUpdates = harness.connector.calls.filter((call) => call.conversationId === GROUP && call.method === 'PUT' && JSON.stringify(call.body).includes(requestId));
    assert.ok(
      approvalUpdates.some((call) => new RegExp(`Step \\d+ of ${steps}: `).test(JSON.stringify(call.body))),
      'the approval card showed step progress',
    );

    await postActivity(harness.url, messageActivity('verify', { serviceUrl: harness.connector.url, conversationId: ORIGIN_CONVERSATION }));
    const verify = await harness.connector.waitFor((call) => call.conversationId === ORIGIN_CONVERSATION && JSON.stringify(call.body).includes('Customer Key readiness'));
    const verifyCard = cardsOf(verify)[0]!;
    assertValidCard(verifyCard, 'verify card');
    assert.match(JSON.stringify(verifyCard), /Ready: all \d+ checks are green/);
    assert.match(JSON.stringify(verifyCard), /tested \(local emulator\)/);

    const { messageId, card } = latestRunCard(run.id, GROUP);
    const refresh = (card.body as Card[]).flatMap((element) => (element.actions as Card[] | undefined) ?? []).find((action) => action.verb === VERBS.runView)!;
    const again = await click(VERBS.runRetry, { ...(refresh.data as Record<string, unknown>), verb: VERBS.runRetry }, LOCAL_PEOPLE.approverAlex, messageId);
    assert.match(again, /nothing to retry/);

    // Key backups stay in files: no piece of one reaches chat, logs or the audit log.
    const backups = run.steps.filter((s) => s.kind === 'backupKey').map((s) => fs.readFileSync(String(s.output?.file)));
    const pieces = backups.flatMap((blob) => [blob.toString('base64').slice(100, 160), blob.toString('base64url').slice(100, 160)]);
    noSecrets('connector traffic', JSON.stringify(harness.connector.calls), pieces);
    noSecrets('logs', JSON.stringify(harness.logs), pieces);
    noSecrets('audit', JSON.stringify(await collect(harness.keyward.approvals.audit.records())), pieces);
  });

  it('when a run card is posted, then its copy is recorded once per conversation (by the delivery receipt)', async () => {
    // Review finding: the receipt and the poster both wrote each posted run card.
    const cards = harness.keyward.store.runCards;
    const put = cards.put.bind(cards);
    const writes: Array<[string, string]> = [];
    cards.put = async (card) => {
      writes.push([card.runId, card.conversationId]);
      await put(card);
    };
    try {
      const run = await runFor(await approvedPlan(premiumPlan({}, APP_PLAN_CONTEXT)));
      assert.equal(run.status, 'succeeded', JSON.stringify(run.lastError));
      const copies = await cards.list(run.id);
      assert.ok(copies.length > 0, 'the run card was posted');
      assert.deepEqual(
        writes
          .filter(([runId]) => runId === run.id)
          .map(([, conversationId]) => conversationId)
          .sort(),
        copies.map((copy) => copy.conversationId).sort(),
      );
    } finally {
      cards.put = put;
    }
  });

  it('when an HSM plan reaches the ceremony, then only officers hand in certificates through the card, a pasted private key is refused and kept nowhere, and the run finishes', async () => {
    const officers = await testOfficers();
    const plan = hsmPlan();
    const requestId = await approvedPlan(plan);
    let run = await runFor(requestId);
    assert.equal(run.status, 'waitingForInput', JSON.stringify(run.lastError));
    const { messageId, card } = latestRunCard(run.id, GROUP);
    assert.match(JSON.stringify(card), /Security-domain ceremony/);
    const button = (card.body as Card[])
      .flatMap((element) => (element.items as Card[] | undefined) ?? [])
      .flatMap((element) => (element.actions as Card[] | undefined) ?? [])
      .find((action) => action.verb === VERBS.runCertificate);
    assert.ok(button, 'the ceremony card has the hand-in button');
    const data = button.data as Record<string, unknown>;

    const stranger = await click(VERBS.runCertificate, { ...data, certificatePem: officers[0]!.certificatePem }, LOCAL_PEOPLE.observer, messageId);
    assert.match(stranger, /Only the security-domain officers/);

    const privatePem = officers[0]!.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const privateBody = privatePem.split('\n')[3]!;
    const refused = await click(VERBS.runCertificate, { ...data, certificatePem: privatePem }, officers[0]!.person, messageId);
    assert.match(refused, /contains a PRIVATE KEY\. Keyward never needs it and did not keep it/);
    assert.ok(!refused.includes(privateBody), 'the refusal does not repeat the key');
    assert.equal((await harness.keyward.executor.service.ceremonyStatus(await runFor(requestId)))!.filter((o) => o.submitted).length, 0);

    for (const officer of officers) {
      const answer = await click(VERBS.runCertificate, { ...data, certificatePem: officer.certificatePem }, officer.person, messageId);
      assert.match(answer, /your certificate \(SHA-256 thumbprint/);
    }
    await settle();
    run = await runFor(requestId);
    assert.equal(run.status, 'succeeded', JSON.stringify(run.lastError));
    const notices = harness.connector.calls.filter((call) => /Security domain of Managed HSM/.test(String(call.body.text ?? '')));
    assert.equal(notices.length, 4, "each HSM's officers are told where the security domain is, in both conversations");
    assert.match(String(notices[0]!.body.text), /npm run security-domain -- export --file/);
    const final = JSON.stringify(latestRunCard(run.id, GROUP).card);
    assert.match(final, /Security domains/);
    assert.match(final, /managedhsm\.localhost:\d+\/keys\/ck-exchange/);

    const everything = [JSON.stringify(harness.connector.calls), JSON.stringify(harness.logs), JSON.stringify(await collect(harness.keyward.approvals.audit.records()))];
    for (const [i, text] of everything.entries()) noSecrets(['connector traffic', 'logs', 'audit'][i]!, text, [privateBody]);
  });
});
