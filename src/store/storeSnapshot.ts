import BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import { appError } from '../core';
import type { SqlDatabase, SqlValue } from './sqlDatabase';
import type { PostgresDatabase } from './postgresDatabase';

/** One table of a snapshot: its name and columns, in the order the migrations created them. */
export interface SnapshotTable {
  name: string;
  columns: string[];
}

/**
 * A consistent, read-only view of Keyward's whole store, taken while Keyward serves: every table
 * as it was at one instant, read a page at a time. The port backup and restore are written on, so
 * another engine only has to open one:
 *
 * - SQLite: a second, read-only connection to the file holding one deferred read transaction.
 *   In WAL mode that transaction sees the database as of its first read and never blocks the
 *   bot's writer (nor does the writer disturb it).
 * - PostgreSQL: one connection in `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`: every
 *   statement of the transaction sees the database as of its first one (the engine's own
 *   consistent read; writers are neither blocked nor seen). Tables come in creation order with
 *   a referenced table before its referrers; rows in primary-key order through a cursor.
 */
export interface StoreSnapshot {
  readonly engine: 'sqlite' | 'postgres';
  /** Migration ids applied in the snapshot. */
  readonly migrations: readonly string[];
  readonly tables: readonly SnapshotTable[];
  /** The table's rows in a stable order, `pageSize` at a time. */
  rows(table: string, pageSize?: number): AsyncIterable<Record<string, SqlValue>>;
  /** Ends the read transaction. */
  close(): Promise<void>;
}

/** The column each SQLite page is keyed by (not a row's own: it is removed before the row is yielded). */
const ROWID = '__keyward_rowid';

/** A consistent snapshot of a SQLite store file (the bot may keep writing meanwhile). */
export async function openSqliteSnapshot(file: string): Promise<StoreSnapshot> {
  if (!fs.existsSync(file)) throw appError('NotFound', `No Keyward store at ${file}. Set KEYWARD_DATA_DIR to the data directory of the bot.`);
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  try {
    db.exec('BEGIN');
    // The first read fixes what the transaction sees; everything below reads that same instant.
    const migrations = (db.prepare('SELECT id FROM schema_migrations ORDER BY rowid').all() as Array<{ id: string }>).map((row) => row.id);
    const names = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY rowid").all() as Array<{ name: string }>
    ).map((row) => row.name);
    const tables = names.map((name) => ({ name, columns: (db.prepare(`PRAGMA table_info(${quoteIdent(name)})`).all() as Array<{ name: string }>).map((column) => column.name) }));
    return {
      engine: 'sqlite',
      migrations,
      tables,
      async *rows(table, pageSize = 500) {
        const found = tables.find((t) => t.name === table);
        if (!found) throw appError('NotFound', `The snapshot has no table ${table}.`);
        // Each page starts after the last rowid read (an OFFSET would rescan every page before it).
        const statement = db.prepare(`SELECT rowid AS ${ROWID}, ${found.columns.map(quoteIdent).join(', ')} FROM ${quoteIdent(table)} WHERE rowid > ? ORDER BY rowid LIMIT ?`);
        for (let after = Number.MIN_SAFE_INTEGER; ;) {
          const page = statement.all(after, pageSize) as Array<Record<string, SqlValue>>;
          for (const row of page) {
            after = row[ROWID] as number;
            delete row[ROWID];
            yield row;
          }
          if (page.length < pageSize) return;
          // Let the process serve in between (the bot shares it when backup runs in-process).
          await new Promise((resolve) => setImmediate(resolve));
        }
      },
      async close() {
        if (db.open) {
          if (db.inTransaction) db.exec('COMMIT');
          db.close();
        }
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * A consistent snapshot of Keyward's PostgreSQL database, taken while every instance serves: one
 * connection of `db`'s pool holds a REPEATABLE READ, READ ONLY transaction until `close`.
 */
export async function openPostgresSnapshot(db: PostgresDatabase): Promise<StoreSnapshot> {
  const client = await db.pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // The first statement fixes the snapshot; everything below reads that same instant.
    const hasMigrations = (await client.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS found")).rows[0] as { found: boolean };
    if (!hasMigrations.found)
      throw appError('NotFound', 'This PostgreSQL database holds no Keyward store (no schema_migrations table). Check KEYWARD_POSTGRES_URL names the database Keyward uses.');
    const migrations = ((await client.query('SELECT id FROM schema_migrations ORDER BY applied_at, id')).rows as Array<{ id: string }>).map((row) => row.id);
    // Creation order (oid), then a referenced table before the tables that refer to it.
    const listed = (
      await client.query(
        "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_migrations' ORDER BY c.oid",
      )
    ).rows as Array<{ name: string }>;
    const references = (
      await client.query(
        "SELECT src.relname AS referrer, dst.relname AS referenced FROM pg_constraint k JOIN pg_class src ON src.oid = k.conrelid JOIN pg_class dst ON dst.oid = k.confrelid JOIN pg_namespace n ON n.oid = src.relnamespace WHERE k.contype = 'f' AND n.nspname = current_schema()",
      )
    ).rows as Array<{ referrer: string; referenced: string }>;
    const names = dependencyOrder(
      listed.map((row) => row.name),
      references,
    );
    const columns = (
      await client.query('SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position')
    ).rows as Array<{ table_name: string; column_name: string }>;
    const keys = (
      await client.query(
        'SELECT c.relname AS table_name, a.attname AS column_name FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) ON true JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum WHERE i.indisprimary AND n.nspname = current_schema() ORDER BY c.relname, k.position',
      )
    ).rows as Array<{ table_name: string; column_name: string }>;
    const tables = names.map((name) => ({ name, columns: columns.filter((c) => c.table_name === name).map((c) => c.column_name) }));
    let cursors = 0;
    return {
      engine: 'postgres',
      migrations,
      tables,
      async *rows(table, pageSize = 500) {
        const found = tables.find((t) => t.name === table);
        if (!found) throw appError('NotFound', `The snapshot has no table ${table}.`);
        const key = keys.filter((k) => k.table_name === table).map((k) => quoteIdent(k.column_name));
        const order = key.length > 0 ? key : found.columns.map(quoteIdent);
        const cursor = `keyward_backup_${(cursors += 1)}`;
        await client.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT ${found.columns.map(quoteIdent).join(', ')} FROM ${quoteIdent(table)} ORDER BY ${order.join(', ')}`);
        try {
          for (;;) {
            const page = (await client.query(`FETCH FORWARD ${Math.max(1, Math.floor(pageSize))} FROM ${cursor}`)).rows as Array<Record<string, SqlValue>>;
            for (const row of page) yield row;
            if (page.length < pageSize) return;
          }
        } finally {
          await client.query(`CLOSE ${cursor}`);
        }
      },
      async close() {
        try {
          await client.query('COMMIT');
        } catch (error) {
          broken = error instanceof Error ? error : new Error(String(error));
        } finally {
          client.release(broken);
        }
      },
    };
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => (broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError))));
    client.release(broken);
    throw error;
  }
}

/** `names` reordered (stably) so that each table comes after every table it refers to. */
function dependencyOrder(names: readonly string[], references: ReadonlyArray<{ referrer: string; referenced: string }>): string[] {
  const out: string[] = [];
  const placing = new Set<string>();
  const place = (name: string) => {
    if (out.includes(name) || placing.has(name) || !names.includes(name)) return;
    placing.add(name);
    for (const ref of references) if (ref.referrer === name && ref.referenced !== name) place(ref.referenced);
    out.push(name);
  };
  for (const name of names) place(name);
  return out;
}

/**
 * An import target's tables (PostgreSQL, the current schema), each with its columns in order:
 * what the copy and the restore check before writing anything.
 */
export async function postgresTargetTables(db: SqlDatabase): Promise<Map<string, string[]>> {
  const tables = new Map<string, string[]>();
  for (const { name } of await db.all<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
  ))
    tables.set(name, []);
  for (const column of await db.all<{ table_name: string; column_name: string }>(
    'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position',
  ))
    tables.get(column.table_name)?.push(column.column_name);
  return tables;
}

/** The first of `tables` that holds a row (an import goes only into empty tables), if any. */
export async function firstTableWithRows(db: SqlDatabase, tables: Iterable<string>): Promise<string | undefined> {
  // Quoted, not refused: a target may hold tables of someone else's, with any name.
  for (const table of tables) if (await db.get(`SELECT 1 AS found FROM "${table.replace(/"/g, '""')}" LIMIT 1`)) return table;
  return undefined;
}

/** Rows per INSERT statement (PostgreSQL takes at most 65,535 parameters; SQLite 32,766). */
const MAX_PARAMETERS = 30_000;
const MAX_ROWS_PER_INSERT = 500;

/**
 * Writes rows into a freshly migrated store through its port (`?` placeholders, several rows per
 * statement, one unit of work per table — nested in the caller's when there is one), so the same
 * restore runs on either engine.
 */
export async function importTable(db: SqlDatabase, table: SnapshotTable, rows: AsyncIterable<Record<string, SqlValue>> | Iterable<Record<string, SqlValue>>): Promise<number> {
  const list = table.columns.map(quoteIdent).join(', ');
  const tuple = `(${table.columns.map(() => '?').join(', ')})`;
  const perInsert = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_PARAMETERS / Math.max(1, table.columns.length))));
  let count = 0;
  await db.atomic(async () => {
    let batch: SqlValue[] = [];
    let batchRows = 0;
    const flush = async () => {
      if (batchRows === 0) return;
      await db.run(`INSERT INTO ${quoteIdent(table.name)} (${list}) VALUES ${Array.from({ length: batchRows }, () => tuple).join(', ')}`, batch);
      batch = [];
      batchRows = 0;
    };
    for await (const row of rows) {
      for (const column of table.columns) batch.push(row[column] ?? null);
      batchRows += 1;
      count += 1;
      if (batchRows >= perInsert) await flush();
    }
    await flush();
  });
  return count;
}

/** PostgreSQL after an import: serial columns continue after the imported rows (else the next insert would collide). */
export async function resetSequences(db: SqlDatabase, tables: readonly string[]): Promise<void> {
  const serials = await db.all<{ table_name: string; column_name: string }>(
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'",
  );
  for (const serial of serials) {
    if (!tables.includes(serial.table_name)) continue;
    const table = quoteIdent(serial.table_name);
    await db.run(`SELECT setval(pg_get_serial_sequence(?, ?), COALESCE((SELECT MAX(${quoteIdent(serial.column_name)}) FROM ${table}), 1), (SELECT COUNT(*) FROM ${table}) > 0)`, [
      serial.table_name,
      serial.column_name,
    ]);
  }
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/i.test(name)) throw appError('BadRequest', `Unexpected table or column name "${name}".`);
  return `"${name}"`;
}
