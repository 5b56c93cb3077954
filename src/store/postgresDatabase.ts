import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { appError, AsyncMutex, type Logger } from '../core';
import { applyMigrations, type Migration, type SqlDatabase, type SqlValue } from './sqlDatabase';

/** One level of a unit of work on PostgreSQL: its transaction's pooled client, and a lock for units nested in it. */
interface Frame {
  tx: { done: boolean; savepoints: number; client: pg.PoolClient };
  nested: AsyncMutex;
}

export interface PostgresOptions {
  /** postgres://user[:password]@host:port/database (a password only for local servers). */
  connectionString: string;
  /**
   * The password for each new connection, asked for when the pool opens one: Keyward's managed
   * identity's Entra access token in Azure (src/azure/postgresToken.ts). Overrides the URL's.
   */
  password?: () => Promise<string>;
  /** TLS with the server's certificate verified (required in Azure); false only for loopback servers. */
  tls: boolean;
  /** Connections in the pool (each unit of work holds one until it ends). */
  poolSize?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  /** The setting that named this server, for messages ("KEYWARD_POSTGRES_URL"). */
  variable?: string;
  /** Every transaction read-only (the audit CLI): the server refuses any write. */
  readOnly?: boolean;
  logger?: Logger;
}

/**
 * The PostgreSQL engine (Azure Database for PostgreSQL flexible server, or a local server): a
 * pool of connections; a unit of work checks one out, `BEGIN … COMMIT` on it (ROLLBACK when it
 * throws) and releases it; statements outside a unit go to the pool and commit on their own. The
 * unit a statement belongs to is carried by AsyncLocalStorage, as for SQLite. Isolation is READ
 * COMMITTED: every state change is a version compare-and-set, and units that read a set and
 * write from it take an advisory lock (`lock`), so several Keyward instances never act twice.
 */
export class PostgresDatabase implements SqlDatabase {
  readonly engine = 'postgres' as const;
  private readonly context = new AsyncLocalStorage<Frame>();
  private readonly translated = new Map<string, string>();
  private closing?: Promise<void>;

  constructor(
    readonly pool: pg.Pool,
    private readonly where: string,
    /** How to open a connection of its own (LISTEN needs one that stays open). */
    private readonly clientConfig: pg.ClientConfig = {},
    private readonly logger?: Logger,
  ) {}

  async all<R>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return (await this.query(sql, params)).rows as R[];
  }

  async get<R>(sql: string, params: readonly SqlValue[] = []): Promise<R | undefined> {
    return (await this.query(sql, params)).rows[0] as R | undefined;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    return { changes: (await this.query(sql, params)).rowCount ?? 0 };
  }

  readonly atomic = async <T>(work: () => Promise<T>): Promise<T> => {
    const frame = this.frame();
    if (frame) return frame.nested.runExclusive(() => this.savepoint(frame, work));
    const client = await this.connect();
    const top: Frame = { tx: { done: false, savepoints: 0, client }, nested: new AsyncMutex() };
    let broken: unknown;
    try {
      await client.query('BEGIN');
      const result = await this.context.run(top, work);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => (broken = rollbackError));
      throw error;
    } finally {
      top.tx.done = true;
      // A connection whose ROLLBACK failed is in an unknown state: destroy it, never reuse it.
      client.release(broken instanceof Error ? broken : undefined);
    }
  };

  async lock(name: string): Promise<void> {
    if (!this.frame()) throw appError('Internal', `lock(${name}) outside a unit of work holds nothing.`);
    await this.query('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [name]);
  }

  migrate(migrations: readonly Migration[]): Promise<string[]> {
    // A migration holds several statements: the simple query protocol (no parameters) runs them all.
    return applyMigrations(this, migrations, (migration) => this.frame()!.tx.client.query(migration.postgres ?? migration.sql));
  }

  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw appError('Internal', `Not a channel name: ${channel}`);
    let client: pg.Client | undefined;
    let stopped = false;
    let retry: NodeJS.Timeout | undefined;
    const connect = async (): Promise<void> => {
      const next = new pg.Client(this.clientConfig);
      next.on('notification', () => onNotify());
      next.on('error', (error) => {
        this.logger?.warn({ err: error.message }, 'the outbox listener lost its PostgreSQL connection; reconnecting');
        void next.end().catch(() => undefined);
        if (!stopped) retry = setTimeout(() => void connect().catch(() => undefined), 1_000).unref();
      });
      await next.connect();
      await next.query(`LISTEN ${channel}`);
      client = next;
      // Anything notified while we were away is found by the next poll; nudge once now.
      onNotify();
    };
    await connect();
    return async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    };
  }

  async ping(): Promise<boolean> {
    if (this.closing) return false;
    try {
      return (await this.get<{ ok: number }>('SELECT 1 AS ok'))?.ok === 1;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }

  inUnit(): boolean {
    return this.frame() !== undefined;
  }

  private frame(): Frame | undefined {
    const frame = this.context.getStore();
    return frame && !frame.tx.done ? frame : undefined;
  }

  private async query(sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult> {
    if (this.closing) throw appError('StoreUnavailable', "Keyward's PostgreSQL pool is closed (Keyward is stopping).");
    const text = this.placeholders(sql);
    const frame = this.frame();
    try {
      return frame ? await frame.tx.client.query(text, params as SqlValue[]) : await this.pool.query(text, params as SqlValue[]);
    } catch (error) {
      throw this.unavailable(error) ?? error;
    }
  }

  private async connect(): Promise<pg.PoolClient> {
    if (this.closing) throw appError('StoreUnavailable', "Keyward's PostgreSQL pool is closed (Keyward is stopping).");
    try {
      return await this.pool.connect();
    } catch (error) {
      throw this.unavailable(error) ?? error;
    }
  }

  private async savepoint<T>(frame: Frame, work: () => Promise<T>): Promise<T> {
    frame.tx.savepoints += 1;
    const name = `keyward_unit_${frame.tx.savepoints}`;
    const client = frame.tx.client;
    await client.query(`SAVEPOINT ${name}`);
    try {
      const result = await this.context.run({ tx: frame.tx, nested: new AsyncMutex() }, work);
      await client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      await client.query(`RELEASE SAVEPOINT ${name}`);
      throw error;
    }
  }

  /** `?` → `$1, $2…` (the stores write one SQL for both engines); quoted text is left alone. */
  private placeholders(sql: string): string {
    let text = this.translated.get(sql);
    if (text === undefined) {
      let n = 0;
      let quoted: string | undefined;
      text = '';
      for (const char of sql) {
        if (quoted) {
          if (char === quoted) quoted = undefined;
          text += char;
        } else if (char === "'" || char === '"') {
          quoted = char;
          text += char;
        } else if (char === '?') text += `$${(n += 1)}`;
        else text += char;
      }
      this.translated.set(sql, text);
    }
    return text;
  }

  /** Connection-level failures become one clear StoreUnavailable (query errors stay as they are). */
  private unavailable(error: unknown): Error | undefined {
    const code = (error as { code?: unknown } | null)?.code;
    const connectionCodes = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', '28P01', '28000', '3D000', '57P03', '08006', '08001', '08004'];
    if (typeof code !== 'string' || !connectionCodes.includes(code)) return undefined;
    const reason = error instanceof Error ? error.message : String(error);
    const hint =
      code === '28P01' || code === '28000'
        ? 'the server refused the sign-in (wrong role or password; with Entra sign-in, is the role created with pgaadauth_create_principal and the token from the right managed identity?)'
        : code === '3D000'
          ? 'the database does not exist'
          : 'the server cannot be reached';
    return appError('StoreUnavailable', `Keyward's PostgreSQL store (${this.where}): ${hint}: ${reason}`, { code }, error);
  }
}

/** host:port/database as user — what messages and logs may name (never the password). */
export function describeConnection(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}:${url.port || '5432'}/${decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres'} as ${decodeURIComponent(url.username) || '(no user)'}`;
  } catch {
    return '(an unreadable connection string)';
  }
}

/**
 * Opens the pool, checks that the server answers (one clear start-up line naming the setting when
 * it does not) and applies every unapplied migration. BIGINT comes back as a number (sequences,
 * epoch milliseconds, counts: all far below 2^53).
 */
export async function openPostgresDatabase(options: PostgresOptions & { migrations: readonly Migration[] }): Promise<PostgresDatabase> {
  const url = new URL(options.connectionString);
  // TLS is configured here, not by sslmode in the URL (whose meaning differs between clients).
  url.searchParams.delete('sslmode');
  const where = `${describeConnection(options.connectionString)}, ${options.variable ?? 'the connection string'}`;
  const pool = new pg.Pool({
    ...connectionConfig(options, url),
    max: options.poolSize ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 15_000,
    ...(options.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
    types: {
      getTypeParser: (oid: number, format?: string) => (oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')),
    } as pg.CustomTypesConfig,
  });
  // An idle connection the server drops (restart, failover) must not crash the process.
  pool.on('error', (error) => options.logger?.warn({ err: error.message }, 'a pooled PostgreSQL connection failed; the pool opens a new one on demand'));
  const db = new PostgresDatabase(pool, where, connectionConfig(options, url, 'listen'), options.logger);
  try {
    if (!(await db.get<{ ok: number }>('SELECT 1 AS ok'))) throw appError('StoreUnavailable', `Keyward's PostgreSQL store (${where}) did not answer.`);
    // No migrations (a reader): nothing is written, not even the migrations table.
    if (options.migrations.length > 0) await db.migrate(options.migrations);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return db;
}

/**
 * Where and how every connection of one store signs in — the pool's and the LISTEN client's
 * alike: the server (TLS verified against its host name when `tls`), the password callback, and
 * the name pg_stat_activity shows (`role` appended for a connection with a job of its own).
 */
function connectionConfig(options: PostgresOptions, url: URL, role?: string): pg.ClientConfig {
  const applicationName = options.applicationName ?? 'keyward';
  return {
    connectionString: url.toString(),
    ...(options.password ? { password: options.password } : {}),
    ssl: options.tls ? { rejectUnauthorized: true, servername: url.hostname } : false,
    application_name: role ? `${applicationName}-${role}` : applicationName,
  };
}
