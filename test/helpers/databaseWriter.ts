import { computeAuditHash, type AuditRecord } from '../../src/audit';
import type { ApprovalRequest } from '../../src/approvals';
import type { SqlDatabase } from '../../src/store/sqlDatabase';
import { auditRowValues, INSERT_AUDIT_ROW } from '../../src/store/sqlAuditStore';
import { openSqliteDatabase } from '../../src/store/sqliteDatabase';
import { openPostgresDatabase } from '../../src/store/postgresDatabase';

/**
 * The attacker who can write Keyward's database but holds no key: a connection of its own (another
 * process, a restored backup, a DBA's psql session) that changes rows with plain SQL, recomputing
 * whatever hashes a hash chain lets anyone recompute. Works on both engines: the SQLite file, or
 * the PostgreSQL database Keyward's instances share. Test-only.
 */
export class DatabaseWriter {
  private constructor(private readonly db: SqlDatabase) {}

  /** `where`: the SQLite file, or a postgres:// connection string. */
  static async open(where: string): Promise<DatabaseWriter> {
    const db = /^postgres(ql)?:\/\//.test(where)
      ? await openPostgresDatabase({ connectionString: where, tls: false, migrations: [], poolSize: 1, applicationName: 'database-writer' })
      : await openSqliteDatabase({ file: where, migrations: [] });
    return new DatabaseWriter(db);
  }

  /** Over a connection the test already has (the store contract suite's second connection). */
  static over(db: SqlDatabase): DatabaseWriter {
    return new DatabaseWriter(db);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async request(id: string): Promise<ApprovalRequest> {
    const row = await this.db.get<{ document: string }>('SELECT document FROM approval_requests WHERE id = ?', [id]);
    if (!row) throw new Error(`no request ${id}`);
    return JSON.parse(row.document) as ApprovalRequest;
  }

  /** Rewrites a request's document (and its status column), keeping its version: what `UPDATE … SET status='approved'` does. */
  async writeRequest(request: ApprovalRequest): Promise<void> {
    await this.db.run('UPDATE approval_requests SET status = ?, execute_by = ?, document = ? WHERE id = ?', [
      request.status,
      request.executeBy ?? null,
      JSON.stringify(request),
      request.id,
    ]);
  }

  /** Inserts a request that Keyward never made (a row written straight into the table). */
  async insertRequest(request: ApprovalRequest): Promise<void> {
    await this.db.run(
      `INSERT INTO approval_requests (id, version, status, operation_class, journey_id, plan_hash, requester_object_id, created_at, expires_at, execute_by, document)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        request.id,
        request.version,
        request.status,
        request.operationClass,
        request.journeyId ?? null,
        request.planHash,
        request.requester.objectId,
        request.createdAt,
        request.expiresAt,
        request.executeBy ?? null,
        JSON.stringify(request),
      ],
    );
  }

  async auditRecords(fromSequence = 1): Promise<AuditRecord[]> {
    return (await this.db.all<AuditRow>('SELECT * FROM audit_log WHERE sequence >= ? ORDER BY sequence', [fromSequence])).map(toRecord);
  }

  /**
   * Rewrites the audit log from `fromSequence` on: `change` may edit or drop each record; the rest
   * of the chain is relinked and rehashed and the head moved, so the chain verifies on its own
   * (no secret is needed for that). One transaction. Returns the rewritten records.
   */
  async rewriteAuditTail(fromSequence: number, change: (record: AuditRecord) => AuditRecord | undefined): Promise<AuditRecord[]> {
    return this.db.atomic(async () => {
      const records = await this.auditRecords(fromSequence);
      const before = await this.db.get<{ hash: string }>('SELECT hash FROM audit_log WHERE sequence = ?', [fromSequence - 1]);
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
      await this.db.run('DELETE FROM audit_log WHERE sequence >= ?', [fromSequence]);
      for (const r of out) {
        await this.db.run(INSERT_AUDIT_ROW, auditRowValues(r));
      }
      const last = out[out.length - 1];
      await this.db.run('UPDATE audit_head SET sequence = ?, hash = ? WHERE id = 1', [last?.sequence ?? fromSequence - 1, last?.hash ?? prevHash]);
      return out;
    });
  }

  async count(table: string, where = '1 = 1', ...params: Array<string | number>): Promise<number> {
    return Number((await this.db.get<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params))?.n ?? 0);
  }
}

interface AuditRow {
  sequence: number | string;
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
    // PostgreSQL's BIGINT comes back as a string.
    sequence: Number(row.sequence),
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
