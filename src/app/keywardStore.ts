import path from 'node:path';
import type { OpsJourneyBase, OpsJourneyKind } from '../inventory/opsJourney';
import type { SqlDatabase, StoreEngine } from '../store/sqlDatabase';
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
import { openSqliteDatabase } from '../store/sqliteDatabase';
import { openPostgresDatabase } from '../store/postgresDatabase';
import { localPostgresDir, startLocalPostgres } from '../store/localPostgres';
import { networkShareOf } from '../store/networkShare';
import { appError, silentLogger, type Logger } from '../core';
import type { Config } from '../config';
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

/**
 * The store the configuration asks for: SQLite in the data directory (refused in production on a
 * network share, unless KEYWARD_UNSAFE_SQLITE_ON_NETWORK_SHARE says otherwise), PostgreSQL at
 * KEYWARD_POSTGRES_URL (signed in with `entraToken` when KEYWARD_POSTGRES_AUTH=entra), or —
 * locally, without a URL — a PostgreSQL server Keyward starts under the data directory (stopped
 * again when the store closes).
 */
export async function openConfiguredStore(
  config: Pick<Config, 'mode' | 'dataDir' | 'store'>,
  deps: { logger?: Logger; now?: () => Date; entraToken?: () => Promise<string>; /** /proc/mounts' text (tests). */ mounts?: string } = {},
): Promise<KeywardStore> {
  const logger = deps.logger ?? silentLogger;
  const options = deps.now ? { now: deps.now } : {};
  if (config.store.engine === 'sqlite') {
    const share = deps.mounts === undefined ? networkShareOf(config.dataDir) : networkShareOf(config.dataDir, deps.mounts);
    if (share) {
      const why = `KEYWARD_DATA_DIR (${config.dataDir}) is on a network file system (${share.type} at ${share.mountPoint}), where SQLite's locking is not reliable: the store can be corrupted, or two instances can both count one vote`;
      if (config.mode === 'production' && !config.store.unsafeSqliteOnNetworkShare) {
        throw appError('ConfigInvalid', `${why}. Use KEYWARD_STORE=postgres (Azure Database for PostgreSQL), or a local disk; KEYWARD_UNSAFE_SQLITE_ON_NETWORK_SHARE=true overrides this at your own risk.`, {
          problems: [{ variable: 'KEYWARD_STORE', message: `is sqlite, but ${why}; use postgres, or KEYWARD_UNSAFE_SQLITE_ON_NETWORK_SHARE=true at your own risk` }],
        });
      }
      logger.warn({ dataDir: config.dataDir, fileSystem: share.type, mountPoint: share.mountPoint }, `${why}. Continuing (${config.mode === 'production' ? 'KEYWARD_UNSAFE_SQLITE_ON_NETWORK_SHARE' : 'local mode'}).`);
    }
    return openKeywardStore({ engine: 'sqlite', file: sqliteFileIn(config.dataDir) }, options);
  }
  if (config.store.postgresUrl) {
    return openKeywardStore(
      {
        engine: 'postgres',
        url: config.store.postgresUrl,
        ...(config.store.postgresAuth === 'entra' && deps.entraToken ? { password: deps.entraToken } : {}),
        tls: config.store.postgresTls,
        poolSize: config.store.poolSize,
        variable: 'KEYWARD_POSTGRES_URL',
        logger,
      },
      options,
    );
  }
  // Local mode without a URL (loadConfig refuses this in production): a server of our own.
  const server = await startLocalPostgres({ dir: localPostgresDir(config.dataDir), logger: logger.child({ component: 'local-postgres' }) });
  logger.info({ dir: server.dir }, 'local PostgreSQL started (KEYWARD_STORE=postgres without KEYWARD_POSTGRES_URL)');
  try {
    const store = await openKeywardStore({ engine: 'postgres', url: server.url, tls: false, poolSize: config.store.poolSize, variable: 'the local PostgreSQL server', logger }, options);
    return {
      ...store,
      async close() {
        await store.close();
        await server.stop();
      },
    };
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
