import type { DownloadStore, StoredDownload } from '../server/downloads';
import type { Database, Migration } from './database';

export const depDownloadMigrations: readonly Migration[] = [
  {
    id: 'inventory/003_downloads',
    sql: `CREATE TABLE dep_downloads (
      token_hash TEXT PRIMARY KEY,
      body TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      downloads INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX dep_downloads_expiry ON dep_downloads (expires_at);`,
  },
];

/** Download links for generated scripts (token hashes only, never tokens). */
export class SqliteDepDownloadStore implements DownloadStore {
  private readonly statements;

  constructor(db: Database) {
    this.statements = {
      insert: db.prepare('INSERT INTO dep_downloads (token_hash, body, expires_at, downloads) VALUES (?, ?, ?, 0)'),
      get: db.prepare('SELECT body, downloads FROM dep_downloads WHERE token_hash = ?'),
      count: db.prepare('UPDATE dep_downloads SET downloads = downloads + 1 WHERE token_hash = ? AND downloads < ?'),
      expire: db.prepare('DELETE FROM dep_downloads WHERE expires_at <= ?'),
    };
  }

  insert(download: StoredDownload): void {
    this.statements.insert.run(download.tokenHash, JSON.stringify(download), download.expiresAt);
  }

  get(tokenHash: string): StoredDownload | undefined {
    const row = this.statements.get.get(tokenHash) as { body: string; downloads: number } | undefined;
    return row ? { ...(JSON.parse(row.body) as StoredDownload), downloads: row.downloads } : undefined;
  }

  countDownload(tokenHash: string, maxDownloads: number): boolean {
    return this.statements.count.run(tokenHash, maxDownloads).changes === 1;
  }

  deleteExpired(nowIso: string): number {
    return this.statements.expire.run(nowIso).changes;
  }
}
