import { AVAILABILITY_KEY, DOC_LINKS, WORKLOAD_INFO } from '../../customerKey';
import type { KeyPair, RotationSchedule } from '../../inventory/inventoryTypes';
import { currentVersion } from '../../inventory/inventoryTypes';
import { dueAt, lastRolledAt } from '../../inventory/rotationReminders';
import type { RollJourney, RollStage } from '../../journeys/rollJourney';
import {
  actionSet,
  card,
  choiceInput,
  container,
  executeAction,
  facts,
  heading,
  notice,
  openUrlAction,
  text,
  textInput,
  type AdaptiveCardJson,
  type CardAction,
  type CardElement,
} from '../cards/adaptiveCard';
import { codeBlock, describePair, fieldMessages, journeyNotices, scriptElements, small, utc, versionText, withMessages } from '../inventory/opsCards';
import { ROLL_VERBS } from './rollVerbs';

export interface RollCardContext {
  pairs: readonly KeyPair[];
  /** People the approval policy names (offered as custodians). */
  knownPeople: ReadonlyArray<{ objectId: string; name: string }>;
  custodiansRequired: boolean;
  schedule?: RotationSchedule;
  now: Date;
}

const TITLES: Record<RollStage, string> = {
  choose: 'Which key to roll?',
  preview: 'Key roll plan',
  submitted: 'Waiting for approval',
  running: 'Making the new version',
  refresh: 'Tell each policy about the new version',
  done: 'Key roll done',
};

const EVERY = [
  { title: 'Keep the current reminder', value: 'keep' },
  { title: 'Remind me every 90 days', value: '90' },
  { title: 'Every 180 days', value: '180' },
  { title: 'Every 365 days', value: '365' },
  { title: 'No reminders', value: '0' },
];

const addr = (journey: RollJourney, extra: Record<string, unknown> = {}) => ({ journeyId: journey.id, v: journey.version, ...extra });

export function renderRollCard(journey: RollJourney, context: RollCardContext): AdaptiveCardJson {
  const body: CardElement[] = [text('Key roll · one key at a time', { subtle: true, size: 'Small' }), heading(closedTitle(journey) ?? TITLES[journey.stage], 'Medium'), ...journeyNotices(journey)];
  const actions: CardAction[] = [];
  if (journey.status === 'cancelled' || journey.status === 'failed') {
    body.push(notice(journey.status === 'failed' ? 'error' : 'info', journey.outcome ?? 'This key roll was closed; no new version was made.'));
    actions.push(executeAction('Start another roll', ROLL_VERBS.start, {}, { associatedInputs: 'none' }));
    return card(body, { actions, fallbackText: 'Keyward: key roll closed.' });
  }
  switch (journey.stage) {
    case 'choose':
      body.push(...chooseBody(journey, context));
      actions.push(executeAction('Next: the plan', ROLL_VERBS.choose, addr(journey), { style: 'positive' }));
      break;
    case 'preview':
      body.push(...previewBody(journey, context));
      actions.push(executeAction('Submit for approval', ROLL_VERBS.submit, addr(journey), { style: 'positive' }), executeAction('Back', ROLL_VERBS.back, addr(journey), { associatedInputs: 'none' }));
      break;
    case 'submitted':
      body.push(notice('info', `Request ${journey.requestId ?? ''} is waiting for the approvers (key-roll rule: an approver and the custodians of both keys). Nothing changes in Azure until it is approved.`), facts([['Plan hash', journey.planHash ?? '']]));
      break;
    case 'running':
      body.push(notice('info', 'Approved. Keyward is making the new version; the run card shows each step. If a retry happens, Keyward finds the version it already made by its request tag instead of making a second one.'));
      break;
    case 'refresh':
      body.push(...refreshBody(journey, context));
      actions.push(executeAction('Record the output', ROLL_VERBS.evidence, addr(journey), { style: 'positive' }), executeAction('New download links', ROLL_VERBS.newLinks, addr(journey), { associatedInputs: 'none' }));
      break;
    case 'done':
      body.push(...doneBody(journey, context));
      actions.push(executeAction('Start another roll', ROLL_VERBS.start, {}, { associatedInputs: 'none' }));
      break;
  }
  if (journey.status === 'open' && (journey.stage === 'choose' || journey.stage === 'preview')) actions.push(executeAction('Cancel', ROLL_VERBS.cancel, addr(journey), { style: 'destructive', associatedInputs: 'none' }));
  return card(body, { actions, fallbackText: `Keyward key roll: ${TITLES[journey.stage]}` });
}

function closedTitle(journey: RollJourney): string | undefined {
  if (journey.status === 'cancelled') return 'Key roll closed';
  if (journey.status === 'failed') return 'Key roll failed';
  return undefined;
}

function chooseBody(journey: RollJourney, context: RollCardContext): CardElement[] {
  const d = journey.draft;
  if (context.pairs.length === 0) return [notice('info', 'Keyward knows no key pair yet. Finish a "setup", or give existing keys by URI in "dep", then roll.')];
  const pair = context.pairs.find((p) => p.pairId === d.pairId) ?? context.pairs[0]!;
  const body: CardElement[] = [
    text('A roll makes a **new version** of one key — key A or key B, never both at once — then each Data Encryption Policy that uses the key is told about it (the refresh cmdlet). Older versions stay enabled: data encrypted before the roll is still wrapped with them, so Keyward never disables or deletes them.'),
    small(`${AVAILABILITY_KEY.roll} ${AVAILABILITY_KEY.what} [${DOC_LINKS.availabilityKey.title}](${DOC_LINKS.availabilityKey.url})`, { subtle: true }),
    ...withMessages(journey, choiceInput('pairId', 'Key pair', context.pairs.map((p) => ({ title: describePair(p), value: p.pairId })), { value: d.pairId ?? pair.pairId, style: 'compact' })),
    ...withMessages(
      journey,
      choiceInput(
        'site',
        'Key to roll',
        [
          { title: `Key A — ${pair.A.ref.keyName} in ${pair.A.ref.containerName}, now ${versionText(pair, 'A')}`, value: 'A' },
          { title: `Key B — ${pair.B.ref.keyName} in ${pair.B.ref.containerName}, now ${versionText(pair, 'B')}`, value: 'B' },
        ],
        { value: d.site ?? '', style: 'expanded' },
      ),
    ),
  ];
  const custodians = pair.A.custodians ?? pair.B.custodians;
  const people = context.knownPeople.map((p) => ({ title: p.name, value: p.objectId }));
  for (const side of ['A', 'B'] as const) {
    const id = side === 'A' ? 'custodiansA' : 'custodiansB';
    const preset = (side === 'A' ? d.custodiansA : d.custodiansB) ?? (custodians ? custodians[side].join(',') : '');
    const label = `Custodians of key ${side}${context.custodiansRequired ? ' (the policy requires one to approve)' : ''}`;
    body.push(...withMessages(journey, people.length > 0 ? choiceInput(id, label, people, { value: preset, isMultiSelect: true, style: 'compact' }) : textInput(id, `${label} — object ids, comma separated`, { value: preset })));
  }
  body.push(...withMessages(journey, choiceInput('everyDays', 'Rotation reminder for this pair (Customer Key keys never expire, so Azure cannot remind you)', EVERY, { value: d.everyDays ?? 'keep', style: 'compact' })));
  if (context.schedule) body.push(small(`Current reminder: every ${context.schedule.everyDays} days, next ${utc(context.schedule.nextDueAt)}.`, { subtle: true }));
  return body;
}

function previewBody(journey: RollJourney, context: RollCardContext): CardElement[] {
  const plan = journey.plan;
  if (!plan) return [text('The plan is not built yet.')];
  const pair = context.pairs.find((p) => p.pairId === journey.pairId);
  const key = pair && journey.site ? pair[journey.site] : undefined;
  const names = new Map(context.knownPeople.map((p) => [p.objectId, p.name]));
  const who = (ids: readonly string[] | undefined) => (ids && ids.length > 0 ? ids.map((id) => names.get(id) ?? id).join(', ') : 'none named');
  const body: CardElement[] = [
    text(`**${plan.title}**`),
    facts([
      ['Key', key ? `${key.ref.versionlessUri}` : journey.keyUri ?? ''],
      ['Current version', key ? currentVersion(key) ?? 'not recorded' : ''],
      ['Policies to refresh', String(journey.depIds?.length ?? 0)],
      ['Custodians A / B', `${who(journey.custodians?.A)} / ${who(journey.custodians?.B)}`],
      ['Approval class', plan.operationClass],
    ]),
    text('**Steps, in order**', { spacing: 'Medium' }),
    text(plan.steps.map((s) => `${s.index + 1}. ${s.summary}`).join('\n\n'), { size: 'Small' }),
  ];
  body.push(small(AVAILABILITY_KEY.roll, { subtle: true }));
  if ((journey.depIds?.length ?? 0) === 0) body.push(notice('info', 'No policy Keyward knows uses this key yet, so there is nothing to refresh. If a policy Keyward does not know uses it, run its refresh cmdlet yourself after the roll.'));
  if (plan.costNotes.length > 0) body.push(small(plan.costNotes.join(' '), { subtle: true }));
  body.push(
    text('**Plan hash (SHA-256)** — approvers vote on exactly this plan.', { spacing: 'Medium' }),
    { type: 'TextBlock', text: journey.planHash ?? '', wrap: true, fontType: 'Monospace', size: 'Small' },
    ...withMessages(journey, textInput('reason', 'Why roll this key now? (shown to approvers, kept in the audit log)', { isMultiline: true, maxLength: 1000 })),
  );
  return body;
}

function refreshBody(journey: RollJourney, context: RollCardContext): CardElement[] {
  const result = journey.result;
  const body: CardElement[] = [];
  if (result) {
    body.push(
      notice('success', `New version ${result.newVersion} of key ${journey.site} exists${result.previousVersion ? `; version ${result.previousVersion} stays enabled (it still wraps older data)` : ''}.`),
      small('Until every policy below shows the new version, this pair is locked: no other roll starts (SharePoint must finish Rolling first).', { subtle: true }),
    );
  }
  (journey.refresh ?? []).forEach((r, i) => {
    const items: CardElement[] = [text(`**${r.label}** — ${r.state ? `${r.state === 'Registered' ? '✅' : '⏳'} ${r.summary ?? r.state}` : 'not confirmed yet'}`)];
    if (r.runner === 'executor') items.push(small('Keyward ran this refresh itself (Exchange app-only).', { subtle: true }));
    else if (r.state !== 'Registered') {
      items.push(...scriptElements(r.script));
      items.push(small(`Script SHA-256 ${r.sha256}`, { subtle: true }));
      if (r.download?.url && Date.parse(r.download.expiresAt) > context.now.getTime()) items.push(actionSet([openUrlAction(`Download ${r.fileName}`, r.download.url)]));
    }
    for (const p of r.problems ?? []) items.push(notice('warning', p));
    if (r.state !== 'Registered') {
      items.push(text('Then paste the output of:', { size: 'Small' }), codeBlock(r.verifyCommands[0] ?? ''));
      items.push(...withMessages(journey, textInput(`evidence.${i}`, `Output for ${r.label}`, { value: journey.draft.evidence?.[`evidence.${i}`] ?? '', isMultiline: true, maxLength: 30_000 })));
    }
    body.push(container(items, { separator: true }));
  });
  body.push(...fieldMessages(journey, 'evidence'));
  return body;
}

function doneBody(journey: RollJourney, context: RollCardContext): CardElement[] {
  const body: CardElement[] = [];
  if (journey.result) body.push(notice('success', `Key ${journey.site} is on version ${journey.result.newVersion}. Every older version stays enabled and without an expiry date.`));
  body.push(small(AVAILABILITY_KEY.roll, { subtle: true }));
  for (const r of journey.refresh ?? []) body.push(text(`✅ ${r.label}: ${r.summary ?? r.state ?? ''}`, { size: 'Small' }));
  if (context.schedule) body.push(small(`Next rotation reminder: ${utc(context.schedule.nextDueAt)} (every ${context.schedule.everyDays} days).`, { subtle: true }));
  return body;
}

/** The rotation reminder posted on schedule (the tick), with buttons that start the roll. */
export function renderRotationReminderCard(input: { pair: KeyPair; schedule: RotationSchedule; now: Date }): AdaptiveCardJson {
  const { pair, schedule } = input;
  const last = lastRolledAt(pair);
  const due = dueAt(schedule, pair);
  return card(
    [
      text('Rotation reminder', { subtle: true, size: 'Small' }),
      heading(`Time to roll the ${WORKLOAD_INFO[pair.workload].displayName} keys`, 'Medium'),
      text(`You asked to be reminded every ${schedule.everyDays} days. The newest version of this pair dates from ${utc(last)}; the roll was due ${utc(due)}.`),
      facts([
        ['Key A', `${pair.A.ref.keyName} in ${pair.A.ref.containerName} — ${versionText(pair, 'A')}`],
        ['Key B', `${pair.B.ref.keyName} in ${pair.B.ref.containerName} — ${versionText(pair, 'B')}`],
      ]),
      small('Roll one key, wait until every policy shows the new version (SharePoint: Registered), then roll the other. Customer Key keys have no expiry date on purpose, which is why Keyward, not Azure, reminds you.', { subtle: true }),
    ],
    {
      actions: [
        executeAction('Roll key A', ROLL_VERBS.start, { pairId: pair.pairId, site: 'A' }, { associatedInputs: 'none' }),
        executeAction('Roll key B', ROLL_VERBS.start, { pairId: pair.pairId, site: 'B' }, { associatedInputs: 'none' }),
      ],
      fallbackText: `Keyward: time to roll the ${WORKLOAD_INFO[pair.workload].displayName} keys.`,
    },
  );
}

export function describeRollJourney(journey: RollJourney): string {
  return `Key roll${journey.site ? ` of key ${journey.site}` : ''}: ${TITLES[journey.stage].toLowerCase()}`;
}
