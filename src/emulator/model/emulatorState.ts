import type { KeyRecord, ManagedHsmRecord, OperationRecord, PrincipalRecord, ResourceGroupRecord, RoleAssignmentRecord, SubscriptionRecord, VaultRecord } from './records';

/** The persisted collections; the store keeps one row per (collection, id). */
export type Collection = 'subscription' | 'resourceGroup' | 'principal' | 'vault' | 'hsm' | 'roleAssignment' | 'key' | 'operation' | 'meta';

export interface DirtyEntry {
  collection: Collection;
  id: string;
}

/** Settings that live in state (and survive a restart) but belong to no resource. */
export interface EmulatorMeta {
  tenantId: string;
  /** Regions (normalised names) refusing Managed HSM pools with the 503 Azure gives. */
  disabledHsmRegions: string[];
  /** The App Service managed-identity secret header; stable so emulator.json stays valid. */
  identityHeader: string;
  /** Time shift applied by the control API, restored on restart. */
  clockOffsetMs: number;
  /** Control API: ARM actions `permissions` reports per principal object id (default `*`). */
  armActions?: Record<string, string[]>;
}

/**
 * All state, in memory. Map keys are lower-case (Azure names are case-insensitive); records keep
 * the case they were created with. Every change marks its row dirty, and the HTTP layer flushes the
 * dirty rows to the store once per request, in one transaction.
 */
export class EmulatorState {
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  /** `<subscription>/<resource group>`. */
  readonly resourceGroups = new Map<string, ResourceGroupRecord>();
  /** By object id. */
  readonly principals = new Map<string, PrincipalRecord>();
  /** By vault name: names are global, and soft-deleted vaults keep theirs. */
  readonly vaults = new Map<string, VaultRecord>();
  /** By Managed HSM name (a namespace of its own). */
  readonly hsms = new Map<string, ManagedHsmRecord>();
  /** By full assignment id, lower-cased. */
  readonly roleAssignments = new Map<string, RoleAssignmentRecord>();
  /** Container uid → key name → key. */
  readonly keys = new Map<string, Map<string, KeyRecord>>();
  readonly operations = new Map<string, OperationRecord>();
  meta: EmulatorMeta;

  private readonly dirty = new Map<string, DirtyEntry>();

  constructor(meta: EmulatorMeta) {
    this.meta = meta;
  }

  markDirty(collection: Collection, id: string): void {
    this.dirty.set(`${collection}\u0000${id}`, { collection, id });
  }

  takeDirty(): DirtyEntry[] {
    const entries = [...this.dirty.values()];
    this.dirty.clear();
    return entries;
  }

  keysOf(containerUid: string): Map<string, KeyRecord> {
    let keys = this.keys.get(containerUid);
    if (!keys) {
      keys = new Map();
      this.keys.set(containerUid, keys);
    }
    return keys;
  }

  clear(): void {
    for (const map of [this.subscriptions, this.resourceGroups, this.principals, this.vaults, this.hsms, this.roleAssignments, this.keys, this.operations]) map.clear();
    this.dirty.clear();
  }
}

export function resourceGroupKey(subscriptionId: string, resourceGroup: string): string {
  return `${subscriptionId}/${resourceGroup}`.toLowerCase();
}

export function keyRowId(containerUid: string, keyName: string): string {
  return `${containerUid}/${keyName.toLowerCase()}`;
}
