import type { Migration, SqlDatabase } from './sqlDatabase';

export const clusterMigrations: readonly Migration[] = [
  {
    id: 'cluster/001_leases_and_outbox',
    // cluster_leases: who runs the cluster-wide timers (one row per named lease, with a fencing
    // token). outbox_events: committed changes for the other instances, in commit order; a
    // consumer's cursor says how far it has handled them.
    sql: `CREATE TABLE cluster_leases (
      name TEXT PRIMARY KEY,
      owner TEXT,
      expires_ms INTEGER,
      token INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE outbox_events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      topic TEXT NOT NULL,
      subject TEXT NOT NULL,
      body TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE TABLE outbox_cursors (
      consumer TEXT PRIMARY KEY,
      seq INTEGER NOT NULL
    );`,
    postgres: `CREATE TABLE cluster_leases (
      name TEXT PRIMARY KEY,
      owner TEXT,
      expires_ms BIGINT,
      token BIGINT NOT NULL DEFAULT 0
    );
    CREATE TABLE outbox_events (
      seq BIGSERIAL PRIMARY KEY,
      topic TEXT NOT NULL,
      subject TEXT NOT NULL,
      body TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE TABLE outbox_cursors (
      consumer TEXT PRIMARY KEY,
      seq BIGINT NOT NULL
    );`,
  },
];

export interface OutboxEvent {
  seq: number;
  topic: string;
  subject: string;
  body: string;
}

/** The notification channel of new outbox events (PostgreSQL LISTEN/NOTIFY). */
export const OUTBOX_CHANNEL = 'keyward_outbox';

/**
 * What several instances share to act as one: named leases with fencing tokens (the cluster's
 * timers run where the lease is held) and the outbox (changes committed on one instance,
 * handled once across the cluster).
 */
export class SqlClusterStore {
  constructor(private readonly db: SqlDatabase) {}

  /**
   * Takes the named lease when it is free, lapsed or already ours; returns its fencing token
   * (larger than any handed out before for this name), or undefined when another owner holds it.
   */
  async acquireLease(name: string, owner: string, nowMs: number, ttlMs: number): Promise<number | undefined> {
    await this.db.run('INSERT INTO cluster_leases (name, owner, expires_ms, token) VALUES (?, NULL, NULL, 0) ON CONFLICT DO NOTHING', [name]);
    const row = await this.db.get<{ token: number }>(
      `UPDATE cluster_leases SET owner = ?, expires_ms = ?, token = token + 1
       WHERE name = ? AND (owner IS NULL OR owner = ? OR expires_ms <= ?) RETURNING token`,
      [owner, nowMs + ttlMs, name, owner, nowMs],
    );
    return row ? Number(row.token) : undefined;
  }

  /** Extends the lease while owner and token still hold it; false = it moved on. */
  async renewLease(name: string, owner: string, token: number, nowMs: number, ttlMs: number): Promise<boolean> {
    return (await this.db.run('UPDATE cluster_leases SET expires_ms = ? WHERE name = ? AND owner = ? AND token = ?', [nowMs + ttlMs, name, owner, token])).changes === 1;
  }

  async releaseLease(name: string, owner: string, token: number): Promise<void> {
    await this.db.run('UPDATE cluster_leases SET owner = NULL, expires_ms = NULL WHERE name = ? AND owner = ? AND token = ?', [name, owner, token]);
  }

  async lease(name: string): Promise<{ owner: string; expiresAtMs: number; token: number } | undefined> {
    const row = await this.db.get<{ owner: string | null; expires_ms: number | null; token: number }>('SELECT owner, expires_ms, token FROM cluster_leases WHERE name = ?', [name]);
    return row?.owner ? { owner: row.owner, expiresAtMs: Number(row.expires_ms ?? 0), token: Number(row.token) } : undefined;
  }

  /**
   * Adds an event inside the caller's unit of work: it commits with the change it describes, or
   * not at all. Appends take a lock so sequence order is commit order (a reader never moves its
   * cursor past an event that commits later with a smaller number), and PostgreSQL tells the
   * listening instances at commit.
   */
  async append(topic: string, subject: string, body: string, at: string): Promise<void> {
    await this.db.lock('keyward.outbox');
    await this.db.run('INSERT INTO outbox_events (topic, subject, body, created_at) VALUES (?, ?, ?, ?)', [topic, subject, body, at]);
    if (this.db.engine === 'postgres') await this.db.run(`SELECT pg_notify('${OUTBOX_CHANNEL}', ?)`, [topic]);
  }

  /** Events after `afterSeq`, oldest first. */
  async events(afterSeq: number, limit: number): Promise<OutboxEvent[]> {
    return (await this.db.all<OutboxEvent>('SELECT seq, topic, subject, body FROM outbox_events WHERE seq > ? ORDER BY seq LIMIT ?', [afterSeq, limit])).map((e) => ({
      ...e,
      seq: Number(e.seq),
    }));
  }

  async lastSeq(): Promise<number> {
    return Number((await this.db.get<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM outbox_events'))?.seq ?? 0);
  }

  /** Events after `afterSeq`: how many, and when the oldest was committed (metrics: the outbox's lag). */
  async backlog(afterSeq: number): Promise<{ events: number; oldestAt?: string }> {
    const row = await this.db.get<{ events: number | string; oldest: string | null }>('SELECT COUNT(*) AS events, MIN(created_at) AS oldest FROM outbox_events WHERE seq > ?', [
      afterSeq,
    ]);
    return { events: Number(row?.events ?? 0), ...(row?.oldest ? { oldestAt: row.oldest } : {}) };
  }

  /** How far the consumer has handled events (undefined: nothing yet; it starts at the first event kept). */
  async cursor(consumer: string): Promise<number | undefined> {
    const row = await this.db.get<{ seq: number }>('SELECT seq FROM outbox_cursors WHERE consumer = ?', [consumer]);
    return row ? Number(row.seq) : undefined;
  }

  /** Moves the cursor forward (never back). */
  async advance(consumer: string, seq: number): Promise<void> {
    await this.db.run('INSERT INTO outbox_cursors (consumer, seq) VALUES (?, ?) ON CONFLICT(consumer) DO UPDATE SET seq = excluded.seq WHERE outbox_cursors.seq < excluded.seq', [
      consumer,
      seq,
    ]);
  }

  /** Drops handled events older than `beforeSeq` (housekeeping). */
  async prune(beforeSeq: number): Promise<number> {
    return (await this.db.run('DELETE FROM outbox_events WHERE seq < ?', [beforeSeq])).changes;
  }
}
