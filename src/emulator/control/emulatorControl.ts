import type { Clock } from '../../core';
import type { LroMode } from '../arm/managedHsmRoutes';
import type { FaultInjector, FaultSpec } from '../http/faultInjector';
import type { RequestLog } from '../http/requestLog';
import type { TokenService } from '../identity/tokenService';
import type { EmulatorModel, EmulatorSeed } from '../model/emulatorModel';
import { normalizeLocation } from '../model/locations';
import { badRequest, notFound } from '../model/serviceError';
import type { SqliteStateStore } from '../store/sqliteStateStore';
import type { ControlApi, EmulatorRuntimeOptions, IssuedTestToken, StateSnapshot } from './controlApi';

/** A clock the control API can move: core's OffsetClock and ManualClock both qualify. */
interface AdvanceableClock extends Clock {
  advance(ms: number): void;
  reset?(): void;
  readonly offset?: number;
}

export interface ControlDependencies {
  model: EmulatorModel;
  store: SqliteStateStore;
  faults: FaultInjector;
  requestLog: RequestLog;
  tokens: TokenService;
  seed: EmulatorSeed;
  settings: { lroMode: LroMode };
}

/** The in-process implementation of the control API. */
export class EmulatorControl implements ControlApi {
  constructor(private readonly deps: ControlDependencies) {}

  async reset(): Promise<void> {
    const { model, store, faults, requestLog } = this.deps;
    const clock = this.clockOrUndefined();
    clock?.reset?.();
    const identityHeader = model.context.state.meta.identityHeader;
    model.seed(this.deps.seed);
    model.context.state.meta = { ...model.context.state.meta, identityHeader, clockOffsetMs: 0, armActions: {} };
    store.clearAll();
    store.flush(model.context.state);
    faults.clear();
    requestLog.clear();
  }

  async advanceClock(ms: number): Promise<{ now: string; offsetMs: number | null }> {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw badRequest('InvalidClockAdvance', 'ms must be a non-negative number of milliseconds.');
    const clock = this.clockOrUndefined();
    if (!clock) throw badRequest('ClockNotAdjustable', 'The emulator was started with a clock that cannot be advanced; start it with an OffsetClock or ManualClock.');
    clock.advance(ms);
    const { state } = this.deps.model.context;
    if (typeof clock.offset === 'number') {
      state.meta.clockOffsetMs = clock.offset;
      state.markDirty('meta', 'main');
    }
    await this.deps.model.advance(true);
    this.deps.store.flush(state);
    return this.clock();
  }

  async clock(): Promise<{ now: string; offsetMs: number | null }> {
    const clock = this.deps.model.context.clock as Partial<AdvanceableClock>;
    return { now: this.deps.model.context.clock.now().toISOString(), offsetMs: typeof clock.offset === 'number' ? clock.offset : null };
  }

  async setSubscriptionState(subscriptionId: string, state: string): Promise<void> {
    this.deps.model.subscriptions.setState(subscriptionId, state);
    this.flush();
  }

  async setFeatureState(subscriptionId: string, feature: string, state: string): Promise<void> {
    if (!/^[^/]+\/[^/]+$/.test(feature)) throw badRequest('InvalidFeature', 'feature must be <namespace>/<name>, e.g. Microsoft.Resources/mandatoryRetentionPeriodEnabled.');
    this.deps.model.subscriptions.setFeatureState(subscriptionId, feature, state);
    this.flush();
  }

  async injectFault(spec: FaultSpec) {
    return this.deps.faults.add(spec);
  }

  async listFaults() {
    return this.deps.faults.list();
  }

  async removeFault(id: string): Promise<void> {
    if (!this.deps.faults.remove(id)) throw notFound('FaultNotFound', `No armed fault has the id '${id}'.`);
  }

  async clearFaults(): Promise<void> {
    this.deps.faults.clear();
  }

  async setHsmRegion(region: string, poolCreation: 'enabled' | 'disabled'): Promise<void> {
    const location = normalizeLocation(region);
    if (!location) throw badRequest('InvalidRegion', `Unknown region '${region}'.`);
    if (poolCreation !== 'enabled' && poolCreation !== 'disabled') throw badRequest('InvalidRegion', "poolCreation must be 'enabled' or 'disabled'.");
    const { state } = this.deps.model.context;
    const others = state.meta.disabledHsmRegions.filter((r) => r !== location);
    state.meta.disabledHsmRegions = poolCreation === 'disabled' ? [...others, location] : others;
    state.markDirty('meta', 'main');
    this.flush();
  }

  async state(): Promise<StateSnapshot> {
    const { state, clock } = this.deps.model.context;
    const containerKind = (uid: string): 'vault' | 'hsm' | 'purged' =>
      [...state.vaults.values()].some((v) => v.uid === uid) ? 'vault' : [...state.hsms.values()].some((h) => h.uid === uid) ? 'hsm' : 'purged';
    const containerName = (uid: string) => [...state.vaults.values(), ...state.hsms.values()].find((c) => c.uid === uid)?.name ?? uid;
    return {
      now: clock.now().toISOString(),
      clockOffsetMs: (await this.clock()).offsetMs,
      tenantId: state.meta.tenantId,
      disabledHsmRegions: [...state.meta.disabledHsmRegions],
      subscriptions: [...state.subscriptions.values()],
      resourceGroups: [...state.resourceGroups.values()],
      principals: [...state.principals.values()],
      vaults: [...state.vaults.values()],
      managedHsms: [...state.hsms.values()],
      roleAssignments: [...state.roleAssignments.values()],
      keys: [...state.keys.entries()].flatMap(([uid, keys]) =>
        [...keys.values()].map((key) => ({
          container: containerName(uid),
          containerKind: containerKind(uid),
          name: key.name,
          deleted: key.deleted !== undefined,
          // Public attributes only: the private half never leaves the model.
          versions: key.versions.map(({ privateKey: _privateKey, ...rest }) => rest),
        })),
      ),
      operations: [...state.operations.values()],
    };
  }

  async requests() {
    return this.deps.requestLog.list();
  }

  async clearRequests(): Promise<void> {
    this.deps.requestLog.clear();
  }

  async issueToken(input: { principal: string; resource: string; lifetimeSeconds?: number }): Promise<IssuedTestToken> {
    const { model, tokens } = this.deps;
    if (typeof input.resource !== 'string' || input.resource === '') throw badRequest('InvalidTokenRequest', 'resource is required.');
    // Only for a principal the caller names and the directory holds: never a silent default.
    if (typeof input.principal !== 'string' || input.principal === '')
      throw badRequest('InvalidTokenRequest', 'principal (an object or client id in the emulated directory) is required.');
    const id = input.principal;
    const principal = model.principals.byObjectId(id) ?? model.principals.byClientId(id);
    if (!principal) throw notFound('PrincipalNotFound', `No principal has the object or client id '${id}'.`);
    const issued = tokens.issue(principal, model.context.state.meta.tenantId, input.resource, input.lifetimeSeconds ?? 3600);
    return { accessToken: issued.accessToken, expiresOn: issued.expiresOn };
  }

  async addPrincipal(input: { objectId: string; clientId?: string; displayName?: string; kind?: string }): Promise<void> {
    this.deps.model.principals.add(input);
    this.flush();
  }

  async setArmPermissions(objectId: string, actions: string[] | null): Promise<void> {
    this.deps.model.roleAssignments.setArmActions(objectId, actions);
    this.flush();
  }

  async setOptions(input: EmulatorRuntimeOptions): Promise<void> {
    // Check everything first: a refused call changes nothing.
    const nonNegative = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 0;
    if (input.hsmProvisioningMs !== undefined && !nonNegative(input.hsmProvisioningMs)) throw badRequest('InvalidOptions', 'hsmProvisioningMs must be a non-negative number.');
    if (input.lroMode !== undefined && input.lroMode !== 'location' && input.lroMode !== 'azure-async-operation') {
      throw badRequest('InvalidOptions', "lroMode must be 'location' or 'azure-async-operation'.");
    }
    if (input.softDeleteWindowMs !== undefined && !nonNegative(input.softDeleteWindowMs)) {
      throw badRequest('InvalidOptions', 'softDeleteWindowMs must be a non-negative number of milliseconds.');
    }
    if (input.hsmProvisioningMs !== undefined) this.deps.model.context.hsmProvisioningMs = input.hsmProvisioningMs;
    if (input.lroMode !== undefined) this.deps.settings.lroMode = input.lroMode;
    if (input.softDeleteWindowMs !== undefined) this.deps.model.context.softDeleteWindowMs = input.softDeleteWindowMs;
  }

  private clockOrUndefined(): AdvanceableClock | undefined {
    const clock = this.deps.model.context.clock as Partial<AdvanceableClock>;
    return typeof clock.advance === 'function' ? (clock as AdvanceableClock) : undefined;
  }

  private flush(): void {
    this.deps.store.flush(this.deps.model.context.state);
  }
}
