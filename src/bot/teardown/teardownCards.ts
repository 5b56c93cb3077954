import { DOC_LINKS, summarizeChecklist } from '../../customerKey';
import type { InventoryContainer, InventoryDep } from '../../inventory/inventoryTypes';
import type { TeardownJourney, TeardownStage, TeardownTargetState } from '../../journeys/teardownJourney';
import { errorSentence } from '../i18n/errorWords';
import { errorDetailsBlock } from '../cards/runCard';
import { localizer, type Localizer } from '../i18n/localizer';
import {
  card,
  choiceInput,
  container,
  details,
  executeAction,
  facts,
  heading,
  notice,
  text,
  textInput,
  type AdaptiveCardJson,
  type CardAction,
  type CardElement,
} from '../cards/adaptiveCard';
import { checklistElements } from '../setup/setupCards';
import { journeyNotices, small, withMessages } from '../inventory/opsCards';
import { TEARDOWN_VERBS } from './teardownVerbs';

export interface TeardownCardContext {
  candidates: readonly InventoryContainer[];
  deps: readonly InventoryDep[];
  coolingOffMs: number;
  now: Date;
  /** The locale of the person or conversation the card is drawn for (BCP 47); English by default. */
  locale?: string;
}

const stageTitle = (l: Localizer, stage: TeardownStage) => l.t(`teardown.stage.${stage}`);

const addr = (journey: TeardownJourney, extra: Record<string, unknown> = {}) => ({ journeyId: journey.id, v: journey.version, ...extra });

const kindWord = (l: Localizer, kind: 'vault' | 'managedHsm') => (kind === 'vault' ? l.t('common.vault') : l.t('common.managedHsm'));

/** The teardown card; the same card goes to the owner's chat and the approvers' chat. Pure. */
export function renderTeardownCard(journey: TeardownJourney, context: TeardownCardContext): AdaptiveCardJson {
  const l = localizer(context.locale);
  const done = journey.stage === 'done';
  const anyHsm = (journey.targets ?? []).some((t) => t.containerKind === 'managedHsm');
  const title = journey.status === 'cancelled' ? l.t('teardown.cancelled') : done && anyHsm ? l.t('teardown.doneBilling') : stageTitle(l, journey.stage);
  const body: CardElement[] = [text(l.t('teardown.kicker'), { subtle: true, size: 'Small' }), heading(title, 'Medium'), ...journeyNotices(l, journey)];
  const actions: CardAction[] = [];
  if (journey.status === 'cancelled') {
    body.push(notice(l, 'info', journey.outcome ? l.say(journey.outcome) : l.t('teardown.cancelledNotice')), ...targetFacts(l, journey));
    return card(body, {
      actions: [executeAction(l.t('teardown.another'), TEARDOWN_VERBS.start, {}, { associatedInputs: 'none' })],
      fallbackText: l.t('teardown.cancelledFallback'),
    });
  }
  const cancelTeardown = () => executeAction(l.t('teardown.cancelTeardown'), TEARDOWN_VERBS.cancelCoolingOff, addr(journey), { style: 'destructive', associatedInputs: 'none' });
  switch (journey.stage) {
    case 'choose':
      body.push(...chooseBody(l, journey, context));
      actions.push(executeAction(l.t('teardown.next'), TEARDOWN_VERBS.choose, addr(journey), { style: 'positive' }));
      break;
    case 'confirm':
      body.push(...confirmBody(l, journey, context));
      // At most three buttons side by side: once the checks are green, "Submit" replaces "Run again".
      if (journey.preflight?.ready) actions.push(executeAction(l.t('setup.action.submit'), TEARDOWN_VERBS.confirm, addr(journey), { style: 'destructive' }));
      else actions.push(executeAction(l.t('setup.action.rerun'), TEARDOWN_VERBS.recheck, addr(journey), { associatedInputs: 'none' }));
      actions.push(executeAction(l.t('common.back'), TEARDOWN_VERBS.back, addr(journey), { associatedInputs: 'none' }));
      break;
    case 'submitted':
      body.push(notice(l, 'info', l.t('teardown.submitted', { requestId: journey.requestId ?? '', coolingOff: l.duration(context.coolingOffMs) })), ...targetFacts(l, journey));
      actions.push(cancelTeardown());
      break;
    case 'coolingOff': {
      const left = journey.coolingOffUntil ? Date.parse(journey.coolingOffUntil) - context.now.getTime() : 0;
      const until = journey.coolingOffUntil ? l.dateTime(journey.coolingOffUntil) : l.t('teardown.endOfCoolingOff');
      body.push(
        notice(l, 'warning', left > 0 ? l.t('teardown.coolingOffLeft', { until, left: l.duration(left) }) : l.t('teardown.coolingOff', { until })),
        ...targetFacts(l, journey),
      );
      actions.push(cancelTeardown(), executeAction(l.t('common.refresh'), TEARDOWN_VERBS.view, { journeyId: journey.id }, { associatedInputs: 'none' }));
      break;
    }
    case 'blocked':
      body.push(notice(l, 'error', l.t('teardown.blocked')));
      if (journey.executeBy) body.push(small(l.t('teardown.windowCloses', { at: l.dateTime(journey.executeBy) }), { subtle: true }));
      if (journey.preflight) body.push(...checklistElements(l, journey.preflight.lines, { greenInDetails: `teardown.green.${journey.id}` }));
      actions.push(executeAction(l.t('teardown.checkAgain'), TEARDOWN_VERBS.checkAgain, addr(journey), { style: 'positive', associatedInputs: 'none' }), cancelTeardown());
      break;
    case 'running':
    case 'awaitingPurge':
    case 'done':
      body.push(...progressBody(l, journey, context));
      if (!done) actions.push(executeAction(l.t('common.refresh'), TEARDOWN_VERBS.view, { journeyId: journey.id }, { associatedInputs: 'none' }));
      break;
  }
  if (journey.status === 'open') actions.push(executeAction(l.t('common.cancel'), TEARDOWN_VERBS.cancel, addr(journey), { style: 'destructive', associatedInputs: 'none' }));
  return card(body, { actions, fallbackText: l.t('teardown.fallback', { title }) });
}

function chooseBody(l: Localizer, journey: TeardownJourney, context: TeardownCardContext): CardElement[] {
  if (context.candidates.length === 0) return [notice(l, 'info', l.t('teardown.noCandidates'))];
  const uses = (c: InventoryContainer) =>
    context.deps.filter((d) => d.keyUris.some((u) => u.toLowerCase().startsWith(`https://${c.name.toLowerCase()}.`)) && d.state !== 'Withdrawn');
  return [
    text(l.t('teardown.intro')),
    ...withMessages(
      l,
      journey,
      choiceInput(
        'targetIds',
        l.t('teardown.targets'),
        context.candidates.map((c) => {
          const dep = uses(c);
          const origin = c.createdByRequestId
            ? l.t('teardown.origin.setup', { request: c.createdByRequestId.slice(0, 8), date: l.date(c.updatedAt) })
            : l.t('teardown.origin.adopted');
          return {
            title: l.t('teardown.candidate', { kind: c.kind, name: c.name, region: c.region, subscription: c.subscriptionId.slice(-6), origin, policies: dep.length }),
            value: c.id,
          };
        }),
        { value: journey.draft.targetIds ?? '', isMultiSelect: true, style: 'expanded' },
      ),
    ),
    small(l.t('teardown.hsmBilling'), { subtle: true }),
  ];
}

function confirmBody(l: Localizer, journey: TeardownJourney, context: TeardownCardContext): CardElement[] {
  const body: CardElement[] = [];
  const preflight = journey.preflight;
  if (preflight) {
    const s = summarizeChecklist(preflight.lines);
    body.push(
      s.ready
        ? notice(l, 'success', l.t('teardown.checksGreen', { warn: s.warn, at: l.dateTime(preflight.at) }))
        : notice(l, 'error', l.t('teardown.checksRed', { fail: s.fail, unknown: s.unknown })),
      ...checklistElements(l, preflight.lines, { greenInDetails: `teardown.green.${journey.id}` }),
    );
  }
  // While a check is red there is nothing to confirm (no Submit): the targets open in place and
  // the first screen is for the red lines and "Run the checks again".
  const ready = preflight?.ready === true;
  const targets: CardElement[] = [];
  for (const [i, t] of (journey.targets ?? []).entries()) {
    const hsm = t.containerKind === 'managedHsm';
    const purge = t.purgeProtectionEnabled
      ? l.t('teardown.purgeProtected', { days: t.softDeleteRetentionDays, hsm: hsm ? 'yes' : 'no' })
      : l.t('teardown.purgeNow', { hsm: hsm ? 'yes' : 'no' });
    const keys = t.keys.map((k) => k.keyName);
    targets.push(
      container(
        [
          text(l.t('teardown.target', { kind: kindWord(l, t.containerKind), name: t.name, region: t.region, group: t.resourceGroup })),
          small(`${keys.length > 0 ? l.t('teardown.keys', { keys: keys.join(', ') }) : l.t('teardown.noKeys')} ${purge}`),
          ...(ready
            ? withMessages(
                l,
                journey,
                textInput(`confirm.${i}`, l.t('teardown.typeToConfirm', { name: t.name }), { value: journey.draft.confirm?.[`confirm.${i}`] ?? '', maxLength: 100 }),
              )
            : []),
        ],
        { style: 'attention', separator: true },
      ),
    );
  }
  if (ready) body.push(...targets, ...withMessages(l, journey, textInput('reason', l.t('teardown.reason'), { isMultiline: true, maxLength: 1000 })));
  else body.push(...details(`teardown.targets.${journey.id}`, l.t('teardown.targetsToggle'), targets));
  const more: CardElement[] = [
    text(l.t('teardown.afterApproval', { coolingOff: l.duration(context.coolingOffMs) }), { size: 'Small' }),
    small(l.t('teardown.disabled', { url: DOC_LINKS.subscriptionStates.url }), { subtle: true }),
  ];
  if (journey.targets?.some((t) => t.containerKind === 'vault')) more.push(small(l.t('teardown.vaultBilling'), { subtle: true }));
  body.push(...details(`teardown.after.${journey.id}`, l.t('teardown.afterToggle'), more));
  return body;
}

function targetFacts(l: Localizer, journey: TeardownJourney): CardElement[] {
  return [
    facts(
      l,
      (journey.targets ?? []).map((t): [string, string] => [kindWord(l, t.containerKind), `${t.name} (${t.region})`]),
    ),
  ];
}

function progressBody(l: Localizer, journey: TeardownJourney, context: TeardownCardContext): CardElement[] {
  const body: CardElement[] = [];
  if (journey.stopped) body.push(...stoppedNotice(l, journey));
  if (journey.status === 'failed' && journey.outcome) body.push(notice(l, 'error', l.say(journey.outcome)));
  const progress = journey.progress ?? [];
  if (journey.stage === 'done') {
    const hsms = progress.filter((p) => p.kind === 'managedHsm');
    if (hsms.length > 0)
      body.push(
        notice(
          l,
          'success',
          l.t('teardown.billingStopped', {
            names: hsms.map((p) => p.name).join(', '),
            count: hsms.length,
            at: journey.billingStoppedAt ? l.dateTime(journey.billingStoppedAt) : '',
          }),
        ),
      );
    if (progress.some((p) => p.kind === 'vault')) body.push(small(l.t('teardown.vaultsGone'), { subtle: true }));
  } else if (journey.stage === 'awaitingPurge') {
    const billing = progress.filter((p) => p.kind === 'managedHsm' && p.state === 'softDeleted');
    if (billing.length > 0) body.push(notice(l, 'warning', l.t('teardown.billingContinues', { names: billing.map((p) => p.name).join(', '), count: billing.length })));
  }
  for (const p of progress) body.push(container(targetLines(l, p, context), { separator: true }));
  return body;
}

function targetLines(l: Localizer, p: TeardownTargetState, context: TeardownCardContext): CardElement[] {
  const kind = kindWord(l, p.kind);
  switch (p.state) {
    case 'purged':
      return [text(l.t('teardown.state.purged', { kind, name: p.name, at: p.purgedAt ? l.dateTime(p.purgedAt) : '' }))];
    case 'softDeleted': {
      const lines: CardElement[] = [text(l.t('teardown.state.softDeleted', { kind, name: p.name, at: p.deletedAt ? l.dateTime(p.deletedAt) : '' }))];
      if (p.scheduledPurgeDate) {
        const left = Date.parse(p.scheduledPurgeDate) - context.now.getTime();
        lines.push(small(l.t('teardown.state.purgeOn', { at: l.dateTime(p.scheduledPurgeDate), passed: left > 0 ? 'no' : 'yes', hsm: p.kind === 'managedHsm' ? 'yes' : 'no' })));
      }
      if (p.note) lines.push(notice(l, 'warning', l.say(p.note)));
      return lines;
    }
    case 'active':
      return [text(l.t('teardown.state.active', { kind, name: p.name }))];
    default:
      return [text(l.t('teardown.state.unknown', { kind, name: p.name }))];
  }
}

function stoppedNotice(l: Localizer, journey: TeardownJourney): CardElement[] {
  const s = journey.stopped!;
  const hsmDeleted = (journey.progress ?? []).some((p) => p.kind === 'managedHsm' && p.state === 'softDeleted');
  if (s.code === 'SubscriptionNotEnabled') {
    return [
      notice(l, 'error', l.t('teardown.stopped', { message: errorSentence(l, s) })),
      ...errorDetailsBlock(l, s),
      text(l.t('teardown.reactivate', { hsm: hsmDeleted ? 'yes' : 'no' }), { size: 'Small' }),
    ];
  }
  return [notice(l, 'error', l.t('teardown.stoppedAt', { code: s.code, message: errorSentence(l, s) })), ...errorDetailsBlock(l, s)];
}

export function describeTeardownJourney(journey: TeardownJourney, locale?: string): string {
  const l = localizer(locale);
  const names = (journey.targets ?? []).map((t) => t.name);
  return names.length > 0
    ? l.t('teardown.line', { names: names.join(', '), stage: stageTitle(l, journey.stage) })
    : l.t('teardown.lineNone', { stage: stageTitle(l, journey.stage) });
}
