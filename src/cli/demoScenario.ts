import { LOCAL_PEOPLE } from '../core';
import { choiceByTitle, defaultValues, inputsOf, typedGuids } from './cardForm';
import { SETUP_VERBS } from '../bot/setup/setupVerbs';
import { VERBS } from '../bot/cards/verbs';
import type { PlaygroundClient, PlaygroundMessage } from './playgroundClient';
import { PLAYGROUND_CONVERSATIONS } from './playgroundConfig';
import { makeOfficerCertificate } from './demoOfficers';

type Card = Record<string, unknown>;

/**
 * What the operator did, counted honestly (issue 14 item 1): every card submit and every typed
 * command by the operator is an action — the refused self-approval the demo shows too — and a
 * GUID in any value the operator sent that was not picked from the card's own list is a typed GUID.
 */
export class OperatorTally {
  readonly actions: string[] = [];
  typedGuids = 0;

  action(what: string, card?: Card, values: Record<string, unknown> = {}): void {
    this.actions.push(what);
    if (card) this.typedGuids += typedGuids(card, values);
    else
      this.typedGuids +=
        Object.values(values)
          .join(' ')
          .match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi)?.length ?? 0;
  }

  /** "8 operator actions, 0 typed GUIDs (setup, choice, …)". */
  line(): string {
    return `${this.actions.length} operator actions, ${this.typedGuids} typed GUIDs (${this.actions.join(', ')})`;
  }
}
/** What the scenario needs from a chat client: the Agents Playground's, or a test's stand-in. */
export type ScenarioClient = Pick<PlaygroundClient, 'say' | 'click' | 'snapshot' | 'waitForNew' | 'waitFor' | 'all'>;

export interface ScenarioOptions {
  hsm: boolean;
  /** How Alex and Bruno approve: one after the other (default), at the same instant, or not at all (the request stays pending). */
  votes?: 'oneByOne' | 'atOnce' | 'none';
  /** One line per milestone, for a person watching. */
  log(line: string): void;
  /** Counts the operator's actions and typed GUIDs (a new one when absent). */
  tally?: OperatorTally;
}

export interface ScenarioResult {
  journeyId: string;
  requestId: string;
  planHash: string;
  /** The approval card's message in the approvers' group chat. */
  approvalMessageId: string;
  tally: OperatorTally;
}

const PERSONAL = PLAYGROUND_CONVERSATIONS.personalChat;
const GROUP = PLAYGROUND_CONVERSATIONS.groupChat.id;

/**
 * A whole Customer Key setup as people do it in the playground: the operator (Olivia) types
 * "setup" and answers the cards by picking from what Keyward read from the tenant — subscriptions,
 * regions, names already checked free, custodians and officers from the people pickers — and
 * types no GUID. Keyward checks Azure read-only and, all green, shows the plan; Olivia submits;
 * the approval card reaches the approvers' group chat, where Olivia's own click is refused and Alex
 * and Bruno approve. Used by `npm run demo` and the end-to-end tests.
 */
export async function runSetupScenario(client: ScenarioClient, options: ScenarioOptions): Promise<ScenarioResult> {
  const tally = options.tally ?? new OperatorTally();
  const operator = LOCAL_PEOPLE.operator.teamsId;
  const seen = client.snapshot();
  await client.say(PERSONAL, operator, 'setup', true);
  tally.action('setup');
  const first = await client.waitForNew(seen, (m) => m.conversationId === PERSONAL && /Where should the keys live/.test(JSON.stringify(m.cards)), 20_000, 'the setup card');
  const messageId = first.messageId;
  let card = first.cards[0]!;

  /** Submits the card as a client does: every input as the card holds it, with the operator's changes. */
  const press = async (verb: string, changes: Record<string, unknown> = {}, expect?: RegExp, what = verb): Promise<Card> => {
    tally.action(what, card, changes);
    const response = await client.click(PERSONAL, operator, messageId, verb, { ...defaultValues(card), ...changes, ...addressOf(card) });
    if (response.type !== 'application/vnd.microsoft.card.adaptive') throw new Error(`${what}: Keyward answered "${String(response.value)}"`);
    const next = response.value as Card;
    if (expect && !expect.test(JSON.stringify(next))) throw new Error(`${what}: the card did not show ${expect}. Problems on it: ${problemsOn(next)}`);
    card = next;
    return next;
  };
  const pick = (id: string, title: RegExp) => choiceByTitle(inputsOf(card).get(id), title);

  options.log(`Operator: setup with ${options.hsm ? 'Managed HSM' : 'Key Vault Premium'}`);
  const workloads = options.hsm ? 'multiWorkload,exchange' : 'exchange';
  await press(
    SETUP_VERBS.submitStep,
    { step: 'choice', protection: options.hsm ? 'managedHsm' : 'keyVaultPremium', workloads },
    /Subscriptions, resource groups and regions/,
    'choice card',
  );
  // The two subscriptions ready for Customer Key are preselected; the operator picks the regions.
  const sitesCard = inputsOf(card);
  const subscriptionName = (site: 'A' | 'B') => {
    const input = sitesCard.get(`sites.${site}.subscriptionId`);
    return (input?.titles?.[input.value] ?? input?.value ?? '?').split(' · ')[0];
  };
  await press(
    SETUP_VERBS.submitStep,
    { step: 'sites', 'sites.A.region': pick('sites.A.region', /^West Europe /), 'sites.B.region': pick('sites.B.region', /^Sweden Central /) },
    /Vault or HSM names/,
    'sites card',
  );
  options.log(`Operator: subscriptions ${subscriptionName('A')} and ${subscriptionName('B')} (preselected: enabled, retention registered), regions West Europe and Sweden Central`);
  const names = [...inputsOf(card).values()].filter((input) => /^sites\.[AB]\.(vaultName\.|hsmName$)/.test(input.id)).map((input) => input.value);
  await press(SETUP_VERBS.submitStep, { step: 'names' }, options.hsm ? /Managed HSM: administrators/ : /Who approves each key/, 'names card');
  options.log(`Operator: names as suggested from the naming pattern and checked free: ${names.join(', ')}`);
  if (options.hsm) {
    const officers = Object.fromEntries([/^Chen /, /^Dana /, /^Alex /].map((title, i) => [`hsm.officerIds.${i}`, pick(`hsm.officerIds.${i}`, title)]));
    await press(
      SETUP_VERBS.submitStep,
      { step: 'hsm', 'hsm.initialAdminObjectIds': pick('hsm.initialAdminObjectIds', /^Olivia /), ...officers, 'hsm.quorum': '2', 'hsm.costAcknowledged': 'true' },
      /Who approves each key/,
      'Managed HSM card',
    );
    options.log('Operator: Olivia as initial administrator; Chen, Dana and Alex as security-domain officers, picked from the people picker');
  }
  options.log('Operator: custodians picked (Chen for key A, Dana for key B); Keyward runs the read-only preflight');
  await press(
    SETUP_VERBS.submitStep,
    { step: 'approvers', 'approvers.A': pick('approvers.A', /^Chen /), 'approvers.B': pick('approvers.B', /^Dana /) },
    /All \d+ checks passed/,
    'custodians card (runs the checks)',
  );
  options.log(`Preflight: ${/All \d+ checks passed[^"]*/.exec(JSON.stringify(card))?.[0] ?? 'all green'}`);
  const planHash = /[0-9a-f]{64}/.exec(JSON.stringify(card))?.[0] ?? '';
  options.log(`Plan preview: plan hash ${planHash}`);
  const journeyId = String(addressOf(card).journeyId);
  const beforeApproval = client.snapshot();
  await press(
    SETUP_VERBS.submit,
    { reason: `Demo: Customer Key for Contoso (${options.hsm ? 'Managed HSM' : 'Key Vault Premium'})` },
    /Submitted for approval/,
    'submit for approval',
  );
  const requestId = /Request ([0-9a-f-]{36})/.exec(JSON.stringify(card))?.[1] ?? '';
  options.log(`Submitted for approval: request ${requestId}`);

  const posted = await client.waitForNew(
    beforeApproval,
    (m) => m.conversationId === GROUP && JSON.stringify(m.cards).includes(requestId),
    30_000,
    "the approval card in the approvers' group chat",
  );
  const approvalCard = posted.cards[0]!;
  tally.action('own approval (refused)', approvalCard, { reason: 'my own plan' });
  const own = await client.click(GROUP, operator, posted.messageId, VERBS.approvalApprove, { ...buttonData(approvalCard, VERBS.approvalApprove), reason: 'my own plan' });
  if (!/SelfApprovalForbidden/.test(JSON.stringify(own.value))) throw new Error('the operator could approve her own request');
  options.log("Approvers' chat: Olivia's own approval was refused (SelfApprovalForbidden)");
  const approve = async (approver: (typeof LOCAL_PEOPLE)['approverAlex']) => {
    const vote = await client.click(GROUP, approver.teamsId, posted.messageId, VERBS.approvalApprove, {
      ...buttonData(approvalCard, VERBS.approvalApprove),
      reason: `Reviewed by ${approver.givenName}: names, regions and hash checked`,
    });
    if (!/recorded|approved/i.test(JSON.stringify(vote.value))) throw new Error(`${approver.displayName}'s approval was not recorded: ${JSON.stringify(vote.value)}`);
    options.log(`Approvers' chat: ${approver.displayName} approved`);
  };
  const approvers = [LOCAL_PEOPLE.approverAlex, LOCAL_PEOPLE.approverBruno];
  if (options.votes === 'atOnce') await Promise.all(approvers.map(approve));
  else if (options.votes !== 'none') for (const approver of approvers) await approve(approver);
  return { journeyId, requestId, planHash, approvalMessageId: posted.messageId, tally };
}

/** The security-domain officers the scenario names in the Managed HSM card. */
export const SCENARIO_OFFICERS = [LOCAL_PEOPLE.approverChen, LOCAL_PEOPLE.approverDana, LOCAL_PEOPLE.approverAlex];

/**
 * After approval: the backend runs the plan by itself. For a Managed HSM the run stops at the
 * security-domain ceremony; each officer hands in a public certificate on the run card. Resolves
 * when the approval card says the run is done, and the readiness check is green.
 */
export async function followExecution(client: ScenarioClient, result: ScenarioResult, options: ScenarioOptions & { timeoutMs?: number }): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 180_000;
  const finished = waitForApprovalCard(client, result.approvalMessageId, /"(Done|Failed):/, timeoutMs, 'the run to finish');
  if (options.hsm) {
    const ceremony = await client.waitFor(
      (m) => m.conversationId === GROUP && /Security-domain ceremony/.test(JSON.stringify(m.cards)) && JSON.stringify(m.cards).includes('certificatePem'),
      timeoutMs,
      'the security-domain ceremony card',
    );
    options.log('Run: waiting for the security-domain officers');
    for (const officer of SCENARIO_OFFICERS) {
      const current = client.all().find((m) => m.messageId === ceremony.messageId) ?? ceremony;
      const answer = await client.click(GROUP, officer.teamsId, current.messageId, VERBS.runCertificate, {
        ...buttonData(current.cards[0]!, VERBS.runCertificate),
        certificatePem: await makeOfficerCertificate(officer.displayName),
      });
      if (/error|refused|not/i.test(String(answer.value)) && answer.type !== 'application/vnd.microsoft.card.adaptive')
        throw new Error(`${officer.displayName}'s certificate was refused: ${String(answer.value)}`);
      options.log(`Ceremony: ${officer.displayName} handed in a public certificate`);
    }
  }
  const outcome = await finished;
  const text = JSON.stringify(outcome.cards);
  if (!/"Done:/.test(text)) throw new Error(`the run failed: ${/Failed:[^"]*/.exec(text)?.[0] ?? 'see the run card'}`);
  options.log('Run: done — vaults/HSMs, keys, permissions and backups are in place');
  const seen = client.snapshot();
  // "verify" alone checks the operator's latest run: no id to type.
  await client.say(PERSONAL, LOCAL_PEOPLE.operator.teamsId, 'verify', true);
  result.tally.action('verify');
  const verdict = await client.waitForNew(seen, (m) => m.conversationId === PERSONAL && /Ready: all|Not ready/.test(JSON.stringify(m.cards)), 60_000, 'the readiness card');
  const verdictText = JSON.stringify(verdict.cards);
  if (!/Ready: all/.test(verdictText)) throw new Error(`readiness is not green: ${/Not ready[^"]*/.exec(verdictText)?.[0] ?? ''}`);
  options.log(`Verify: ${/Ready: all[^"]*/.exec(verdictText)?.[0] ?? 'green'}`);
}

/** Waits until the approval card shows `pattern` (e.g. the run's outcome). */
export function waitForApprovalCard(client: ScenarioClient, messageId: string, pattern: RegExp, timeoutMs: number, what: string): Promise<PlaygroundMessage> {
  return client.waitFor((m) => m.messageId === messageId && pattern.test(JSON.stringify(m.cards)), timeoutMs, what);
}

function addressOf(card: Card): Record<string, unknown> {
  const data = findAction(card, (action) => typeof action.data === 'object' && action.data !== null && 'journeyId' in (action.data as object))?.data as
    Record<string, unknown> | undefined;
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
