import { randomBytes } from 'node:crypto';
import { LOCAL_PEOPLE, LOCAL_SUBSCRIPTIONS } from '../core';
import { SETUP_VERBS } from '../bot/setup/setupVerbs';
import { VERBS } from '../bot/cards/verbs';
import type { PlaygroundClient, PlaygroundMessage } from './playgroundClient';

/** What the scenario needs from a chat client: the playground's, or a test's that posts to /api/messages itself. */
export type ChatClient = Pick<PlaygroundClient, 'say' | 'click' | 'snapshot' | 'waitForNew' | 'waitFor' | 'all'>;
import { PLAYGROUND_CONVERSATIONS } from './playgroundConfig';
import { makeOfficerCertificate } from './demoOfficers';

type Card = Record<string, unknown>;

export interface ScenarioOptions {
  hsm: boolean;
  /** One line per milestone, for a person watching. */
  log(line: string): void;
}

export interface ScenarioResult {
  journeyId: string;
  requestId: string;
  planHash: string;
  /** The approval card's message in the approvers' group chat. */
  approvalMessageId: string;
}

const PERSONAL = PLAYGROUND_CONVERSATIONS.personalChat;
const GROUP = PLAYGROUND_CONVERSATIONS.groupChat.id;

/**
 * A whole Customer Key setup as people do it in the playground: the operator (Olivia) types
 * "setup" and answers the cards; Keyward checks Azure read-only and shows the plan; Olivia submits;
 * the approval card reaches the approvers' group chat, where Olivia's own click is refused and
 * Alex and Bruno approve. Used by `npm run demo` and the end-to-end tests.
 */
export async function runSetupScenario(client: ChatClient, options: ScenarioOptions): Promise<ScenarioResult> {
  const suffix = randomBytes(3).toString('hex');
  const operator = LOCAL_PEOPLE.operator.teamsId;
  const seen = client.snapshot();
  await client.say(PERSONAL, operator, 'setup', true);
  const first = await client.waitForNew(seen, (m) => m.conversationId === PERSONAL && /Where should the keys live/.test(JSON.stringify(m.cards)), 20_000, 'the setup card');
  const messageId = first.messageId;
  let card = first.cards[0]!;

  const press = async (verb: string, values: Record<string, unknown> = {}, expect?: RegExp, what = verb): Promise<Card> => {
    const response = await client.click(PERSONAL, operator, messageId, verb, { ...addressOf(card), ...values });
    if (response.type !== 'application/vnd.microsoft.card.adaptive') throw new Error(`${what}: Keyward answered "${String(response.value)}"`);
    const next = response.value as Card;
    if (expect && !expect.test(JSON.stringify(next))) throw new Error(`${what}: the card did not show ${expect}. Problems on it: ${problemsOn(next)}`);
    card = next;
    return next;
  };

  options.log(`Operator: setup with ${options.hsm ? 'Managed HSM' : 'Key Vault Premium'}`);
  const workloads = options.hsm ? 'multiWorkload,exchange' : 'exchange';
  await press(SETUP_VERBS.submitStep, { step: 'choice', protection: options.hsm ? 'managedHsm' : 'keyVaultPremium', workloads }, /Subscriptions, resource groups and regions/, 'choice card');
  await press(
    SETUP_VERBS.submitStep,
    {
      step: 'sites',
      'sites.A.subscriptionId': LOCAL_SUBSCRIPTIONS.primary.id,
      'sites.A.resourceGroup': `rg-ck-a-${suffix}`,
      'sites.A.region': 'westeurope',
      'sites.B.subscriptionId': LOCAL_SUBSCRIPTIONS.secondary.id,
      'sites.B.resourceGroup': `rg-ck-b-${suffix}`,
      'sites.B.region': 'swedencentral',
    },
    /Vault or HSM names/,
    'sites card',
  );
  const names: Record<string, string> = options.hsm
    ? { 'sites.A.hsmName': `hsm-ck-a-${suffix}`, 'sites.B.hsmName': `hsm-ck-b-${suffix}` }
    : { 'sites.A.vaultName.exchange': `kv-ck-ex-a-${suffix}`, 'sites.B.vaultName.exchange': `kv-ck-ex-b-${suffix}`, accessModel: 'rbac' };
  for (const workload of workloads.split(',')) {
    names[`sites.A.keyName.${workload}`] = `ck-${workload.toLowerCase()}-key-a`;
    names[`sites.B.keyName.${workload}`] = `ck-${workload.toLowerCase()}-key-b`;
  }
  await press(SETUP_VERBS.submitStep, { step: 'names', keySize: '3072', ...names }, options.hsm ? /Managed HSM: administrators/ : /Who approves each key/, 'names card');
  if (options.hsm) {
    await press(
      SETUP_VERBS.submitStep,
      {
        step: 'hsm',
        'hsm.initialAdminObjectIds': LOCAL_PEOPLE.operator.objectId,
        'hsm.softDeleteRetentionDays': '90',
        'hsm.officers.0.displayName': LOCAL_PEOPLE.approverChen.displayName,
        'hsm.officers.0.objectId': LOCAL_PEOPLE.approverChen.objectId,
        'hsm.officers.1.displayName': LOCAL_PEOPLE.approverDana.displayName,
        'hsm.officers.1.objectId': LOCAL_PEOPLE.approverDana.objectId,
        'hsm.officers.2.displayName': LOCAL_PEOPLE.approverAlex.displayName,
        'hsm.officers.2.objectId': LOCAL_PEOPLE.approverAlex.objectId,
        'hsm.quorum': '2',
        'hsm.costAcknowledged': 'true',
      },
      /Who approves each key/,
      'Managed HSM card',
    );
  }
  options.log('Operator: parameters accepted; Keyward runs the read-only preflight');
  await press(SETUP_VERBS.submitStep, { step: 'approvers', 'approvers.A': LOCAL_PEOPLE.approverChen.objectId, 'approvers.B': LOCAL_PEOPLE.approverDana.objectId }, /All checks passed/, 'preflight');
  options.log('Preflight: all green');
  await press(SETUP_VERBS.preview, {}, /Plan preview/, 'plan preview');
  const planHash = /[0-9a-f]{64}/.exec(JSON.stringify(card))?.[0] ?? '';
  options.log(`Plan preview: plan hash ${planHash}`);
  const journeyId = String(addressOf(card).journeyId);
  const beforeApproval = client.snapshot();
  await press(SETUP_VERBS.submit, { reason: `Demo: Customer Key for Contoso (${options.hsm ? 'Managed HSM' : 'Key Vault Premium'})` }, /Submitted for approval/, 'submission');
  const requestId = /Request ([0-9a-f-]{36})/.exec(JSON.stringify(card))?.[1] ?? '';
  options.log(`Submitted for approval: request ${requestId}`);

  const posted = await client.waitForNew(beforeApproval, (m) => m.conversationId === GROUP && JSON.stringify(m.cards).includes(requestId), 30_000, 'the approval card in the approvers\' group chat');
  const approvalCard = posted.cards[0]!;
  const own = await client.click(GROUP, operator, posted.messageId, VERBS.approvalApprove, { ...buttonData(approvalCard, VERBS.approvalApprove), reason: 'my own plan' });
  if (!/SelfApprovalForbidden/.test(JSON.stringify(own.value))) throw new Error('the operator could approve her own request');
  options.log('Approvers\' chat: Olivia\'s own approval was refused (SelfApprovalForbidden)');
  for (const approver of [LOCAL_PEOPLE.approverAlex, LOCAL_PEOPLE.approverBruno]) {
    const vote = await client.click(GROUP, approver.teamsId, posted.messageId, VERBS.approvalApprove, { ...buttonData(approvalCard, VERBS.approvalApprove), reason: `Reviewed by ${approver.givenName}: names, regions and hash checked` });
    if (!/recorded|approved/i.test(JSON.stringify(vote.value))) throw new Error(`${approver.displayName}'s approval was not recorded: ${JSON.stringify(vote.value)}`);
    options.log(`Approvers' chat: ${approver.displayName} approved`);
  }
  return { journeyId, requestId, planHash, approvalMessageId: posted.messageId };
}

/** The security-domain officers the scenario names in the Managed HSM card. */
export const SCENARIO_OFFICERS = [LOCAL_PEOPLE.approverChen, LOCAL_PEOPLE.approverDana, LOCAL_PEOPLE.approverAlex];

/**
 * After approval: the backend runs the plan by itself. For a Managed HSM the run stops at the
 * security-domain ceremony; each officer hands in a public certificate on the run card. Resolves
 * when the approval card says the run is done, and the readiness check is green.
 */
export async function followExecution(client: ChatClient, result: ScenarioResult, options: ScenarioOptions & { timeoutMs?: number }): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 180_000;
  const finished = waitForApprovalCard(client, result.approvalMessageId, /"(Done|Failed):/, timeoutMs, 'the run to finish');
  if (options.hsm) {
    const ceremony = await client.waitFor((m) => m.conversationId === GROUP && /Security-domain ceremony/.test(JSON.stringify(m.cards)) && JSON.stringify(m.cards).includes('certificatePem'), timeoutMs, 'the security-domain ceremony card');
    options.log('Run: waiting for the security-domain officers');
    for (const officer of SCENARIO_OFFICERS) {
      const current = client.all().find((m) => m.messageId === ceremony.messageId) ?? ceremony;
      const answer = await client.click(GROUP, officer.teamsId, current.messageId, VERBS.runCertificate, { ...buttonData(current.cards[0]!, VERBS.runCertificate), certificatePem: await makeOfficerCertificate(officer.displayName) });
      if (/error|refused|not/i.test(String(answer.value)) && answer.type !== 'application/vnd.microsoft.card.adaptive') throw new Error(`${officer.displayName}'s certificate was refused: ${String(answer.value)}`);
      options.log(`Ceremony: ${officer.displayName} handed in a public certificate`);
    }
  }
  const outcome = await finished;
  const text = JSON.stringify(outcome.cards);
  if (!/"Done:/.test(text)) throw new Error(`the run failed: ${/Failed:[^"]*/.exec(text)?.[0] ?? 'see the run card'}`);
  options.log('Run: done — vaults/HSMs, keys, permissions and backups are in place');
  const seen = client.snapshot();
  await client.say(PERSONAL, LOCAL_PEOPLE.operator.teamsId, `verify ${result.requestId}`, true);
  const verdict = await client.waitForNew(seen, (m) => m.conversationId === PERSONAL && /Ready: all|Not ready/.test(JSON.stringify(m.cards)), 60_000, 'the readiness card');
  const verdictText = JSON.stringify(verdict.cards);
  if (!/Ready: all/.test(verdictText)) throw new Error(`readiness is not green: ${/Not ready[^"]*/.exec(verdictText)?.[0] ?? ''}`);
  options.log(`Verify: ${/Ready: all[^"]*/.exec(verdictText)?.[0] ?? 'green'}`);
}

/** Waits until the approval card shows `pattern` (e.g. the run's outcome). */
export function waitForApprovalCard(client: ChatClient, messageId: string, pattern: RegExp, timeoutMs: number, what: string): Promise<PlaygroundMessage> {
  return client.waitFor((m) => m.messageId === messageId && pattern.test(JSON.stringify(m.cards)), timeoutMs, what);
}

function addressOf(card: Card): Record<string, unknown> {
  const data = findAction(card, (action) => typeof action.data === 'object' && action.data !== null && 'journeyId' in (action.data as object))?.data as Record<string, unknown> | undefined;
  if (!data) throw new Error('the card carries no journey address');
  return { journeyId: data.journeyId, v: data.v };
}

export function buttonData(card: Card, verb: string): Record<string, unknown> {
  const action = findAction(card, (a) => a.verb === verb);
  if (!action) throw new Error(`no "${verb}" button on the card`);
  return { ...(action.data as Record<string, unknown>) };
}

function findAction(card: Card, match: (action: Record<string, unknown>) => boolean): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown): void => {
    if (found || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const record = node as Record<string, unknown>;
    if (record.type === 'Action.Execute' && match(record)) found = record;
    else Object.values(record).forEach(walk);
  };
  walk(card);
  return found;
}

function problemsOn(card: Card): string {
  const text = JSON.stringify(card);
  const problems = [...text.matchAll(/\*\*(?:Problem|Fails?)[^"]*?"/g)].map((m) => m[0]);
  const fails = [...text.matchAll(/❌ Fails — \*\*([^*]+)\*\*/g)].map((m) => m[1]);
  return [...problems, ...fails].join(' | ').slice(0, 2000) || '(none shown)';
}
