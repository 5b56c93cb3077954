import type { JourneyStore, SetupJourney } from '../journeys/setupJourney';
import type { Migration, SqlDatabase } from './sqlDatabase';

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
export class SqlJourneyStore implements JourneyStore {
  constructor(private readonly db: SqlDatabase) {}

  async get(id: string): Promise<SetupJourney | undefined> {
    const row = await this.db.get<{ body: string }>('SELECT body FROM journeys WHERE id = ?', [id]);
    return row ? (JSON.parse(row.body) as SetupJourney) : undefined;
  }

  async insert(journey: SetupJourney): Promise<void> {
    await this.db.run('INSERT INTO journeys (id, kind, owner_oid, conversation_id, status, version, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      journey.id,
      journey.kind,
      journey.owner.aadObjectId.toLowerCase(),
      journey.conversationId,
      journey.status,
      journey.version,
      JSON.stringify(journey),
      journey.createdAt,
      journey.updatedAt,
    ]);
  }

  async compareAndSet(next: SetupJourney, expectedVersion: number): Promise<boolean> {
    const result = await this.db.run('UPDATE journeys SET status = ?, version = ?, body = ?, updated_at = ? WHERE id = ? AND version = ?', [
      next.status,
      next.version,
      JSON.stringify(next),
      next.updatedAt,
      next.id,
      expectedVersion,
    ]);
    return result.changes === 1;
  }

  async listByOwner(aadObjectId: string): Promise<SetupJourney[]> {
    return (await this.db.all<{ body: string }>('SELECT body FROM journeys WHERE owner_oid = ? ORDER BY updated_at DESC LIMIT 50', [aadObjectId.toLowerCase()])).map(
      (row) => JSON.parse(row.body) as SetupJourney,
    );
  }

  async listOpen(): Promise<SetupJourney[]> {
    return (await this.db.all<{ body: string }>("SELECT body FROM journeys WHERE status = 'collecting' ORDER BY updated_at LIMIT 500")).map(
      (row) => JSON.parse(row.body) as SetupJourney,
    );
  }

  async listByConversation(conversationId: string): Promise<SetupJourney[]> {
    return (await this.db.all<{ body: string }>('SELECT body FROM journeys WHERE conversation_id = ? ORDER BY updated_at DESC LIMIT 50', [conversationId])).map(
      (row) => JSON.parse(row.body) as SetupJourney,
    );
  }
}
