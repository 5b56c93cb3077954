import Database from 'better-sqlite3';
import { computeAuditHash, type AuditRecord } from '../../src/audit';
import type { ApprovalRequest } from '../../src/approvals';

/**
 * The attacker who can write Keyward's database file but holds no key: opens the SQLite file
 * directly (its own connection, as another process or a restored backup would) and changes rows,
 * recomputing whatever hashes a hash chain lets anyone recompute. Test-only.
 */
export class DatabaseWriter {
  private constructor(private readonly db: Database.Database) {}

  static open(file: string): DatabaseWriter {
    const db = new Database(file);
    db.pragma('busy_timeout = 5000');
    return new DatabaseWriter(db);
  }

  close(): void {
    this.db.close();
  }

  request(id: string): ApprovalRequest {
    const row = this.db.prepare('SELECT document FROM approval_requests WHERE id = ?').get(id) as { document: string } | undefined;
    if (!row) throw new Error(`no request ${id}`);
    return JSON.parse(row.document) as ApprovalRequest;
  }

  /** Rewrites a request's document (and its status column), keeping its version: what `UPDATE … SET status='approved'` does. */
  writeRequest(request: ApprovalRequest): void {
    this.db.prepare('UPDATE approval_requests SET status = ?, execute_by = ?, document = ? WHERE id = ?').run(request.status, request.executeBy ?? null, JSON.stringify(request), request.id);
  }

  /** Inserts a request that Keyward never made (a row written straight into the table). */
  insertRequest(request: ApprovalRequest): void {
    this.db
      .prepare(
        `INSERT INTO approval_requests (id, version, status, operation_class, journey_id, plan_hash, requester_object_id, created_at, expires_at, execute_by, document)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(request.id, request.version, request.status, request.operationClass, request.journeyId ?? null, request.planHash, request.requester.objectId, request.createdAt, request.expiresAt, request.executeBy ?? null, JSON.stringify(request));
  }

  auditRecords(fromSequence = 1): AuditRecord[] {
    return (this.db.prepare('SELECT * FROM audit_log WHERE sequence >= ? ORDER BY sequence').all(fromSequence) as AuditRow[]).map(toRecord);
  }

  /**
   * Rewrites the audit log from `fromSequence` on: `change` may edit or drop each record; the rest
   * of the chain is relinked and rehashed and the head moved, so the chain verifies on its own
   * (no secret is needed for that). Returns the rewritten records.
   */
  rewriteAuditTail(fromSequence: number, change: (record: AuditRecord) => AuditRecord | undefined): AuditRecord[] {
    const records = this.auditRecords(fromSequence);
    const before = this.db.prepare('SELECT hash FROM audit_log WHERE sequence = ?').get(fromSequence - 1) as { hash: string } | undefined;
    let prevHash = before?.hash ?? '0'.repeat(64);
    let sequence = fromSequence;
    const out: AuditRecord[] = [];
    for (const record of records) {
      const changed = change(structuredClone(record));
      if (!changed) continue;
      const next: AuditRecord = { ...changed, sequence, prevHash, hash: '' };
      next.hash = computeAuditHash(next);
      out.push(next);
      prevHash = next.hash;
      sequence += 1;
    }
    const write = this.db.transaction(() => {
      this.db.prepare('DELETE FROM audit_log WHERE sequence >= ?').run(fromSequence);
      const insert = this.db.prepare(
        `INSERT INTO audit_log (sequence, time, actor_object_id, actor_name, actor_tenant_id, action, target, request_id, plan_hash, outcome, reason, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const r of out) insert.run(r.sequence, r.time, r.actor.objectId, r.actor.name, r.actor.tenantId, r.action, r.target, r.requestId, r.planHash, r.outcome, r.reason, JSON.stringify(r.details), r.prevHash, r.hash);
      const last = out[out.length - 1];
      this.db.prepare('UPDATE audit_head SET sequence = ?, hash = ? WHERE id = 1').run(last?.sequence ?? fromSequence - 1, last?.hash ?? prevHash);
    });
    write();
    return out;
  }

  count(table: string, where = '1 = 1', ...params: unknown[]): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`).get(...params) as { n: number }).n;
  }
}

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
  outcome: AuditRecord['outcome'];
  reason: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

function toRecord(row: AuditRow): AuditRecord {
  return {
    sequence: row.sequence,
    time: row.time,
    actor: { objectId: row.actor_object_id, name: row.actor_name, tenantId: row.actor_tenant_id },
    action: row.action,
    target: row.target,
    requestId: row.request_id,
    planHash: row.plan_hash,
    outcome: row.outcome,
    reason: row.reason,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
