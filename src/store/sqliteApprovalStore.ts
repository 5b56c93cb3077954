import { appError } from '../core';
import type { ApprovalRequestStore, Atomic } from '../approvals/approvalPorts';
import type { ApprovalRequest, RequestStatus } from '../approvals/approvalTypes';
import type { Database, Migration } from './database';

export const approvalMigrations: readonly Migration[] = [
  {
    id: 'approvals/001_requests',
    // The document holds the whole request; the columns are for queries and the version CAS.
    // approval_votes makes "one vote per person per request" a database constraint as well.
    sql: `CREATE TABLE approval_requests (
      id TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      status TEXT NOT NULL,
      operation_class TEXT NOT NULL,
      journey_id TEXT,
      plan_hash TEXT NOT NULL,
      requester_object_id TEXT NOT NULL,
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      execute_by TEXT,
      document TEXT NOT NULL
    );
    CREATE INDEX approval_requests_status ON approval_requests (status);
    CREATE INDEX approval_requests_journey ON approval_requests (journey_id);
    CREATE TABLE approval_votes (
      request_id TEXT NOT NULL REFERENCES approval_requests (id),
      voter_object_id TEXT NOT NULL,
      decision TEXT NOT NULL,
      plan_hash TEXT NOT NULL,
      voted_at TEXT NOT NULL,
      PRIMARY KEY (request_id, voter_object_id)
    );`,
  },
];

interface RequestRow {
  document: string;
}

/** Approval requests in SQLite, with a version compare-and-set. */
export class SqliteApprovalStore implements ApprovalRequestStore {
  constructor(private readonly db: Database) {}

  get(id: string): ApprovalRequest | undefined {
    const row = this.db.prepare('SELECT document FROM approval_requests WHERE id = ?').get(id) as RequestRow | undefined;
    return row ? (JSON.parse(row.document) as ApprovalRequest) : undefined;
  }

  insert(request: ApprovalRequest): void {
    if (request.version !== 1) throw appError('Internal', 'A new approval request starts at version 1.');
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO approval_requests (id, version, status, operation_class, journey_id, plan_hash, requester_object_id, created_at, expires_at, execute_by, document)
         VALUES (@id, @version, @status, @operationClass, @journeyId, @planHash, @requester, @createdAt, @expiresAt, @executeBy, @document)`,
      )
      .run(this.columns(request));
    if (result.changes !== 1) throw appError('ConcurrentUpdate', `Approval request ${request.id} already exists.`);
    this.insertNewVotes(request, 0);
  }

  compareAndSet(next: ApprovalRequest, expectedVersion: number): boolean {
    if (next.version !== expectedVersion + 1) throw appError('Internal', `compareAndSet expects version ${expectedVersion + 1}, got ${next.version}.`);
    const write = this.db.transaction(() => {
      const stored = this.db.prepare('SELECT COUNT(*) AS n FROM approval_votes WHERE request_id = ?').get(next.id) as { n: number };
      const result = this.db
        .prepare(
          `UPDATE approval_requests SET version = @version, status = @status, execute_by = @executeBy, document = @document
           WHERE id = @id AND version = @expectedVersion`,
        )
        .run({ ...this.columns(next), expectedVersion });
      if (result.changes !== 1) return false;
      this.insertNewVotes(next, stored.n);
      return true;
    });
    return write.immediate();
  }

  list(filter: { statuses?: readonly RequestStatus[]; journeyId?: string } = {}): ApprovalRequest[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.statuses && filter.statuses.length > 0) {
      where.push(`status IN (${filter.statuses.map(() => '?').join(', ')})`);
      params.push(...filter.statuses);
    }
    if (filter.journeyId !== undefined) {
      where.push('journey_id = ?');
      params.push(filter.journeyId);
    }
    const sql = `SELECT document FROM approval_requests ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`;
    return (this.db.prepare(sql).all(...params) as RequestRow[]).map((row) => JSON.parse(row.document) as ApprovalRequest);
  }

  /** Votes stored for a request, from the constraint table (tests compare it with the document). */
  voteRows(requestId: string): Array<{ voter_object_id: string; decision: string; plan_hash: string }> {
    return this.db.prepare('SELECT voter_object_id, decision, plan_hash FROM approval_votes WHERE request_id = ? ORDER BY voted_at, voter_object_id').all(requestId) as Array<{ voter_object_id: string; decision: string; plan_hash: string }>;
  }

  private insertNewVotes(request: ApprovalRequest, alreadyStored: number): void {
    const insert = this.db.prepare('INSERT INTO approval_votes (request_id, voter_object_id, decision, plan_hash, voted_at) VALUES (?, ?, ?, ?, ?)');
    for (const vote of request.votes.slice(alreadyStored)) {
      try {
        insert.run(request.id, vote.voter.objectId, vote.decision, vote.planHash, vote.at);
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
          throw appError('AlreadyVoted', `${vote.voter.name ?? vote.voter.objectId} has already voted on this request.`);
        }
        throw error;
      }
    }
  }

  private columns(request: ApprovalRequest) {
    return {
      id: request.id,
      version: request.version,
      status: request.status,
      operationClass: request.operationClass,
      journeyId: request.journeyId ?? null,
      planHash: request.planHash,
      requester: request.requester.objectId,
      createdAt: request.createdAt,
      expiresAt: request.expiresAt,
      executeBy: request.executeBy ?? null,
      document: JSON.stringify(request),
    };
  }
}

/**
 * The `Atomic` port for SQLite: an IMMEDIATE transaction takes the write lock before the first
 * read, so "read, decide, write" cannot interleave with another connection or process (the other
 * waits on busy_timeout). Nested calls become savepoints of the outer transaction.
 */
export function sqliteAtomic(db: Database): Atomic {
  return <T>(work: () => T): T => {
    if (db.inTransaction) return db.transaction(work)();
    return db.transaction(work).immediate();
  };
}
