import { AVAILABILITY_KEY, DOC_LINKS } from '../../customerKey';
import type { KeyPair, RotationSchedule } from '../../inventory/inventoryTypes';
import { currentVersion } from '../../inventory/inventoryTypes';
import { dueAt, lastRolledAt } from '../../inventory/rotationReminders';
import type { RollJourney, RollStage } from '../../journeys/rollJourney';
import { localizer, type Localizer } from '../i18n/localizer';
import { planWords } from '../i18n/planWords';
import {
  actionSet,
  card,
  choiceInput,
  container,
  details,
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
import { workloadName } from '../setup/setupCards';
import { codeBlock, describePair, fieldMessages, journeyNotices, scriptElements, small, versionText, withMessages } from '../inventory/opsCards';
import { ROLL_VERBS } from './rollVerbs';

export interface RollCardContext {
  pairs: readonly KeyPair[];
  /** People the approval policy names (offered as custodians). */
  knownPeople: ReadonlyArray<{ objectId: string; name: string }>;
  custodiansRequired: boolean;
  schedule?: RotationSchedule;
  now: Date;
  /** The activity's locale (BCP 47); English when absent or unknown. */
  locale?: string;
}

const title = (l: Localizer, stage: RollStage) => l.t(`roll.stage.${stage}`);

const addr = (journey: RollJourney, extra: Record<string, unknown> = {}) => ({ journeyId: journey.id, v: journey.version, ...extra });

export function renderRollCard(journey: RollJourney, context: RollCardContext): AdaptiveCardJson {
  const l = localizer(context.locale);
  const body: CardElement[] = [
    text(l.t('roll.kicker'), { subtle: true, size: 'Small' }),
    heading(closedTitle(l, journey) ?? title(l, journey.stage), 'Medium'),
    ...journeyNotices(l, journey),
  ];
  const actions: CardAction[] = [];
  if (journey.status === 'cancelled' || journey.status === 'failed') {
    body.push(notice(l, journey.status === 'failed' ? 'error' : 'info', journey.outcome ? l.say(journey.outcome) : l.t('roll.closedNotice')));
    actions.push(executeAction(l.t('roll.another'), ROLL_VERBS.start, {}, { associatedInputs: 'none' }));
    return card(body, { actions, fallbackText: l.t('roll.closedFallback') });
  }
  switch (journey.stage) {
    case 'choose':
      body.push(...chooseBody(l, journey, context));
      actions.push(executeAction(l.t('roll.nextPlan'), ROLL_VERBS.choose, addr(journey), { style: 'positive' }));
      break;
    case 'preview':
      body.push(...previewBody(l, journey, context));
      actions.push(
        executeAction(l.t('setup.action.submit'), ROLL_VERBS.submit, addr(journey), { style: 'positive' }),
        executeAction(l.t('common.back'), ROLL_VERBS.back, addr(journey), { associatedInputs: 'none' }),
      );
      break;
    case 'submitted':
      body.push(notice(l, 'info', l.t('roll.submitted', { requestId: journey.requestId ?? '' })), facts(l, [[l.t('common.planHash'), journey.planHash ?? '']]));
      break;
    case 'running':
      body.push(notice(l, 'info', l.t('roll.running')));
      break;
    case 'refresh':
      body.push(...refreshBody(l, journey, context));
      actions.push(
        executeAction(l.t('roll.record'), ROLL_VERBS.evidence, addr(journey), { style: 'positive' }),
        executeAction(l.t('roll.newLinks'), ROLL_VERBS.newLinks, addr(journey), { associatedInputs: 'none' }),
      );
      break;
    case 'done':
      body.push(...doneBody(l, journey, context));
      actions.push(executeAction(l.t('roll.another'), ROLL_VERBS.start, {}, { associatedInputs: 'none' }));
      break;
  }
  if (journey.status === 'open' && (journey.stage === 'choose' || journey.stage === 'preview'))
    actions.push(executeAction(l.t('common.cancel'), ROLL_VERBS.cancel, addr(journey), { style: 'destructive', associatedInputs: 'none' }));
  return card(body, { actions, fallbackText: l.t('roll.fallback', { title: title(l, journey.stage) }) });
}

function closedTitle(l: Localizer, journey: RollJourney): string | undefined {
  if (journey.status === 'cancelled') return l.t('roll.closed');
  if (journey.status === 'failed') return l.t('roll.failed');
  return undefined;
}

function chooseBody(l: Localizer, journey: RollJourney, context: RollCardContext): CardElement[] {
  const d = journey.draft;
  if (context.pairs.length === 0) return [notice(l, 'info', l.t('roll.noPairs'))];
  const pair = context.pairs.find((p) => p.pairId === d.pairId) ?? context.pairs[0]!;
  const body: CardElement[] = [
    text(l.t('roll.intro')),
    ...details('roll.how', l.t('roll.howToggle'), [text(l.t('roll.how'), { size: 'Small' })]),
    // Issue 11 item 10: rolling key A or B never touches the availability key.
    small(`${l.say(AVAILABILITY_KEY.roll)} ${l.say(AVAILABILITY_KEY.what)} [${l.t('doc.availabilityKey')}](${DOC_LINKS.availabilityKey.url})`, { subtle: true }),
    ...withMessages(
      l,
      journey,
      choiceInput(
        'pairId',
        l.t('roll.pair'),
        context.pairs.map((p) => ({ title: describePair(l, p), value: p.pairId })),
        { value: d.pairId ?? pair.pairId, style: 'compact' },
      ),
    ),
    ...withMessages(
      l,
      journey,
      choiceInput(
        'site',
        l.t('roll.site'),
        (['A', 'B'] as const).map((site) => ({
          title: l.t('roll.siteChoice', { site, key: pair[site].ref.keyName, container: pair[site].ref.containerName, version: versionText(l, pair, site) }),
          value: site,
        })),
        { value: d.site ?? '', style: 'expanded' },
      ),
    ),
  ];
  const custodians = pair.A.custodians ?? pair.B.custodians;
  const people = context.knownPeople.map((p) => ({ title: p.name, value: p.objectId }));
  for (const side of ['A', 'B'] as const) {
    const id = side === 'A' ? 'custodiansA' : 'custodiansB';
    const preset = (side === 'A' ? d.custodiansA : d.custodiansB) ?? (custodians ? custodians[side].join(',') : '');
    const label = context.custodiansRequired ? l.t('roll.custodiansRequired', { site: side }) : l.t('setup.approvers.custodians', { site: side });
    body.push(
      ...withMessages(
        l,
        journey,
        people.length > 0
          ? choiceInput(id, label, people, { value: preset, isMultiSelect: true, style: 'compact' })
          : textInput(id, l.t('roll.custodiansIds', { label }), { value: preset }),
      ),
    );
  }
  const every = [
    { title: l.t('roll.every.keep'), value: 'keep' },
    { title: l.t('roll.every.days', { days: 90 }), value: '90' },
    { title: l.t('roll.every.days', { days: 180 }), value: '180' },
    { title: l.t('roll.every.days', { days: 365 }), value: '365' },
    { title: l.t('roll.every.none'), value: '0' },
  ];
  body.push(...withMessages(l, journey, choiceInput('everyDays', l.t('roll.reminder'), every, { value: d.everyDays ?? 'keep', style: 'compact' })));
  if (context.schedule) body.push(small(l.t('roll.currentReminder', { days: context.schedule.everyDays, next: l.dateTime(context.schedule.nextDueAt) }), { subtle: true }));
  return body;
}

function previewBody(l: Localizer, journey: RollJourney, context: RollCardContext): CardElement[] {
  const plan = journey.plan;
  if (!plan) return [text(l.t('common.notBuiltYet'))];
  const pair = context.pairs.find((p) => p.pairId === journey.pairId);
  const key = pair && journey.site ? pair[journey.site] : undefined;
  const names = new Map(context.knownPeople.map((p) => [p.objectId, p.name]));
  const who = (ids: readonly string[] | undefined) => (ids && ids.length > 0 ? l.list(ids.map((id) => names.get(id) ?? id)) : l.t('roll.noneNamed'));
  const words = planWords(l, plan);
  const body: CardElement[] = [
    text(`**${words.title}**`),
    facts(l, [
      [l.t('roll.key'), key ? `${key.ref.versionlessUri}` : (journey.keyUri ?? '')],
      [l.t('roll.currentVersion'), key ? (currentVersion(key) ?? l.t('ops.versionUnknown')) : ''],
      [l.t('roll.policies'), l.number(journey.depIds?.length ?? 0)],
      [l.t('roll.custodians'), `${who(journey.custodians?.A)} / ${who(journey.custodians?.B)}`],
    ]),
  ];
  body.push(small(l.say(AVAILABILITY_KEY.roll), { subtle: true }));
  if ((journey.depIds?.length ?? 0) === 0) body.push(notice(l, 'info', l.t('roll.nothingToRefresh')));
  const more: CardElement[] = [
    text(plan.steps.map((s, i) => `${s.index + 1}. ${words.steps[i]}`).join('\n\n'), { size: 'Small' }),
    facts(l, [[l.t('setup.preview.class'), l.t(`approval.class.${plan.operationClass}`)]]),
  ];
  if (plan.costNotes.length > 0) more.push(small(words.costNotes.join(' '), { subtle: true }));
  body.push(
    ...details('roll.preview.steps', l.t('common.stepsInOrder', { count: plan.steps.length }), more),
    text(l.t('common.planHashExplained'), { spacing: 'Medium', size: 'Small' }),
    { type: 'TextBlock', text: journey.planHash ?? '', wrap: true, fontType: 'Monospace', size: 'Small', spacing: 'None' },
    ...withMessages(l, journey, textInput('reason', l.t('roll.reason'), { isMultiline: true, maxLength: 1000 })),
  );
  return body;
}

function refreshBody(l: Localizer, journey: RollJourney, context: RollCardContext): CardElement[] {
  const result = journey.result;
  const body: CardElement[] = [];
  if (result) {
    body.push(
      notice(
        l,
        'success',
        result.previousVersion
          ? l.t('roll.newVersionKept', { version: result.newVersion, site: journey.site ?? '', previous: result.previousVersion })
          : l.t('roll.newVersion', { version: result.newVersion, site: journey.site ?? '' }),
      ),
      small(l.t('roll.locked'), { subtle: true }),
    );
  }
  (journey.refresh ?? []).forEach((r, i) => {
    const state = r.state ? l.t('roll.refreshState', { registered: r.state === 'Registered' ? 'yes' : 'no', summary: l.say(r.summary ?? r.state) }) : l.t('roll.notConfirmed');
    const items: CardElement[] = [text(`**${l.say(r.label)}**: ${state}`)];
    if (r.runner === 'executor') items.push(small(l.t('roll.ranItself'), { subtle: true }));
    else if (r.state !== 'Registered') {
      if (r.download?.url && Date.parse(r.download.expiresAt) > context.now.getTime())
        items.push(actionSet([openUrlAction(l.t('dep.review.downloadButton', { file: r.fileName }), r.download.url)]));
      items.push(
        ...details(`roll.script.${i}`, l.t('dep.review.scriptToggle'), [...scriptElements(l, r.script), small(l.t('roll.scriptHash', { hash: r.sha256 }), { subtle: true })]),
      );
    }
    for (const p of r.problems ?? []) items.push(notice(l, 'warning', l.say(p)));
    if (r.state !== 'Registered') {
      items.push(text(l.t('roll.thenPaste'), { size: 'Small' }), codeBlock(r.verifyCommands[0] ?? ''));
      items.push(
        ...withMessages(
          l,
          journey,
          textInput(`evidence.${i}`, l.t('roll.outputFor', { label: l.say(r.label) }), {
            value: journey.draft.evidence?.[`evidence.${i}`] ?? '',
            isMultiline: true,
            maxLength: 30_000,
          }),
        ),
      );
    }
    body.push(container(items, { separator: true }));
  });
  body.push(...fieldMessages(l, journey, 'evidence'));
  return body;
}

function doneBody(l: Localizer, journey: RollJourney, context: RollCardContext): CardElement[] {
  const body: CardElement[] = [];
  if (journey.result) body.push(notice(l, 'success', l.t('roll.done', { site: journey.site ?? '', version: journey.result.newVersion })));
  body.push(small(l.say(AVAILABILITY_KEY.roll), { subtle: true }));
  for (const r of journey.refresh ?? []) body.push(text(`✅ ${l.say(r.label)}: ${l.say(r.summary ?? r.state ?? '')}`, { size: 'Small' }));
  if (context.schedule) body.push(small(l.t('roll.nextReminder', { next: l.dateTime(context.schedule.nextDueAt), days: context.schedule.everyDays }), { subtle: true }));
  return body;
}

/** The rotation reminder posted on schedule (the tick), with buttons that start the roll. */
export function renderRotationReminderCard(input: { pair: KeyPair; schedule: RotationSchedule; now: Date; locale?: string }): AdaptiveCardJson {
  const l = localizer(input.locale);
  const { pair, schedule } = input;
  const last = lastRolledAt(pair);
  const due = dueAt(schedule, pair);
  const workload = workloadName(l, pair.workload);
  return card(
    [
      text(l.t('roll.reminder.kicker'), { subtle: true, size: 'Small' }),
      heading(l.t('roll.reminder.title', { workload }), 'Medium'),
      text(l.t('roll.reminder.intro', { days: schedule.everyDays, last: l.dateTime(last), due: l.dateTime(due) })),
      facts(
        l,
        (['A', 'B'] as const).map((site): [string, string] => [
          l.t('common.keySite', { site }),
          l.t('roll.reminder.key', { key: pair[site].ref.keyName, container: pair[site].ref.containerName, version: versionText(l, pair, site) }),
        ]),
      ),
      small(l.t('roll.reminder.how'), { subtle: true }),
    ],
    {
      actions: (['A', 'B'] as const).map((site) =>
        executeAction(l.t('roll.reminder.roll', { site }), ROLL_VERBS.start, { pairId: pair.pairId, site }, { associatedInputs: 'none' }),
      ),
      fallbackText: l.t('roll.reminder.fallback', { workload }),
    },
  );
}

export function describeRollJourney(journey: RollJourney, locale?: string): string {
  const l = localizer(locale);
  return journey.site ? l.t('roll.lineSite', { site: journey.site, stage: title(l, journey.stage) }) : l.t('roll.line', { stage: title(l, journey.stage) });
}
