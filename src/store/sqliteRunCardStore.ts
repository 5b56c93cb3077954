import type { Database } from './database';

/** A run card Keyward posted, so every copy is updated as the run moves. */
export interface PostedRunCard {
  runId: string;
  conversationId: string;
  messageId: string;
  reference: Record<string, unknown>;
}

/** Posted run cards (table `executor_run_cards` in `executorMigrations`): one per run and conversation. */
export class SqliteRunCardStore {
  private readonly statements;

  constructor(db: Database) {
    this.statements = {
      put: db.prepare('INSERT OR REPLACE INTO executor_run_cards (run_id, conversation_id, message_id, reference) VALUES (?, ?, ?, ?)'),
      list: db.prepare('SELECT run_id, conversation_id, message_id, reference FROM executor_run_cards WHERE run_id = ?'),
    };
  }

  put(card: PostedRunCard): void {
    this.statements.put.run(card.runId, card.conversationId, card.messageId, JSON.stringify(card.reference));
  }

  list(runId: string): PostedRunCard[] {
    return (this.statements.list.all(runId) as Array<{ run_id: string; conversation_id: string; message_id: string; reference: string }>).map((row) => ({
      runId: row.run_id,
      conversationId: row.conversation_id,
      messageId: row.message_id,
      reference: JSON.parse(row.reference) as Record<string, unknown>,
    }));
  }
}
