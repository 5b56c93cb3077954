import { createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { MasterKey } from '../crypto/masterKey';
import { type Collection, type EmulatorMeta, EmulatorState } from '../model/emulatorState';
import { PrivateKeyMaterial } from '../model/privateKeyMaterial';
import type { KeyRecord, KeyVersionRecord } from '../model/records';

const SCHEMA_VERSION = 1;
const PRIVATE_KEY_PURPOSE = 'private-key';

type StoredVersion = Omit<KeyVersionRecord, 'privateKey'> & { privateKeySealed: string };
type StoredKey = Omit<KeyRecord, 'versions'> & { versions: StoredVersion[] };

/**
 * Persistence in `<dataDir>/emulator.sqlite`: one JSON row per entity (`entities(collection, id,
 * body)`), written per request for the rows that request changed, in one transaction. Private
 * keys are sealed with the master key (AES-256-GCM, associated data = container/key/version, so a
 * sealed key cannot be moved to another row) and only decrypted when first used after a restart.
 */
export class SqliteStateStore {
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;

  constructor(
    dataDir: string,
    private readonly masterKey: MasterKey,
  ) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.db = new Database(path.join(dataDir, 'emulator.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS entities (collection TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (collection, id));
      CREATE TABLE IF NOT EXISTS schema_info (version INTEGER NOT NULL);
    `);
    const row = this.db.prepare('SELECT version FROM schema_info').get() as { version: number } | undefined;
    if (!row) this.db.prepare('INSERT INTO schema_info (version) VALUES (?)').run(SCHEMA_VERSION);
    else if (row.version !== SCHEMA_VERSION)
      throw new Error(`emulator.sqlite has schema version ${row.version}; this emulator reads ${SCHEMA_VERSION}. Delete the emulator data dir to start fresh.`);
    this.upsert = this.db.prepare('INSERT INTO entities (collection, id, body) VALUES (?, ?, ?) ON CONFLICT (collection, id) DO UPDATE SET body = excluded.body');
    this.remove = this.db.prepare('DELETE FROM entities WHERE collection = ? AND id = ?');
  }

  /** Loads the saved state, or returns undefined for a new data dir. */
  load(): EmulatorState | undefined {
    const rows = this.db.prepare('SELECT collection, id, body FROM entities').all() as Array<{ collection: Collection; id: string; body: string }>;
    const metaRow = rows.find((r) => r.collection === 'meta');
    if (!metaRow) return undefined;
    const state = new EmulatorState(JSON.parse(metaRow.body) as EmulatorMeta);
    for (const row of rows) {
      const body = JSON.parse(row.body) as unknown;
      switch (row.collection) {
        case 'subscription':
          state.subscriptions.set(row.id, body as never);
          break;
        case 'resourceGroup':
          state.resourceGroups.set(row.id, body as never);
          break;
        case 'principal':
          state.principals.set(row.id, body as never);
          break;
        case 'vault':
          state.vaults.set(row.id, body as never);
          break;
        case 'hsm':
          state.hsms.set(row.id, body as never);
          break;
        case 'roleAssignment':
          state.roleAssignments.set(row.id, body as never);
          break;
        case 'operation':
          state.operations.set(row.id, body as never);
          break;
        case 'key': {
          const key = this.reviveKey(body as StoredKey);
          state.keysOf(key.containerUid).set(key.name.toLowerCase(), key);
          break;
        }
        default:
          break;
      }
    }
    return state;
  }

  /** Writes every row the state marked dirty since the last flush. */
  flush(state: EmulatorState): void {
    const dirty = state.takeDirty();
    if (dirty.length === 0) return;
    const writes = dirty.map(({ collection, id }) => {
      const entity = lookup(state, collection, id);
      return { collection, id, body: entity === undefined ? undefined : JSON.stringify(collection === 'key' ? this.storableKey(entity as KeyRecord) : entity) };
    });
    this.db.transaction(() => {
      for (const write of writes) {
        if (write.body === undefined) this.remove.run(write.collection, write.id);
        else this.upsert.run(write.collection, write.id, write.body);
      }
    })();
  }

  clearAll(): void {
    this.db.exec('DELETE FROM entities');
  }

  close(): void {
    this.db.close();
  }

  private storableKey(key: KeyRecord): StoredKey {
    return {
      ...key,
      versions: key.versions.map(({ privateKey, ...rest }) => ({
        ...rest,
        privateKeySealed: privateKey.sealed((keyObject) =>
          this.masterKey.seal(PRIVATE_KEY_PURPOSE, keyObject.export({ type: 'pkcs8', format: 'der' }), associatedData(key, rest.version)),
        ),
      })),
    };
  }

  private reviveKey(stored: StoredKey): KeyRecord {
    return {
      ...stored,
      versions: stored.versions.map(({ privateKeySealed, ...rest }) => ({
        ...rest,
        privateKey: PrivateKeyMaterial.fromSealed(privateKeySealed, (sealed) =>
          createPrivateKey({ key: this.masterKey.unseal(PRIVATE_KEY_PURPOSE, sealed, associatedData(stored, rest.version)), format: 'der', type: 'pkcs8' }),
        ),
      })),
    };
  }
}

function associatedData(key: Pick<KeyRecord, 'containerUid' | 'name'>, version: string): string {
  return `${key.containerUid}/${key.name.toLowerCase()}/${version}`;
}

function lookup(state: EmulatorState, collection: Collection, id: string): unknown {
  switch (collection) {
    case 'subscription':
      return state.subscriptions.get(id);
    case 'resourceGroup':
      return state.resourceGroups.get(id);
    case 'principal':
      return state.principals.get(id);
    case 'vault':
      return state.vaults.get(id);
    case 'hsm':
      return state.hsms.get(id);
    case 'roleAssignment':
      return state.roleAssignments.get(id);
    case 'operation':
      return state.operations.get(id);
    case 'meta':
      return state.meta;
    case 'key': {
      const slash = id.indexOf('/');
      return state.keys.get(id.slice(0, slash))?.get(id.slice(slash + 1));
    }
    default:
      return undefined;
  }
}
