import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appError, type Logger, silentLogger } from '../core';
import { formatAnchor, verifyAuditStream, type AuditAnchor } from '../audit';
import { SqlAuditStore } from '../store/sqlAuditStore';
import { MIGRATIONS_LOCK, type SqlDatabase } from '../store/sqlDatabase';
import { openSqliteDatabase, type SqliteDatabase } from '../store/sqliteDatabase';
import { firstTableWithRows, importTable, openSqliteSnapshot, postgresTargetTables, resetSequences, type StoreSnapshot } from '../store/storeSnapshot';
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

/** Rows read from the source at a time. */
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
  const snapshotFile = path.join(snapshotDir, 'keyward.sqlite');
  let source: SqliteDatabase | undefined;
  let snapshot: StoreSnapshot | undefined;
  try {
    source = await migratedCopyOf(sourceFile, snapshotFile);
    const before = await verifiedChain(source, `the source ${sourceFile}`);
    logger.info({ records: before.records, head: before.head ? formatAnchor(before.head) : null }, 'source audit chain intact');
    // The private copy, read as backup reads a store (tables in creation order, rows a page at a time).
    snapshot = await openSqliteSnapshot(snapshotFile);
    const { tables } = snapshot;

    await target.migrate(KEYWARD_MIGRATIONS);
    const targetTables = await postgresTargetTables(target);
    for (const table of tables) {
      const targetColumns = targetTables.get(table.name);
      if (!targetColumns) throw appError('ConfigInvalid', `The target has no table ${table.name}: it was made by another version of Keyward.`);
      const missing = table.columns.filter((c) => !targetColumns.includes(c));
      if (missing.length > 0) throw appError('ConfigInvalid', `The target's table ${table.name} lacks ${missing.join(', ')}: it was made by another version of Keyward.`);
    }
    const occupied = await firstTableWithRows(
      target,
      tables.map((t) => t.name),
    );
    if (occupied) throw appError('ConfigInvalid', `The target database is not empty (table ${occupied} has rows). Copy only into a new, empty database: nothing was changed.`);

    const report: StoreCopyReport = { tables: [], auditRecords: before.records, ...(before.head ? { head: before.head } : {}) };
    await target.atomic(async () => {
      // Nobody else writes while the copy runs (a bot started early waits, then finds the rows).
      await target.lock(MIGRATIONS_LOCK);
      for (const table of tables) {
        const rows = await importTable(target, table, snapshot!.rows(table.name, READ_PAGE));
        report.tables.push({ table: table.name, rows });
        logger.info({ table: table.name, rows }, 'copied');
        await options.afterTable?.(table.name);
      }
      await resetSequences(
        target,
        tables.map((t) => t.name),
      );
      const inside = await verifiedChain(target, 'the target (before commit)');
      if (inside.records !== before.records || formatAnchor(inside.head ?? { sequence: 0, hash: '' }) !== formatAnchor(before.head ?? { sequence: 0, hash: '' })) {
        throw appError('AuditWriteFailed', `The copied audit chain differs from the source (${inside.records} vs ${before.records} records): nothing was committed.`);
      }
    });
    const after = await verifiedChain(target, 'the target');
    if (after.records !== before.records) throw appError('AuditWriteFailed', `After the commit the target holds ${after.records} audit records, the source ${before.records}.`);
    return report;
  } finally {
    await snapshot?.close();
    await source?.close();
    fs.rmSync(snapshotDir, { recursive: true, force: true });
  }
}

/** SQLite's online backup of `file` (a store still open elsewhere is read as of one moment), brought to this version's schema. */
async function migratedCopyOf(file: string, copy: string): Promise<SqliteDatabase> {
  const BetterSqlite3 = (await import('better-sqlite3')).default;
  const live = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    await live.backup(copy);
  } finally {
    live.close();
  }
  // Brought to this version's schema (an older deployment's file gains the newer, empty tables).
  return openSqliteDatabase({ file: copy, migrations: KEYWARD_MIGRATIONS });
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
