import type { JourneyStore, SetupJourney } from '../journeys/setupJourney';
import type { Database, Migration } from './database';

export const journeyMigrations: readonly Migration[] = [
  {
    id: 'journeys/001_journeys',
    sql: `CREATE TABLE journeys (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      owner_oid TEXT NOT NULL,
      conversation_id TEXT NOT NULL,
      status TEXT NOT NULL,
      version INTEGER NOT NULL,
      body TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE INDEX journeys_owner ON journeys (owner_oid, updated_at);
    CREATE INDEX journeys_conversation ON journeys (conversation_id, updated_at);`,
  },
];

/** Journeys as JSON rows with a version column; updates are compare-and-set. */
export class SqliteJourneyStore implements JourneyStore {
  private readonly statements;

  constructor(db: Database) {
    this.statements = {
      get: db.prepare('SELECT body FROM journeys WHERE id = ?'),
      insert: db.prepare('INSERT INTO journeys (id, kind, owner_oid, conversation_id, status, version, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      update: db.prepare('UPDATE journeys SET status = ?, version = ?, body = ?, updated_at = ? WHERE id = ? AND version = ?'),
      byOwner: db.prepare('SELECT body FROM journeys WHERE owner_oid = ? ORDER BY updated_at DESC LIMIT 50'),
      byConversation: db.prepare('SELECT body FROM journeys WHERE conversation_id = ? ORDER BY updated_at DESC LIMIT 50'),
    };
  }

  get(id: string): SetupJourney | undefined {
    const row = this.statements.get.get(id) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as SetupJourney) : undefined;
  }

  insert(journey: SetupJourney): void {
    this.statements.insert.run(journey.id, journey.kind, journey.owner.aadObjectId.toLowerCase(), journey.conversationId, journey.status, journey.version, JSON.stringify(journey), journey.createdAt, journey.updatedAt);
  }

  compareAndSet(next: SetupJourney, expectedVersion: number): boolean {
    return this.statements.update.run(next.status, next.version, JSON.stringify(next), next.updatedAt, next.id, expectedVersion).changes === 1;
  }

  listByOwner(aadObjectId: string): SetupJourney[] {
    return (this.statements.byOwner.all(aadObjectId.toLowerCase()) as Array<{ body: string }>).map((row) => JSON.parse(row.body) as SetupJourney);
  }

  listByConversation(conversationId: string): SetupJourney[] {
    return (this.statements.byConversation.all(conversationId) as Array<{ body: string }>).map((row) => JSON.parse(row.body) as SetupJourney);
  }
}
