import path from 'node:path';
import type { OpsJourneyBase, OpsJourneyKind } from '../inventory/opsJourney';
import type { Migration, SqlDatabase, StoreEngine } from '../store/sqlDatabase';
import { SqlApprovalDirectoryStore } from '../store/sqlApprovalDirectoryStore';
import { SqlApprovalStore } from '../store/sqlApprovalStore';
import { SqlAuditStore } from '../store/sqlAuditStore';
import { SqlDepDownloadStore } from '../store/sqlDepDownloadStore';
import { SqlInventoryStore } from '../store/sqlInventoryStore';
import { SqlJourneyStore } from '../store/sqlJourneyStore';
import { SqlKeyValueStore } from '../store/sqlKeyValueStore';
import { SqlOpsJourneyStore } from '../store/sqlOpsJourneyStore';
import { SqlRunArtifactStore } from '../store/sqlRunArtifactStore';
import { SqlRunCardStore } from '../store/sqlRunCardStore';
import { SqlRunStore } from '../store/sqlRunStore';
import { SqlShareAttestationStore } from '../store/sqlShareAttestationStore';
import { SqlClusterStore } from '../store/sqlClusterStore';
import { openSqliteDatabase, openSqliteReadOnly } from '../store/sqliteDatabase';
import { openPostgresDatabase } from '../store/postgresDatabase';
import { localPostgresDir, runningLocalPostgres, startLocalPostgres } from '../store/localPostgres';
import { networkShareOf } from '../store/networkShare';
import { appError, silentLogger, type Logger } from '../core';
import type { Config } from '../config';
import { SqlOnboardingStore } from '../store/sqlOnboardingStore';
import { SqlPendingMessageStore } from '../store/sqlPendingMessageStore';
import { KEYWARD_MIGRATIONS } from './storeSchema';

/**
 * Every store Keyward uses, over ONE database: a unit of work (`db.atomic`) spans all of them, so
 * an approval's state change and its audit record, or a run's step and its journal lines, commit
 * together whichever stores they live in.
 */
export interface KeywardStore {
  readonly engine: StoreEngine;
  readonly db: SqlDatabase;
  readonly kv: SqlKeyValueStore;
  readonly audit: SqlAuditStore;
  readonly approvals: SqlApprovalStore;
  readonly directory: SqlApprovalDirectoryStore;
  readonly journeys: SqlJourneyStore;
  readonly runs: SqlRunStore;
  readonly artifacts: SqlRunArtifactStore;
  readonly runCards: SqlRunCardStore;
  readonly inventory: SqlInventoryStore;
  readonly downloads: SqlDepDownloadStore;
  readonly attestations: SqlShareAttestationStore;
  /** Cluster leases and the outbox (several instances acting as one). */
  readonly cluster: SqlClusterStore;
  /** Customer Key onboarding, one record per tenant and workload. */
  readonly onboarding: SqlOnboardingStore;
  /** Proactive Teams messages waiting to go out (src/proactive). */
  readonly proactive: SqlPendingMessageStore;
  /** The DEP, key-roll or teardown journeys (one table, one store per kind). */
  opsJourneys<J extends OpsJourneyBase>(kind: OpsJourneyKind): SqlOpsJourneyStore<J>;
  close(): Promise<void>;
}

/** Where Keyward keeps its state (chosen by configuration in main.ts). */
export type StoreSettings =
  | { engine: 'sqlite'; file: string }
  | {
      engine: 'postgres';
      url: string;
      /** The Entra token source (src/azure/postgresToken.ts) when signing in with a managed identity. */
      password?: () => Promise<string>;
      tls: boolean;
      poolSize?: number;
      /** The setting that named the server, for messages. */
      variable?: string;
      logger?: Logger;
    };

/** The SQLite file of a data directory. */
export function sqliteFileIn(dataDir: string): string {
  return path.join(dataDir, 'keyward.sqlite');
}

/** Opens (and migrates) the configured engine and builds every store over it. */
export async function openKeywardStore(settings: StoreSettings, options: { now?: () => Date } = {}): Promise<KeywardStore> {
  const db =
    settings.engine === 'sqlite'
      ? await openSqliteDatabase({ file: settings.file, migrations: KEYWARD_MIGRATIONS })
      : await openPostgresDatabase({
          connectionString: settings.url,
          ...(settings.password ? { password: settings.password } : {}),
          tls: settings.tls,
          ...(settings.poolSize ? { poolSize: settings.poolSize } : {}),
          ...(settings.variable ? { variable: settings.variable } : {}),
          ...(settings.logger ? { logger: settings.logger } : {}),
          migrations: KEYWARD_MIGRATIONS,
        });
  return keywardStoreOver(db, options);
}

export interface ConfiguredStoreDeps {
  logger?: Logger;
  now?: () => Date;
  /** The managed identity's Entra token (KEYWARD_POSTGRES_AUTH=entra), from src/azure/postgresToken.ts. */
  entraToken?: () => Promise<string>;
  /** /proc/mounts' text (tests). */
  mounts?: string;
}

/**
 * The store the configuration asks for: SQLite in the data directory (refused in production on a
 * network share, unless KEYWARD_UNSAFE_SQLITE_ON_NETWORK_SHARE says otherwise), PostgreSQL at
 * KEYWARD_POSTGRES_URL (signed in with `entraToken` when KEYWARD_POSTGRES_AUTH=entra), or —
 * locally, without a URL — a PostgreSQL server Keyward starts under the data directory (stopped
 * again when the store closes).
 */
export async function openConfiguredStore(config: Pick<Config, 'mode' | 'dataDir' | 'store'>, deps: ConfiguredStoreDeps = {}): Promise<KeywardStore> {
  return keywardStoreOver(await openConfiguredDatabase(config, { ...deps, migrations: KEYWARD_MIGRATIONS }), deps.now ? { now: deps.now } : {});
}

/**
 * The configured database itself (openConfiguredStore, and the CLIs). `readOnly`: nothing can be
 * written (SQLite opened read-only; PostgreSQL with read-only transactions), no migration runs.
 */
export async function openConfiguredDatabase(
  config: Pick<Config, 'mode' | 'dataDir' | 'store'>,
  deps: ConfiguredStoreDeps & { migrations: readonly Migration[]; readOnly?: boolean },
): Promise<SqlDatabase> {
  const logger = deps.logger ?? silentLogger;
  if (config.store.engine === 'sqlite') {
    const share = networkShareOf(config.dataDir, deps.mounts);
    if (share && !deps.readOnly) {
      const why = `KEYWARD_DATA_DIR (${config.dataDir}) is on a network file system (${share.type} at ${share.mountPoint}), where SQLite's locking is not reliable: the store can be corrupted, or two instances can both count one vote`;
      if (config.mode === 'production' && !config.store.unsafeSqliteOnNetworkShare) {
        throw appError(
          'ConfigInvalid',
          `${why}. Use KEYWARD_STORE=postgres (Azure Database for PostgreSQL), or a local disk; KEYWARD_UNSAFE_SQLITE_ON_NETWORK_SHARE=true overrides this at your own risk.`,
          {
            problems: [{ variable: 'KEYWARD_STORE', message: `is sqlite, but ${why}; use postgres, or KEYWARD_UNSAFE_SQLITE_ON_NETWORK_SHARE=true at your own risk` }],
          },
        );
      }
      logger.warn(
        { dataDir: config.dataDir, fileSystem: share.type, mountPoint: share.mountPoint },
        `${why}. Continuing (${config.mode === 'production' ? 'KEYWARD_UNSAFE_SQLITE_ON_NETWORK_SHARE' : 'local mode'}).`,
      );
    }
    const file = sqliteFileIn(config.dataDir);
    return deps.readOnly ? openSqliteReadOnly(file) : openSqliteDatabase({ file, migrations: deps.migrations });
  }
  const open = (url: string, variable: string, extra: { password?: () => Promise<string>; tls: boolean }) =>
    openPostgresDatabase({
      connectionString: url,
      ...extra,
      poolSize: config.store.poolSize,
      variable,
      ...(deps.readOnly ? { readOnly: true, applicationName: 'keyward-cli' } : {}),
      logger,
      migrations: deps.readOnly ? [] : deps.migrations,
    });
  if (config.store.postgresUrl) {
    return open(config.store.postgresUrl, 'KEYWARD_POSTGRES_URL', {
      ...(config.store.postgresAuth === 'entra' && deps.entraToken ? { password: deps.entraToken } : {}),
      tls: config.store.postgresTls,
    });
  }
  // Local mode without a URL (loadConfig refuses this in production): a server of our own, or
  // the one `npm start` is running already.
  const dir = localPostgresDir(config.dataDir);
  const running = runningLocalPostgres(dir);
  if (running) return open(running, 'the local PostgreSQL server', { tls: false });
  const server = await startLocalPostgres({ dir, logger: logger.child({ component: 'local-postgres' }) });
  logger.info({ dir: server.dir }, 'local PostgreSQL started (KEYWARD_STORE=postgres without KEYWARD_POSTGRES_URL)');
  try {
    const db = await open(server.url, 'the local PostgreSQL server', { tls: false });
    const close = db.close.bind(db);
    db.close = async () => {
      await close();
      await server.stop();
    };
    return db;
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Every store over an open, migrated database. */
export function keywardStoreOver(db: SqlDatabase, options: { now?: () => Date } = {}): KeywardStore {
  const opsJourneys = new Map<OpsJourneyKind, SqlOpsJourneyStore<OpsJourneyBase>>();
  return {
    engine: db.engine,
    db,
    kv: new SqlKeyValueStore(db),
    audit: new SqlAuditStore(db),
    approvals: new SqlApprovalStore(db),
    directory: new SqlApprovalDirectoryStore(db),
    journeys: new SqlJourneyStore(db),
    runs: new SqlRunStore(db, options.now),
    artifacts: new SqlRunArtifactStore(db),
    runCards: new SqlRunCardStore(db),
    inventory: new SqlInventoryStore(db),
    downloads: new SqlDepDownloadStore(db),
    attestations: new SqlShareAttestationStore(db),
    cluster: new SqlClusterStore(db),
    onboarding: new SqlOnboardingStore(db),
    proactive: new SqlPendingMessageStore(db),
    opsJourneys<J extends OpsJourneyBase>(kind: OpsJourneyKind): SqlOpsJourneyStore<J> {
      let store = opsJourneys.get(kind);
      if (!store) {
        store = new SqlOpsJourneyStore<OpsJourneyBase>(db, kind);
        opsJourneys.set(kind, store);
      }
      return store as unknown as SqlOpsJourneyStore<J>;
    },
    close: () => db.close(),
  };
}
