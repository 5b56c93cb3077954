import { createHash } from 'node:crypto';
import { appError, textOf, type Clock } from '../core';
import { describeDep, parseKeyIdentifier, type DepKeyUsage, type DepRef, type DepScope, type KeyRef, type KeySize, type Plan, type PlanStep } from '../customerKey';
import type { InventoryStore } from './inventoryStore';
import {
  containerId,
  currentVersion,
  DEP_STATES_USING_KEYS,
  depId,
  keyId,
  type DepEvidence,
  type DepState,
  type HealthRecord,
  type InventoryContainer,
  type InventoryDep,
  type InventoryKey,
  type KeyPair,
  type RotationSchedule,
} from './inventoryTypes';

/**
 * The part of an executor run the inventory reads (structurally the executor's `Run`): the
 * approved plan and what each step reported. Only steps that are `done` count.
 */
export interface RecordableRun {
  id: string;
  requestId: string;
  version: number;
  status: string;
  plan: Plan;
  steps: ReadonlyArray<{ index: number; kind: string; status: string; output?: Readonly<Record<string, unknown>> }>;
}

/** What recording a run changed, for cards and logs. */
export interface InventoryChange {
  what: 'container' | 'key' | 'keyVersion' | 'dep';
  id: string;
  summary: string;
}

export interface InventoryServiceDeps {
  store: InventoryStore;
  clock: Clock;
}

/**
 * Keyward's inventory: what exists because an approved plan ran (folded in from the run's step
 * outputs, idempotently), what an operator adopted by URI after verification, and the DEPs and
 * their states as pasted back from the Get- cmdlets. Reads for `status`, teardown's "is a key
 * still in use" check, the key-roll lock, reminders and the health check all come from here.
 */
export class InventoryService {
  constructor(private readonly io: InventoryServiceDeps) {}

  // ------------------------------------------------------------------ runs

  /**
   * Folds a run into the inventory. Safe to call for every change of a run and again after a
   * restart: a run version already recorded is skipped, and every merge is idempotent.
   */
  async recordRun(run: RecordableRun, context: { custodians?: { A: readonly string[]; B: readonly string[] } } = {}): Promise<InventoryChange[]> {
    const { store } = this.io;
    return store.transaction(async () => {
      const recorded = await store.recordedRunVersion(run.id);
      if (recorded !== undefined && recorded >= run.version) return [];
      const changes: InventoryChange[] = [];
      for (const state of run.steps) {
        if (state.status !== 'done') continue;
        const step = run.plan.steps[state.index];
        if (!step || step.kind !== state.kind) continue;
        changes.push(...(await this.recordStep(run, step, state.output ?? {}, context)));
      }
      await store.markRunRecorded(run.id, run.version);
      return changes;
    });
  }

  private async recordStep(
    run: RecordableRun,
    step: PlanStep,
    output: Readonly<Record<string, unknown>>,
    context: { custodians?: { A: readonly string[]; B: readonly string[] } },
  ): Promise<InventoryChange[]> {
    const now = this.now();
    const { store } = this.io;
    switch (step.kind) {
      case 'ensureVault':
      case 'ensureManagedHsm': {
        const p = step.params;
        const kind = step.kind === 'ensureVault' ? 'vault' : 'managedHsm';
        const name = step.kind === 'ensureVault' ? step.params.vaultName : step.params.hsmName;
        const id = containerId(kind, name);
        const existing = await store.getContainer(id);
        if (existing && existing.status === 'active') return [];
        await store.putContainer({
          id,
          kind,
          name,
          subscriptionId: p.subscriptionId.toLowerCase(),
          resourceGroup: p.resourceGroup,
          region: p.region,
          status: 'active',
          source: 'setup',
          createdByRequestId: run.requestId,
          purgeProtectionEnabled: p.enablePurgeProtection,
          softDeleteRetentionDays: p.softDeleteRetentionInDays,
          updatedAt: now,
        });
        return [{ what: 'container', id, summary: `${kind === 'vault' ? 'Vault' : 'Managed HSM'} ${name} created` }];
      }
      case 'ensureKey': {
        const ref = run.plan.keys.find((k) => sameName(k.containerName, step.params.container.name) && sameName(k.keyName, step.params.keyName));
        const version = versionOf(output);
        if (!ref) return [];
        const pairId = `${run.requestId}:${ref.workload}`;
        const changed = await this.mergeKey(
          ref,
          pairId,
          step.params.keySize,
          version ? { version, recordedAt: now, requestId: run.requestId, how: 'setup' } : undefined,
          context.custodians,
        );
        return changed
          ? [{ what: 'key', id: keyId(ref.versionlessUri), summary: `Key ${ref.keyName} (key ${ref.site} of ${ref.workload})${version ? ` version ${version}` : ''}` }]
          : [];
      }
      case 'rollKey': {
        const ref = run.plan.keys.find((k) => sameName(k.containerName, step.params.container.name) && sameName(k.keyName, step.params.keyName));
        const version = versionOf(output);
        if (!ref || !version) return [];
        const key = await store.getKey(keyId(ref.versionlessUri));
        if (!key) {
          await this.mergeKey(ref, `adopted:${pairHash([ref.versionlessUri])}`, step.params.keySize, { version, recordedAt: now, requestId: run.requestId, how: 'roll' });
        } else if (!key.versions.some((v) => v.version === version)) {
          await store.putKey({
            ...key,
            versions: [...key.versions, { version, recordedAt: now, requestId: run.requestId, how: 'roll' }],
            keySize: step.params.keySize,
            updatedAt: now,
          });
        } else return [];
        return [{ what: 'keyVersion', id: keyId(ref.versionlessUri), summary: `Key ${ref.keyName}: new version ${version}; older versions stay enabled` }];
      }
      case 'deleteVault':
      case 'deleteManagedHsm': {
        const kind = step.kind === 'deleteVault' ? 'vault' : 'managedHsm';
        const id = containerId(kind, step.params.name);
        const existing = (await store.getContainer(id)) ?? this.containerFromParams(kind, step.params, now);
        if (existing.status === 'purged') return [];
        const scheduled = stringOf(output.scheduledPurgeDate);
        await store.putContainer({
          ...existing,
          status: 'softDeleted',
          deletedAt: existing.deletedAt ?? stringOf(output.deletionDate) ?? now,
          ...(scheduled ? { scheduledPurgeDate: scheduled } : {}),
          teardownRequestId: run.requestId,
          updatedAt: now,
        });
        return [{ what: 'container', id, summary: `${kind === 'vault' ? 'Vault' : 'Managed HSM'} ${step.params.name} deleted (soft-deleted)` }];
      }
      case 'purgeVault':
      case 'purgeManagedHsm': {
        const kind = step.kind === 'purgeVault' ? 'vault' : 'managedHsm';
        const id = containerId(kind, step.params.name);
        const existing = await store.getContainer(id);
        if (!existing) return [];
        if (output.state === 'purged') return await this.markPurged(id, stringOf(output.purgedAt) ?? now, run.requestId);
        const scheduled = stringOf(output.scheduledPurgeDate);
        if (existing.status === 'purged' || (existing.scheduledPurgeDate === scheduled && existing.status === 'softDeleted')) return [];
        await store.putContainer({ ...existing, status: 'softDeleted', ...(scheduled ? { scheduledPurgeDate: scheduled } : {}), teardownRequestId: run.requestId, updatedAt: now });
        return [{ what: 'container', id, summary: `${existing.name}: Azure purges it on ${scheduled ?? 'its scheduled purge date'}` }];
      }
      case 'applyDep':
      case 'recordDep': {
        const state = output.depState;
        if (typeof state !== 'string' || !['Registering', 'Registered', 'Rolling'].includes(state)) return [];
        const refs = Array.isArray(output.deps) ? (output.deps as unknown[]).filter((x): x is DepRef => typeof x === 'object' && x !== null && 'scope' in x) : [];
        const ids = refs.map((ref) => depId(ref));
        const changes: InventoryChange[] = [];
        for (const id of ids) {
          const dep = await store.getDep(id);
          if (!dep || dep.state === state) continue;
          await store.putDep({
            ...dep,
            state: state as DepState,
            history: [...dep.history, { at: now, state: state as DepState, note: `reported by Keyward's run of request ${run.requestId}` }],
            updatedAt: now,
          });
          changes.push({ what: 'dep', id, summary: `${describeDep(dep.dep)} is ${state}` });
        }
        return changes;
      }
      default:
        return [];
    }
  }

  private containerFromParams(kind: 'vault' | 'managedHsm', p: { name: string; subscriptionId: string; resourceGroup: string; region: string }, now: string): InventoryContainer {
    return {
      id: containerId(kind, p.name),
      kind,
      name: p.name,
      subscriptionId: p.subscriptionId.toLowerCase(),
      resourceGroup: p.resourceGroup,
      region: p.region,
      status: 'active',
      source: 'adopted',
      updatedAt: now,
    };
  }

  private async mergeKey(
    ref: KeyRef,
    pairId: string,
    keySize: KeySize | undefined,
    version: InventoryKey['versions'][number] | undefined,
    custodians?: { A: readonly string[]; B: readonly string[] },
  ): Promise<boolean> {
    const { store } = this.io;
    const id = keyId(ref.versionlessUri);
    const existing = await store.getKey(id);
    const now = this.now();
    if (existing) {
      const hasVersion = !version || existing.versions.some((v) => v.version === version.version);
      if (hasVersion && existing.status === 'active') return false;
      await store.putKey({ ...existing, status: 'active', versions: hasVersion ? existing.versions : [...existing.versions, version!], updatedAt: now });
      return true;
    }
    await store.putKey({
      id,
      ref,
      pairId,
      ...(keySize ? { keySize } : {}),
      versions: version ? [version] : [],
      ...(custodians && (custodians.A.length > 0 || custodians.B.length > 0) ? { custodians: { A: [...custodians.A], B: [...custodians.B] } } : {}),
      status: 'active',
      updatedAt: now,
    });
    return true;
  }

  /** A container Azure no longer lists, even as deleted: purged (by Keyward or by Azure on schedule). */
  async markPurged(id: string, at: string, requestId?: string): Promise<InventoryChange[]> {
    const { store } = this.io;
    return store.transaction(async () => {
      const existing = await store.getContainer(id);
      if (!existing || existing.status === 'purged') return [];
      const now = this.now();
      await store.putContainer({ ...existing, status: 'purged', purgedAt: at, ...(requestId ? { teardownRequestId: requestId } : {}), updatedAt: now });
      for (const key of await store.listKeys()) {
        if (key.status === 'active' && containerId(key.ref.containerKind, key.ref.containerName) === id) await store.putKey({ ...key, status: 'gone', updatedAt: now });
      }
      return [{ what: 'container', id, summary: `${existing.name} purged` }];
    });
  }

  // ------------------------------------------------------------------ adopted keys

  /**
   * Adds a verified pair of existing keys (given by URI) to the inventory. The caller verified
   * them through the Azure port first; this only records what it found.
   */
  adoptPair(input: {
    refs: readonly [KeyRef, KeyRef];
    versions: readonly [string | undefined, string | undefined];
    containers: ReadonlyArray<{ purgeProtectionEnabled?: boolean; softDeleteRetentionDays?: number }>;
    custodians?: { A: readonly string[]; B: readonly string[] };
  }): Promise<KeyPair> {
    const { store } = this.io;
    return store.transaction(async () => {
      const now = this.now();
      let existingPair: string | undefined;
      for (const ref of input.refs) existingPair ??= (await store.getKey(keyId(ref.versionlessUri)))?.pairId;
      const pairId = existingPair ?? `adopted:${pairHash(input.refs.map((r) => r.versionlessUri))}`;
      for (const [i, ref] of input.refs.entries()) {
        const cid = containerId(ref.containerKind, ref.containerName);
        const container = await store.getContainer(cid);
        const observed = input.containers[i] ?? {};
        if (!container || container.status !== 'active') {
          await store.putContainer({
            id: cid,
            kind: ref.containerKind,
            name: ref.containerName,
            subscriptionId: ref.subscriptionId.toLowerCase(),
            resourceGroup: ref.resourceGroup,
            region: ref.region,
            status: 'active',
            source: 'adopted',
            ...(observed.purgeProtectionEnabled !== undefined ? { purgeProtectionEnabled: observed.purgeProtectionEnabled } : {}),
            ...(observed.softDeleteRetentionDays !== undefined ? { softDeleteRetentionDays: observed.softDeleteRetentionDays } : {}),
            updatedAt: now,
          });
        }
        const version = input.versions[i];
        await this.mergeKey(ref, pairId, undefined, version ? { version, recordedAt: now, how: 'adopted' } : undefined, input.custodians);
      }
      const pair = await this.pair(pairId);
      if (!pair) throw appError('Internal', 'The adopted key pair could not be read back.');
      return pair;
    });
  }

  /** Runs `work` as one unit of work: read-check-mark sequences across bot processes. */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.io.store.transaction(work);
  }

  // ------------------------------------------------------------------ queries

  containers(): Promise<InventoryContainer[]> {
    return this.io.store.listContainers();
  }

  container(id: string): Promise<InventoryContainer | undefined> {
    return this.io.store.getContainer(id);
  }

  keys(): Promise<InventoryKey[]> {
    return this.io.store.listKeys();
  }

  key(uri: string): Promise<InventoryKey | undefined> {
    const parsed = parseKeyIdentifier(uri);
    return this.io.store.getKey(keyId(parsed.ok ? parsed.key.versionlessUri : uri));
  }

  /** Every complete, active key pair, newest setup first. */
  async pairs(): Promise<KeyPair[]> {
    const byPair = new Map<string, InventoryKey[]>();
    for (const key of await this.io.store.listKeys()) {
      if (key.status !== 'active') continue;
      byPair.set(key.pairId, [...(byPair.get(key.pairId) ?? []), key]);
    }
    const pairs: KeyPair[] = [];
    for (const [pairId, keys] of byPair) {
      const A = keys.find((k) => k.ref.site === 'A');
      const B = keys.find((k) => k.ref.site === 'B');
      if (A && B && A.ref.workload === B.ref.workload) pairs.push({ pairId, workload: A.ref.workload, A, B });
    }
    return pairs.sort((a, b) => (b.A.versions[0]?.recordedAt ?? b.A.updatedAt).localeCompare(a.A.versions[0]?.recordedAt ?? a.A.updatedAt));
  }

  async pair(pairId: string): Promise<KeyPair | undefined> {
    return (await this.pairs()).find((p) => p.pairId === pairId);
  }

  deps(): Promise<InventoryDep[]> {
    return this.io.store.listDeps();
  }

  dep(id: string): Promise<InventoryDep | undefined> {
    return this.io.store.getDep(id);
  }

  /** Which keys each DEP Keyward knows uses (anything not withdrawn counts: the script may have run). */
  async depUsages(): Promise<DepKeyUsage[]> {
    return (await this.io.store.listDeps()).filter((dep) => DEP_STATES_USING_KEYS.includes(dep.state)).map((dep) => ({ dep: dep.dep, keyUris: [...dep.keyUris] }));
  }

  /** DEPs (not withdrawn) that use this key. */
  async depsUsingKey(uri: string): Promise<InventoryDep[]> {
    const id = keyId(uri);
    return (await this.io.store.listDeps()).filter((dep) => DEP_STATES_USING_KEYS.includes(dep.state) && dep.keyUris.some((u) => keyId(u) === id));
  }

  // ------------------------------------------------------------------ DEPs

  /**
   * Records that a create script was handed out. A DEP already known to exist keeps its state:
   * handing out the script again never makes Keyward forget that the policy is registered.
   */
  scriptDep(input: {
    dep: DepRef;
    keyUris: readonly string[];
    pairId?: string;
    scriptSha256: string;
    journeyId: string;
    assignment?: InventoryDep['assignment'];
  }): Promise<InventoryDep> {
    const { store } = this.io;
    return store.transaction(async () => {
      const id = depId(input.dep);
      const now = this.now();
      const existing = await store.getDep(id);
      const keyUris = input.keyUris.map(versionless);
      if (existing && existing.state !== 'Withdrawn') {
        const next: InventoryDep = { ...existing, scriptSha256: input.scriptSha256, ...(input.assignment ? { assignment: input.assignment } : {}), updatedAt: now };
        await store.putDep(next);
        return next;
      }
      const next: InventoryDep = {
        id,
        dep: input.dep,
        scope: input.dep.scope,
        keyUris,
        ...(input.pairId ? { pairId: input.pairId } : {}),
        state: 'Scripted',
        scriptSha256: input.scriptSha256,
        journeyId: input.journeyId,
        ...(input.assignment ? { assignment: input.assignment } : {}),
        history: [...(existing?.history ?? []), { at: now, state: 'Scripted', note: `script ${input.scriptSha256.slice(0, 12)}… handed out` }],
        updatedAt: now,
      };
      await store.putDep(next);
      return next;
    });
  }

  /** Records the state the pasted Get- output showed. */
  recordDepEvidence(
    id: string,
    input: {
      state: Exclude<DepState, 'Scripted' | 'Withdrawn'>;
      percentComplete?: number | null;
      enabled?: boolean | null;
      keyUris?: readonly string[];
      tenantAssigned?: boolean | null;
      evidence: DepEvidence;
    },
  ): Promise<InventoryDep> {
    const { store } = this.io;
    return store.transaction(async () => {
      const dep = await store.getDep(id);
      if (!dep) throw appError('NotFound', `Keyward has no record of DEP ${id}.`);
      const now = this.now();
      const next: InventoryDep = {
        ...dep,
        state: input.state,
        ...(input.percentComplete !== undefined && input.percentComplete !== null ? { percentComplete: input.percentComplete } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        ...(input.keyUris && input.keyUris.length > 0 ? { keyUris: input.keyUris.map(versionless) } : {}),
        ...(input.tenantAssigned !== undefined && dep.scope === 'multiWorkload' ? { assignment: { kind: 'tenant' as const, assigned: input.tenantAssigned } } : {}),
        evidence: input.evidence,
        history: [...dep.history, { at: now, state: input.state, note: textOf(input.evidence.summary) }].slice(-30),
        updatedAt: now,
      };
      if (input.state !== 'Registering' && input.state !== 'Rolling') delete next.percentComplete;
      await store.putDep(next);
      return next;
    });
  }

  /** The operator says the create script never ran: the record stops counting as using keys. */
  withdrawDep(id: string, by: string): Promise<InventoryDep> {
    const { store } = this.io;
    return store.transaction(async () => {
      const dep = await store.getDep(id);
      if (!dep) throw appError('NotFound', `Keyward has no record of DEP ${id}.`);
      if (dep.state !== 'Scripted')
        throw appError('ValidationFailed', `${describeDep(dep.dep)} is ${dep.state} according to the pasted Get- output; only a policy whose script never ran can be withdrawn.`);
      const now = this.now();
      const next: InventoryDep = {
        ...dep,
        state: 'Withdrawn',
        history: [...dep.history, { at: now, state: 'Withdrawn', note: `withdrawn by ${by}: the script did not run` }],
        updatedAt: now,
      };
      await store.putDep(next);
      return next;
    });
  }

  /** DEPs that are refreshed after a key roll show Rolling until evidence says otherwise. */
  async markRolling(ids: readonly string[], note: string): Promise<void> {
    const { store } = this.io;
    await store.transaction(async () => {
      const now = this.now();
      for (const id of ids) {
        const dep = await store.getDep(id);
        if (!dep || dep.state === 'Withdrawn' || dep.state === 'Rolling') continue;
        await store.putDep({ ...dep, state: 'Rolling', history: [...dep.history, { at: now, state: 'Rolling' as DepState, note }].slice(-30), updatedAt: now });
      }
    });
  }

  // ------------------------------------------------------------------ reminders and health

  schedule(pairId: string): Promise<RotationSchedule | undefined> {
    return this.io.store.getSchedule(pairId);
  }

  schedules(): Promise<RotationSchedule[]> {
    return this.io.store.listSchedules();
  }

  async putSchedule(schedule: RotationSchedule): Promise<void> {
    await this.io.store.putSchedule(schedule);
  }

  async deleteSchedule(pairId: string): Promise<void> {
    await this.io.store.deleteSchedule(pairId);
  }

  health(keyUri: string): Promise<HealthRecord | undefined> {
    return this.io.store.getHealth(keyId(keyUri));
  }

  async putHealth(record: HealthRecord): Promise<void> {
    await this.io.store.putHealth(record);
  }

  /** Containers created by one request's run (the demo's teardown finds its resources this way). */
  async containersOfRequest(requestId: string): Promise<InventoryContainer[]> {
    return (await this.io.store.listContainers()).filter((c) => c.createdByRequestId === requestId);
  }

  private now(): string {
    return this.io.clock.now().toISOString();
  }
}

/** The newest version of a pair's key as "versioned identifier", for SharePoint. */
export function versionedUri(key: InventoryKey): string | undefined {
  const version = currentVersion(key);
  return version ? `${key.ref.versionlessUri}/${version}` : undefined;
}

export function pairHash(uris: readonly string[]): string {
  return createHash('sha256')
    .update(uris.map((u) => u.toLowerCase()).join('|'))
    .digest('hex')
    .slice(0, 16);
}

export function scopeOfDep(dep: DepRef): DepScope {
  return dep.scope;
}

function versionless(uri: string): string {
  const parsed = parseKeyIdentifier(uri);
  return parsed.ok ? parsed.key.versionlessUri : uri;
}

function versionOf(output: Readonly<Record<string, unknown>>): string | undefined {
  const version = output.version;
  return typeof version === 'string' && /^[0-9a-f]{32}$/i.test(version) ? version.toLowerCase() : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
