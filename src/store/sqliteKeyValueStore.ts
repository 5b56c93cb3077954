import { randomBytes } from 'node:crypto';
import type { Database, Migration } from './database';

export const keyValueMigrations: readonly Migration[] = [
  {
    id: 'core/001_kv',
    sql: `CREATE TABLE kv (
      namespace TEXT NOT NULL,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      etag TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (namespace, key)
    )`,
  },
];

export interface StoredValue {
  value: unknown;
  etag: string;
}

/** Outcome of a conditional write: `conflict` means the stored etag no longer matched. */
export type PutResult = { ok: true; etag: string } | { ok: false; conflict: true };

/**
 * A namespaced JSON key-value table with optimistic concurrency (etag compare-and-set).
 * Backs teams-ai conversation state and small documents.
 */
export class SqliteKeyValueStore {
  // Prepared once: preparing per call showed up in the turn profile.
  private readonly statements;

  constructor(private readonly db: Database) {
    this.statements = {
      get: db.prepare('SELECT value, etag FROM kv WHERE namespace = ? AND key = ?'),
      upsert: db.prepare(
        `INSERT INTO kv (namespace, key, value, etag, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(namespace, key) DO UPDATE SET value = excluded.value, etag = excluded.etag, updated_at = excluded.updated_at`,
      ),
      insertNew: db.prepare('INSERT OR IGNORE INTO kv (namespace, key, value, etag, updated_at) VALUES (?, ?, ?, ?, ?)'),
      update: db.prepare('UPDATE kv SET value = ?, etag = ?, updated_at = ? WHERE namespace = ? AND key = ? AND etag = ?'),
      delete: db.prepare('DELETE FROM kv WHERE namespace = ? AND key = ?'),
      list: db.prepare('SELECT key, value FROM kv WHERE namespace = ? ORDER BY key'),
    };
  }

  get(namespace: string, key: string): StoredValue | undefined {
    const row = this.statements.get.get(namespace, key) as
      | { value: string; etag: string }
      | undefined;
    return row ? { value: JSON.parse(row.value) as unknown, etag: row.etag } : undefined;
  }

  /**
   * Writes `value`. With `expectedEtag` the write succeeds only if the stored etag still equals it
   * (`null` = must not exist yet); without it the write is unconditional ("last writer wins").
   */
  put(namespace: string, key: string, value: unknown, expectedEtag?: string | null): PutResult {
    const etag = randomBytes(8).toString('hex');
    const json = JSON.stringify(value);
    const now = new Date().toISOString();
    if (expectedEtag === undefined) {
      this.statements.upsert.run(namespace, key, json, etag, now);
      return { ok: true, etag };
    }
    if (expectedEtag === null) {
      const result = this.statements.insertNew.run(namespace, key, json, etag, now);
      return result.changes === 1 ? { ok: true, etag } : { ok: false, conflict: true };
    }
    const result = this.statements.update.run(json, etag, now, namespace, key, expectedEtag);
    return result.changes === 1 ? { ok: true, etag } : { ok: false, conflict: true };
  }

  delete(namespace: string, key: string): void {
    this.statements.delete.run(namespace, key);
  }

  list(namespace: string): Array<{ key: string; value: unknown }> {
    return (this.statements.list.all(namespace) as Array<{ key: string; value: string }>).map(
      (row) => ({ key: row.key, value: JSON.parse(row.value) as unknown }),
    );
  }
}
