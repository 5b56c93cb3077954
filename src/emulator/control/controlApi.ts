import type { FaultRule, FaultSpec } from '../http/faultInjector';
import type { RequestLogEntry } from '../http/requestLog';
import type { LroMode } from '../arm/managedHsmRoutes';
import type { PrincipalKind } from '../model/records';

/** A view of the state for tests and demos: everything except key material and secrets. */
export interface StateSnapshot {
  now: string;
  clockOffsetMs: number | null;
  tenantId: string;
  disabledHsmRegions: string[];
  subscriptions: unknown[];
  resourceGroups: unknown[];
  principals: unknown[];
  vaults: unknown[];
  managedHsms: unknown[];
  roleAssignments: unknown[];
  keys: Array<{ container: string; containerKind: 'vault' | 'hsm' | 'purged'; name: string; deleted: boolean; versions: unknown[] }>;
  operations: unknown[];
}

export interface EmulatorRuntimeOptions {
  hsmProvisioningMs?: number;
  lroMode?: LroMode;
  /** How long a key's soft delete or recover stays in progress (404 on the deleted / recovered key); 0 = at once. */
  softDeleteWindowMs?: number;
}

export interface IssuedTestToken {
  accessToken: string;
  expiresOn: number;
}

/**
 * The emulator's control API (never part of Azure). The same interface is served in-process by the
 * handle that `startEmulator` returns and over HTTPS at `/_emulator/*` on the ARM host (loopback
 * only, no auth) through `createControlClient`.
 */
export interface ControlApi {
  /** Back to the seed: all vaults, HSMs, keys, faults, the request log and the time shift go. */
  reset(): Promise<void>;
  /** Moves the emulator clock forward (retention, key expiry, LROs, rotation policies). */
  advanceClock(ms: number): Promise<{ now: string; offsetMs: number | null }>;
  clock(): Promise<{ now: string; offsetMs: number | null }>;
  setSubscriptionState(subscriptionId: string, state: 'Enabled' | 'Warned' | 'PastDue' | 'Disabled' | 'Deleted'): Promise<void>;
  /** `feature` as `Microsoft.Resources/mandatoryRetentionPeriodEnabled`; approves a Pending registration. */
  setFeatureState(subscriptionId: string, feature: string, state: string): Promise<void>;
  injectFault(spec: FaultSpec): Promise<FaultRule>;
  listFaults(): Promise<FaultRule[]>;
  removeFault(id: string): Promise<void>;
  clearFaults(): Promise<void>;
  /** A region refusing Managed HSM pools answers creates with Azure's 503 "Pool creation is disabled in this region". */
  setHsmRegion(region: string, poolCreation: 'enabled' | 'disabled'): Promise<void>;
  state(): Promise<StateSnapshot>;
  requests(): Promise<RequestLogEntry[]>;
  clearRequests(): Promise<void>;
  /** Mints a token directly (e.g. an already expired one, with a negative lifetime). */
  issueToken(input: { principal: string; resource: string; lifetimeSeconds?: number }): Promise<IssuedTestToken>;
  addPrincipal(input: { objectId: string; clientId?: string; displayName?: string; kind?: PrincipalKind }): Promise<void>;
  /** What ARM's `permissions` API reports for a principal (null = the default `*`); ARM does not enforce it. */
  setArmPermissions(objectId: string, actions: string[] | null): Promise<void>;
  /** Runtime knobs: Managed HSM LRO duration and polling style, the key soft-delete/recover window. */
  setOptions(input: EmulatorRuntimeOptions): Promise<void>;
}
