import type { OpsJourneyBase, OpsJourneyKind, OpsJourneyStatus, OpsJourneyStore } from '../inventory/opsJourney';
import type { Migration, SqlDatabase } from './sqlDatabase';

export const inventoryJourneyMigrations: readonly Migration[] = [
  {
    id: 'inventory/002_ops_journeys',
    sql: `CREATE TABLE ops_journeys (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      owner_oid TEXT NOT NULL,
      conversation_id TEXT NOT NULL,
      status TEXT NOT NULL,
      request_id TEXT,
      version INTEGER NOT NULL,
      body TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE INDEX ops_journeys_owner ON ops_journeys (owner_oid, updated_at);
    CREATE INDEX ops_journeys_kind ON ops_journeys (kind, status);
    CREATE INDEX ops_journeys_request ON ops_journeys (request_id);`,
  },
];

/**
 * DEP, key-roll and teardown journeys as JSON rows with a version column; one table, one store
 * instance per kind. Updates are compare-and-set.
 */
export class SqlOpsJourneyStore<J extends OpsJourneyBase> implements OpsJourneyStore<J> {
  constructor(
    private readonly db: SqlDatabase,
    private readonly kind: OpsJourneyKind,
  ) {}

  async get(id: string): Promise<J | undefined> {
    const row = await this.db.get<{ body: string }>('SELECT body FROM ops_journeys WHERE id = ? AND kind = ?', [id, this.kind]);
    return row ? (JSON.parse(row.body) as J) : undefined;
  }

  async insert(journey: J): Promise<void> {
    await this.db.run(
      'INSERT INTO ops_journeys (id, kind, owner_oid, conversation_id, status, request_id, version, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        journey.id,
        this.kind,
        journey.owner.aadObjectId.toLowerCase(),
        journey.conversationId,
        journey.status,
        journey.requestId ?? null,
        journey.version,
        JSON.stringify(journey),
        journey.createdAt,
        journey.updatedAt,
      ],
    );
  }

  async compareAndSet(next: J, expectedVersion: number): Promise<boolean> {
    const result = await this.db.run('UPDATE ops_journeys SET status = ?, request_id = ?, version = ?, body = ?, updated_at = ? WHERE id = ? AND kind = ? AND version = ?', [
      next.status,
      next.requestId ?? null,
      next.version,
      JSON.stringify(next),
      next.updatedAt,
      next.id,
      this.kind,
      expectedVersion,
    ]);
    return result.changes === 1;
  }

  async listByOwner(aadObjectId: string): Promise<J[]> {
    return (
      await this.db.all<{ body: string }>('SELECT body FROM ops_journeys WHERE owner_oid = ? AND kind = ? ORDER BY updated_at DESC LIMIT 50', [
        aadObjectId.toLowerCase(),
        this.kind,
      ])
    ).map((row) => JSON.parse(row.body) as J);
  }

  async list(filter: { statuses?: readonly OpsJourneyStatus[] } = {}): Promise<J[]> {
    // The status column moves with the body (insert and compare-and-set write both): filter with the (kind, status) index.
    const statuses = filter.statuses;
    if (statuses?.length === 0) return [];
    const byStatus = statuses ? ` AND status IN (${statuses.map(() => '?').join(', ')})` : '';
    return (await this.db.all<{ body: string }>(`SELECT body FROM ops_journeys WHERE kind = ?${byStatus} ORDER BY updated_at DESC`, [this.kind, ...(statuses ?? [])])).map(
      (row) => JSON.parse(row.body) as J,
    );
  }

  async findByRequest(requestId: string): Promise<J | undefined> {
    const row = await this.db.get<{ body: string }>('SELECT body FROM ops_journeys WHERE request_id = ? AND kind = ? ORDER BY updated_at DESC LIMIT 1', [requestId, this.kind]);
    return row ? (JSON.parse(row.body) as J) : undefined;
  }
}
