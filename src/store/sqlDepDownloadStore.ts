import type { DownloadStore, StoredDownload } from '../server/downloads';
import type { Migration, SqlDatabase } from './sqlDatabase';

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
export class SqlDepDownloadStore implements DownloadStore {
  constructor(private readonly db: SqlDatabase) {}

  async insert(download: StoredDownload): Promise<void> {
    await this.db.run('INSERT INTO dep_downloads (token_hash, body, expires_at, downloads) VALUES (?, ?, ?, 0)', [
      download.tokenHash,
      JSON.stringify(download),
      download.expiresAt,
    ]);
  }

  async get(tokenHash: string): Promise<StoredDownload | undefined> {
    const row = await this.db.get<{ body: string; downloads: number }>('SELECT body, downloads FROM dep_downloads WHERE token_hash = ?', [tokenHash]);
    return row ? { ...(JSON.parse(row.body) as StoredDownload), downloads: Number(row.downloads) } : undefined;
  }

  async countDownload(tokenHash: string, maxDownloads: number): Promise<boolean> {
    return (await this.db.run('UPDATE dep_downloads SET downloads = downloads + 1 WHERE token_hash = ? AND downloads < ?', [tokenHash, maxDownloads])).changes === 1;
  }

  async deleteExpired(nowIso: string): Promise<number> {
    return (await this.db.run('DELETE FROM dep_downloads WHERE expires_at <= ?', [nowIso])).changes;
  }
}
