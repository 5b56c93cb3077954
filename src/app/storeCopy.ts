import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appError, type Logger, silentLogger } from '../core';
import { formatAnchor, verifyAuditStream, type AuditAnchor } from '../audit';
import { SqlAuditStore } from '../store/sqlAuditStore';
import type { SqlDatabase, SqlValue } from '../store/sqlDatabase';
import { openSqliteDatabase, type SqliteDatabase } from '../store/sqliteDatabase';
import { KEYWARD_MIGRATIONS } from './storeSchema';

export interface StoreCopyReport {
  /** Rows copied per table, in copy order. */
  tables: Array<{ table: string; rows: number }>;
  auditRecords: number;
  /** The audit chain's head, the same before and after. */
  head?: AuditAnchor;
}

export interface StoreCopyOptions {
  logger?: Logger;
  /** Test hook: called after each table is copied, inside the target's transaction. */
  afterTable?(table: string): void | Promise<void>;
}

/** Rows per INSERT: PostgreSQL takes at most 65,535 parameters in one statement. */
const MAX_PARAMETERS = 30_000;
const READ_PAGE = 5_000;

/**
 * Moves a single-instance deployment's state from its SQLite file to an empty PostgreSQL database:
 *
 * 1. a consistent snapshot of the SQLite file (SQLite's online backup, so a store still open
 *    elsewhere is read as of one moment), migrated to this version's schema;
 * 2. its audit chain verified (a broken chain is not moved: investigate first);
 * 3. the target migrated and refused unless every Keyward table is empty;
 * 4. every table copied in ONE PostgreSQL transaction — the audit chain verified again inside it
 *    and compared with the source (same head, same count) before the commit, so a failure at any
 *    point leaves the target exactly as empty as it was;
 * 5. after the commit, the chain verified once more as the bot will read it.
 */
export async function copySqliteToPostgres(sourceFile: string, target: SqlDatabase, options: StoreCopyOptions = {}): Promise<StoreCopyReport> {
  const logger = options.logger ?? silentLogger;
  if (target.engine !== 'postgres') throw appError('ConfigInvalid', 'The copy target must be a PostgreSQL database.');
  if (!fs.existsSync(sourceFile)) throw appError('NotFound', `No SQLite store at ${sourceFile}.`);
  const snapshotDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-copy-'));
  fs.chmodSync(snapshotDir, 0o700);
  let source: SqliteDatabase | undefined;
  try {
    source = await snapshotOf(sourceFile, path.join(snapshotDir, 'keyward.sqlite'));
    const before = await verifiedChain(source, `the source ${sourceFile}`);
    logger.info({ records: before.records, head: before.head ? formatAnchor(before.head) : null }, 'source audit chain intact');

    await target.migrate(KEYWARD_MIGRATIONS);
    const tables = await copyOrder(source);
    const targetTables = new Set(
      (await target.all<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")).map(
        (t) => t.name,
      ),
    );
    for (const table of tables) {
      if (!targetTables.has(table)) throw appError('ConfigInvalid', `The target has no table ${table}: it was made by another version of Keyward.`);
      if (await target.get(`SELECT 1 AS found FROM ${quote(table)} LIMIT 1`)) {
        throw appError('ConfigInvalid', `The target database is not empty (table ${table} has rows). Copy only into a new, empty database: nothing was changed.`);
      }
    }

    const report: StoreCopyReport = { tables: [], auditRecords: before.records, ...(before.head ? { head: before.head } : {}) };
    await target.atomic(async () => {
      // Nobody else writes while the copy runs (a bot started early waits, then finds the rows).
      await target.lock('keyward.migrations');
      for (const table of tables) {
        const rows = await copyTable(source!, target, table);
        report.tables.push({ table, rows });
        logger.info({ table, rows }, 'copied');
        await options.afterTable?.(table);
      }
      await resetSequences(target, tables);
      const inside = await verifiedChain(target, 'the target (before commit)');
      if (inside.records !== before.records || formatAnchor(inside.head ?? { sequence: 0, hash: '' }) !== formatAnchor(before.head ?? { sequence: 0, hash: '' })) {
        throw appError('AuditWriteFailed', `The copied audit chain differs from the source (${inside.records} vs ${before.records} records): nothing was committed.`);
      }
    });
    const after = await verifiedChain(target, 'the target');
    if (after.records !== before.records) throw appError('AuditWriteFailed', `After the commit the target holds ${after.records} audit records, the source ${before.records}.`);
    return report;
  } finally {
    await source?.close();
    fs.rmSync(snapshotDir, { recursive: true, force: true });
  }
}

async function snapshotOf(file: string, snapshot: string): Promise<SqliteDatabase> {
  const BetterSqlite3 = (await import('better-sqlite3')).default;
  const live = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    await live.backup(snapshot);
  } finally {
    live.close();
  }
  // Brought to this version's schema (an older deployment's file gains the newer, empty tables).
  return openSqliteDatabase({ file: snapshot, migrations: KEYWARD_MIGRATIONS });
}

async function verifiedChain(db: SqlDatabase, what: string): Promise<{ records: number; head?: AuditAnchor }> {
  const store = new SqlAuditStore(db);
  const result = await verifyAuditStream(store.records(), { expectedHead: await store.storedHead() });
  if (!result.ok) {
    const bad = result.firstBad!;
    throw appError(
      'AuditChainBroken',
      `The audit chain of ${what} is broken at record ${bad.sequence} (${bad.problem}): ${bad.message}. Nothing was copied; run npm run audit -- verify and investigate first.`,
    );
  }
  return { records: result.records, ...(result.head ? { head: result.head } : {}) };
}

/** The source's tables in the order they were created (a referenced table before its referrers). */
async function copyOrder(source: SqlDatabase): Promise<string[]> {
  const rows = await source.all<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY rowid",
  );
  return rows.map((row) => row.name);
}

async function copyTable(source: SqlDatabase, target: SqlDatabase, table: string): Promise<number> {
  const columns = (await source.all<{ name: string }>(`SELECT name FROM pragma_table_info('${table.replace(/'/g, "''")}')`)).map((c) => c.name);
  const targetColumns = new Set(
    (await target.all<{ name: string }>('SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?', [table])).map(
      (c) => c.name,
    ),
  );
  const missing = columns.filter((c) => !targetColumns.has(c));
  if (missing.length > 0) throw appError('ConfigInvalid', `The target's table ${table} lacks ${missing.join(', ')}: it was made by another version of Keyward.`);
  const perInsert = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  const list = columns.map(quote).join(', ');
  let copied = 0;
  let after = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const page = await source.all<Record<string, SqlValue> & { __rowid: number }>(`SELECT rowid AS __rowid, ${list} FROM ${quote(table)} WHERE rowid > ? ORDER BY rowid LIMIT ?`, [
      after,
      READ_PAGE,
    ]);
    if (page.length === 0) break;
    after = page[page.length - 1]!.__rowid;
    for (let start = 0; start < page.length; start += perInsert) {
      const batch = page.slice(start, start + perInsert);
      const values: SqlValue[] = [];
      for (const row of batch) for (const column of columns) values.push(row[column] ?? null);
      const placeholders = batch.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
      await target.run(`INSERT INTO ${quote(table)} (${list}) VALUES ${placeholders}`, values);
    }
    copied += page.length;
  }
  return copied;
}

/** Serial columns continue after the copied rows (else the next insert would collide). */
export async function resetSequences(target: SqlDatabase, tables: readonly string[]): Promise<void> {
  const serials = await target.all<{ table_name: string; column_name: string }>(
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'",
  );
  for (const serial of serials) {
    if (!tables.includes(serial.table_name)) continue;
    await target.run(
      `SELECT setval(pg_get_serial_sequence(?, ?), COALESCE((SELECT MAX(${quote(serial.column_name)}) FROM ${quote(serial.table_name)}), 1), (SELECT COUNT(*) FROM ${quote(serial.table_name)}) > 0)`,
      [serial.table_name, serial.column_name],
    );
  }
}

function quote(identifier: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(identifier)) throw appError('Internal', `Unexpected table or column name: ${identifier}`);
  return `"${identifier}"`;
}
