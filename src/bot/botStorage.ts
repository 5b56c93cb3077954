import type { Storage, StoreItems } from 'botbuilder';
import type { SqliteKeyValueStore } from '../store/sqliteKeyValueStore';

const NAMESPACE = 'botstate';

/**
 * botbuilder `Storage` over Keyward's SQLite key-value table, so teams-ai conversation and user
 * state survive a restart. Same eTag rules as botbuilder's MemoryStorage: `*` or no eTag writes
 * unconditionally, any other eTag must match what is stored.
 */
export class SqliteBotStorage implements Storage {
  constructor(private readonly kv: SqliteKeyValueStore) {}

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    for (const key of keys) {
      const stored = this.kv.get(NAMESPACE, key);
      if (stored) items[key] = { ...(stored.value as Record<string, unknown>), eTag: stored.etag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...value } = (item ?? {}) as Record<string, unknown> & { eTag?: string };
      const expected = eTag === undefined || eTag === '*' ? undefined : eTag;
      if (expected !== undefined && this.kv.get(NAMESPACE, key) === undefined) {
        // botbuilder semantics: an eTag on a missing item is a conflict only if it was deleted meanwhile;
        // MemoryStorage treats a missing item as writable.
        this.kv.put(NAMESPACE, key, value);
        continue;
      }
      const result = this.kv.put(NAMESPACE, key, value, expected);
      if (!result.ok) throw new Error(`Storage: error writing "${key}" due to eTag conflict.`);
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.kv.delete(NAMESPACE, key);
  }
}
