import { Authorizer } from './authorization';
import { HsmRbacService } from './hsmRbacService';
import { type KeyContainer, hsmContainer, vaultContainer } from './keyContainer';
import { KeyService } from './keyService';
import { ManagedHsmService } from './managedHsmService';
import { type ModelContext, nowMs } from './modelContext';
import { PrincipalDirectory } from './principalDirectory';
import { type FeatureState, MANDATORY_RETENTION_FEATURE, type PrincipalRecord, type SubscriptionState } from './records';
import { RoleAssignmentService } from './roleAssignmentService';
import { SubscriptionService } from './subscriptionService';
import { VaultService } from './vaultService';

/** Who and what exists on a fresh (or reset) emulator. */
export interface EmulatorSeed {
  tenantId: string;
  subscriptions: Array<{ id: string; displayName: string; state?: SubscriptionState; features?: Record<string, FeatureState> }>;
  principals: PrincipalRecord[];
}

/** The model: every service over one state, plus the time-driven transitions. */
export class EmulatorModel {
  readonly subscriptions: SubscriptionService;
  readonly principals: PrincipalDirectory;
  readonly vaults: VaultService;
  readonly hsms: ManagedHsmService;
  readonly roleAssignments: RoleAssignmentService;
  readonly keys: KeyService;
  readonly hsmRbac: HsmRbacService;
  readonly authorizer: Authorizer;
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(readonly context: ModelContext) {
    this.subscriptions = new SubscriptionService(context);
    this.principals = new PrincipalDirectory(context);
    this.vaults = new VaultService(context, this.subscriptions);
    this.hsms = new ManagedHsmService(context, this.subscriptions);
    this.roleAssignments = new RoleAssignmentService(context, this.subscriptions, this.principals);
    this.keys = new KeyService(context, this.subscriptions);
    this.hsmRbac = new HsmRbacService(context);
    this.authorizer = new Authorizer(context.state);
  }

  /** Replaces all state with the seed (used on first start and by the control API's reset). */
  seed(seed: EmulatorSeed): void {
    const { state } = this.context;
    state.clear();
    state.meta = { ...state.meta, tenantId: seed.tenantId.toLowerCase(), disabledHsmRegions: [] };
    state.markDirty('meta', 'main');
    for (const subscription of seed.subscriptions) {
      const id = subscription.id.toLowerCase();
      state.subscriptions.set(id, {
        id,
        displayName: subscription.displayName,
        tenantId: seed.tenantId.toLowerCase(),
        state: subscription.state ?? 'Enabled',
        features: { [MANDATORY_RETENTION_FEATURE]: 'NotRegistered', ...(subscription.features ?? {}) },
      });
      state.markDirty('subscription', id);
    }
    for (const principal of seed.principals) {
      const record: PrincipalRecord = {
        ...principal,
        objectId: principal.objectId.toLowerCase(),
        ...(principal.clientId ? { clientId: principal.clientId.toLowerCase() } : {}),
      };
      state.principals.set(record.objectId, record);
      state.markDirty('principal', record.objectId);
    }
    this.lastSweep = Number.NEGATIVE_INFINITY;
  }

  /**
   * Applies what time has made due: Managed HSM operations finishing, soft-deleted vaults, HSMs
   * and keys whose retention ran out, and keys whose rotation policy says rotate. Cheap enough to
   * call on every request; it does real work at most every half second (or when forced).
   */
  async advance(force = false): Promise<void> {
    const now = nowMs(this.context);
    if (!force && now - this.lastSweep < 500 && now >= this.lastSweep) return;
    this.lastSweep = now;
    this.hsms.advance(now);
    for (const vault of [...this.context.state.vaults.values()]) {
      if (vault.deleted && vault.deleted.scheduledPurgeAt <= now) this.vaults.purge(vault);
    }
    for (const hsm of [...this.context.state.hsms.values()]) {
      if (hsm.deleted && hsm.deleted.scheduledPurgeAt <= now) this.hsms.purge(hsm);
    }
    await this.keys.sweep(this.activeContainers(), now);
  }

  /** Containers whose keys live on (a soft-deleted vault's keys wait with it). */
  activeContainers(): Map<string, KeyContainer> {
    const containers = new Map<string, KeyContainer>();
    for (const vault of this.context.state.vaults.values()) if (!vault.deleted) containers.set(vault.uid, vaultContainer(vault));
    for (const hsm of this.context.state.hsms.values()) if (!hsm.deleted) containers.set(hsm.uid, hsmContainer(hsm));
    return containers;
  }
}
