/**
 * The store contract runs against both engines: the same test files, once per engine. A test gets
 * a fresh, empty, migrated database and can open a second connection to it, as a second Keyward
 * instance would (SQLite: the same file; PostgreSQL: another pool on the same database).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Migration, SqlDatabase, StoreEngine } from '../../src/store/sqlDatabase';
import { openSqliteDatabase } from '../../src/store/sqliteDatabase';
import { openPostgresDatabase } from '../../src/store/postgresDatabase';
import { KEYWARD_MIGRATIONS } from '../../src/app/storeSchema';
import { keywardStoreOver, type KeywardStore } from '../../src/app/keywardStore';
import { newTestDatabase } from './postgresServer';

export const ENGINES: readonly StoreEngine[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  engine: StoreEngine;
  db: SqlDatabase;
  /** Another connection to the same data (a second instance). */
  connect(): Promise<SqlDatabase>;
  /** Where the data is (the SQLite file, or the PostgreSQL connection string). */
  location: string;
  close(): Promise<void>;
}

export async function openTestDatabase(engine: StoreEngine, migrations: readonly Migration[] = KEYWARD_MIGRATIONS): Promise<TestDatabase> {
  const opened: SqlDatabase[] = [];
  const track = (db: SqlDatabase) => (opened.push(db), db);
  if (engine === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-store-'));
    const file = path.join(dir, 'keyward.sqlite');
    const connect = async () => track(await openSqliteDatabase({ file, migrations }));
    return {
      engine,
      db: await connect(),
      connect,
      location: file,
      async close() {
        for (const db of opened) await db.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = await newTestDatabase();
  const connect = async () => track(await openPostgresDatabase({ connectionString: url, tls: false, migrations, poolSize: 5 }));
  return {
    engine,
    db: await connect(),
    connect,
    location: url,
    async close() {
      for (const db of opened) await db.close();
    },
  };
}

/** Every store over a fresh test database of the engine. */
export async function openTestStore(
  engine: StoreEngine,
  options: { now?: () => Date } = {},
): Promise<{ store: KeywardStore; second(): Promise<KeywardStore>; test: TestDatabase; close(): Promise<void> }> {
  const test = await openTestDatabase(engine);
  return {
    store: keywardStoreOver(test.db, options),
    second: async () => keywardStoreOver(await test.connect(), options),
    test,
    close: () => test.close(),
  };
}
