import { appError } from '../core';
import type { ApprovalRequestStore } from '../approvals/approvalPorts';
import type { ApprovalRequest, RequestStatus } from '../approvals/approvalTypes';
import type { Migration, SqlDatabase } from './sqlDatabase';

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

/** Approval requests with a version compare-and-set; one vote per person is a table constraint. */
export class SqlApprovalStore implements ApprovalRequestStore {
  constructor(private readonly db: SqlDatabase) {}

  async get(id: string): Promise<ApprovalRequest | undefined> {
    const row = await this.db.get<RequestRow>('SELECT document FROM approval_requests WHERE id = ?', [id]);
    return row ? (JSON.parse(row.document) as ApprovalRequest) : undefined;
  }

  async holdForChange(id: string): Promise<void> {
    // PostgreSQL: a transaction-scoped advisory lock per request. SQLite: a unit already holds the
    // file's write lock. Outside a unit there is nothing to hold it for.
    if (this.db.inUnit()) await this.db.lock(`keyward.approval.${id}`);
  }

  async insert(request: ApprovalRequest): Promise<void> {
    if (request.version !== 1) throw appError('Internal', 'A new approval request starts at version 1.');
    await this.db.atomic(async () => {
      const c = this.columns(request);
      const result = await this.db.run(
        `INSERT INTO approval_requests (id, version, status, operation_class, journey_id, plan_hash, requester_object_id, created_at, expires_at, execute_by, document)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [c.id, c.version, c.status, c.operationClass, c.journeyId, c.planHash, c.requester, c.createdAt, c.expiresAt, c.executeBy, c.document],
      );
      if (result.changes !== 1) throw appError('ConcurrentUpdate', `Approval request ${request.id} already exists.`);
      await this.insertNewVotes(request, 0);
    });
  }

  async compareAndSet(next: ApprovalRequest, expectedVersion: number): Promise<boolean> {
    if (next.version !== expectedVersion + 1) throw appError('Internal', `compareAndSet expects version ${expectedVersion + 1}, got ${next.version}.`);
    return this.db.atomic(async () => {
      const c = this.columns(next);
      const result = await this.db.run('UPDATE approval_requests SET version = ?, status = ?, execute_by = ?, document = ? WHERE id = ? AND version = ?', [
        c.version,
        c.status,
        c.executeBy,
        c.document,
        c.id,
        expectedVersion,
      ]);
      if (result.changes !== 1) return false;
      const stored = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM approval_votes WHERE request_id = ?', [next.id]);
      await this.insertNewVotes(next, Number(stored?.n ?? 0));
      return true;
    });
  }

  async list(filter: { statuses?: readonly RequestStatus[]; journeyId?: string } = {}): Promise<ApprovalRequest[]> {
    const where: string[] = [];
    const params: string[] = [];
    if (filter.statuses && filter.statuses.length > 0) {
      where.push(`status IN (${filter.statuses.map(() => '?').join(', ')})`);
      params.push(...filter.statuses);
    }
    if (filter.journeyId !== undefined) {
      where.push('journey_id = ?');
      params.push(filter.journeyId);
    }
    const sql = `SELECT document FROM approval_requests ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`;
    return (await this.db.all<RequestRow>(sql, params)).map((row) => JSON.parse(row.document) as ApprovalRequest);
  }

  /** Votes stored for a request, from the constraint table (tests compare it with the document). */
  voteRows(requestId: string): Promise<Array<{ voter_object_id: string; decision: string; plan_hash: string }>> {
    return this.db.all('SELECT voter_object_id, decision, plan_hash FROM approval_votes WHERE request_id = ? ORDER BY voted_at, voter_object_id', [requestId]);
  }

  private async insertNewVotes(request: ApprovalRequest, alreadyStored: number): Promise<void> {
    for (const vote of request.votes.slice(alreadyStored)) {
      // ON CONFLICT rather than catching the constraint error: PostgreSQL would abort the unit.
      const result = await this.db.run('INSERT INTO approval_votes (request_id, voter_object_id, decision, plan_hash, voted_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING', [
        request.id,
        vote.voter.objectId,
        vote.decision,
        vote.planHash,
        vote.at,
      ]);
      if (result.changes !== 1) throw appError('AlreadyVoted', `${vote.voter.name ?? vote.voter.objectId} has already voted on this request.`);
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
