/**
 * `npm run doctor [-- --offline] [--manifest <manifest.json|appPackage.zip>] [--scope <scope>]… [--data-dir <dir>]`:
 * checks this deployment's configuration — settings (the store's among them), policy file, Teams
 * app manifest; then, online, the store (does it answer, does the sign-in work), the identities' tokens, the policy's people against the tenant, and the identities' roles at the
 * Customer Key scopes — and prints each problem with its fix. Exit 0 = all is well, 1 = a problem,
 * 2 = could not run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { silentLogger } from '../core';
import type { Config } from '../config';
import { AzureGateway, createAzureCredential, postgresPasswordSource } from '../azure';
import { formatDoctorReport, readManifestFile, runDoctor, type DoctorIdentity, type StoreProbe } from '../app/doctor';
import { APP_PACKAGE_DIR } from '../package/appManifest';
import { readZip } from '../package/zip';
import { SqlInventoryStore } from '../store/sqlInventoryStore';
import type { SqlDatabase } from '../store/sqlDatabase';
import { describeConnection } from '../store/postgresDatabase';
import { localPostgresDir, runningLocalPostgres } from '../store/localPostgres';
import { openConfiguredDatabase, sqliteFileIn } from '../app/keywardStore';
import type { CliIo } from './audit';

const USAGE = `Usage: npm run doctor -- [--offline] [--manifest <manifest.json|appPackage.zip>] [--scope <scope>]... [--data-dir <dir>]

Checks the settings (as a start would; the store's too: SQLite on a network share, PostgreSQL
sign-in), the approval policy file, the Teams app manifest against the bot id, and — unless
--offline — that the store answers and the sign-in works, that Keyward's identities obtain tokens, that the policy's
people are users of the tenant, and that the identities hold their roles at every Customer Key
scope Keyward knows and each --scope (e.g. /subscriptions/<id>/resourceGroups/<rg> before setup).
Exit code 0 = all is well, 1 = a problem (each printed with its fix), 2 = could not run.`;

export async function runDoctorCli(argv: readonly string[], io: CliIo): Promise<number> {
  let online = true;
  let manifestFile: string | undefined;
  let dataDir: string | undefined;
  const scopes: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const value = () => argv[(i += 1)];
    if (arg === '--offline') online = false;
    else if (arg === '--manifest') manifestFile = value();
    else if (arg === '--scope') scopes.push(value() ?? '');
    else if (arg === '--data-dir') dataDir = value();
    else if (arg === '--help' || arg === 'help') {
      io.stdout(`${USAGE}\n`);
      return 0;
    } else {
      io.stderr(`Unknown option "${arg}".\n\n${USAGE}\n`);
      return 2;
    }
  }
  if (scopes.some((scope) => !/^\/subscriptions\/[0-9a-f-]{36}(\/resourceGroups\/[^/]+)?$/i.test(scope))) {
    io.stderr(`--scope takes /subscriptions/<id> or /subscriptions/<id>/resourceGroups/<name>.\n`);
    return 2;
  }
  const env = { ...io.env, ...(dataDir ? { KEYWARD_DATA_DIR: dataDir } : {}) };
  const defaultPackage = path.join(APP_PACKAGE_DIR, 'build', 'appPackage.zip');
  const manifestPath = manifestFile ? path.resolve(manifestFile) : fs.existsSync(defaultPackage) ? defaultPackage : undefined;
  if (manifestPath && !fs.existsSync(manifestPath)) {
    io.stderr(`No manifest at ${manifestPath}.\n`);
    return 2;
  }
  const findings = await runDoctor({
    env,
    online,
    scopes,
    ...(manifestPath ? { manifest: readManifestFile(manifestPath, readZip) } : {}),
    azure: (config) => {
      const localOnly = config.mode === 'local' && !config.local.unsafeRealAzure;
      const gateway = (clientId: string | undefined) =>
        new AzureGateway({
          credential: createAzureCredential(clientId, { localOnly }),
          armEndpoint: config.azure.armEndpoint,
          graphEndpoint: config.azure.graphEndpoint,
          logger: silentLogger,
          retry: { maxRetries: 1 },
          requestTimeoutMs: 30_000,
        });
      const writer = gateway(config.azure.writerClientId);
      const reader = config.azure.readerClientId && config.azure.readerClientId !== config.azure.writerClientId ? gateway(config.azure.readerClientId) : undefined;
      const identity = (name: 'writer' | 'reader', clientId: string | undefined, g: AzureGateway): DoctorIdentity => ({
        name,
        ...(clientId ? { clientId } : {}),
        identity: () => g.callerIdentity(),
        missingActions: (scope, actions) => g.missingActions(scope, actions),
        getUser: (objectId) => g.getUser(objectId),
      });
      return { identities: [identity('writer', config.azure.writerClientId, writer), ...(reader ? [identity('reader', config.azure.readerClientId, reader)] : [])] };
    },
    inventory: async (config) => {
      const db = await openStoreReadOnly(config);
      if (!db) return [];
      try {
        return await new SqlInventoryStore(db).listContainers();
      } finally {
        await db.close();
      }
    },
    store: async (config): Promise<StoreProbe> => {
      const where = storeName(config);
      const db = await openStoreReadOnly(config);
      if (!db) return { where, migrations: 0, exists: false };
      try {
        const tables = await db.all<{ name: string }>(
          config.store.engine === 'sqlite'
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
            : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'",
        );
        const migrations = tables.length > 0 ? Number((await db.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM schema_migrations'))?.n ?? 0) : 0;
        return { where, migrations, exists: true };
      } finally {
        await db.close();
      }
    },
  });
  const report = formatDoctorReport(findings);
  io.stdout(report.text);
  return report.code;
}

function storeName(config: Config): string {
  if (config.store.engine === 'sqlite') return `SQLite ${sqliteFileIn(config.dataDir)}`;
  return config.store.postgresUrl ? `PostgreSQL ${describeConnection(config.store.postgresUrl)}` : 'the local PostgreSQL server';
}

/**
 * The configured store, read-only (nothing written, no migration), signed in as the bot would;
 * undefined when there is nothing to open yet. Never starts a local PostgreSQL server.
 */
async function openStoreReadOnly(config: Config): Promise<SqlDatabase | undefined> {
  if (config.store.engine === 'sqlite' && !fs.existsSync(sqliteFileIn(config.dataDir))) return undefined;
  if (config.store.engine === 'postgres' && !config.store.postgresUrl && !runningLocalPostgres(localPostgresDir(config.dataDir))) return undefined;
  const localOnly = config.mode === 'local' && !config.local.unsafeRealAzure;
  const entraToken = config.store.engine === 'postgres' ? postgresPasswordSource(config.store, { localOnly }) : undefined;
  return openConfiguredDatabase(config, { readOnly: true, migrations: [], ...(entraToken ? { entraToken } : {}) });
}

if (require.main === module) {
  runDoctorCli(process.argv.slice(2), { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text), env: process.env }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(2);
    },
  );
}
