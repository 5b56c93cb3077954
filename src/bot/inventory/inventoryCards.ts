import { WORKLOADS, type DepRef, type OnboardingRecord } from '../../customerKey';
import type { HealthRecord, InventoryContainer, InventoryDep, InventoryKey } from '../../inventory/inventoryTypes';
import { currentVersion } from '../../inventory/inventoryTypes';
import type { DriftReport } from '../../inventory/healthMonitor';
import type { OpsJourneyBase } from '../../inventory/opsJourney';
import { localizer, type Localizer } from '../i18n/localizer';
import { actionSet, card, container, executeAction, heading, notice, text, type AdaptiveCardJson, type CardElement } from '../cards/adaptiveCard';
import { checklistElements, workloadName } from '../setup/setupCards';
import { small } from './opsCards';
import { INVENTORY_VERBS } from './inventoryVerbs';
import type { Custody } from '../../inventory/shareAttestations';
import { custodyLine } from './shareCards';

export interface InventoryView {
  containers: readonly InventoryContainer[];
  keys: readonly InventoryKey[];
  deps: readonly InventoryDep[];
  health: (key: InventoryKey) => HealthRecord | undefined;
  /** The person's DEP, key-roll and teardown journeys with one line each and their resume verb. */
  journeys: ReadonlyArray<{ journey: OpsJourneyBase; line: string; resumeVerb: string }>;
  /** Who holds the security-domain shares of an active Managed HSM, and whether they confirmed. */
  custody?: (hsmName: string) => Custody | undefined;
  /** The tenant's Customer Key onboarding, one record per workload that has one. */
  onboarding?: readonly OnboardingRecord[];
  now: Date;
  /** The activity's locale (BCP 47); English when absent or unknown. */
  locale?: string;
}

const MAX_ROWS = 12;

/**
 * The inventory part of `status`: every vault, HSM, key (with its versions) and DEP Keyward knows,
 * with readiness from the last health check; plus the person's DEP, roll and teardown journeys.
 */
export function inventorySections(view: InventoryView): CardElement[] {
  const l = localizer(view.locale);
  const out: CardElement[] = [];
  const open = view.journeys.filter((j) => j.journey.status === 'open' || j.journey.status === 'waiting');
  if (open.length > 0) {
    out.push(text(l.t('inventory.journeys'), { spacing: 'Large' }));
    for (const j of open.slice(0, 8)) {
      out.push(
        container(
          [
            text(j.line, { size: 'Small' }),
            small(l.t('inventory.journeyLine', { waiting: j.journey.status === 'waiting' ? 'yes' : 'no', date: l.date(j.journey.createdAt) }), { subtle: true }),
            actionSet([executeAction(l.t('common.resume'), j.resumeVerb, { journeyId: j.journey.id }, { associatedInputs: 'none' })]),
          ],
          { separator: true, spacing: 'Small' },
        ),
      );
    }
  }

  if (view.onboarding) {
    // Customer Key onboarding per workload: a DEP can be created only once its workload is onboarded.
    out.push(text(l.t('inventory.onboarding'), { spacing: 'Large' }));
    const lines = WORKLOADS.map((w) => {
      const record = view.onboarding?.find((r) => r.workload === w);
      const state = record?.state ?? 'notStarted';
      const icon = state === 'onboarded' || state === 'confirmedByMicrosoft' ? '✅' : state === 'failed' ? '❌' : '⏳';
      const extra = [record?.requestId, record ? l.dateTime(record.updatedAt) : undefined].filter((x): x is string => x !== undefined);
      return `${icon} ${l.t('inventory.onboarding.line', { workload: workloadName(l, w), state: l.t(`inventory.onboarding.state.${state}`) })}${extra.length > 0 ? ` · ${extra.join(' · ')}` : ''}`;
    });
    out.push(text(lines.join('\n\n'), { size: 'Small' }));
    out.push(small(l.t('inventory.onboarding.hint'), { subtle: true }));
  }

  const shown = view.containers.filter((c) => c.status !== 'purged' || (c.purgedAt && view.now.getTime() - Date.parse(c.purgedAt) < 30 * 86_400_000));
  out.push(text(l.t('inventory.containers'), { spacing: 'Large' }));
  if (shown.length === 0) out.push(small(l.t('inventory.noContainers'), { subtle: true }));
  for (const c of shown.slice(0, MAX_ROWS)) {
    const custody = c.kind === 'managedHsm' && c.status === 'active' ? view.custody?.(c.name) : undefined;
    out.push(container([text(containerLine(l, c), { size: 'Small' }), ...(custody ? [small(custodyLine(l, custody))] : [])], { separator: true, spacing: 'Small' }));
  }
  if (shown.length > MAX_ROWS) out.push(small(l.t('common.andMore', { count: shown.length - MAX_ROWS }), { subtle: true }));

  const keys = view.keys.filter((k) => k.status === 'active');
  if (keys.length > 0) {
    out.push(text(l.t('inventory.keys'), { spacing: 'Large' }));
    for (const key of keys.slice(0, MAX_ROWS)) {
      const health = view.health(key);
      out.push(container([text(keyLine(l, key), { size: 'Small' }), small(healthLine(l, health), { subtle: health === undefined })], { separator: true, spacing: 'Small' }));
    }
    if (keys.length > MAX_ROWS) out.push(small(l.t('common.andMore', { count: keys.length - MAX_ROWS }), { subtle: true }));
  }

  const deps = view.deps.filter((d) => d.state !== 'Withdrawn');
  out.push(text(l.t('inventory.deps'), { spacing: 'Large' }));
  if (deps.length === 0) out.push(small(l.t('inventory.noDeps'), { subtle: true }));
  for (const dep of deps.slice(0, MAX_ROWS)) out.push(container([text(depLine(l, dep), { size: 'Small' })], { separator: true, spacing: 'Small' }));
  out.push(actionSet([executeAction(l.t('inventory.checkHealth'), INVENTORY_VERBS.checkHealth, {}, { associatedInputs: 'none' })]));
  return out;
}

function containerLine(l: Localizer, c: InventoryContainer): string {
  const values = {
    kind: c.kind,
    name: c.name,
    region: c.region,
    subscription: c.subscriptionId.slice(-6),
    origin: c.source === 'setup' ? 'setup' : 'adopted',
    hsm: c.kind === 'managedHsm' ? 'yes' : 'no',
  };
  switch (c.status) {
    case 'active':
      return l.t('inventory.container.active', values);
    case 'softDeleted':
      return l.t('inventory.container.softDeleted', {
        ...values,
        deleted: c.deletedAt ? l.dateTime(c.deletedAt) : '',
        purge: c.scheduledPurgeDate ? l.dateTime(c.scheduledPurgeDate) : l.t('inventory.container.scheduledDate'),
      });
    default:
      return l.t('inventory.container.purged', { ...values, purged: c.purgedAt ? l.dateTime(c.purgedAt) : '' });
  }
}

function keyLine(l: Localizer, key: InventoryKey): string {
  const version = currentVersion(key);
  return l.t('inventory.keyLine', {
    workload: workloadName(l, key.ref.workload),
    site: key.ref.site,
    key: key.ref.keyName,
    kind: key.ref.containerKind,
    container: key.ref.containerName,
    count: key.versions.length,
    current: version ? version.slice(0, 8) : 'none',
  });
}

function healthLine(l: Localizer, health: HealthRecord | undefined): string {
  if (!health) return l.t('inventory.health.unchecked');
  const c = health.counts;
  if (health.ready) return l.t('inventory.health.ready', { pass: c.pass, warn: c.warn, at: l.dateTime(health.checkedAt) });
  const first = health.problems.find((p) => p.status === 'fail') ?? health.problems[0];
  return l.t('inventory.health.notReady', {
    red: c.fail > 0 ? 'yes' : 'no',
    fail: c.fail,
    unknown: c.unknown,
    at: l.dateTime(health.checkedAt),
    first: first ? l.say(first.title) : 'none',
  });
}

/** A DEP in words: "Exchange mailbox DEP 'Contoso-EX'". */
export function describeDepRef(l: Localizer, dep: DepRef): string {
  return dep.scope === 'sharePoint' ? l.t('inventory.dep.sharePoint', { url: dep.adminUrl }) : l.t('inventory.dep.named', { scope: dep.scope, name: dep.policyName });
}

function depLine(l: Localizer, dep: InventoryDep): string {
  const mark = dep.state === 'Registered' ? '✅' : dep.state === 'Scripted' ? '📝' : '⏳';
  const values = { mark, dep: describeDepRef(l, dep.dep), state: dep.state };
  const parts: string[] = [
    dep.percentComplete !== undefined ? l.t('inventory.depLinePercent', { ...values, percent: dep.percentComplete / 100 }) : l.t('inventory.depLine', values),
  ];
  if (dep.assignment?.kind === 'tenant' && dep.assignment.assigned !== undefined)
    parts.push(dep.assignment.assigned ? l.t('inventory.dep.assigned') : l.t('inventory.dep.notAssigned'));
  if (dep.evidence) parts.push(l.t('inventory.dep.evidence', { at: l.dateTime(dep.evidence.at) }));
  else if (dep.state === 'Scripted') parts.push(l.t('inventory.dep.scripted'));
  return parts.join('; ');
}

/** Posted when the scheduled re-check finds something that turned red (or green again). */
export function renderDriftCard(input: { reports: readonly DriftReport[]; checkedAt: string; locale?: string }): AdaptiveCardJson {
  const l = localizer(input.locale);
  const red = input.reports.filter((r) => r.newlyRed.length > 0);
  const body: CardElement[] = [
    text(l.t('inventory.drift.kicker'), { subtle: true, size: 'Small' }),
    heading(red.length > 0 ? l.t('inventory.drift.title', { count: red.length }) : l.t('inventory.drift.fixed'), 'Medium'),
    small(l.t('inventory.drift.intro', { at: l.dateTime(input.checkedAt) }), { subtle: true }),
  ];
  for (const [index, report] of input.reports.slice(0, 8).entries()) {
    const ref = report.key.ref;
    const items: CardElement[] = [
      text(l.t('inventory.drift.key', { workload: workloadName(l, ref.workload), site: ref.site, key: ref.keyName, kind: ref.containerKind, container: ref.containerName })),
    ];
    if (report.newlyRed.length > 0) items.push(...checklistElements(l, report.newlyRed, { idPrefix: `drift.${index}` }));
    if (report.resolved.length > 0) items.push(notice(l, 'success', l.t('inventory.drift.green', { count: report.resolved.length })));
    body.push(container(items, { separator: true }));
  }
  return card(body, {
    actions: [executeAction(l.t('inventory.drift.status'), INVENTORY_VERBS.status, {}, { associatedInputs: 'none' })],
    fallbackText: l.t('inventory.drift.fallback'),
  });
}
