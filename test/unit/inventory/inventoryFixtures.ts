/**
 * An in-memory inventory world for unit tests of the DEP, key-roll, teardown and health logic:
 * SQLite in memory, the real stores and services, a ManualClock, and an inventory seeded from a
 * synthetic finished setup run built from the domain's own plan (so names match the parser
 * fixtures in test/unit/customerKey/fixtures).
 */
import { LOCAL_PEOPLE, LOCAL_TENANT_ID, ManualClock } from '../../../src/core';
import type { ManagedHsmInfo, VaultInfo } from '../../../src/azure/ports';
import {
  buildSetupPlan,
  evaluateReadiness,
  validateSpec,
  type ChecklistLine,
  type CustomerKeyDraft,
  type KeyRef,
  type ObservedContainer,
  type ObservedKey,
  type Plan,
} from '../../../src/customerKey';
import { InventoryService, type RecordableRun } from '../../../src/inventory/inventoryService';
import type { KeyChecker } from '../../../src/inventory/inventoryPorts';
import { openSqliteDatabase, type SqliteDatabase } from '../../../src/store/sqliteDatabase';
import { inventoryMigrations, SqlInventoryStore } from '../../../src/store/sqlInventoryStore';
import { inventoryJourneyMigrations } from '../../../src/store/sqlOpsJourneyStore';
import { depDownloadMigrations, SqlDepDownloadStore } from '../../../src/store/sqlDepDownloadStore';
import { onboardingMigrations } from '../../../src/store/sqlOnboardingStore';
import { DownloadService } from '../../../src/server/downloads';
import type { AuditEventInput } from '../../../src/audit/auditRecord';
import { CONTEXT, hsmDraft, premiumDraft } from '../customerKey/fixtures/specs';

export const VERSIONS: Record<string, string> = {
  'ck-mw-a': 'aa11aa11aa11aa11aa11aa11aa11aa11',
  'ck-mw-b': 'bb22bb22bb22bb22bb22bb22bb22bb22',
  'ck-ex-a': 'cc33cc33cc33cc33cc33cc33cc33cc33',
  'ck-ex-b': 'dd44dd44dd44dd44dd44dd44dd44dd44',
  // The SharePoint parser fixtures carry these versions.
  'ck-sp-a': 'f635a23bd4a44b9996ff6aadd88d42ba',
  'ck-sp-b': '2b3e8f1d754f438dacdec1f0945f251a',
  'ck-ex': 'ee55ee55ee55ee55ee55ee55ee55ee55',
  'ck-mw': 'ff66ff66ff66ff66ff66ff66ff66ff66',
};

export const OPERATOR = { aadObjectId: LOCAL_PEOPLE.operator.objectId, name: LOCAL_PEOPLE.operator.displayName, tenantId: LOCAL_TENANT_ID };
export const OBSERVER = { aadObjectId: LOCAL_PEOPLE.observer.objectId, name: LOCAL_PEOPLE.observer.displayName, tenantId: LOCAL_TENANT_ID };

export function setupPlanOf(draft: CustomerKeyDraft): Plan {
  const result = validateSpec(draft, {});
  if (!result.ok || !result.spec) throw new Error(`fixture draft invalid: ${JSON.stringify(result.errors)}`);
  return buildSetupPlan(result.spec, CONTEXT);
}

/** A finished setup run of `plan`: every step done, keys with the fixture versions. */
export function finishedSetupRun(plan: Plan, requestId: string): RecordableRun {
  return {
    id: `run_${requestId}`,
    requestId,
    version: 40,
    status: 'succeeded',
    plan,
    steps: plan.steps.map((step) => ({
      index: step.index,
      kind: step.kind,
      status: 'done',
      output: step.kind === 'ensureKey' ? { version: VERSIONS[step.params.keyName] ?? '0123456789abcdef0123456789abcdef' } : {},
    })),
  };
}

/**
 * One readiness line of a key, made by the real readiness rules from a healthy key with `change`
 * applied (so the cards show what Keyward really says). Its id is the part after `key:<site>:<workload>:`.
 */
export function readinessLineOf(ref: KeyRef, check: string, change: { key?: Partial<ObservedKey>; container?: Partial<ObservedContainer> } = {}): ChecklistLine {
  const key: ObservedKey = {
    kid: `${ref.versionlessUri}/0123456789abcdef0123456789abcdef`,
    kty: 'RSA-HSM',
    keyOps: ['wrapKey', 'unwrapKey'],
    enabled: true,
    expires: null,
    recoveryLevel: 'Recoverable+ProtectedSubscription',
    ...change.key,
  };
  const container = (
    ref.containerKind === 'vault'
      ? {
          kind: 'vault',
          subscriptionId: ref.subscriptionId,
          region: ref.region,
          sku: 'premium',
          softDeleteEnabled: true,
          softDeleteRetentionDays: 90,
          purgeProtectionEnabled: true,
          enableRbacAuthorization: true,
          ...change.container,
        }
      : {
          kind: 'managedHsm',
          subscriptionId: ref.subscriptionId,
          region: ref.region,
          softDeleteRetentionDays: 90,
          purgeProtectionEnabled: true,
          activationStatus: 'Active',
          ...change.container,
        }
  ) as ObservedContainer;
  const lines = evaluateReadiness({
    now: new Date(Date.UTC(2026, 10, 29)),
    keys: [{ ref, principalObjectId: 'c0ffee00-0000-4000-8000-000000000002', observed: { key: { ok: true, value: key }, container: { ok: true, value: container } } }],
  });
  const prefix = `key:${ref.site}:${ref.workload}:`;
  const line = lines.find((l) => l.id === `${prefix}${check}`);
  if (!line) throw new Error(`no readiness line ${check}`);
  return { ...line, id: check };
}

export class FakeChecker implements KeyChecker {
  red = new Map<string, ChecklistLine>();
  calls: KeyRef[][] = [];
  constructor(private readonly clock: ManualClock) {}
  async check(target: { keys: readonly KeyRef[] }) {
    this.calls.push([...target.keys]);
    const lines: ChecklistLine[] = [];
    for (const ref of target.keys) {
      const id = `key:${ref.site}:${ref.workload}`;
      const red = this.red.get(ref.versionlessUri.toLowerCase());
      if (red?.id !== 'enabled') lines.push({ ...readinessLineOf(ref, 'enabled'), id: `${id}:enabled` });
      if (red) lines.push({ ...red, id: `${id}:${red.id}` });
    }
    return { checkedAt: this.clock.now().toISOString(), lines };
  }
}

export interface InventoryWorld {
  db: SqliteDatabase;
  clock: ManualClock;
  inventory: InventoryService;
  downloads: DownloadService;
  audit: AuditEventInput[];
  checker: FakeChecker;
  vaults: Map<string, VaultInfo>;
  hsms: Map<string, ManagedHsmInfo>;
  reader: {
    getVault(sub: string, rg: string, name: string): Promise<VaultInfo | undefined>;
    getManagedHsm(sub: string, rg: string, name: string): Promise<ManagedHsmInfo | undefined>;
  };
  premiumPlan: Plan;
  hsmPlan: Plan;
}

export async function inventoryWorld(options: { seed?: boolean } = {}): Promise<InventoryWorld> {
  const db = await openSqliteDatabase({ file: ':memory:', migrations: [...inventoryMigrations, ...inventoryJourneyMigrations, ...depDownloadMigrations, ...onboardingMigrations] });
  const clock = new ManualClock(Date.UTC(2026, 10, 29, 9, 0));
  const inventory = new InventoryService({ store: new SqlInventoryStore(db), clock });
  const audit: AuditEventInput[] = [];
  const downloads = new DownloadService({
    store: new SqlDepDownloadStore(db),
    clock,
    baseUrl: () => 'https://keyward.example.org',
    ttlMs: 60 * 60_000,
    audit: recordingAudit(audit),
  });
  const vaults = new Map<string, VaultInfo>();
  const hsms = new Map<string, ManagedHsmInfo>();
  const premiumPlan = setupPlanOf(premiumDraft());
  const hsmPlan = setupPlanOf(hsmDraft());
  if (options.seed !== false) {
    await inventory.recordRun(finishedSetupRun(premiumPlan, '11111111-1111-4111-8111-111111111111'), {
      custodians: { A: [LOCAL_PEOPLE.approverChen.objectId], B: [LOCAL_PEOPLE.approverDana.objectId] },
    });
    await inventory.recordRun(finishedSetupRun(hsmPlan, '22222222-2222-4222-8222-222222222222'), {
      custodians: { A: [LOCAL_PEOPLE.approverChen.objectId], B: [LOCAL_PEOPLE.approverDana.objectId] },
    });
  }
  return {
    db,
    clock,
    inventory,
    downloads,
    audit,
    checker: new FakeChecker(clock),
    vaults,
    hsms,
    reader: {
      getVault: async (_sub, _rg, name) => vaults.get(name.toLowerCase()),
      getManagedHsm: async (_sub, _rg, name) => hsms.get(name.toLowerCase()),
    },
    premiumPlan,
    hsmPlan,
  };
}

/** An audit port that keeps what it is given (fails like the real one only when told to: never here). */
export function recordingAudit(into: AuditEventInput[]): { append(event: AuditEventInput): Promise<unknown> } {
  return {
    append: async (event) => {
      into.push(event);
    },
  };
}

export function vaultInfo(name: string, location: string, overrides: Partial<VaultInfo> = {}): VaultInfo {
  return {
    id: `/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/${name}`,
    name,
    location,
    vaultUri: `https://${name}.vault.azure.net/`,
    sku: 'premium',
    tenantId: LOCAL_TENANT_ID,
    softDeleteEnabled: true,
    softDeleteRetentionDays: 90,
    purgeProtectionEnabled: true,
    rbacAuthorization: true,
    accessPolicies: [],
    tags: {},
    ...overrides,
  };
}
