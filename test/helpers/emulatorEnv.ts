import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_IDENTITIES } from '../../src/core';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../src/emulator';
import { sharedIdentityEmulator } from './identityEmulator';

export interface TestEmulator {
  emulator: EmulatorHandle;
  /** Keyward settings that point its Azure clients at this emulator. */
  keywardEnv: Record<string, string>;
  close(): Promise<void>;
}

const IDENTITY_VARIABLES = ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER'] as const;

/**
 * An in-process emulator on an ephemeral port. The managed-identity variables the Azure SDK reads
 * point at the process-wide identity emulator (MSAL fixes its token source at the first token, and
 * every test emulator accepts its tokens), so Keyward's unchanged credential code works across
 * suites. TLS trust comes from NODE_EXTRA_CA_CERTS (scripts/test.ts).
 */
export async function startTestEmulator(options: Partial<EmulatorOptions> = {}): Promise<TestEmulator> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-emu-'));
  const emulator = await startEmulator({ dataDir, caDir: process.env.KEYWARD_TEST_CA_DIR, port: 0, hsmProvisioningMs: 0, writeManifest: false, ...options });
  const identity = await sharedIdentityEmulator();
  const saved = Object.fromEntries(IDENTITY_VARIABLES.map((name) => [name, process.env[name]]));
  process.env.IDENTITY_ENDPOINT = identity.identityEndpoint;
  process.env.IDENTITY_HEADER = identity.identityHeader;
  return {
    emulator,
    keywardEnv: {
      KEYWARD_AZURE_ARM_ENDPOINT: emulator.armEndpoint,
      KEYWARD_AZURE_GRAPH_ENDPOINT: emulator.graphEndpoint,
      KEYWARD_AZURE_TENANT_ID: emulator.tenantId,
      KEYWARD_WRITER_CLIENT_ID: LOCAL_IDENTITIES.writer.clientId,
      KEYWARD_READER_CLIENT_ID: LOCAL_IDENTITIES.reader.clientId,
    },
    async close() {
      await emulator.close();
      for (const name of IDENTITY_VARIABLES) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
