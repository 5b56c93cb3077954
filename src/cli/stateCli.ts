/**
 * `npm run backup -- --out <dir>` and `npm run restore -- --from <dir>`: Keyward's own state
 * (store, signed audit digests and their key, the security domains' key and files, key backups),
 * copied consistently while Keyward serves, and put back into an empty data directory. Exit code
 * 0 = done, 1 = refused (the message says why and what to do; nothing changed), 2 = could not run.
 */
import path from 'node:path';
import { isAppError, systemClock } from '../core';
import { formatProblems, loadConfig, type ConfigProblem } from '../config';
import { backupState, restoreState, statePathsFrom, type PostgresLocation } from '../app/stateBackup';
import { openConfiguredDatabase } from '../app/keywardStore';
import { postgresPasswordSource } from '../azure';
import { describeConnection } from '../store/postgresDatabase';
import { localPostgresDir } from '../store/localPostgres';
import type { Config } from '../config';
import { keywardVersion } from '../version';
import type { CliIo } from './audit';

const USAGE = `Usage:
  npm run backup -- --out <dir> [--data-dir <dir>] [--public-key <pem>]
  npm run restore -- --from <dir> [--data-dir <dir>] [--digests <dir>] [--public-key <pem>] [--accept-loss]

backup   writes a consistent copy of Keyward's state into a new directory while Keyward runs,
         and verifies the audit chain in the copy. Ship it to immutable storage (README).
         --public-key: the signed digests' public key when they are signed with a Key Vault key
         (KEYWARD_SIGNING_KEY_ID) rather than a local key file; it is kept in the copy.
restore  puts a copy back into an EMPTY data directory (stop Keyward first). Refuses a copy whose
         audit chain does not verify, or that is older than the newest signed digest in --digests
         (default: KEYWARD_AUDIT_DIGEST_DIR), and says what would be lost; --accept-loss restores
         it anyway and audits the loss.`;

export async function runStateCli(command: 'backup' | 'restore', argv: readonly string[], io: CliIo): Promise<number> {
  const options = parse(argv);
  if (!options.ok || options.help) {
    io.stderr(`${options.ok ? '' : `${options.error}\n\n`}${USAGE}\n`);
    return options.ok ? 0 : 2;
  }
  let config;
  try {
    config = loadConfig({ ...io.env, ...(options.values['--data-dir'] ? { KEYWARD_DATA_DIR: options.values['--data-dir'] } : {}) });
  } catch (error) {
    io.stderr(`${isAppError(error, 'ConfigInvalid') ? formatProblems((error.details.problems as ConfigProblem[]) ?? []) : String(error)}\n`);
    return 2;
  }
  const paths = statePathsFrom(config);
  const postgres = postgresLocation(config);
  const log = (line: string) => io.stdout(`${line}\n`);
  try {
    if (command === 'backup') {
      const out = options.values['--out'];
      if (!out) {
        io.stderr(`--out <dir> is required.\n\n${USAGE}\n`);
        return 2;
      }
      const manifest = await backupState({
        paths,
        out,
        clock: systemClock,
        keywardVersion: keywardVersion(),
        log,
        ...(postgres ? { postgres } : {}),
        ...(options.values['--public-key'] ? { publicKeyFile: path.resolve(options.values['--public-key']) } : {}),
      });
      log(`Backup complete: ${path.resolve(out)} (made ${manifest.createdAt}). Copy it to the backup storage account now; it holds private keys (see the README).`);
      return 0;
    }
    const from = options.values['--from'];
    if (!from) {
      io.stderr(`--from <dir> is required.\n\n${USAGE}\n`);
      return 2;
    }
    await restoreState({
      paths,
      from,
      ...(options.values['--digests'] ? { digestsDir: path.resolve(options.values['--digests']) } : {}),
      ...(options.values['--public-key'] ? { publicKeyFile: path.resolve(options.values['--public-key']) } : {}),
      acceptLoss: options.values['--accept-loss'] === 'true',
      clock: systemClock,
      log,
      ...(postgres ? { postgres } : {}),
    });
    return 0;
  } catch (error) {
    if (isAppError(error) && (error.code === 'BackupRefused' || error.code === 'AuditChainBroken' || error.code === 'NotFound')) {
      io.stderr(`${command === 'backup' ? 'Backup' : 'Restore'} refused: ${error.message}\n`);
      return 1;
    }
    io.stderr(`${command === 'backup' ? 'Backup' : 'Restore'} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

/** KEYWARD_STORE=postgres: the configured database, signed in as the bot would (the Entra token in Azure). */
function postgresLocation(config: Config): PostgresLocation | undefined {
  if (config.store.engine !== 'postgres') return undefined;
  const localOnly = config.mode === 'local' && !config.local.unsafeRealAzure;
  const entraToken = postgresPasswordSource(config.store, { localOnly });
  return {
    where: config.store.postgresUrl ? describeConnection(config.store.postgresUrl) : 'the local PostgreSQL server',
    ...(config.store.postgresUrl ? {} : { serverDir: localPostgresDir(config.dataDir) }),
    open: ({ readOnly }) => openConfiguredDatabase(config, { readOnly, migrations: [], ...(entraToken ? { entraToken } : {}) }),
  };
}

type Parsed = { ok: true; help: boolean; values: Record<string, string | undefined> } | { ok: false; error: string };

function parse(args: readonly string[]): Parsed {
  const values: Record<string, string | undefined> = {};
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--help' || arg === 'help') return { ok: true, help: true, values };
    if (arg === '--accept-loss') {
      values[arg] = 'true';
      continue;
    }
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!['--out', '--from', '--data-dir', '--digests', '--public-key'].includes(flag)) return { ok: false, error: `Unknown option "${arg}".` };
    const value = inline ?? args[(i += 1)];
    if (!value) return { ok: false, error: `${flag} needs a value.` };
    values[flag] = value;
  }
  return { ok: true, help: false, values };
}

if (require.main === module) {
  const command = process.argv[2] === 'restore' ? 'restore' : 'backup';
  runStateCli(command, process.argv.slice(3), { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text), env: process.env }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(2);
    },
  );
}
