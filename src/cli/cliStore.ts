import path from 'node:path';
import { appError, isAppError } from '../core';
import { formatProblems, loadConfig, type Config, type ConfigProblem } from '../config';
import { postgresPasswordSource } from '../azure';
import { openConfiguredDatabase } from '../app/keywardStore';
import { describeConnection } from '../store/postgresDatabase';
import type { Migration, SqlDatabase } from '../store/sqlDatabase';

/**
 * The store a command-line tool works on, chosen like the bot's: KEYWARD_STORE and
 * KEYWARD_POSTGRES_* from the environment (signed in with the managed identity's Entra token when
 * KEYWARD_POSTGRES_AUTH=entra), or the SQLite file in the data directory. With
 * KEYWARD_STORE=postgres and no URL in local mode, the server `npm start` runs (or one started for
 * the command and stopped after it).
 */
export async function openCliDatabase(
  env: Readonly<Record<string, string | undefined>>,
  options: { dataDir?: string; readOnly: boolean; migrations?: readonly Migration[] },
): Promise<{ db: SqlDatabase; where: string; config: Config }> {
  let config: Config;
  try {
    config = loadConfig({ ...env, ...(options.dataDir ? { KEYWARD_DATA_DIR: path.resolve(options.dataDir) } : {}) } as NodeJS.ProcessEnv);
  } catch (error) {
    if (isAppError(error, 'ConfigInvalid')) throw appError('ConfigInvalid', formatProblems((error.details.problems as ConfigProblem[]) ?? []));
    throw error;
  }
  const localOnly = config.mode === 'local' && !config.local.unsafeRealAzure;
  const entraToken = config.store.engine === 'postgres' ? postgresPasswordSource(config.store, { localOnly }) : undefined;
  const db = await openConfiguredDatabase(config, { readOnly: options.readOnly, migrations: options.migrations ?? [], ...(entraToken ? { entraToken } : {}) });
  const where =
    config.store.engine === 'sqlite'
      ? path.join(config.dataDir, 'keyward.sqlite')
      : config.store.postgresUrl
        ? `PostgreSQL ${describeConnection(config.store.postgresUrl)}`
        : 'the local PostgreSQL server';
  return { db, where, config };
}
