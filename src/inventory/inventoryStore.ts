import type { HealthRecord, InventoryContainer, InventoryDep, InventoryKey, RotationSchedule } from './inventoryTypes';

/**
 * Persistence port of the inventory (SQLite adapter: src/store/sqliteInventoryStore.ts).
 * Asynchronous, like the other ports: `transaction` makes a read-merge-write of several records
 * one unit of work, serialised with every other inventory unit in every process sharing the
 * store, so two finished runs recorded at once never lose a key version and two instances never
 * both send one reminder or report one drift.
 */
export interface InventoryStore {
  transaction<T>(work: () => Promise<T>): Promise<T>;

  getContainer(id: string): Promise<InventoryContainer | undefined>;
  putContainer(container: InventoryContainer): Promise<void>;
  listContainers(): Promise<InventoryContainer[]>;

  getKey(id: string): Promise<InventoryKey | undefined>;
  putKey(key: InventoryKey): Promise<void>;
  listKeys(): Promise<InventoryKey[]>;

  getDep(id: string): Promise<InventoryDep | undefined>;
  putDep(dep: InventoryDep): Promise<void>;
  listDeps(): Promise<InventoryDep[]>;

  getSchedule(pairId: string): Promise<RotationSchedule | undefined>;
  putSchedule(schedule: RotationSchedule): Promise<void>;
  deleteSchedule(pairId: string): Promise<void>;
  listSchedules(): Promise<RotationSchedule[]>;

  getHealth(keyId: string): Promise<HealthRecord | undefined>;
  putHealth(record: HealthRecord): Promise<void>;

  /** The run version last folded into the inventory (runs are recorded idempotently). */
  recordedRunVersion(runId: string): Promise<number | undefined>;
  markRunRecorded(runId: string, version: number): Promise<void>;
}
