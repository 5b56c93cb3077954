import { LOCAL_IDENTITIES, LOCAL_M365_SERVICE_PRINCIPALS, LOCAL_PEOPLE, LOCAL_SUBSCRIPTIONS, LOCAL_TENANT_ID } from '../../src/core';
import {
  buildSetupPlan,
  planText,
  type SetupPlanContext,
  type AccessModel,
  type KeySize,
  type ManagedHsmSpec,
  type Plan,
  type PremiumSpec,
  type Workload,
} from '../../src/customerKey';
import type { Run, StepState } from '../../src/executor';

/**
 * Specs and plans for the executor tests: the local tenant's subscriptions and identities, names
 * unique per call (vault and HSM names are global in the emulator, as in Azure), RSA 2048 keys
 * (key generation is the slow part of these tests).
 */
let counter = 0;
function unique(prefix: string): string {
  counter += 1;
  return `${prefix}${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}${counter}`.toLowerCase().slice(0, 22);
}

export const SP_OBJECT_IDS: Record<string, string> = Object.fromEntries(LOCAL_M365_SERVICE_PRINCIPALS.map((sp) => [sp.appId, sp.objectId]));
export const PLAN_CONTEXT = { tenantId: LOCAL_TENANT_ID, keywardWriterObjectId: LOCAL_IDENTITIES.writer.objectId, servicePrincipalObjectIds: SP_OBJECT_IDS };
/**
 * The context keywardApp plans with when the reader is its own identity (local mode, production):
 * the plan gives the reader read-only key access, so the checks that run as the reader (health,
 * DEP key checks, verify: issue 12 item 6) can read the keys. PLAN_CONTEXT is the writer-only plan.
 */
export const APP_PLAN_CONTEXT: SetupPlanContext = { ...PLAN_CONTEXT, keywardReaderObjectId: LOCAL_IDENTITIES.reader.objectId };

export function premiumSpec(options: { accessModel?: AccessModel; workloads?: Workload[]; keySize?: KeySize } = {}): PremiumSpec {
  const workloads = options.workloads ?? ['exchange'];
  const site = (id: 'A' | 'B', subscriptionId: string, region: string) => ({
    subscriptionId,
    resourceGroup: unique(`rg-ck-${id.toLowerCase()}-`),
    region,
    vaults: workloads.map((workload) => ({ workload, vaultName: unique(`kv${id.toLowerCase()}`), keyName: `ck-${workload.toLowerCase()}-${id.toLowerCase()}` })),
  });
  return {
    protection: 'keyVaultPremium',
    workloads,
    keySize: options.keySize ?? 2048,
    accessModel: options.accessModel ?? 'rbac',
    approvers: { A: [], B: [] },
    sites: { A: site('A', LOCAL_SUBSCRIPTIONS.primary.id, 'westeurope'), B: site('B', LOCAL_SUBSCRIPTIONS.secondary.id, 'swedencentral') },
  };
}

export const OFFICERS = [LOCAL_PEOPLE.approverAlex, LOCAL_PEOPLE.approverBruno, LOCAL_PEOPLE.approverChen];

export function hsmSpec(options: { workloads?: Workload[] } = {}): ManagedHsmSpec {
  const workloads = options.workloads ?? ['exchange'];
  const site = (id: 'A' | 'B', subscriptionId: string, region: string) => ({
    subscriptionId,
    resourceGroup: unique(`rg-hsm-${id.toLowerCase()}-`),
    region,
    hsmName: unique(`hsm${id.toLowerCase()}`),
    keys: workloads.map((workload) => ({ workload, keyName: `ck-${workload.toLowerCase()}` })),
  });
  return {
    protection: 'managedHsm',
    workloads,
    keySize: 2048,
    approvers: { A: [], B: [] },
    sites: { A: site('A', LOCAL_SUBSCRIPTIONS.primary.id, 'westeurope'), B: site('B', LOCAL_SUBSCRIPTIONS.secondary.id, 'eastus2') },
    hsm: {
      initialAdminObjectIds: [LOCAL_PEOPLE.operator.objectId],
      softDeleteRetentionDays: 90,
      officers: OFFICERS.map((p) => ({ objectId: p.objectId, displayName: p.displayName })),
      quorum: 2,
      costAcknowledged: true,
    },
  };
}

export function premiumPlan(options: Parameters<typeof premiumSpec>[0] = {}, context: SetupPlanContext = PLAN_CONTEXT): Plan {
  return buildSetupPlan(premiumSpec(options), context);
}

export function hsmPlan(options: Parameters<typeof hsmSpec>[0] = {}): Plan {
  return buildSetupPlan(hsmSpec(options), PLAN_CONTEXT);
}

/** A run of `plan` with the steps before `upTo` done and the step at `upTo` in the state `status` implies (for card tests). */
export function runOf(plan: Plan, status: Run['status'], upTo: number, extra: Partial<Run> = {}): Run {
  const steps: StepState[] = plan.steps.map((s): StepState => ({
    index: s.index,
    id: s.id,
    kind: s.kind,
    status:
      s.index < upTo
        ? 'done'
        : s.index === upTo
          ? status === 'stopped'
            ? 'failed'
            : status === 'waitingForInput'
              ? 'waiting'
              : status === 'running'
                ? 'running'
                : 'done'
          : status === 'succeeded'
            ? 'done'
            : 'pending',
    attempts: 1,
    // What a finished step reports (in its own words on a real run; the plan's sentence here).
    ...(s.index < upTo || status === 'succeeded' ? { note: planText(plan).steps[s.index]! } : {}),
    ...(s.kind === 'ensureKey'
      ? {
          output: {
            keyId: `https://${s.params.container.name}.vault.localhost:8443/keys/${s.params.keyName}/0123456789abcdef0123456789abcdef`,
            version: '0123456789abcdef0123456789abcdef',
          },
        }
      : {}),
    ...(s.kind === 'backupKey' ? { output: { file: `/var/keyward/backups/${s.params.container.name}/${s.params.keyName}/0123.keybackup` } } : {}),
  }));
  return {
    id: 'run_abcdefghijkl',
    requestId: '3f1c2b9a-1111-4222-8333-444455556666',
    planHash: 'a'.repeat(64),
    plan,
    title: plan.title,
    status,
    version: 7,
    attempt: 1,
    steps,
    retryUntil: '2026-01-05T13:00:00.000Z',
    createdAt: '2026-01-05T09:00:00.000Z',
    updatedAt: '2026-01-05T09:30:00.000Z',
    ...extra,
  };
}
