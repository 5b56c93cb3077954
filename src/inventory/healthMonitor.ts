/**
 * The scheduled readiness re-check: every active key in the inventory is checked against the
 * Customer Key rules (the same check as `verify` and the setup plan's last step), and what turned
 * red since the last check is reported as drift — a permission removed, purge protection off, a
 * key disabled, an expiry set. Checks that could not be made ("unknown") are kept for the status
 * card but do not raise an alert by themselves (a throttled read is not drift).
 */
import type { Clock } from '../core';
import type { AuditEventInput } from '../audit/auditRecord';
import { servicePrincipalFor, summarizeChecklist, type ChecklistLine, type DepScope, type KeyRef, type Workload } from '../customerKey';
import type { InventoryService } from './inventoryService';
import type { KeyChecker } from './inventoryPorts';
import { containerId, keyId, type HealthRecord, type InventoryKey } from './inventoryTypes';

export interface DriftReport {
  key: InventoryKey;
  /** Lines that are red now and were not at the previous check. */
  newlyRed: ChecklistLine[];
  /** Ids of lines that were red and are green again. */
  resolved: string[];
  record: HealthRecord;
}

export interface HealthCheckResult {
  checkedAt: string;
  keys: number;
  drift: DriftReport[];
}

export interface HealthMonitorDeps {
  inventory: InventoryService;
  checker: KeyChecker;
  clock: Clock;
  audit: { append(event: AuditEventInput): Promise<unknown> };
  servicePrincipalObjectId(workload: DepScope): Promise<string | undefined>;
}

export class HealthMonitor {
  constructor(private readonly deps: HealthMonitorDeps) {}

  /** Checks every active key once; stores the results; returns what drifted. */
  async checkAll(): Promise<HealthCheckResult> {
    const { inventory } = this.deps;
    const activeContainers = new Set((await inventory.containers()).filter((c) => c.status === 'active').map((c) => c.id));
    const keys = (await inventory.keys()).filter((k) => k.status === 'active' && activeContainers.has(containerId(k.ref.containerKind, k.ref.containerName)));
    const checkedAt = this.deps.clock.now().toISOString();
    if (keys.length === 0) return { checkedAt, keys: 0, drift: [] };
    const workloads = [...new Set(keys.map((k) => k.ref.workload))];
    const principals: Array<{ workload: Workload; appId: string; objectId: string }> = [];
    for (const workload of workloads) {
      const objectId = await this.deps.servicePrincipalObjectId(workload).catch(() => undefined);
      if (objectId) principals.push({ workload, appId: servicePrincipalFor(workload).appId, objectId });
    }
    // Readiness line ids name a key by site and workload (`key:A:exchange:…`), so two pairs of one
    // workload (say an old and a new one) are checked in separate calls: one call per pair.
    const groups = new Map<string, InventoryKey[]>();
    for (const key of keys) groups.set(key.pairId, [...(groups.get(key.pairId) ?? []), key]);
    const drift: DriftReport[] = [];
    let checkedAtLatest = checkedAt;
    for (const group of groups.values()) {
      const report = await this.deps.checker.check({ keys: group.map((k) => k.ref), principals: principals.filter((p) => group.some((k) => k.ref.workload === p.workload)) });
      checkedAtLatest = report.checkedAt;
      drift.push(...(await this.compare(group, report)));
    }
    return { checkedAt: checkedAtLatest, keys: keys.length, drift };
  }

  private async compare(keys: readonly InventoryKey[], report: { checkedAt: string; lines: readonly ChecklistLine[] }): Promise<DriftReport[]> {
    const { inventory } = this.deps;
    const drift: DriftReport[] = [];
    for (const key of keys) {
      // Read the previous record and write the new one (and its audit record) in one unit of work:
      // when two Keyward processes check at once, the second compares against the first's result,
      // so only one of them reports (and posts) the drift.
      const found = await inventory.transaction(() => this.compareKey(key, report));
      if (found) drift.push(found);
    }
    return drift;
  }

  private async compareKey(key: InventoryKey, report: { checkedAt: string; lines: readonly ChecklistLine[] }): Promise<DriftReport | undefined> {
    const { inventory } = this.deps;
    const lines = report.lines.filter((line) => belongsTo(line, key.ref));
    const previous = await inventory.health(key.ref.versionlessUri);
    // A newer result is already stored (another process finished a later check first): keep it.
    if (previous && previous.checkedAt > report.checkedAt) return undefined;
    const summary = summarizeChecklist(lines);
    const record: HealthRecord = {
      id: keyId(key.ref.versionlessUri),
      checkedAt: report.checkedAt,
      ready: summary.ready,
      counts: { pass: summary.pass, warn: summary.warn, fail: summary.fail, unknown: summary.unknown },
      problems: lines
        .filter((l) => l.status === 'fail' || l.status === 'unknown')
        .map((l) => ({ id: l.id, status: l.status, title: l.title, detail: l.detail, ...(l.fix ? { fix: l.fix.text } : {}) })),
    };
    await inventory.putHealth(record);
    const wasRed = new Set((previous?.problems ?? []).filter((p) => p.status === 'fail').map((p) => p.id));
    const newlyRed = lines.filter((l) => l.status === 'fail' && !wasRed.has(l.id));
    const nowRed = new Set(lines.filter((l) => l.status === 'fail').map((l) => l.id));
    const resolved = [...wasRed].filter((id) => !nowRed.has(id));
    if (newlyRed.length === 0 && resolved.length === 0) return undefined;
    await this.deps.audit.append({
      actor: { objectId: 'system:keyward', name: 'Keyward' },
      action: newlyRed.length > 0 ? 'health.drift' : 'health.recovered',
      target: key.ref.versionlessUri,
      outcome: 'info',
      details: { newlyRed: newlyRed.map((l) => l.id), resolved },
    });
    return { key, newlyRed, resolved, record };
  }
}

/** Readiness lines are per key (`key:<site>:<workload>:…`) or per workload pair (`pair:<workload>:…`). */
function belongsTo(line: ChecklistLine, ref: KeyRef): boolean {
  return line.id.startsWith(`key:${ref.site}:${ref.workload}:`) || line.id === `key:${ref.site}:${ref.workload}`;
}
