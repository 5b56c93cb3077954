import type { ApprovalDirectoryStore, ApprovalMessageStore, ApproversConversation, PostedCard } from '../approvals/approvalPorts';
import type { ConversationRef, Person } from '../approvals/approvalTypes';
import type { Migration, SqlDatabase } from './sqlDatabase';

export const approvalDirectoryMigrations: readonly Migration[] = [
  {
    id: 'approvals/002_directory',
    sql: `CREATE TABLE approval_conversations (
      role TEXT PRIMARY KEY,
      conversation_id TEXT NOT NULL,
      reference TEXT NOT NULL,
      designated_by TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE TABLE approval_people (
      object_id TEXT PRIMARY KEY,
      tenant_id TEXT NOT NULL,
      name TEXT,
      channel_user_id TEXT,
      seen_at TEXT NOT NULL
    );
    CREATE TABLE approval_messages (
      request_id TEXT NOT NULL,
      conversation_id TEXT NOT NULL,
      message_id TEXT NOT NULL,
      role TEXT NOT NULL,
      reference TEXT NOT NULL,
      posted_at TEXT NOT NULL,
      PRIMARY KEY (request_id, conversation_id, message_id)
    );`,
  },
];

const APPROVERS = 'approvers';
const personalRole = (objectId: string) => `personal:${objectId}`;

/** Where approval cards go and who is who in Teams terms (conversation references, user MRIs). */
export class SqlApprovalDirectoryStore implements ApprovalDirectoryStore, ApprovalMessageStore {
  constructor(private readonly db: SqlDatabase) {}

  async approversConversation(): Promise<ApproversConversation | undefined> {
    const row = await this.db.get<{ conversation_id: string; reference: string; designated_by: string; updated_at: string }>(
      'SELECT conversation_id, reference, designated_by, updated_at FROM approval_conversations WHERE role = ?',
      [APPROVERS],
    );
    return row ? { conversationId: row.conversation_id, reference: JSON.parse(row.reference) as ConversationRef, designatedBy: row.designated_by, at: row.updated_at } : undefined;
  }

  async setApproversConversation(value: ApproversConversation): Promise<void> {
    await this.upsertConversation(APPROVERS, value.conversationId, value.reference, value.designatedBy, value.at);
  }

  async personalConversation(objectId: string): Promise<ConversationRef | undefined> {
    const row = await this.db.get<{ reference: string }>('SELECT reference FROM approval_conversations WHERE role = ?', [personalRole(objectId)]);
    return row ? (JSON.parse(row.reference) as ConversationRef) : undefined;
  }

  async setPersonalConversation(objectId: string, reference: ConversationRef): Promise<void> {
    const conversation = (reference.conversation ?? {}) as { id?: string };
    await this.upsertConversation(personalRole(objectId), conversation.id ?? '', reference, objectId, new Date().toISOString());
  }

  async rememberPerson(person: Person): Promise<void> {
    await this.db.run(
      `INSERT INTO approval_people (object_id, tenant_id, name, channel_user_id, seen_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(object_id) DO UPDATE SET tenant_id = excluded.tenant_id, name = COALESCE(excluded.name, approval_people.name),
         channel_user_id = COALESCE(excluded.channel_user_id, approval_people.channel_user_id), seen_at = excluded.seen_at`,
      [person.objectId, person.tenantId, person.name ?? null, person.channelUserId ?? null, new Date().toISOString()],
    );
  }

  async person(objectId: string): Promise<Person | undefined> {
    const row = await this.db.get<PersonRow>('SELECT object_id, tenant_id, name, channel_user_id FROM approval_people WHERE object_id = ?', [objectId]);
    return row ? personOf(row) : undefined;
  }

  async people(objectIds: readonly string[]): Promise<Map<string, Person>> {
    const found = new Map<string, Person>();
    const ids = [...new Set(objectIds)];
    // In slices, so no statement passes either engine's limit on parameters.
    for (let i = 0; i < ids.length; i += PEOPLE_PER_QUERY) {
      const slice = ids.slice(i, i + PEOPLE_PER_QUERY);
      const rows = await this.db.all<PersonRow>(
        `SELECT object_id, tenant_id, name, channel_user_id FROM approval_people WHERE object_id IN (${slice.map(() => '?').join(', ')})`,
        slice,
      );
      for (const row of rows) found.set(row.object_id, personOf(row));
    }
    return found;
  }

  async add(card: PostedCard): Promise<void> {
    await this.db.run('INSERT INTO approval_messages (request_id, conversation_id, message_id, role, reference, posted_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING', [
      card.requestId,
      card.conversationId,
      card.messageId,
      card.role,
      JSON.stringify(card.reference),
      new Date().toISOString(),
    ]);
  }

  async list(requestId: string): Promise<PostedCard[]> {
    const rows = await this.db.all<{ request_id: string; conversation_id: string; message_id: string; role: PostedCard['role']; reference: string }>(
      'SELECT request_id, conversation_id, message_id, role, reference FROM approval_messages WHERE request_id = ? ORDER BY posted_at, message_id',
      [requestId],
    );
    return rows.map((row) => ({
      requestId: row.request_id,
      conversationId: row.conversation_id,
      messageId: row.message_id,
      role: row.role,
      reference: JSON.parse(row.reference) as ConversationRef,
    }));
  }

  private async upsertConversation(role: string, conversationId: string, reference: ConversationRef, designatedBy: string, at: string): Promise<void> {
    await this.db.run(
      `INSERT INTO approval_conversations (role, conversation_id, reference, designated_by, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(role) DO UPDATE SET conversation_id = excluded.conversation_id, reference = excluded.reference, designated_by = excluded.designated_by, updated_at = excluded.updated_at`,
      [role, conversationId, JSON.stringify(reference), designatedBy, at],
    );
  }
}

const PEOPLE_PER_QUERY = 500;

interface PersonRow {
  object_id: string;
  tenant_id: string;
  name: string | null;
  channel_user_id: string | null;
}

function personOf(row: PersonRow): Person {
  return { objectId: row.object_id, tenantId: row.tenant_id, name: row.name ?? undefined, channelUserId: row.channel_user_id ?? undefined };
}
