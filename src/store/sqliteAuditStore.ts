import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { appError } from '../core';
import { computeAuditHash, type AuditAnchor, type AuditOutcome, type AuditRecord } from '../audit/auditRecord';
import type { AuditStore } from '../audit/auditLog';
import type { AuditDigest } from '../audit/auditDigest';
import type { AuditDigestStore } from '../audit/auditDigester';
import type { Database, Migration } from './database';

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
  },
  {
    id: 'audit/002_digests',
    // Signed digests of the chain (see src/audit/auditDigest.ts); number is the digest chain order.
    sql: `CREATE TABLE audit_digest (
      number INTEGER PRIMARY KEY,
      to_sequence INTEGER NOT NULL,
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
    sequence: row.sequence,
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

/** The audit chain and its signed digests in Keyward's SQLite file. */
export class SqliteAuditStore implements AuditStore, AuditDigestStore {
  constructor(private readonly db: Database) {}

  appendWith(build: (head: AuditAnchor | undefined) => AuditRecord): AuditRecord {
    // IMMEDIATE takes the write lock before reading the head, so two processes never chain two
    // records onto the same predecessor. Inside an outer transaction this becomes a savepoint.
    const run = this.db.transaction(() => {
      const head = this.storedHead();
      const last = this.db.prepare('SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1').get() as AuditAnchor | undefined;
      if ((head?.sequence ?? 0) !== (last?.sequence ?? 0) || (head && last && head.hash !== last.hash)) {
        throw appError('AuditChainBroken', `The audit log ends at record ${last?.sequence ?? 0} but its head says ${head?.sequence ?? 0}; refusing to extend it. Run "npm run audit -- verify".`, {
          headSequence: head?.sequence ?? 0,
          lastSequence: last?.sequence ?? 0,
        });
      }
      const record = build(head);
      this.db
        .prepare(
          `INSERT INTO audit_log (sequence, time, actor_object_id, actor_name, actor_tenant_id, action, target, request_id, plan_hash, outcome, reason, details, prev_hash, hash)
           VALUES (@sequence, @time, @actorObjectId, @actorName, @actorTenantId, @action, @target, @requestId, @planHash, @outcome, @reason, @details, @prevHash, @hash)`,
        )
        .run({
          sequence: record.sequence,
          time: record.time,
          actorObjectId: record.actor.objectId,
          actorName: record.actor.name,
          actorTenantId: record.actor.tenantId,
          action: record.action,
          target: record.target,
          requestId: record.requestId,
          planHash: record.planHash,
          outcome: record.outcome,
          reason: record.reason,
          details: JSON.stringify(record.details),
          prevHash: record.prevHash,
          hash: record.hash,
        });
      // The hash must cover exactly what is stored: read the row back and refuse (roll back) if
      // the stored text differs from the hashed text, rather than leave a record that never verifies.
      const stored = toRecord(this.db.prepare('SELECT * FROM audit_log WHERE sequence = ?').get(record.sequence) as AuditRow);
      if (computeAuditHash(stored) !== record.hash) {
        throw appError('AuditWriteFailed', `The audit record "${record.action}" would not read back as it was hashed; nothing was stored.`, { action: record.action });
      }
      this.db
        .prepare('INSERT INTO audit_head (id, sequence, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash')
        .run(record.sequence, record.hash);
      return record;
    });
    return run.immediate();
  }

  storedHead(): AuditAnchor | undefined {
    return this.db.prepare('SELECT sequence, hash FROM audit_head WHERE id = 1').get() as AuditAnchor | undefined;
  }

  *records(fromSequence = 1): Iterable<AuditRecord> {
    const statement = this.db.prepare('SELECT * FROM audit_log WHERE sequence >= ? ORDER BY sequence');
    for (const row of statement.iterate(fromSequence) as IterableIterator<AuditRow>) yield toRecord(row);
  }

  appendDigestWith(build: (last: AuditDigest | undefined, head: AuditAnchor | undefined) => AuditDigest | undefined): AuditDigest | undefined {
    const run = this.db.transaction(() => {
      const digest = build(this.lastDigest(), this.storedHead());
      if (digest) this.db.prepare('INSERT INTO audit_digest (number, to_sequence, body) VALUES (?, ?, ?)').run(digest.number, digest.toSequence, JSON.stringify(digest));
      return digest;
    });
    return run.immediate();
  }

  lastDigest(): AuditDigest | undefined {
    const row = this.db.prepare('SELECT body FROM audit_digest ORDER BY number DESC LIMIT 1').get() as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as AuditDigest) : undefined;
  }

  *digests(): Iterable<AuditDigest> {
    for (const row of this.db.prepare('SELECT body FROM audit_digest ORDER BY number').iterate() as IterableIterator<{ body: string }>) yield JSON.parse(row.body) as AuditDigest;
  }

  /** Each actor's newest record (time and action): who has been active (approver team health). */
  lastActivityByActor(): Map<string, { at: string; action: string }> {
    const rows = this.db
      .prepare('SELECT a.actor_object_id AS actor, a.time AS at, a.action AS action FROM audit_log a JOIN (SELECT actor_object_id, MAX(sequence) AS sequence FROM audit_log GROUP BY actor_object_id) last ON last.sequence = a.sequence')
      .all() as Array<{ actor: string; at: string; action: string }>;
    return new Map(rows.map((r) => [r.actor.toLowerCase(), { at: r.at, action: r.action }]));
  }

  /** Records about one approval request, oldest first (for cards and tests). */
  forRequest(requestId: string): AuditRecord[] {
    return (this.db.prepare('SELECT * FROM audit_log WHERE request_id = ? ORDER BY sequence').all(requestId) as AuditRow[]).map(toRecord);
  }
}

/**
 * Opens an existing store read-only for the audit CLI: verification must never write (no
 * migrations, no WAL checkpoint of someone else's changes).
 */
export function openAuditReader(file: string): { store: SqliteAuditStore; close(): void } {
  if (!fs.existsSync(file)) throw appError('NotFound', `No Keyward store at ${file}. Set KEYWARD_DATA_DIR to the data directory of the bot.`);
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  const hasLog = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").get();
  if (!hasLog) {
    db.close();
    throw appError('NotFound', `The store at ${file} has no audit log yet (the bot has not started with audit enabled).`);
  }
  return { store: new SqliteAuditStore(db), close: () => db.close() };
}
