import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { appError, AsyncMutex } from '../core';
import { applyMigrations, type Migration, type SqlDatabase, type SqlValue } from './sqlDatabase';

/** One level of a unit of work: the transaction it belongs to, and a lock for units nested in it. */
interface Frame {
  tx: { done: boolean; savepoints: number };
  nested: AsyncMutex;
}

export interface OpenSqliteOptions {
  /** File path, or ':memory:' for unit tests. */
  file: string;
  migrations: readonly Migration[];
}

/**
 * The embedded engine: one better-sqlite3 connection per process, in WAL mode (readers in other
 * processes never block the writer), with a busy timeout so two bot processes on one file wait
 * for each other instead of failing.
 *
 * A unit of work is `BEGIN IMMEDIATE … COMMIT` on that connection and may span awaits, so units in
 * this process take turns through an async mutex, and a statement outside any unit waits while a
 * unit is open — it must neither see that unit's uncommitted writes nor become part of it. The
 * write lock IMMEDIATE takes before the first read serialises units across processes too. Which
 * unit a statement belongs to is carried by AsyncLocalStorage (the ambient transaction).
 */
export class SqliteDatabase implements SqlDatabase {
  readonly engine = 'sqlite' as const;
  private readonly context = new AsyncLocalStorage<Frame>();
  private readonly prepared = new Map<string, BetterSqlite3.Statement>();
  private closing?: Promise<void>;

  constructor(
    /** The connection itself, for the audit CLI's read-only checks and for tests that tamper with rows. */
    readonly raw: BetterSqlite3.Database,
    /**
     * Shared by every connection to the same file in this process: SQLite's busy wait blocks the
     * event loop, so a second connection must never wait inside SQLite for a unit that can only
     * finish when the event loop runs (two Keyward instances in one test process, the CLI).
     */
    private readonly mutex: AsyncMutex = new AsyncMutex(),
  ) {}

  all<R>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return this.use(() => this.statement(sql).all(...params) as R[]);
  }

  get<R>(sql: string, params: readonly SqlValue[] = []): Promise<R | undefined> {
    return this.use(() => this.statement(sql).get(...params) as R | undefined);
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    return this.use(() => ({ changes: this.statement(sql).run(...params).changes }));
  }

  readonly atomic = <T>(work: () => Promise<T>): Promise<T> => {
    const frame = this.frame();
    if (frame) return frame.nested.runExclusive(() => this.savepoint(frame, work));
    return this.mutex.runExclusive(async () => {
      this.open();
      this.raw.exec('BEGIN IMMEDIATE');
      const top: Frame = { tx: { done: false, savepoints: 0 }, nested: new AsyncMutex() };
      try {
        const result = await this.context.run(top, work);
        this.raw.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.raw.inTransaction) this.raw.exec('ROLLBACK');
        throw error;
      } finally {
        // Work leaked out of the unit (a promise nobody awaited) runs outside it from now on.
        top.tx.done = true;
      }
    });
  };

  /** A unit holds the whole file's write lock already (BEGIN IMMEDIATE). */
  async lock(_name: string): Promise<void> {}

  migrate(migrations: readonly Migration[]): Promise<string[]> {
    return applyMigrations(this, migrations, (migration) => this.raw.exec(migration.sql));
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.get<{ ok: number }>('SELECT 1 AS ok'))?.ok === 1;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    this.closing ??= this.mutex.runExclusive(() => {
      if (this.raw.open) this.raw.close();
    });
    return this.closing;
  }

  /** True inside a unit of work of this database. */
  inUnit(): boolean {
    return this.frame() !== undefined;
  }

  private frame(): Frame | undefined {
    const frame = this.context.getStore();
    return frame && !frame.tx.done ? frame : undefined;
  }

  /**
   * Runs one statement: at once inside a unit of work (it is part of it) or when no unit is open;
   * otherwise after the open unit and those already waiting.
   */
  private use<T>(statement: () => T): Promise<T> {
    if (this.frame() || !this.mutex.busy) {
      try {
        this.open();
        return Promise.resolve(statement());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.mutex.runExclusive(() => {
      this.open();
      return statement();
    });
  }

  private async savepoint<T>(frame: Frame, work: () => Promise<T>): Promise<T> {
    frame.tx.savepoints += 1;
    const name = `keyward_unit_${frame.tx.savepoints}`;
    this.raw.exec(`SAVEPOINT ${name}`);
    try {
      const result = await this.context.run({ tx: frame.tx, nested: new AsyncMutex() }, work);
      this.raw.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      this.raw.exec(`ROLLBACK TO ${name}`);
      this.raw.exec(`RELEASE ${name}`);
      throw error;
    }
  }

  private statement(sql: string): BetterSqlite3.Statement {
    let statement = this.prepared.get(sql);
    if (!statement) {
      statement = this.raw.prepare(sql);
      this.prepared.set(sql, statement);
    }
    return statement;
  }

  private open(): void {
    if (!this.raw.open) throw appError('StoreUnavailable', "Keyward's SQLite store is closed (Keyward is stopping).");
  }
}

/**
 * Opens the embedded store and applies every unapplied migration: WAL, a busy timeout, foreign
 * keys on, synchronous NORMAL (durable across process crashes; WAL keeps the file consistent).
 */
export async function openSqliteDatabase(options: OpenSqliteOptions): Promise<SqliteDatabase> {
  if (options.file !== ':memory:') fs.mkdirSync(path.dirname(options.file), { recursive: true });
  const raw = new BetterSqlite3(options.file);
  raw.pragma('journal_mode = WAL');
  // Only Keyward's user may read the store (votes, plans, journals); SQLite gives the WAL files
  // it creates later the database file's mode.
  if (options.file !== ':memory:') {
    for (const file of [options.file, `${options.file}-wal`, `${options.file}-shm`]) if (fs.existsSync(file)) fs.chmodSync(file, 0o600);
  }
  raw.pragma('busy_timeout = 5000');
  raw.pragma('foreign_keys = ON');
  raw.pragma('synchronous = NORMAL');
  const db = new SqliteDatabase(raw, fileMutex(options.file));
  try {
    await db.migrate(options.migrations);
  } catch (error) {
    raw.close();
    throw error;
  }
  return db;
}

/**
 * Opens an existing SQLite store read-only (the audit CLI): no migrations, no WAL checkpoint of
 * someone else's changes — verification must never write.
 */
export function openSqliteReadOnly(file: string): SqliteDatabase {
  if (!fs.existsSync(file)) throw appError('NotFound', `No Keyward store at ${file}. Set KEYWARD_DATA_DIR to the data directory of the bot.`);
  return new SqliteDatabase(new BetterSqlite3(file, { readonly: true, fileMustExist: true }), fileMutex(file));
}

const fileMutexes = new Map<string, AsyncMutex>();

/** One lock per database file in this process (':memory:' databases are each their own). */
function fileMutex(file: string): AsyncMutex {
  if (file === ':memory:') return new AsyncMutex();
  const key = path.resolve(file);
  let mutex = fileMutexes.get(key);
  if (!mutex) {
    mutex = new AsyncMutex();
    fileMutexes.set(key, mutex);
  }
  return mutex;
}
