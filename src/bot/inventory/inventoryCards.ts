import { describeDep, WORKLOAD_INFO, WORKLOADS, type OnboardingRecord, type OnboardingState } from '../../customerKey';
import type { HealthRecord, InventoryContainer, InventoryDep, InventoryKey } from '../../inventory/inventoryTypes';
import { currentVersion } from '../../inventory/inventoryTypes';
import type { DriftReport } from '../../inventory/healthMonitor';
import type { OpsJourneyBase } from '../../inventory/opsJourney';
import { actionSet, card, container, executeAction, heading, notice, text, type AdaptiveCardJson, type CardElement } from '../cards/adaptiveCard';
import { checklistElements } from '../setup/setupCards';
import { small, utc } from './opsCards';
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
}

const ONBOARDING_WORDS: Readonly<Record<OnboardingState, string>> = {
  notStarted: 'not onboarded',
  validated: 'validated, request not filed',
  requested: 'requested, Microsoft not done yet',
  failed: 'failed',
  onboarded: 'onboarded',
  confirmedByMicrosoft: 'onboarded (confirmed by Microsoft)',
};

const MAX_ROWS = 12;

/**
 * The inventory part of `status`: every vault, HSM, key (with its versions) and DEP Keyward knows,
 * with readiness from the last health check; plus the person's DEP, roll and teardown journeys.
 */
export function inventorySections(view: InventoryView): CardElement[] {
  const out: CardElement[] = [];
  const open = view.journeys.filter((j) => j.journey.status === 'open' || j.journey.status === 'waiting');
  if (open.length > 0) {
    out.push(text('**DEP, key-roll and teardown journeys**', { spacing: 'Large' }));
    for (const j of open.slice(0, 8)) {
      out.push(
        container(
          [
            text(j.line, { size: 'Small' }),
            small(`${j.journey.status === 'waiting' ? 'waiting' : 'your turn'} · started ${j.journey.createdAt.slice(0, 10)}`, { subtle: true }),
            actionSet([executeAction('Resume', j.resumeVerb, { journeyId: j.journey.id }, { associatedInputs: 'none' })]),
          ],
          { separator: true, spacing: 'Small' },
        ),
      );
    }
  }

  if (view.onboarding) {
    // Customer Key onboarding per workload: a DEP can be created only once its workload is onboarded.
    out.push(text('**Customer Key onboarding**', { spacing: 'Large' }));
    const lines = WORKLOADS.map((w) => {
      const record = view.onboarding?.find((r) => r.workload === w);
      const state = record?.state ?? 'notStarted';
      return `${state === 'onboarded' || state === 'confirmedByMicrosoft' ? '✅' : state === 'failed' ? '❌' : '⏳'} ${WORKLOAD_INFO[w].displayName}: ${ONBOARDING_WORDS[state]}${record?.requestId ? ` (request ${record.requestId})` : ''}${record ? ` · ${utc(record.updatedAt)}` : ''}`;
    });
    out.push(text(lines.join('\n\n'), { size: 'Small' }));
    out.push(small('"dep" shows the onboarding step for a workload that is not onboarded yet.', { subtle: true }));
  }

  const shown = view.containers.filter((c) => c.status !== 'purged' || (c.purgedAt && view.now.getTime() - Date.parse(c.purgedAt) < 30 * 86_400_000));
  out.push(text('**Vaults and Managed HSMs Keyward knows**', { spacing: 'Large' }));
  if (shown.length === 0) out.push(small('None yet. "setup" creates them; "dep" can adopt existing keys by URI.', { subtle: true }));
  for (const c of shown.slice(0, MAX_ROWS)) {
    const custody = c.kind === 'managedHsm' && c.status === 'active' ? view.custody?.(c.name) : undefined;
    out.push(container([text(containerLine(c), { size: 'Small' }), ...(custody ? [small(custodyLine(custody))] : [])], { separator: true, spacing: 'Small' }));
  }
  if (shown.length > MAX_ROWS) out.push(small(`… and ${shown.length - MAX_ROWS} more.`, { subtle: true }));

  const keys = view.keys.filter((k) => k.status === 'active');
  if (keys.length > 0) {
    out.push(text('**Keys**', { spacing: 'Large' }));
    for (const key of keys.slice(0, MAX_ROWS)) {
      const health = view.health(key);
      out.push(container([text(keyLine(key), { size: 'Small' }), small(healthLine(health), { subtle: health === undefined })], { separator: true, spacing: 'Small' }));
    }
    if (keys.length > MAX_ROWS) out.push(small(`… and ${keys.length - MAX_ROWS} more.`, { subtle: true }));
  }

  const deps = view.deps.filter((d) => d.state !== 'Withdrawn');
  out.push(text('**Data Encryption Policies**', { spacing: 'Large' }));
  if (deps.length === 0) out.push(small('None recorded. "dep" writes the PowerShell for one and records its state from the Get- output.', { subtle: true }));
  for (const dep of deps.slice(0, MAX_ROWS)) out.push(container([text(depLine(dep), { size: 'Small' })], { separator: true, spacing: 'Small' }));
  out.push(actionSet([executeAction('Check key health now', INVENTORY_VERBS.checkHealth, {}, { associatedInputs: 'none' })]));
  return out;
}

function containerLine(c: InventoryContainer): string {
  const kind = c.kind === 'vault' ? 'Vault' : 'Managed HSM';
  const where = `${c.region}, subscription …${c.subscriptionId.slice(-6)}, ${c.source === 'setup' ? 'created by Keyward' : 'adopted'}`;
  switch (c.status) {
    case 'active':
      return `✅ **${kind} ${c.name}** — active (${where})${c.kind === 'managedHsm' ? '; bills hourly' : ''}`;
    case 'softDeleted':
      return `⏳ **${kind} ${c.name}** — soft-deleted${c.deletedAt ? ` ${utc(c.deletedAt)}` : ''}; Azure purges it ${c.scheduledPurgeDate ? `on ${utc(c.scheduledPurgeDate)}` : 'on its scheduled date'}${c.kind === 'managedHsm' ? '; still bills hourly until then' : ''}`;
    default:
      return `🗑️ **${kind} ${c.name}** — purged${c.purgedAt ? ` ${utc(c.purgedAt)}` : ''}${c.kind === 'managedHsm' ? '; no longer bills' : ''}`;
  }
}

function keyLine(key: InventoryKey): string {
  const version = currentVersion(key);
  return `**${WORKLOAD_INFO[key.ref.workload].displayName}, key ${key.ref.site}**: ${key.ref.keyName} in ${key.ref.containerKind === 'vault' ? 'vault' : 'HSM'} ${key.ref.containerName} — ${key.versions.length} version${key.versions.length === 1 ? '' : 's'}${version ? `, current ${version.slice(0, 8)}…` : ''} (older versions stay enabled)`;
}

function healthLine(health: HealthRecord | undefined): string {
  if (!health) return '❔ Readiness not checked yet.';
  const c = health.counts;
  if (health.ready) return `✅ Ready (${c.pass} checks green${c.warn > 0 ? `, ${c.warn} warnings` : ''}) — ${utc(health.checkedAt)}`;
  const first = health.problems.find((p) => p.status === 'fail') ?? health.problems[0];
  return `${c.fail > 0 ? '❌' : '❔'} ${c.fail} red, ${c.unknown} not checked — ${utc(health.checkedAt)}${first ? `: ${first.title}` : ''}`;
}

function depLine(dep: InventoryDep): string {
  const mark = dep.state === 'Registered' ? '✅' : dep.state === 'Scripted' ? '📝' : '⏳';
  const extra = dep.percentComplete !== undefined ? ` (${dep.percentComplete}%)` : '';
  const evidence = dep.evidence ? ` — from pasted output ${utc(dep.evidence.at)}` : dep.state === 'Scripted' ? ' — script handed out, no output pasted yet' : '';
  const assignment = dep.assignment?.kind === 'tenant' ? (dep.assignment.assigned === true ? '; assigned to the tenant' : dep.assignment.assigned === false ? '; NOT the tenant\'s assigned policy' : '') : '';
  return `${mark} **${describeDep(dep.dep)}** — ${dep.state}${extra}${assignment}${evidence}`;
}

/** Posted when the scheduled re-check finds something that turned red (or green again). */
export function renderDriftCard(input: { reports: readonly DriftReport[]; checkedAt: string }): AdaptiveCardJson {
  const red = input.reports.filter((r) => r.newlyRed.length > 0);
  const body: CardElement[] = [
    text('Customer Key health check', { subtle: true, size: 'Small' }),
    heading(red.length > 0 ? `Drift: ${red.length} key${red.length === 1 ? '' : 's'} no longer meet${red.length === 1 ? 's' : ''} the Customer Key rules` : 'Fixed: earlier problems are gone', 'Medium'),
    small(`Checked ${utc(input.checkedAt)}, read-only. Microsoft 365 may lose access to data when a key is disabled, expires or loses its permission; fix the red lines now.`, { subtle: true }),
  ];
  for (const report of input.reports.slice(0, 8)) {
    const ref = report.key.ref;
    const items: CardElement[] = [text(`**${WORKLOAD_INFO[ref.workload].displayName}, key ${ref.site}: ${ref.keyName}** in ${ref.containerKind === 'vault' ? 'vault' : 'HSM'} ${ref.containerName}`)];
    if (report.newlyRed.length > 0) items.push(...checklistElements(report.newlyRed));
    if (report.resolved.length > 0) items.push(notice('success', `Green again: ${report.resolved.length} check${report.resolved.length === 1 ? '' : 's'} that were red.`));
    body.push(container(items, { separator: true }));
  }
  return card(body, { actions: [executeAction('Show status', INVENTORY_VERBS.status, {}, { associatedInputs: 'none' })], fallbackText: 'Keyward: Customer Key drift detected.' });
}
