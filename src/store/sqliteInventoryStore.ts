import type { InventoryStore } from '../inventory/inventoryStore';
import type { HealthRecord, InventoryContainer, InventoryDep, InventoryKey, RotationSchedule } from '../inventory/inventoryTypes';
import type { Database, Migration } from './database';

export const inventoryMigrations: readonly Migration[] = [
  {
    id: 'inventory/001_items',
    sql: `CREATE TABLE inventory_items (
      kind TEXT NOT NULL,
      id TEXT NOT NULL,
      body TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (kind, id)
    );
    CREATE TABLE inventory_runs (
      run_id TEXT PRIMARY KEY,
      version INTEGER NOT NULL
    );`,
  },
];

type Kind = 'container' | 'key' | 'dep' | 'schedule' | 'health';

/** The inventory as JSON documents keyed by kind and id; every write is an upsert. */
export class SqliteInventoryStore implements InventoryStore {
  private readonly statements;

  constructor(private readonly db: Database) {
    this.statements = {
      get: db.prepare('SELECT body FROM inventory_items WHERE kind = ? AND id = ?'),
      put: db.prepare(
        `INSERT INTO inventory_items (kind, id, body, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(kind, id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
      ),
      delete: db.prepare('DELETE FROM inventory_items WHERE kind = ? AND id = ?'),
      list: db.prepare('SELECT body FROM inventory_items WHERE kind = ? ORDER BY id'),
      runGet: db.prepare('SELECT version FROM inventory_runs WHERE run_id = ?'),
      runPut: db.prepare('INSERT INTO inventory_runs (run_id, version) VALUES (?, ?) ON CONFLICT(run_id) DO UPDATE SET version = excluded.version'),
    };
  }

  transaction<T>(work: () => T): T {
    if (this.db.inTransaction) return work();
    return this.db.transaction(work).immediate();
  }

  private get<T>(kind: Kind, id: string): T | undefined {
    const row = this.statements.get.get(kind, id) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as T) : undefined;
  }

  private put(kind: Kind, id: string, value: { updatedAt?: string; checkedAt?: string; setAt?: string }): void {
    this.statements.put.run(kind, id, JSON.stringify(value), value.updatedAt ?? value.checkedAt ?? value.setAt ?? new Date().toISOString());
  }

  private list<T>(kind: Kind): T[] {
    return (this.statements.list.all(kind) as Array<{ body: string }>).map((row) => JSON.parse(row.body) as T);
  }

  getContainer(id: string): InventoryContainer | undefined {
    return this.get('container', id);
  }
  putContainer(container: InventoryContainer): void {
    this.put('container', container.id, container);
  }
  listContainers(): InventoryContainer[] {
    return this.list('container');
  }

  getKey(id: string): InventoryKey | undefined {
    return this.get('key', id);
  }
  putKey(key: InventoryKey): void {
    this.put('key', key.id, key);
  }
  listKeys(): InventoryKey[] {
    return this.list('key');
  }

  getDep(id: string): InventoryDep | undefined {
    return this.get('dep', id);
  }
  putDep(dep: InventoryDep): void {
    this.put('dep', dep.id, dep);
  }
  listDeps(): InventoryDep[] {
    return this.list('dep');
  }

  getSchedule(pairId: string): RotationSchedule | undefined {
    return this.get('schedule', pairId);
  }
  putSchedule(schedule: RotationSchedule): void {
    this.put('schedule', schedule.id, schedule);
  }
  deleteSchedule(pairId: string): void {
    this.statements.delete.run('schedule', pairId);
  }
  listSchedules(): RotationSchedule[] {
    return this.list('schedule');
  }

  getHealth(keyId: string): HealthRecord | undefined {
    return this.get('health', keyId);
  }
  putHealth(record: HealthRecord): void {
    this.put('health', record.id, record);
  }

  recordedRunVersion(runId: string): number | undefined {
    return (this.statements.runGet.get(runId) as { version: number } | undefined)?.version;
  }
  markRunRecorded(runId: string, version: number): void {
    this.statements.runPut.run(runId, version);
  }
}
