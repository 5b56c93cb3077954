import type { OutboundKind, OutboundMessage, PendingMessageStore } from '../proactive/proactivePorts';
import type { Migration, SqlDatabase } from './sqlDatabase';

const COLUMNS = `id TEXT PRIMARY KEY,
      conversation_key TEXT NOT NULL,
      reference TEXT NOT NULL,
      kind TEXT NOT NULL,
      card TEXT,
      body_text TEXT,
      message_id TEXT,
      receipt TEXT,
      attempts INTEGER NOT NULL,
      status TEXT NOT NULL,
      last_error TEXT,
      owner TEXT NOT NULL,`;

/** Proactive messages waiting to go out (src/proactive): kept until delivered. Times are ms since the epoch. */
export const pendingMessageMigrations: readonly Migration[] = [
  {
    id: 'proactive/001_pending_messages',
    sql: `CREATE TABLE proactive_messages (
      ${COLUMNS}
      not_before INTEGER NOT NULL,
      enqueued_at INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      lease_until INTEGER NOT NULL
    );
    CREATE INDEX proactive_messages_status ON proactive_messages (status, lease_until);`,
    postgres: `CREATE TABLE proactive_messages (
      ${COLUMNS}
      not_before BIGINT NOT NULL,
      enqueued_at BIGINT NOT NULL,
      seq INTEGER NOT NULL,
      lease_until BIGINT NOT NULL
    );
    CREATE INDEX proactive_messages_status ON proactive_messages (status, lease_until);`,
  },
];

interface Row {
  id: string;
  conversation_key: string;
  reference: string;
  kind: string;
  card: string | null;
  body_text: string | null;
  message_id: string | null;
  receipt: string | null;
  attempts: number | string;
  not_before: number | string;
  enqueued_at: number | string;
  seq: number | string;
}

/** The proactive queue's persistence over Keyward's one database (both engines). */
export class SqlPendingMessageStore implements PendingMessageStore {
  constructor(private readonly db: SqlDatabase) {}

  async insert(message: OutboundMessage, owner: string, leaseUntil: number): Promise<void> {
    await this.db.run(
      `INSERT INTO proactive_messages (id, conversation_key, reference, kind, card, body_text, message_id, receipt, attempts, status, last_error, owner, not_before, enqueued_at, seq, lease_until)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', NULL, ?, ?, ?, ?, ?)`,
      [
        message.id,
        message.conversationKey,
        JSON.stringify(message.reference),
        message.kind,
        message.card ? JSON.stringify(message.card) : null,
        message.text ?? null,
        message.messageId ?? null,
        message.receipt ? JSON.stringify(message.receipt) : null,
        message.attempts,
        owner,
        message.notBefore,
        message.enqueuedAt,
        message.seq,
        leaseUntil,
      ],
    );
  }

  async replaceCard(id: string, card: object): Promise<void> {
    await this.db.run('UPDATE proactive_messages SET card = ? WHERE id = ?', [JSON.stringify(card), id]);
  }

  async reschedule(id: string, attempts: number, notBefore: number, lastError: string): Promise<void> {
    await this.db.run('UPDATE proactive_messages SET attempts = ?, not_before = ?, last_error = ? WHERE id = ?', [attempts, notBefore, lastError.slice(0, 500), id]);
  }

  async remove(id: string): Promise<void> {
    await this.db.run('DELETE FROM proactive_messages WHERE id = ?', [id]);
  }

  async fail(id: string, lastError: string): Promise<void> {
    await this.db.run("UPDATE proactive_messages SET status = 'failed', last_error = ?, owner = '' WHERE id = ?", [lastError.slice(0, 500), id]);
  }

  async claim(owner: string, leaseUntil: number, now: number): Promise<OutboundMessage[]> {
    await this.db.run("UPDATE proactive_messages SET lease_until = ? WHERE owner = ? AND status = 'pending'", [leaseUntil, owner]);
    const free = await this.db.all<{ id: string }>("SELECT id FROM proactive_messages WHERE status = 'pending' AND owner <> ? AND lease_until < ? ORDER BY enqueued_at, seq", [
      owner,
      now,
    ]);
    const taken: OutboundMessage[] = [];
    for (const { id } of free) {
      // Compare-and-set per row: of two instances taking over at once, one wins each row.
      const { changes } = await this.db.run("UPDATE proactive_messages SET owner = ?, lease_until = ? WHERE id = ? AND status = 'pending' AND owner <> ? AND lease_until < ?", [
        owner,
        leaseUntil,
        id,
        owner,
        now,
      ]);
      if (changes === 0) continue;
      const row = await this.db.get<Row>(
        'SELECT id, conversation_key, reference, kind, card, body_text, message_id, receipt, attempts, not_before, enqueued_at, seq FROM proactive_messages WHERE id = ?',
        [id],
      );
      if (row) taken.push(messageOf(row));
    }
    return taken;
  }

  async release(owner: string): Promise<void> {
    await this.db.run("UPDATE proactive_messages SET lease_until = 0 WHERE owner = ? AND status = 'pending'", [owner]);
  }

  async counts(): Promise<{ pending: number; failed: number }> {
    const rows = await this.db.all<{ status: string; n: number | string }>('SELECT status, COUNT(*) AS n FROM proactive_messages GROUP BY status');
    const of = (status: string) => Number(rows.find((row) => row.status === status)?.n ?? 0);
    return { pending: of('pending'), failed: of('failed') };
  }
}

function messageOf(row: Row): OutboundMessage {
  return {
    id: row.id,
    conversationKey: row.conversation_key,
    reference: JSON.parse(row.reference) as Record<string, unknown>,
    kind: row.kind as OutboundKind,
    ...(row.card !== null ? { card: JSON.parse(row.card) as object } : {}),
    ...(row.body_text !== null ? { text: row.body_text } : {}),
    ...(row.message_id !== null ? { messageId: row.message_id } : {}),
    ...(row.receipt !== null ? { receipt: JSON.parse(row.receipt) as OutboundMessage['receipt'] } : {}),
    attempts: Number(row.attempts),
    notBefore: Number(row.not_before),
    enqueuedAt: Number(row.enqueued_at),
    seq: Number(row.seq),
  };
}
