import type { OpsJourneyBase, OpsJourneyKind, OpsJourneyStatus, OpsJourneyStore } from '../inventory/opsJourney';
import type { Database, Migration } from './database';

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
export class SqliteInventoryJourneyStore<J extends OpsJourneyBase> implements OpsJourneyStore<J> {
  private readonly statements;

  constructor(
    db: Database,
    private readonly kind: OpsJourneyKind,
  ) {
    this.statements = {
      get: db.prepare('SELECT body FROM ops_journeys WHERE id = ? AND kind = ?'),
      insert: db.prepare('INSERT INTO ops_journeys (id, kind, owner_oid, conversation_id, status, request_id, version, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      update: db.prepare('UPDATE ops_journeys SET status = ?, request_id = ?, version = ?, body = ?, updated_at = ? WHERE id = ? AND kind = ? AND version = ?'),
      byOwner: db.prepare('SELECT body FROM ops_journeys WHERE owner_oid = ? AND kind = ? ORDER BY updated_at DESC LIMIT 50'),
      all: db.prepare('SELECT body FROM ops_journeys WHERE kind = ? ORDER BY updated_at DESC'),
      byRequest: db.prepare('SELECT body FROM ops_journeys WHERE request_id = ? AND kind = ? ORDER BY updated_at DESC LIMIT 1'),
    };
  }

  get(id: string): J | undefined {
    const row = this.statements.get.get(id, this.kind) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as J) : undefined;
  }

  insert(journey: J): void {
    this.statements.insert.run(journey.id, this.kind, journey.owner.aadObjectId.toLowerCase(), journey.conversationId, journey.status, journey.requestId ?? null, journey.version, JSON.stringify(journey), journey.createdAt, journey.updatedAt);
  }

  compareAndSet(next: J, expectedVersion: number): boolean {
    return this.statements.update.run(next.status, next.requestId ?? null, next.version, JSON.stringify(next), next.updatedAt, next.id, this.kind, expectedVersion).changes === 1;
  }

  listByOwner(aadObjectId: string): J[] {
    return (this.statements.byOwner.all(aadObjectId.toLowerCase(), this.kind) as Array<{ body: string }>).map((row) => JSON.parse(row.body) as J);
  }

  list(filter: { statuses?: readonly OpsJourneyStatus[] } = {}): J[] {
    const all = (this.statements.all.all(this.kind) as Array<{ body: string }>).map((row) => JSON.parse(row.body) as J);
    return filter.statuses ? all.filter((j) => filter.statuses!.includes(j.status)) : all;
  }

  findByRequest(requestId: string): J | undefined {
    const row = this.statements.byRequest.get(requestId, this.kind) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as J) : undefined;
  }
}
