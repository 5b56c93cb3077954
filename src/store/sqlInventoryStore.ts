import type { InventoryStore } from '../inventory/inventoryStore';
import type { HealthRecord, InventoryContainer, InventoryDep, InventoryKey, RotationSchedule } from '../inventory/inventoryTypes';
import type { Migration, SqlDatabase } from './sqlDatabase';

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
export class SqlInventoryStore implements InventoryStore {
  constructor(private readonly db: SqlDatabase) {}

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.db.atomic(async () => {
      await this.db.lock('keyward.inventory');
      return work();
    });
  }

  private async get<T>(kind: Kind, id: string): Promise<T | undefined> {
    const row = await this.db.get<{ body: string }>('SELECT body FROM inventory_items WHERE kind = ? AND id = ?', [kind, id]);
    return row ? (JSON.parse(row.body) as T) : undefined;
  }

  private async put(kind: Kind, id: string, value: { updatedAt?: string; checkedAt?: string; setAt?: string }): Promise<void> {
    await this.db.run(
      `INSERT INTO inventory_items (kind, id, body, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(kind, id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
      [kind, id, JSON.stringify(value), value.updatedAt ?? value.checkedAt ?? value.setAt ?? new Date().toISOString()],
    );
  }

  private async list<T>(kind: Kind): Promise<T[]> {
    return (await this.db.all<{ body: string }>('SELECT body FROM inventory_items WHERE kind = ? ORDER BY id', [kind])).map((row) => JSON.parse(row.body) as T);
  }

  getContainer(id: string): Promise<InventoryContainer | undefined> {
    return this.get('container', id);
  }
  putContainer(container: InventoryContainer): Promise<void> {
    return this.put('container', container.id, container);
  }
  listContainers(): Promise<InventoryContainer[]> {
    return this.list('container');
  }

  getKey(id: string): Promise<InventoryKey | undefined> {
    return this.get('key', id);
  }
  putKey(key: InventoryKey): Promise<void> {
    return this.put('key', key.id, key);
  }
  listKeys(): Promise<InventoryKey[]> {
    return this.list('key');
  }

  getDep(id: string): Promise<InventoryDep | undefined> {
    return this.get('dep', id);
  }
  putDep(dep: InventoryDep): Promise<void> {
    return this.put('dep', dep.id, dep);
  }
  listDeps(): Promise<InventoryDep[]> {
    return this.list('dep');
  }

  getSchedule(pairId: string): Promise<RotationSchedule | undefined> {
    return this.get('schedule', pairId);
  }
  putSchedule(schedule: RotationSchedule): Promise<void> {
    return this.put('schedule', schedule.id, schedule);
  }
  async deleteSchedule(pairId: string): Promise<void> {
    await this.db.run('DELETE FROM inventory_items WHERE kind = ? AND id = ?', ['schedule', pairId]);
  }
  listSchedules(): Promise<RotationSchedule[]> {
    return this.list('schedule');
  }

  getHealth(keyId: string): Promise<HealthRecord | undefined> {
    return this.get('health', keyId);
  }
  putHealth(record: HealthRecord): Promise<void> {
    return this.put('health', record.id, record);
  }

  async recordedRunVersion(runId: string): Promise<number | undefined> {
    const row = await this.db.get<{ version: number }>('SELECT version FROM inventory_runs WHERE run_id = ?', [runId]);
    return row ? Number(row.version) : undefined;
  }
  async markRunRecorded(runId: string, version: number): Promise<void> {
    await this.db.run('INSERT INTO inventory_runs (run_id, version) VALUES (?, ?) ON CONFLICT(run_id) DO UPDATE SET version = excluded.version', [runId, version]);
  }
}
