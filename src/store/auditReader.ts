import { appError } from '../core';
import { SqlAuditStore } from './sqlAuditStore';
import type { SqlDatabase } from './sqlDatabase';
import { openSqliteReadOnly } from './sqliteDatabase';

/** The audit chain of a store opened for reading only (verify, export). */
export interface AuditReader {
  store: SqlAuditStore;
  close(): Promise<void>;
}

/** Refuses a store that has no audit log yet, with what that means. */
export async function auditReaderOver(db: SqlDatabase, where: string): Promise<AuditReader> {
  const table = db.engine === 'sqlite' ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'" : "SELECT to_regclass('audit_log') AS name";
  const found = await db.get<{ name: string | null }>(table).catch(() => undefined);
  if (!found?.name) {
    await db.close();
    throw appError('NotFound', `The store at ${where} has no audit log yet (the bot has not started with audit enabled).`);
  }
  return { store: new SqlAuditStore(db), close: () => db.close() };
}

/** The audit log of a SQLite store file, read-only. */
export function openSqliteAuditReader(file: string): Promise<AuditReader> {
  return auditReaderOver(openSqliteReadOnly(file), file);
}
