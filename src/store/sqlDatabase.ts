import type { Atomic } from '../core/atomic';

/** What a statement parameter may be (booleans are stored as 0/1 by the stores themselves). */
export type SqlValue = string | number | null;

/**
 * One schema change. Ids are namespaced by the module that owns the tables
 * (`core/001_kv`, `approvals/001_requests`) so modules add migrations without touching a shared
 * list; src/app/storeSchema.ts lists them in dependency order. A migration is never edited after
 * it ships. `sql` is SQLite's text; `postgres` is PostgreSQL's when it must differ (types,
 * collations, identity columns) — without it `sql` runs on both.
 */
export interface Migration {
  id: string;
  sql: string;
  postgres?: string;
}

export type StoreEngine = 'sqlite' | 'postgres';

/**
 * Keyward's store as every adapter in src/store uses it: asynchronous statements with `?`
 * placeholders, written once for both engines, and `atomic` units of work. Inside a unit
 * (`atomic(async () => …)`) every statement — from any store on this database, however deep in
 * the call — runs in the unit's transaction; outside one, each statement commits on its own and
 * never sees another unit's uncommitted writes.
 */
export interface SqlDatabase {
  readonly engine: StoreEngine;
  /** Every row of a query. */
  all<R>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  /** The first row of a query, if any. */
  get<R>(sql: string, params?: readonly SqlValue[]): Promise<R | undefined>;
  /** A write; `changes` is the number of rows it inserted, updated or deleted. */
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /** The unit of work (see core/atomic.ts). */
  atomic: Atomic;
  /** True inside a unit of work of this database (a store may then skip a savepoint of its own). */
  inUnit(): boolean;
  /**
   * Inside a unit: waits until no other unit (in any process) holds the lock `name`, and holds it
   * until this unit ends. SQLite needs none (a unit holds the file's write lock); PostgreSQL takes
   * a transaction-scoped advisory lock. The audit chain uses it to append in one serial order.
   */
  lock(name: string): Promise<void>;
  /** Applies every migration not applied yet, each in its own transaction; returns the ids it ran. Safe when several processes start at once. */
  migrate(migrations: readonly Migration[]): Promise<string[]>;
  /**
   * PostgreSQL only: calls `onNotify` for each NOTIFY on `channel` (from any instance, delivered
   * at the notifying unit's commit), on a connection of its own that reconnects when dropped.
   * Returns the function that stops listening. SQLite has no such thing (one process; others poll).
   */
  listen?(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** Cheap liveness probe for /healthz. */
  ping(): Promise<boolean>;
  /** Waits for the unit in flight, then closes. Idempotent. */
  close(): Promise<void>;
}

/** Refuses two migrations with one id (a copy-paste slip would otherwise skip the second for ever). */
export function checkMigrationIds(migrations: readonly Migration[]): void {
  const seen = new Set<string>();
  for (const migration of migrations) {
    if (seen.has(migration.id)) throw new Error(`duplicate migration id ${migration.id}`);
    seen.add(migration.id);
  }
}

/**
 * `migrate` for both engines: applies every migration not applied yet, each in a unit of its own
 * together with its schema_migrations row, and returns the ids it ran. The applied ids are read
 * once first, so a start with nothing to do opens no unit per migration; a migration still to do
 * is checked again inside its unit under the lock 'keyward.migrations' (PostgreSQL's advisory
 * lock; on SQLite the unit's write lock), so processes starting together apply each one once.
 * `exec` runs one migration's several statements inside the unit, as the engine must.
 */
export async function applyMigrations(db: SqlDatabase, migrations: readonly Migration[], exec: (migration: Migration) => unknown): Promise<string[]> {
  checkMigrationIds(migrations);
  await db.atomic(async () => {
    await db.lock(MIGRATIONS_LOCK);
    await db.run('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  });
  const before = new Set((await db.all<{ id: string }>('SELECT id FROM schema_migrations')).map((row) => row.id));
  const ran: string[] = [];
  for (const migration of migrations) {
    if (before.has(migration.id)) continue;
    const applied = await db.atomic(async () => {
      await db.lock(MIGRATIONS_LOCK);
      // Checked again under the lock: another process may have just applied it.
      if (await db.get('SELECT id FROM schema_migrations WHERE id = ?', [migration.id])) return false;
      await exec(migration);
      await db.run('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)', [migration.id, new Date().toISOString()]);
      return true;
    });
    if (applied) ran.push(migration.id);
  }
  return ran;
}

/** Held by migrations (and by the copy and restore, which must not meet a starting instance's migrations). */
export const MIGRATIONS_LOCK = 'keyward.migrations';

/** Parses a JSON document column. */
export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** A unique or primary-key constraint refused the row (SQLite and PostgreSQL spell it differently). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}
