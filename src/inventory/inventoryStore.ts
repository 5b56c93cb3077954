import type { HealthRecord, InventoryContainer, InventoryDep, InventoryKey, RotationSchedule } from './inventoryTypes';

/**
 * Persistence port of the inventory (SQLite adapter: src/store/sqliteInventoryStore.ts).
 * Synchronous, like the other ports: `transaction` makes a read-merge-write of several records
 * one unit (SQLite's write lock serialises it across bot processes), so two finished runs
 * recorded at once never lose a key version.
 */
export interface InventoryStore {
  transaction<T>(work: () => T): T;

  getContainer(id: string): InventoryContainer | undefined;
  putContainer(container: InventoryContainer): void;
  listContainers(): InventoryContainer[];

  getKey(id: string): InventoryKey | undefined;
  putKey(key: InventoryKey): void;
  listKeys(): InventoryKey[];

  getDep(id: string): InventoryDep | undefined;
  putDep(dep: InventoryDep): void;
  listDeps(): InventoryDep[];

  getSchedule(pairId: string): RotationSchedule | undefined;
  putSchedule(schedule: RotationSchedule): void;
  deleteSchedule(pairId: string): void;
  listSchedules(): RotationSchedule[];

  getHealth(keyId: string): HealthRecord | undefined;
  putHealth(record: HealthRecord): void;

  /** The run version last folded into the inventory (runs are recorded idempotently). */
  recordedRunVersion(runId: string): number | undefined;
  markRunRecorded(runId: string, version: number): void;
}
