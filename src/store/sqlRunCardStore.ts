import type { SqlDatabase } from './sqlDatabase';

/** A run card Keyward posted (structurally the bot's PostedRunCard). */
export interface PostedRunCard {
  runId: string;
  conversationId: string;
  messageId: string;
  reference: Record<string, unknown>;
}

/** Posted run cards (table `executor_run_cards` in `executorMigrations`): one per run and conversation. */
export class SqlRunCardStore {
  constructor(private readonly db: SqlDatabase) {}

  async put(card: PostedRunCard): Promise<void> {
    await this.db.run(
      `INSERT INTO executor_run_cards (run_id, conversation_id, message_id, reference) VALUES (?, ?, ?, ?)
       ON CONFLICT(run_id, conversation_id) DO UPDATE SET message_id = excluded.message_id, reference = excluded.reference`,
      [card.runId, card.conversationId, card.messageId, JSON.stringify(card.reference)],
    );
  }

  async list(runId: string): Promise<PostedRunCard[]> {
    const rows = await this.db.all<{ run_id: string; conversation_id: string; message_id: string; reference: string }>(
      'SELECT run_id, conversation_id, message_id, reference FROM executor_run_cards WHERE run_id = ? ORDER BY conversation_id',
      [runId],
    );
    return rows.map((row) => ({
      runId: row.run_id,
      conversationId: row.conversation_id,
      messageId: row.message_id,
      reference: JSON.parse(row.reference) as Record<string, unknown>,
    }));
  }
}
