import fs from 'node:fs';
import path from 'node:path';
import type { PrincipalRecord } from './model/records';

/**
 * `<dataDir>/emulator.json`: everything a client needs to talk to this emulator. The first six
 * fields are what Keyward's own loader reads (src/localEmulatorInfo.ts); `env` lists the variables
 * that point unmodified Azure SDK code at it.
 */
export interface EmulatorManifest {
  armEndpoint: string;
  graphEndpoint: string;
  tenantId: string;
  caCertPath: string;
  identityEndpoint: string;
  identityHeader: string;
  imdsEndpoint: string;
  controlEndpoint: string;
  port: number;
  pid: number;
  startedAt: string;
  vaultUrlTemplate: string;
  hsmUrlTemplate: string;
  subscriptions: Array<{ id: string; displayName: string; state: string }>;
  subscriptionIds: string[];
  principals: Array<{ displayName: string; objectId: string; clientId?: string; kind: string }>;
  env: Record<string, string>;
}

export function buildManifest(input: {
  port: number;
  tenantId: string;
  caCertPath: string;
  identityHeader: string;
  subscriptions: Array<{ id: string; displayName: string; state: string }>;
  principals: PrincipalRecord[];
}): EmulatorManifest {
  const base = `https://localhost:${input.port}`;
  const identityEndpoint = `${base}/metadata/identity/oauth2/token`;
  return {
    armEndpoint: base,
    graphEndpoint: `https://graph.localhost:${input.port}`,
    tenantId: input.tenantId,
    caCertPath: input.caCertPath,
    identityEndpoint,
    identityHeader: input.identityHeader,
    imdsEndpoint: base,
    controlEndpoint: `${base}/_emulator`,
    port: input.port,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    vaultUrlTemplate: `https://{name}.vault.localhost:${input.port}/`,
    hsmUrlTemplate: `https://{name}.managedhsm.localhost:${input.port}/`,
    subscriptions: input.subscriptions,
    subscriptionIds: input.subscriptions.map((s) => s.id),
    principals: input.principals.map((p) => ({ displayName: p.displayName, objectId: p.objectId, ...(p.clientId ? { clientId: p.clientId } : {}), kind: p.kind })),
    env: {
      NODE_EXTRA_CA_CERTS: input.caCertPath,
      IDENTITY_ENDPOINT: identityEndpoint,
      IDENTITY_HEADER: input.identityHeader,
      AZURE_TENANT_ID: input.tenantId,
    },
  };
}

export function writeManifest(dataDir: string, manifest: EmulatorManifest): string {
  const file = path.join(dataDir, 'emulator.json');
  const temp = `${file}.${process.pid}.tmp`;
  // The file names the identity header; keep it readable by its owner only.
  fs.writeFileSync(temp, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(temp, file);
  return file;
}
