import { COST_NOTES, DOC_LINKS, summarizeChecklist } from '../../customerKey';
import type { InventoryContainer, InventoryDep } from '../../inventory/inventoryTypes';
import type { TeardownJourney, TeardownStage, TeardownTargetState } from '../../journeys/teardownJourney';
import {
  card,
  choiceInput,
  container,
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
import { journeyNotices, small, utc, withMessages } from '../inventory/opsCards';
import { TEARDOWN_VERBS } from './teardownVerbs';

export interface TeardownCardContext {
  candidates: readonly InventoryContainer[];
  deps: readonly InventoryDep[];
  coolingOffMs: number;
  now: Date;
}

const TITLES: Record<TeardownStage, string> = {
  choose: 'What should be removed?',
  confirm: 'Confirm the teardown',
  submitted: 'Waiting for approval',
  coolingOff: 'Approved — cooling-off period',
  blocked: 'Held: the checks at the end of the cooling-off failed',
  running: 'Deleting and purging',
  awaitingPurge: 'Deleted — waiting for the purge',
  done: 'Teardown complete',
};

const addr = (journey: TeardownJourney, extra: Record<string, unknown> = {}) => ({ journeyId: journey.id, v: journey.version, ...extra });

/** The teardown card; the same card goes to the owner's chat and the approvers' chat. Pure. */
export function renderTeardownCard(journey: TeardownJourney, context: TeardownCardContext): AdaptiveCardJson {
  const done = journey.stage === 'done';
  const anyHsm = (journey.targets ?? []).some((t) => t.containerKind === 'managedHsm');
  const title = journey.status === 'cancelled' ? 'Teardown cancelled' : done && anyHsm ? 'Teardown complete — billing has stopped' : TITLES[journey.stage];
  const body: CardElement[] = [text('Teardown · destructive', { subtle: true, size: 'Small' }), heading(title, 'Medium'), ...journeyNotices(journey)];
  const actions: CardAction[] = [];
  if (journey.status === 'cancelled') {
    body.push(notice('info', journey.outcome ?? 'This teardown was cancelled. Nothing was deleted.'), ...targetFacts(journey));
    return card(body, { actions: [executeAction('Start another teardown', TEARDOWN_VERBS.start, {}, { associatedInputs: 'none' })], fallbackText: 'Keyward: teardown cancelled.' });
  }
  switch (journey.stage) {
    case 'choose':
      body.push(...chooseBody(journey, context));
      actions.push(executeAction('Next: checks and plan', TEARDOWN_VERBS.choose, addr(journey), { style: 'positive' }));
      break;
    case 'confirm':
      body.push(...confirmBody(journey, context));
      if (journey.preflight?.ready) actions.push(executeAction('Submit for approval', TEARDOWN_VERBS.confirm, addr(journey), { style: 'destructive' }));
      actions.push(executeAction('Run the checks again', TEARDOWN_VERBS.recheck, addr(journey), { associatedInputs: 'none' }), executeAction('Back', TEARDOWN_VERBS.back, addr(journey), { associatedInputs: 'none' }));
      break;
    case 'submitted':
      body.push(
        notice('info', `Request ${journey.requestId ?? ''} is waiting for the approvers. Destructive requests need the policy's strongest rule (here: both key approvers and a key custodian). After approval nothing runs for ${minutes(context.coolingOffMs)}, and the teardown can still be cancelled then.`),
        ...targetFacts(journey),
      );
      actions.push(executeAction('Cancel the teardown', TEARDOWN_VERBS.cancelCoolingOff, addr(journey), { style: 'destructive', associatedInputs: 'none' }));
      break;
    case 'coolingOff': {
      const left = journey.coolingOffUntil ? Date.parse(journey.coolingOffUntil) - context.now.getTime() : 0;
      body.push(
        notice('warning', `Approved. Nothing is deleted before ${journey.coolingOffUntil ? utc(journey.coolingOffUntil) : 'the end of the cooling-off'}${left > 0 ? ` (about ${minutes(left)} from now)` : ''}. Until then the requester or any approver can cancel it with the button below. At that time Keyward checks the subscriptions and the policies again, then starts.`),
        ...targetFacts(journey),
      );
      actions.push(executeAction('Cancel the teardown', TEARDOWN_VERBS.cancelCoolingOff, addr(journey), { style: 'destructive', associatedInputs: 'none' }), executeAction('Refresh', TEARDOWN_VERBS.view, { journeyId: journey.id }, { associatedInputs: 'none' }));
      break;
    }
    case 'blocked':
      body.push(notice('error', 'Keyward did not start: the checks at the end of the cooling-off are not all green. Nothing was deleted. Fix the red lines, then check again (possible until the approval\'s execution window closes).'));
      if (journey.executeBy) body.push(small(`Execution window closes ${utc(journey.executeBy)}.`, { subtle: true }));
      if (journey.preflight) body.push(...checklistElements(journey.preflight.lines));
      actions.push(executeAction('Check again', TEARDOWN_VERBS.checkAgain, addr(journey), { style: 'positive', associatedInputs: 'none' }), executeAction('Cancel the teardown', TEARDOWN_VERBS.cancelCoolingOff, addr(journey), { style: 'destructive', associatedInputs: 'none' }));
      break;
    case 'running':
    case 'awaitingPurge':
    case 'done':
      body.push(...progressBody(journey, context));
      if (!done) actions.push(executeAction('Refresh', TEARDOWN_VERBS.view, { journeyId: journey.id }, { associatedInputs: 'none' }));
      break;
  }
  if (journey.status === 'open') actions.push(executeAction('Cancel', TEARDOWN_VERBS.cancel, addr(journey), { style: 'destructive', associatedInputs: 'none' }));
  return card(body, { actions, fallbackText: `Keyward teardown: ${title}` });
}

function chooseBody(journey: TeardownJourney, context: TeardownCardContext): CardElement[] {
  if (context.candidates.length === 0) return [notice('info', 'Keyward knows no active vault or Managed HSM to remove.')];
  const uses = (c: InventoryContainer) => context.deps.filter((d) => d.keyUris.some((u) => u.toLowerCase().startsWith(`https://${c.name.toLowerCase()}.`)) && d.state !== 'Withdrawn');
  return [
    text('Deleting a vault or Managed HSM soft-deletes it; purging destroys it and its keys **for good**. Anything still encrypted with those keys becomes unreadable, so Keyward refuses while a Data Encryption Policy it knows uses one of the keys.'),
    ...withMessages(
      journey,
      choiceInput(
        'targetIds',
        'Vaults and HSMs',
        context.candidates.map((c) => {
          const dep = uses(c);
          const origin = c.createdByRequestId ? `setup ${c.createdByRequestId.slice(0, 8)}, ${c.updatedAt.slice(0, 10)}` : 'adopted';
          return { title: `${c.kind === 'vault' ? 'Vault' : 'Managed HSM'} ${c.name} — ${c.region}, subscription …${c.subscriptionId.slice(-6)} (${origin})${dep.length > 0 ? ` — used by ${dep.length} polic${dep.length === 1 ? 'y' : 'ies'}` : ''}`, value: c.id };
        }),
        { value: journey.draft.targetIds ?? '', isMultiSelect: true, style: 'expanded' },
      ),
    ),
    small(`Managed HSMs bill hourly until purged. ${COST_NOTES.managedHsmSoftDeleted}`, { subtle: true }),
  ];
}

function confirmBody(journey: TeardownJourney, context: TeardownCardContext): CardElement[] {
  const body: CardElement[] = [];
  const preflight = journey.preflight;
  if (preflight) {
    const s = summarizeChecklist(preflight.lines);
    body.push(
      s.ready ? notice('success', `The checks are green${s.warn > 0 ? ` (${s.warn} warning${s.warn === 1 ? '' : 's'})` : ''} (${utc(preflight.at)}).`) : notice('error', `${s.fail} check${s.fail === 1 ? '' : 's'} failed and ${s.unknown} could not be made: Keyward will not submit this teardown until they are green. Each line says how to fix it.`),
      ...checklistElements(preflight.lines),
    );
  }
  for (const [i, t] of (journey.targets ?? []).entries()) {
    const hsm = t.containerKind === 'managedHsm';
    const purge = t.purgeProtectionEnabled
      ? `Purge protection is on: after deletion Azure keeps it, recoverable, for ${t.softDeleteRetentionDays} days and purges it then (an earlier purge is refused).${hsm ? ' It bills hourly until that purge completes.' : ''}`
      : `Keyward purges it right after deletion.${hsm ? ' Billing stops when that purge completes.' : ''}`;
    body.push(
      container(
        [
          text(`**${hsm ? 'Managed HSM' : 'Vault'} ${t.name}** — ${t.region}, resource group ${t.resourceGroup}`),
          small(`Keys: ${t.keys.map((k) => k.keyName).join(', ') || 'none Keyward knows'}. ${purge}`),
          ...withMessages(journey, textInput(`confirm.${i}`, `Type ${t.name} to confirm`, { value: journey.draft.confirm?.[`confirm.${i}`] ?? '', maxLength: 100 })),
        ],
        { style: 'attention', separator: true },
      ),
    );
  }
  if (journey.targets?.some((t) => t.containerKind === 'vault')) body.push(small('Vaults have no hourly charge: Key Vault Premium bills per operation and per HSM-protected key each month. Whether a soft-deleted key still counts toward that charge is not confirmed; after the purge nothing is left to bill.', { subtle: true }));
  body.push(
    text(`**After approval**: a cooling-off of ${minutes(context.coolingOffMs)} with a Cancel button for you and the approvers; then Keyward checks again that every subscription is Enabled and no policy uses a key, and only then deletes and purges.`, { size: 'Small' }),
    small(`A Disabled subscription refuses the purge (a POST) while a deleted Managed HSM keeps billing; keep the subscriptions Enabled until every purge has completed. [Subscription states](${DOC_LINKS.subscriptionStates.url})`, { subtle: true }),
    ...withMessages(journey, textInput('reason', 'Why are these removed? (shown to approvers, kept in the audit log)', { isMultiline: true, maxLength: 1000 })),
  );
  return body;
}

function targetFacts(journey: TeardownJourney): CardElement[] {
  return [facts((journey.targets ?? []).map((t): [string, string] => [t.containerKind === 'vault' ? 'Vault' : 'Managed HSM', `${t.name} (${t.region})`]))];
}

function progressBody(journey: TeardownJourney, context: TeardownCardContext): CardElement[] {
  const body: CardElement[] = [];
  if (journey.stopped) body.push(...stoppedNotice(journey));
  if (journey.status === 'failed' && journey.outcome) body.push(notice('error', journey.outcome));
  const progress = journey.progress ?? [];
  for (const p of progress) body.push(container(targetLines(p, context), { separator: true }));
  if (journey.stage === 'done') {
    const hsms = progress.filter((p) => p.kind === 'managedHsm');
    if (hsms.length > 0) body.push(notice('success', `Billing for ${hsms.map((p) => p.name).join(', ')} has stopped: Azure no longer lists ${hsms.length === 1 ? 'it' : 'them'}, not even as deleted (checked ${journey.billingStoppedAt ? utc(journey.billingStoppedAt) : ''}).`));
    if (progress.some((p) => p.kind === 'vault')) body.push(small('The purged vaults and their keys are gone for good; vaults never billed hourly, and with their keys gone no per-key charge remains.', { subtle: true }));
  } else if (journey.stage === 'awaitingPurge') {
    const billing = progress.filter((p) => p.kind === 'managedHsm' && p.state === 'softDeleted');
    if (billing.length > 0) body.push(notice('warning', `Billing has NOT stopped: ${billing.map((p) => p.name).join(', ')} ${billing.length === 1 ? 'is' : 'are'} soft-deleted and ${billing.length === 1 ? 'bills' : 'bill'} hourly until the purge completes. Keyward watches and posts here when ${billing.length === 1 ? 'it is' : 'they are'} gone.`));
  }
  return body;
}

function targetLines(p: TeardownTargetState, context: TeardownCardContext): CardElement[] {
  const kind = p.kind === 'vault' ? 'Vault' : 'Managed HSM';
  switch (p.state) {
    case 'purged':
      return [text(`✅ **${kind} ${p.name}** — purged${p.purgedAt ? ` ${utc(p.purgedAt)}` : ''}.`)];
    case 'softDeleted': {
      const lines: CardElement[] = [text(`⏳ **${kind} ${p.name}** — deleted${p.deletedAt ? ` ${utc(p.deletedAt)}` : ''}, soft-deleted (recoverable).`)];
      if (p.scheduledPurgeDate) {
        const left = Date.parse(p.scheduledPurgeDate) - context.now.getTime();
        lines.push(small(`Azure purges it on ${utc(p.scheduledPurgeDate)}${left > 0 ? '' : ' (that time has passed; Keyward checks that it is gone)'}; purge protection refuses an earlier purge.${p.kind === 'managedHsm' ? ' It bills hourly until then.' : ''}`));
      }
      if (p.note) lines.push(notice('warning', p.note));
      return lines;
    }
    case 'active':
      return [text(`**${kind} ${p.name}** — not deleted yet.`)];
    default:
      return [text(`❔ **${kind} ${p.name}** — state unknown.`)];
  }
}

function stoppedNotice(journey: TeardownJourney): CardElement[] {
  const s = journey.stopped!;
  const hsmDeleted = (journey.progress ?? []).some((p) => p.kind === 'managedHsm' && p.state === 'softDeleted');
  if (s.code === 'SubscriptionNotEnabled') {
    return [
      notice('error', `The run stopped: ${s.message}`),
      text(`A Disabled subscription allows reads and deletes but refuses the purge (a POST).${hsmDeleted ? ' The deleted Managed HSM keeps billing hourly while it waits.' : ''} To re-enable it, an Account Administrator or billing owner opens the Azure portal → Subscriptions → the subscription → Overview → Reactivate (or pays the outstanding balance / removes the spending limit in Cost Management + Billing). Then press Retry on the run card.`, { size: 'Small' }),
    ];
  }
  return [notice('error', `The run stopped at ${s.code}: ${s.message} Everything done so far stays; Retry is on the run card.`)];
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 1) return `${Math.max(1, Math.round(ms / 1000))} seconds`;
  if (m < 120) return `${m} minute${m === 1 ? '' : 's'}`;
  return `${Math.round(m / 60)} hours`;
}

export function describeTeardownJourney(journey: TeardownJourney): string {
  return `Teardown of ${(journey.targets ?? []).map((t) => t.name).join(', ') || 'resources'}: ${TITLES[journey.stage].toLowerCase()}`;
}
