import type { Storage, StoreItems } from 'botbuilder';

const NAMESPACE = 'botstate';

/** Keyward's key-value store as the bot state needs it (src/store/sqlKeyValueStore.ts fits). */
export interface KeyValuePort {
  get(namespace: string, key: string): Promise<{ value: unknown; etag: string } | undefined>;
  /** With `expectedEtag` the write happens only if the stored etag still equals it; without it, unconditionally. */
  put(namespace: string, key: string, value: unknown, expectedEtag?: string | null): Promise<{ ok: true; etag: string } | { ok: false; conflict: true }>;
  delete(namespace: string, key: string): Promise<void>;
}

/**
 * botbuilder `Storage` over Keyward's key-value table, so teams-ai conversation and user state
 * survive a restart and are shared by every Keyward instance. Same eTag rules as botbuilder's
 * MemoryStorage: `*` or no eTag writes unconditionally, any other eTag must match what is stored.
 */
export class KeyValueBotStorage implements Storage {
  constructor(private readonly kv: KeyValuePort) {}

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    for (const key of keys) {
      const stored = await this.kv.get(NAMESPACE, key);
      if (stored) items[key] = { ...(stored.value as Record<string, unknown>), eTag: stored.etag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...value } = (item ?? {}) as Record<string, unknown> & { eTag?: string };
      const expected = eTag === undefined || eTag === '*' ? undefined : eTag;
      if (expected !== undefined && (await this.kv.get(NAMESPACE, key)) === undefined) {
        // botbuilder semantics: an eTag on a missing item is a conflict only if it was deleted meanwhile;
        // MemoryStorage treats a missing item as writable.
        await this.kv.put(NAMESPACE, key, value);
        continue;
      }
      const result = await this.kv.put(NAMESPACE, key, value, expected);
      if (!result.ok) throw new Error(`Storage: error writing "${key}" due to eTag conflict.`);
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) await this.kv.delete(NAMESPACE, key);
  }
}
