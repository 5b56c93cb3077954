import { randomBytes } from 'node:crypto';
import type { Migration, SqlDatabase } from './sqlDatabase';

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
export class SqlKeyValueStore {
  constructor(private readonly db: SqlDatabase) {}

  async get(namespace: string, key: string): Promise<StoredValue | undefined> {
    const row = await this.db.get<{ value: string; etag: string }>('SELECT value, etag FROM kv WHERE namespace = ? AND key = ?', [namespace, key]);
    return row ? { value: JSON.parse(row.value) as unknown, etag: row.etag } : undefined;
  }

  /**
   * Writes `value`. With `expectedEtag` the write succeeds only if the stored etag still equals it
   * (`null` = must not exist yet); without it the write is unconditional ("last writer wins").
   */
  async put(namespace: string, key: string, value: unknown, expectedEtag?: string | null): Promise<PutResult> {
    const etag = randomBytes(8).toString('hex');
    const json = JSON.stringify(value);
    const now = new Date().toISOString();
    if (expectedEtag === undefined) {
      await this.db.run(
        `INSERT INTO kv (namespace, key, value, etag, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(namespace, key) DO UPDATE SET value = excluded.value, etag = excluded.etag, updated_at = excluded.updated_at`,
        [namespace, key, json, etag, now],
      );
      return { ok: true, etag };
    }
    if (expectedEtag === null) {
      const result = await this.db.run('INSERT INTO kv (namespace, key, value, etag, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING', [namespace, key, json, etag, now]);
      return result.changes === 1 ? { ok: true, etag } : { ok: false, conflict: true };
    }
    const result = await this.db.run('UPDATE kv SET value = ?, etag = ?, updated_at = ? WHERE namespace = ? AND key = ? AND etag = ?', [
      json,
      etag,
      now,
      namespace,
      key,
      expectedEtag,
    ]);
    return result.changes === 1 ? { ok: true, etag } : { ok: false, conflict: true };
  }

  async delete(namespace: string, key: string): Promise<void> {
    await this.db.run('DELETE FROM kv WHERE namespace = ? AND key = ?', [namespace, key]);
  }

  async list(namespace: string): Promise<Array<{ key: string; value: unknown }>> {
    return (await this.db.all<{ key: string; value: string }>('SELECT key, value FROM kv WHERE namespace = ? ORDER BY key', [namespace])).map((row) => ({
      key: row.key,
      value: JSON.parse(row.value) as unknown,
    }));
  }
}
