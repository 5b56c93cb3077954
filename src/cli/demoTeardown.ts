import fs from 'node:fs';
import path from 'node:path';
import { LOCAL_PEOPLE } from '../core';
import { VERBS } from '../bot/cards/verbs';
import { TEARDOWN_VERBS } from '../bot/teardown/teardownVerbs';
import { createControlClient } from '../emulator/control/controlClient';
import { readEmulatorInfo } from '../localEmulatorInfo';
import type { PlaygroundClient } from './playgroundClient';
import { PLAYGROUND_CONVERSATIONS } from './playgroundConfig';
import { buttonData } from './demoScenario';

type Card = Record<string, unknown>;

const PERSONAL = PLAYGROUND_CONVERSATIONS.personalChat;
const GROUP = PLAYGROUND_CONVERSATIONS.groupChat.id;
const DAY_MS = 86_400_000;

export interface TeardownScenarioOptions {
  log(line: string): void;
  /** Keyward's data directory (its emulator.json tells where the emulator's control API is). */
  dataDir: string;
  timeoutMs?: number;
}

/**
 * `npm run demo -- --teardown`: removes what the last setup demo created, as people would: the
 * operator picks the newest setup's vaults or HSMs on the teardown card (Keyward lists them from
 * its inventory), types each name, submits; Alex, Bruno and custodian Chen approve; the cooling-off
 * passes; Keyward re-checks, deletes and (purge protection) waits for the scheduled purge. The
 * local emulator's clock is moved past the retention period through its control API, and the demo
 * ends on the card that says the resources are gone — and, for Managed HSMs, that billing stopped.
 */
export async function runTeardownScenario(client: PlaygroundClient, options: TeardownScenarioOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const operator = LOCAL_PEOPLE.operator.teamsId;
  const seen = client.snapshot();
  await client.say(PERSONAL, operator, 'teardown', true);
  const first = await client.waitForNew(seen, (m) => m.conversationId === PERSONAL && /What should be removed\?/.test(JSON.stringify(m.cards)), 20_000, 'the teardown card');
  let card = first.cards[0]!;
  const messageId = first.messageId;
  const press = async (verb: string, values: Record<string, unknown>, expect: RegExp, what: string): Promise<Card> => {
    const response = await client.click(PERSONAL, operator, messageId, verb, { ...journeyAddress(card), ...values });
    if (response.type !== 'application/vnd.microsoft.card.adaptive') throw new Error(`${what}: Keyward answered "${String(response.value)}"`);
    const next = response.value as Card;
    if (!expect.test(JSON.stringify(next))) throw new Error(`${what}: the card did not show ${expect}: ${JSON.stringify(next).slice(0, 1500)}`);
    card = next;
    return next;
  };

  // The newest setup's resources: the choices name the setup request that created each one.
  const choices = choiceSet(card, 'targetIds');
  if (choices.length === 0) throw new Error('Keyward knows no active vault or HSM. Run "npm run demo" (or "npm run demo -- --hsm") first.');
  const newest = /\(setup ([0-9a-f]{8})/.exec(choices[0]!.title)?.[1];
  const targets = choices.filter((c) => (newest ? c.title.includes(`(setup ${newest}`) : c === choices[0]));
  options.log(`Operator: teardown of ${targets.map((t) => t.value).join(', ')}${newest ? ` (made by setup request ${newest}…)` : ''}`);
  await press(TEARDOWN_VERBS.choose, { targetIds: targets.map((t) => t.value).join(',') }, /Confirm the teardown/, 'the teardown choice');
  if (!JSON.stringify(card).includes(TEARDOWN_VERBS.confirm)) throw new Error(`the teardown checks are not green: ${JSON.stringify(card).slice(0, 2000)}`);
  options.log('Preflight: subscriptions Enabled, no Data Encryption Policy uses the keys');
  const typed: Record<string, string> = {};
  for (const [id, label] of inputLabels(card)) {
    const name = /^Type (\S+) to confirm$/.exec(label)?.[1];
    if (id.startsWith('confirm.') && name) typed[id] = name;
  }
  await press(TEARDOWN_VERBS.confirm, { ...typed, reason: 'Demo: remove what the setup demo created.' }, /Waiting for approval/, 'the submission');
  const requestId = /Request ([0-9a-f-]{36})/.exec(JSON.stringify(card))?.[1] ?? '';
  options.log(`Operator typed ${Object.values(typed).join(', ')} and submitted: request ${requestId} (destructive: both key approvers and a custodian)`);

  const approval = await client.waitFor((m) => m.conversationId === GROUP && JSON.stringify(m.cards).includes(requestId), 30_000, 'the approval card');
  for (const approver of [LOCAL_PEOPLE.approverAlex, LOCAL_PEOPLE.approverBruno, LOCAL_PEOPLE.approverChen]) {
    const vote = await client.click(GROUP, approver.teamsId, approval.messageId, VERBS.approvalApprove, {
      ...buttonData(approval.cards[0]!, VERBS.approvalApprove),
      reason: `${approver.givenName}: names checked, nothing uses the keys`,
    });
    if (!/recorded|approved/i.test(JSON.stringify(vote.value))) throw new Error(`${approver.displayName}'s approval was not recorded: ${JSON.stringify(vote.value).slice(0, 500)}`);
    options.log(`Approvers' chat: ${approver.displayName} approved`);
  }
  const cooling = await client.waitFor((m) => m.conversationId === PERSONAL && /cooling-off period/.test(JSON.stringify(m.cards)), 30_000, 'the cooling-off card');
  options.log(
    `Cooling-off: nothing is deleted before ${/Nothing is deleted before (\d{4}-\d\d-\d\d \d\d:\d\d UTC)/.exec(JSON.stringify(cooling.cards))?.[1] ?? 'its end'}; the requester or an approver could still cancel`,
  );
  const deleted = await client.waitFor(
    (m) => m.conversationId === PERSONAL && /Deleted — waiting for the purge|Teardown complete/.test(JSON.stringify(m.cards)),
    timeoutMs,
    'the deletion',
  );
  if (/Deleted — waiting for the purge/.test(JSON.stringify(deleted.cards))) {
    options.log('Deleted: purge protection keeps them, recoverable, until their scheduled purge date (Azure purges them then)');
    const info = readEmulatorInfo(options.dataDir);
    if (!info) throw new Error(`no emulator.json under ${path.join(options.dataDir, 'emulator')}; is the local stack running with KEYWARD_DATA_DIR=${options.dataDir}?`);
    const control = createControlClient({ armEndpoint: info.armEndpoint, caCertPem: fs.readFileSync(info.caCertPath, 'utf8') });
    await control.advanceClock(91 * DAY_MS);
    options.log("Local emulator: clock moved 91 days forward (past the retention period), so Azure's scheduled purge happens now");
  }
  const final = await client.waitFor((m) => m.conversationId === PERSONAL && /Teardown complete/.test(JSON.stringify(m.cards)), timeoutMs, 'the final teardown card');
  const text = JSON.stringify(final.cards);
  const billing = /Billing for [^"]*?has stopped[^"]*/.exec(text)?.[0] ?? /vaults never billed hourly[^"]*/.exec(text)?.[0] ?? 'purged';
  options.log(`Teardown complete: ${billing.replace(/\\n/g, ' ')}`);
}

function journeyAddress(card: Card): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown): void => {
    if (found || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const record = node as Record<string, unknown>;
    const data = record.data as Record<string, unknown> | undefined;
    if (record.type === 'Action.Execute' && data && typeof data.journeyId === 'string' && data.v !== undefined) found = { journeyId: data.journeyId, v: data.v };
    else Object.values(record).forEach(walk);
  };
  walk(card);
  if (!found) throw new Error('the card carries no journey address');
  return found;
}

function choiceSet(card: Card, id: string): Array<{ title: string; value: string }> {
  const body = (card.body as Array<Record<string, unknown>>) ?? [];
  const input = body.find((element) => element.type === 'Input.ChoiceSet' && element.id === id);
  return ((input?.choices as Array<{ title: string; value: string }>) ?? []).slice();
}

function inputLabels(card: Card): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const record = node as Record<string, unknown>;
    if (typeof record.type === 'string' && record.type.startsWith('Input.') && typeof record.id === 'string' && typeof record.label === 'string')
      out.push([record.id, record.label]);
    Object.values(record).forEach(walk);
  };
  walk(card);
  return out;
}
