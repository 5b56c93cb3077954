import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';

let identityEmulator: Promise<EmulatorHandle> | undefined;

export function testCaDir(): string {
  const dir = process.env.KEYWARD_TEST_CA_DIR;
  if (!dir) throw new Error('KEYWARD_TEST_CA_DIR is not set: run the tests through scripts/test.ts (npx tsx scripts/test.ts …) so NODE_EXTRA_CA_CERTS trusts the emulator CA.');
  return dir;
}

/**
 * MSAL caches the managed-identity source (endpoint and header) for the whole process once the
 * first token is requested, so every managed-identity credential in a test process talks to one
 * long-lived emulator. Its tokens are valid on every other test emulator: they all sign and verify
 * with the key in the shared test CA dir.
 */
export function sharedIdentityEmulator(): Promise<EmulatorHandle> {
  if (identityEmulator) return identityEmulator;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-emulator-identity-'));
  process.once('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }));
  identityEmulator = startEmulator({ dataDir, caDir: testCaDir(), port: 0, hsmProvisioningMs: 0, keepProcessAlive: false, writeManifest: false });
  return identityEmulator;
}
