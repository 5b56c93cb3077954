/**
 * The real Keyward server (restify, botbuilder, teams-ai, SQLite, the executor, the operations
 * runtime) against an in-process Azure emulator, with a ManualClock, for the DEP, key-roll,
 * teardown and status tests. It can make a finished setup (the real executor creates real vaults
 * and keys in the emulator), click cards as any local person over HTTP, vote on approval cards
 * over HTTP, and read what reached the fake Bot Connector.
 */
import assert from 'node:assert/strict';
import { LOCAL_PEOPLE, LOCAL_TENANT_ID, ManualClock, type LocalPerson } from '../../../src/core';
import { VERBS } from '../../../src/bot/cards/verbs';
import { planHash, type Plan } from '../../../src/customerKey';
import type { SetupJourney } from '../../../src/journeys/setupJourney';
import type { PowerShellRunner } from '../../../src/executor/steps/powershellRunner';
import { invokeActivity, messageActivity, postActivity } from '../../helpers/activities';
import { assertValidCard } from '../../helpers/cardRules';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulatorEnv';
import type { ConnectorCall } from '../../helpers/fakeConnector';
import { startHarness, type Harness } from '../../helpers/keywardHarness';

export type Card = Record<string, unknown>;
export const GROUP = 'group-chat-key-approvers';

export interface OpsWorld {
  emulator: TestEmulator;
  harness: Harness;
  clock: ManualClock;
  settle(): Promise<void>;
  conversationOf(person: LocalPerson): string;
  origin(person: LocalPerson): Record<string, unknown>;
  /** A finished setup of `plan` (submitted as Olivia, custodians Chen and Dana, approved by Alex and Bruno). */
  finishedSetup(plan: Plan, options?: { officers?: ReadonlyArray<{ person: LocalPerson; certificatePem: string }> }): Promise<string>;
  say(text: string, person?: LocalPerson): Promise<ConnectorCall[]>;
  /** The newest card posted to a conversation whose JSON matches, as it stands now (after in-place updates). */
  cardIn(conversationId: string, pattern: RegExp): { messageId: string; card: Card };
  /** Clicks a button as `person`; returns the card (validated) or the message text. */
  click(verb: string, data: Record<string, unknown>, person?: LocalPerson, conversationId?: string): Promise<{ card?: Card; text: string }>;
  /** Votes approve on the request's approval card in the approvers' chat (over HTTP). */
  approveAs(requestId: string, people: readonly LocalPerson[]): Promise<void>;
  close(): Promise<void>;
}

export async function startOpsWorld(options: { env?: Record<string, string>; hsmProvisioningMs?: number; powershell?: PowerShellRunner } = {}): Promise<OpsWorld> {
  const emulator = await startTestEmulator({ hsmProvisioningMs: options.hsmProvisioningMs ?? 0 });
  const clock = new ManualClock(Date.now());
  const harness = await startHarness(
    {
      ...emulator.keywardEnv,
      KEYWARD_APPROVALS_TICK_SECONDS: '0',
      KEYWARD_OPS_TICK_SECONDS: '0',
      KEYWARD_HEALTH_CHECK_MINUTES: '0',
      KEYWARD_TEARDOWN_COOLING_OFF_SECONDS: '120',
      KEYWARD_EXECUTOR_RETRY_BASE_MS: '10',
      KEYWARD_EXECUTOR_RETRY_MAX_MS: '200',
      KEYWARD_EXECUTOR_POLL_SECONDS: '0.05',
      ...options.env,
    },
    { clock, ...(options.powershell ? { powershell: options.powershell } : {}) },
  );
  const conversationOf = (person: LocalPerson) => `conv-${person.teamsId}`;
  const origin = (person: LocalPerson) => ({
    channelId: 'msteams',
    serviceUrl: harness.connector.url,
    conversation: { id: conversationOf(person), conversationType: 'personal', tenantId: LOCAL_TENANT_ID },
    bot: { id: 'bot-keyward', name: 'Keyward' },
    user: { id: person.teamsId, name: person.displayName, aadObjectId: person.objectId },
  });
  const actor = (p: LocalPerson) => ({ aadObjectId: p.objectId, channelUserId: p.teamsId, name: p.displayName, tenantId: LOCAL_TENANT_ID });
  const settle = async () => {
    for (let i = 0; i < 8; i += 1) {
      await harness.keyward.approvals.idle();
      await harness.keyward.executor.idle();
      await harness.keyward.operations.idle();
    }
  };
  const cardsOf = (call: ConnectorCall): Card[] =>
    ((call.body.attachments as Array<{ contentType: string; content: Card }> | undefined) ?? [])
      .filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')
      .map((a) => a.content);
  const world: OpsWorld = {
    emulator,
    harness,
    clock,
    settle,
    conversationOf,
    origin,
    async finishedSetup(plan, setupOptions = {}) {
      const hash = planHash(plan);
      const now = clock.now().toISOString();
      const journey: SetupJourney = {
        id: `setup_${hash.slice(0, 16)}`,
        kind: 'setup',
        owner: { aadObjectId: LOCAL_PEOPLE.operator.objectId, name: LOCAL_PEOPLE.operator.displayName, tenantId: LOCAL_TENANT_ID },
        conversationId: conversationOf(LOCAL_PEOPLE.operator),
        origin: origin(LOCAL_PEOPLE.operator),
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
        keySides: { A: [LOCAL_PEOPLE.approverChen.objectId], B: [LOCAL_PEOPLE.approverDana.objectId] },
        requester: actor(LOCAL_PEOPLE.operator),
        reason: 'Our own keys for Exchange.',
        origin: origin(LOCAL_PEOPLE.operator),
        journeyId: journey.id,
      });
      for (const approver of [LOCAL_PEOPLE.approverAlex, LOCAL_PEOPLE.approverBruno]) {
        const vote = await service.vote({ requestId: request.id, voter: actor(approver), decision: 'approve', reason: 'Checked.', planHash: hash });
        assert.equal(vote.ok, true);
      }
      await settle();
      let run = await harness.keyward.executor.service.getByRequest(request.id);
      if (run?.status === 'waitingForInput') {
        for (const officer of setupOptions.officers ?? []) {
          const outcome = await harness.keyward.executor.service.submitCertificate(run.id, actor(officer.person), officer.certificatePem);
          assert.equal(outcome.ok, true, outcome.ok ? '' : outcome.error.message);
          await settle();
        }
        run = await harness.keyward.executor.service.getByRequest(request.id);
      }
      assert.equal(run?.status, 'succeeded', JSON.stringify(run?.lastError));
      return request.id;
    },
    async say(text, person = LOCAL_PEOPLE.operator) {
      const before = harness.connector.calls.length;
      await postActivity(harness.url, messageActivity(text, { serviceUrl: harness.connector.url, from: person, conversationId: conversationOf(person) }));
      await settle();
      return harness.connector.calls.slice(before).filter((c) => c.conversationId === conversationOf(person));
    },
    cardIn(conversationId, pattern) {
      const calls = harness.connector.calls.filter(
        (c) => c.conversationId === conversationId && c.method === 'POST' && cardsOf(c).some((card) => pattern.test(JSON.stringify(card))),
      );
      const last = calls[calls.length - 1];
      assert.ok(last, `a card matching ${pattern} in ${conversationId}`);
      const messageId = last.activityId ?? `activity-${harness.connector.calls.indexOf(last) + 1}`;
      // The message as it stands now: its last in-place update, if any.
      const update = harness.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === messageId).pop();
      const card = (update ? cardsOf(update)[0] : undefined) ?? cardsOf(last).find((c) => pattern.test(JSON.stringify(c)))!;
      assertValidCard(card, `card in ${conversationId}`);
      return { messageId, card };
    },
    async click(verb, data, person = LOCAL_PEOPLE.operator, conversationId) {
      const response = await postActivity(
        harness.url,
        invokeActivity(verb, data, {
          serviceUrl: harness.connector.url,
          from: person,
          conversationId: conversationId ?? conversationOf(person),
          conversationType: conversationId === GROUP ? 'groupChat' : 'personal',
        }),
      );
      assert.equal(response.status, 200, JSON.stringify(response.body));
      await settle();
      const body = response.body as { type: string; value: unknown };
      if (body.type === 'application/vnd.microsoft.card.adaptive') {
        assertValidCard(body.value, `card after ${verb}`);
        return { card: body.value as Card, text: JSON.stringify(body.value) };
      }
      return { text: String(body.value) };
    },
    async approveAs(requestId, people) {
      const { card } = world.cardIn(GROUP, new RegExp(requestId));
      const data = actionData(card, VERBS.approvalApprove);
      for (const person of people) {
        const answer = await world.click(VERBS.approvalApprove, { ...data, reason: `Reviewed by ${person.givenName}.` }, person, GROUP);
        const first = JSON.stringify((answer.card?.body as unknown[] | undefined)?.[0] ?? answer.text);
        assert.match(first, /Done:|recorded|approved/i, `${person.displayName}'s vote: ${first.slice(0, 400)}`);
      }
    },
    async close() {
      await harness.close();
      await emulator.close();
    },
  };
  return world;
}

/** The data of the Action.Execute with this verb, anywhere on the card (body or actions). */
export function actionData(card: Card, verb: string): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown): void => {
    if (found || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const record = node as Record<string, unknown>;
    if (record.type === 'Action.Execute' && record.verb === verb) {
      found = { ...(record.data as Record<string, unknown>) };
      return;
    }
    Object.values(record).forEach(walk);
  };
  walk(card);
  if (!found) throw new Error(`no ${verb} button on the card: ${JSON.stringify(card).slice(0, 600)}`);
  return found;
}

/** `{ journeyId, v }` of the card's first journey-addressed button. */
export function addressOf(card: Card): { journeyId: string; v: number } {
  let found: { journeyId: string; v: number } | undefined;
  const walk = (node: unknown): void => {
    if (found || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const record = node as Record<string, unknown>;
    const data = record.data as Record<string, unknown> | undefined;
    if (record.type === 'Action.Execute' && data && typeof data.journeyId === 'string' && data.v !== undefined) {
      found = { journeyId: data.journeyId, v: Number(data.v) };
      return;
    }
    Object.values(record).forEach(walk);
  };
  walk(card);
  if (!found) throw new Error('the card carries no journey address');
  return found;
}
