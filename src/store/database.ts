import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export type Database = BetterSqlite3.Database;

/**
 * One schema change. Ids are namespaced by the module that owns the tables
 * (`core/001_kv`, `approvals/001_requests`) so modules add migrations without touching a shared
 * list; main.ts passes them in dependency order. A migration is never edited after it ships.
 */
export interface Migration {
  id: string;
  sql: string;
}

export interface OpenDatabaseOptions {
  /** File path, or ':memory:' for unit tests. */
  file: string;
  migrations: readonly Migration[];
}

/**
 * Opens the embedded store: WAL (readers never block the writer), a busy timeout so two bot
 * processes on one file wait instead of failing, foreign keys on, and every unapplied migration
 * run in its own transaction.
 */
export function openDatabase(options: OpenDatabaseOptions): Database {
  if (options.file !== ':memory:') fs.mkdirSync(path.dirname(options.file), { recursive: true });
  const db = new BetterSqlite3(options.file);
  db.pragma('journal_mode = WAL');
  // Only Keyward's user may read the store (votes, plans, journals); SQLite gives the WAL files
  // it creates later the database file's mode.
  if (options.file !== ':memory:') {
    for (const file of [options.file, `${options.file}-wal`, `${options.file}-shm`]) if (fs.existsSync(file)) fs.chmodSync(file, 0o600);
  }
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  applyMigrations(db, options.migrations);
  return db;
}

export function applyMigrations(db: Database, migrations: readonly Migration[]): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL
  )`);
  const seen = new Set<string>();
  for (const migration of migrations) {
    if (seen.has(migration.id)) throw new Error(`duplicate migration id ${migration.id}`);
    seen.add(migration.id);
  }
  const applied = new Set(
    (db.prepare('SELECT id FROM schema_migrations').all() as Array<{ id: string }>).map((row) => row.id),
  );
  const ran: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.id)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)').run(migration.id, new Date().toISOString());
    })();
    ran.push(migration.id);
  }
  return ran;
}

/** Cheap liveness probe for /healthz. */
export function pingDatabase(db: Database): boolean {
  try {
    return (db.prepare('SELECT 1 AS ok').get() as { ok: number }).ok === 1;
  } catch {
    return false;
  }
}
