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
import { SqlOnboardingStore } from '../store/sqlOnboardingStore';
import { openSqliteDatabase } from '../store/sqliteDatabase';
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
  /** Customer Key onboarding, one record per tenant and workload. */
  readonly onboarding: SqlOnboardingStore;
  /** The DEP, key-roll or teardown journeys (one table, one store per kind). */
  opsJourneys<J extends OpsJourneyBase>(kind: OpsJourneyKind): SqlOpsJourneyStore<J>;
  close(): Promise<void>;
}

/** Where Keyward keeps its state (chosen by configuration in main.ts). */
export type StoreSettings = { engine: 'sqlite'; file: string };

/** The SQLite file of a data directory. */
export function sqliteFileIn(dataDir: string): string {
  return path.join(dataDir, 'keyward.sqlite');
}

/** Opens (and migrates) the configured engine and builds every store over it. */
export async function openKeywardStore(settings: StoreSettings, options: { now?: () => Date } = {}): Promise<KeywardStore> {
  const db = await openSqliteDatabase({ file: settings.file, migrations: KEYWARD_MIGRATIONS });
  return keywardStoreOver(db, options);
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
    onboarding: new SqlOnboardingStore(db),
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
