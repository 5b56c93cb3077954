import BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import { appError } from '../core';
import type { SqlDatabase, SqlValue } from './sqlDatabase';

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
 * - PostgreSQL (when it lands): one pooled client in `BEGIN ISOLATION LEVEL REPEATABLE READ READ
 *   ONLY`, tables from information_schema in dependency order — the same guarantee, the engine's
 *   own consistent read.
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

/** A consistent snapshot of a SQLite store file (the bot may keep writing meanwhile). */
export async function openSqliteSnapshot(file: string): Promise<StoreSnapshot> {
  if (!fs.existsSync(file)) throw appError('NotFound', `No Keyward store at ${file}. Set KEYWARD_DATA_DIR to the data directory of the bot.`);
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  try {
    db.exec('BEGIN');
    // The first read fixes what the transaction sees; everything below reads that same instant.
    const migrations = (db.prepare('SELECT id FROM schema_migrations ORDER BY rowid').all() as Array<{ id: string }>).map((row) => row.id);
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY rowid").all() as Array<{ name: string }>).map((row) => row.name);
    const tables = names.map((name) => ({ name, columns: (db.prepare(`PRAGMA table_info(${quoteIdent(name)})`).all() as Array<{ name: string }>).map((column) => column.name) }));
    return {
      engine: 'sqlite',
      migrations,
      tables,
      async *rows(table, pageSize = 500) {
        if (!names.includes(table)) throw appError('NotFound', `The snapshot has no table ${table}.`);
        const statement = db.prepare(`SELECT * FROM ${quoteIdent(table)} ORDER BY rowid LIMIT ? OFFSET ?`);
        for (let offset = 0; ; offset += pageSize) {
          const page = statement.all(pageSize, offset) as Array<Record<string, SqlValue>>;
          for (const row of page) yield row;
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
 * Writes rows into a freshly migrated store through its port (`?` placeholders, one unit of work
 * per table), so the same restore runs on either engine.
 */
export async function importTable(db: SqlDatabase, table: SnapshotTable, rows: AsyncIterable<Record<string, SqlValue>> | Iterable<Record<string, SqlValue>>): Promise<number> {
  const sql = `INSERT INTO ${quoteIdent(table.name)} (${table.columns.map(quoteIdent).join(', ')}) VALUES (${table.columns.map(() => '?').join(', ')})`;
  let count = 0;
  await db.atomic(async () => {
    for await (const row of rows) {
      await db.run(sql, table.columns.map((column) => row[column] ?? null));
      count += 1;
    }
  });
  return count;
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/i.test(name)) throw appError('BadRequest', `Unexpected table or column name "${name}".`);
  return `"${name}"`;
}
