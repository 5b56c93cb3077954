import type { ApprovalDirectoryStore, ApprovalMessageStore, ApproversConversation, PostedCard } from '../approvals/approvalPorts';
import type { ConversationRef, Person } from '../approvals/approvalTypes';
import type { Database, Migration } from './database';

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
export class SqliteApprovalDirectoryStore implements ApprovalDirectoryStore, ApprovalMessageStore {
  constructor(private readonly db: Database) {}

  approversConversation(): ApproversConversation | undefined {
    const row = this.db.prepare('SELECT conversation_id, reference, designated_by, updated_at FROM approval_conversations WHERE role = ?').get(APPROVERS) as
      | { conversation_id: string; reference: string; designated_by: string; updated_at: string }
      | undefined;
    return row ? { conversationId: row.conversation_id, reference: JSON.parse(row.reference) as ConversationRef, designatedBy: row.designated_by, at: row.updated_at } : undefined;
  }

  setApproversConversation(value: ApproversConversation): void {
    this.upsertConversation(APPROVERS, value.conversationId, value.reference, value.designatedBy, value.at);
  }

  personalConversation(objectId: string): ConversationRef | undefined {
    const row = this.db.prepare('SELECT reference FROM approval_conversations WHERE role = ?').get(personalRole(objectId)) as { reference: string } | undefined;
    return row ? (JSON.parse(row.reference) as ConversationRef) : undefined;
  }

  setPersonalConversation(objectId: string, reference: ConversationRef): void {
    const conversation = (reference.conversation ?? {}) as { id?: string };
    this.upsertConversation(personalRole(objectId), conversation.id ?? '', reference, objectId, new Date().toISOString());
  }

  rememberPerson(person: Person): void {
    this.db
      .prepare(
        `INSERT INTO approval_people (object_id, tenant_id, name, channel_user_id, seen_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(object_id) DO UPDATE SET tenant_id = excluded.tenant_id, name = COALESCE(excluded.name, approval_people.name),
           channel_user_id = COALESCE(excluded.channel_user_id, approval_people.channel_user_id), seen_at = excluded.seen_at`,
      )
      .run(person.objectId, person.tenantId, person.name ?? null, person.channelUserId ?? null, new Date().toISOString());
  }

  person(objectId: string): Person | undefined {
    const row = this.db.prepare('SELECT object_id, tenant_id, name, channel_user_id FROM approval_people WHERE object_id = ?').get(objectId) as
      | { object_id: string; tenant_id: string; name: string | null; channel_user_id: string | null }
      | undefined;
    return row ? { objectId: row.object_id, tenantId: row.tenant_id, name: row.name ?? undefined, channelUserId: row.channel_user_id ?? undefined } : undefined;
  }

  add(card: PostedCard): void {
    this.db
      .prepare('INSERT OR IGNORE INTO approval_messages (request_id, conversation_id, message_id, role, reference, posted_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(card.requestId, card.conversationId, card.messageId, card.role, JSON.stringify(card.reference), new Date().toISOString());
  }

  list(requestId: string): PostedCard[] {
    return (
      this.db.prepare('SELECT request_id, conversation_id, message_id, role, reference FROM approval_messages WHERE request_id = ? ORDER BY posted_at, message_id').all(requestId) as Array<{
        request_id: string;
        conversation_id: string;
        message_id: string;
        role: PostedCard['role'];
        reference: string;
      }>
    ).map((row) => ({ requestId: row.request_id, conversationId: row.conversation_id, messageId: row.message_id, role: row.role, reference: JSON.parse(row.reference) as ConversationRef }));
  }

  private upsertConversation(role: string, conversationId: string, reference: ConversationRef, designatedBy: string, at: string): void {
    this.db
      .prepare(
        `INSERT INTO approval_conversations (role, conversation_id, reference, designated_by, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(role) DO UPDATE SET conversation_id = excluded.conversation_id, reference = excluded.reference, designated_by = excluded.designated_by, updated_at = excluded.updated_at`,
      )
      .run(role, conversationId, JSON.stringify(reference), designatedBy, at);
  }
}
