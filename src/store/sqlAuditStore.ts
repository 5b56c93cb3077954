import { appError } from '../core';
import { computeAuditHash, type AuditAnchor, type AuditOutcome, type AuditRecord } from '../audit/auditRecord';
import type { AuditStore } from '../audit/auditLog';
import type { AuditDigest } from '../audit/auditDigest';
import type { AuditDigestStore } from '../audit/auditDigester';
import type { Migration, SqlDatabase, SqlValue } from './sqlDatabase';

export const auditMigrations: readonly Migration[] = [
  {
    id: 'audit/001_log',
    // sequence is the rowid: the physical order is the chain order. audit_head is moved in the
    // same transaction as every insert, so a tail cut off later is visible (head > last record).
    sql: `CREATE TABLE audit_log (
      sequence INTEGER PRIMARY KEY,
      time TEXT NOT NULL,
      actor_object_id TEXT NOT NULL,
      actor_name TEXT,
      actor_tenant_id TEXT,
      action TEXT NOT NULL,
      target TEXT NOT NULL,
      request_id TEXT,
      plan_hash TEXT,
      outcome TEXT NOT NULL,
      reason TEXT,
      details TEXT NOT NULL,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL
    );
    CREATE INDEX audit_log_request ON audit_log (request_id);
    CREATE TABLE audit_head (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      sequence INTEGER NOT NULL,
      hash TEXT NOT NULL
    );`,
    postgres: `CREATE TABLE audit_log (
      sequence BIGINT PRIMARY KEY,
      time TEXT NOT NULL,
      actor_object_id TEXT NOT NULL,
      actor_name TEXT,
      actor_tenant_id TEXT,
      action TEXT NOT NULL,
      target TEXT NOT NULL,
      request_id TEXT,
      plan_hash TEXT,
      outcome TEXT NOT NULL,
      reason TEXT,
      details TEXT NOT NULL,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL
    );
    CREATE INDEX audit_log_request ON audit_log (request_id);
    CREATE INDEX audit_log_actor ON audit_log (actor_object_id, sequence);
    CREATE TABLE audit_head (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      sequence BIGINT NOT NULL,
      hash TEXT NOT NULL
    );`,
  },
  {
    id: 'audit/002_digests',
    // Signed digests of the chain (see src/audit/auditDigest.ts); number is the digest chain order.
    sql: `CREATE TABLE audit_digest (
      number INTEGER PRIMARY KEY,
      to_sequence INTEGER NOT NULL,
      body TEXT NOT NULL
    );`,
    postgres: `CREATE TABLE audit_digest (
      number BIGINT PRIMARY KEY,
      to_sequence BIGINT NOT NULL,
      body TEXT NOT NULL
    );`,
  },
];

interface AuditRow {
  sequence: number;
  time: string;
  actor_object_id: string;
  actor_name: string | null;
  actor_tenant_id: string | null;
  action: string;
  target: string;
  request_id: string | null;
  plan_hash: string | null;
  outcome: string;
  reason: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

function toRecord(row: AuditRow): AuditRecord {
  let details: Record<string, unknown>;
  try {
    details = JSON.parse(row.details) as Record<string, unknown>;
  } catch {
    // Unparseable details are still a record; its hash will not match, which verify reports.
    details = { unparseable: row.details };
  }
  return {
    sequence: Number(row.sequence),
    time: row.time,
    actor: { objectId: row.actor_object_id, name: row.actor_name, tenantId: row.actor_tenant_id },
    action: row.action,
    target: row.target,
    requestId: row.request_id,
    planHash: row.plan_hash,
    outcome: row.outcome as AuditOutcome,
    reason: row.reason,
    details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** One record as a row of audit_log: the statement and its values, column for column. */
export const INSERT_AUDIT_ROW = `INSERT INTO audit_log (sequence, time, actor_object_id, actor_name, actor_tenant_id, action, target, request_id, plan_hash, outcome, reason, details, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export function auditRowValues(record: AuditRecord): SqlValue[] {
  return [
    record.sequence,
    record.time,
    record.actor.objectId,
    record.actor.name ?? null,
    record.actor.tenantId ?? null,
    record.action,
    record.target,
    record.requestId ?? null,
    record.planHash ?? null,
    record.outcome,
    record.reason ?? null,
    JSON.stringify(record.details),
    record.prevHash,
    record.hash,
  ];
}

/** Records read per page when the chain is walked (verify, export): memory stays flat at any length. */
const PAGE = 2000;

/** The audit chain and its signed digests in Keyward's store. */
export class SqlAuditStore implements AuditStore, AuditDigestStore {
  constructor(private readonly db: SqlDatabase) {}

  appendWith(build: (head: AuditAnchor | undefined) => AuditRecord): Promise<AuditRecord> {
    // One unit (its own, or the caller's: the record commits with the change it records): read the
    // head, chain, insert, move the head. The lock makes appends from every process take turns, so
    // no two records ever chain onto the same predecessor (SQLite's write lock already does that;
    // PostgreSQL needs it said). Four statements: appends are on every click's path.
    const append = async (): Promise<AuditRecord> => {
      await this.db.lock('keyward.audit.append');
      const ends = await this.db.get<{ head_sequence: number | null; head_hash: string | null; last_sequence: number | null; last_hash: string | null }>(
        `SELECT (SELECT sequence FROM audit_head WHERE id = 1) AS head_sequence, (SELECT hash FROM audit_head WHERE id = 1) AS head_hash,
                (SELECT sequence FROM audit_log ORDER BY sequence DESC LIMIT 1) AS last_sequence, (SELECT hash FROM audit_log ORDER BY sequence DESC LIMIT 1) AS last_hash`,
      );
      const head: AuditAnchor | undefined = ends?.head_sequence != null && ends.head_hash != null ? { sequence: Number(ends.head_sequence), hash: ends.head_hash } : undefined;
      const last = ends?.last_sequence != null && ends.last_hash != null ? { sequence: Number(ends.last_sequence), hash: ends.last_hash } : undefined;
      const lastSequence = last?.sequence ?? 0;
      if ((head?.sequence ?? 0) !== lastSequence || (head && last && head.hash !== last.hash)) {
        throw appError(
          'AuditChainBroken',
          `The audit log ends at record ${lastSequence} but its head says ${head?.sequence ?? 0}; refusing to extend it. Run "npm run audit -- verify".`,
          {
            headSequence: head?.sequence ?? 0,
            lastSequence,
          },
        );
      }
      const record = build(head);
      // RETURNING hands back the row as stored: the hash must cover exactly that text. If it does
      // not (text the engine cannot keep as given), refuse and roll back rather than leave a
      // record that never verifies.
      const stored = await this.db.get<AuditRow>(`${INSERT_AUDIT_ROW} RETURNING *`, auditRowValues(record));
      if (!stored || computeAuditHash(toRecord(stored)) !== record.hash) {
        throw appError('AuditWriteFailed', `The audit record "${record.action}" would not read back as it was hashed; nothing was stored.`, { action: record.action });
      }
      await this.db.run('INSERT INTO audit_head (id, sequence, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash', [
        record.sequence,
        record.hash,
      ]);
      return record;
    };
    return this.db.inUnit() ? append() : this.db.atomic(append);
  }

  async storedHead(): Promise<AuditAnchor | undefined> {
    const row = await this.db.get<AuditAnchor>('SELECT sequence, hash FROM audit_head WHERE id = 1');
    return row ? { sequence: Number(row.sequence), hash: row.hash } : undefined;
  }

  /** Records in sequence order from `fromSequence`, a page at a time (each page one short read). */
  async *records(fromSequence = 1): AsyncIterable<AuditRecord> {
    let next = fromSequence;
    for (;;) {
      const rows = await this.db.all<AuditRow>('SELECT * FROM audit_log WHERE sequence >= ? ORDER BY sequence LIMIT ?', [next, PAGE]);
      for (const row of rows) yield toRecord(row);
      if (rows.length < PAGE) return;
      next = Number(rows[rows.length - 1]!.sequence) + 1;
    }
  }

  /** How many records the log holds. */
  async count(): Promise<number> {
    return Number((await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_log'))?.n ?? 0);
  }

  appendDigestWith(build: (last: AuditDigest | undefined, head: AuditAnchor | undefined) => AuditDigest | undefined): Promise<AuditDigest | undefined> {
    return this.db.atomic(async () => {
      await this.db.lock('keyward.audit.digest');
      const digest = build(await this.lastDigest(), await this.storedHead());
      if (digest) await this.db.run('INSERT INTO audit_digest (number, to_sequence, body) VALUES (?, ?, ?)', [digest.number, digest.toSequence, JSON.stringify(digest)]);
      return digest;
    });
  }

  async lastDigest(): Promise<AuditDigest | undefined> {
    const row = await this.db.get<{ body: string }>('SELECT body FROM audit_digest ORDER BY number DESC LIMIT 1');
    return row ? (JSON.parse(row.body) as AuditDigest) : undefined;
  }

  async digests(): Promise<AuditDigest[]> {
    return (await this.db.all<{ body: string }>('SELECT body FROM audit_digest ORDER BY number')).map((row) => JSON.parse(row.body) as AuditDigest);
  }

  /** Each actor's newest record (time and action): who has been active (approver team health). */
  async lastActivityByActor(): Promise<Map<string, { at: string; action: string }>> {
    const rows = await this.db.all<{ actor: string; at: string; action: string }>(
      'SELECT a.actor_object_id AS actor, a.time AS at, a.action AS action FROM audit_log a JOIN (SELECT actor_object_id, MAX(sequence) AS sequence FROM audit_log GROUP BY actor_object_id) last ON last.sequence = a.sequence',
    );
    return new Map(rows.map((r) => [r.actor.toLowerCase(), { at: r.at, action: r.action }]));
  }

  /** Records about one approval request, oldest first (for cards and tests). */
  async forRequest(requestId: string): Promise<AuditRecord[]> {
    return (await this.db.all<AuditRow>('SELECT * FROM audit_log WHERE request_id = ? ORDER BY sequence', [requestId])).map(toRecord);
  }
}
