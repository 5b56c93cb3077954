/**
 * The server side of the emulator benchmark, in its own process (so client and server each get a
 * core): the emulator and the bare baseline server, plus the memory/start-time phase with 10,000
 * keys. Talks to bench/emulatorWrap.bench.ts over IPC.
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { KeyClient } from '@azure/keyvault-keys';
import { LOCAL_IDENTITIES } from '../../src/core';
import { type EmulatorHandle, pooledKeyGenerator, startEmulator } from '../../src/emulator';
import { ensureCertificateAuthority, issueServerCertificate } from '../../src/emulator/tls/certificateAuthority';
import { startBareKeyVaultServer } from './bareKeyVaultServer';
import { agentPolicy, localhostAgent } from './localhostAgent';

export interface BenchServerReady {
  type: 'ready';
  identityEndpoint: string;
  identityHeader: string;
  emulatorKeyIds: Record<number, string>;
  bareKeyIds: Record<number, string>;
  startMs: number;
}

export interface MemoryFigures {
  type: 'memory';
  freshStartMs: number;
  baseline: { rssMb: number; heapUsedMb: number };
  withKeys: { rssMb: number; heapUsedMb: number };
  afterRestart: { rssMb: number; heapUsedMb: number };
  restartWithKeysMs: number;
  keyCount: number;
  createSeconds: number;
  databaseMb: number;
}

const SIZES = [2048, 3072];
const KEY_COUNT = 10_000;
const caDir = process.env.KEYWARD_BENCH_CA as string;
const agent = localhostAgent();
const staticCredential = (token: string) => ({ getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_000_000 }) });

async function setUpVault(emulator: EmulatorHandle, rg: string, name: string): Promise<string> {
  const armToken = await emulator.control.issueToken({ principal: LOCAL_IDENTITIES.writer.objectId, resource: 'https://management.azure.com' });
  const options = { additionalPolicies: [{ position: 'perCall' as const, policy: agentPolicy(agent) }] };
  await new Promise<void>((resolve, reject) => {
    const request = https.request(
      `${emulator.armEndpoint}/subscriptions/${emulator.subscriptionIds[0]}/resourcegroups/${rg}?api-version=2022-09-01`,
      {
        method: 'PUT',
        agent,
        headers: { authorization: `Bearer ${armToken.accessToken}`, 'content-type': 'application/json' },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve());
      },
    );
    request.on('error', reject);
    request.end(JSON.stringify({ location: 'westeurope' }));
  });
  const arm = new KeyVaultManagementClient(staticCredential(armToken.accessToken), emulator.subscriptionIds[0] as string, {
    ...options,
    endpoint: emulator.armEndpoint,
    credentials: { scopes: ['https://management.azure.com/.default'] },
  });
  const vault = await arm.vaults.beginCreateOrUpdateAndWait(rg, name, {
    location: 'westeurope',
    properties: {
      tenantId: emulator.tenantId,
      sku: { family: 'A', name: 'premium' },
      accessPolicies: [{ tenantId: emulator.tenantId, objectId: LOCAL_IDENTITIES.writer.objectId, permissions: { keys: ['all'] } }],
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: true,
    },
  });
  return vault.properties.vaultUri as string;
}

async function throughputServers(): Promise<{ emulator: EmulatorHandle; ready: BenchServerReady }> {
  const started = performance.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-bench-'));
  process.once('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const emulator = await startEmulator({ dataDir, caDir, port: 0, hsmProvisioningMs: 0 });
  const startMs = performance.now() - started;
  const vaultUri = await setUpVault(emulator, 'rg-bench', 'kvbench');
  const vaultToken = await emulator.control.issueToken({ principal: LOCAL_IDENTITIES.writer.objectId, resource: 'https://vault.localhost' });
  const keys = new KeyClient(vaultUri, staticCredential(vaultToken.accessToken), { additionalPolicies: [{ position: 'perCall', policy: agentPolicy(agent) }] });
  const emulatorKeyIds: Record<number, string> = {};
  for (const size of SIZES) emulatorKeyIds[size] = (await keys.createRsaKey(`bench-${size}`, { keySize: size, hsm: true, keyOps: ['wrapKey', 'unwrapKey'] })).id as string;
  const ca = await ensureCertificateAuthority(caDir);
  const bare = await startBareKeyVaultServer(await issueServerCertificate(ca), emulator.tenantId, SIZES);
  const bareKeyIds: Record<number, string> = Object.fromEntries(SIZES.map((size) => [size, bare.keyId(size)]));
  return { emulator, ready: { type: 'ready', identityEndpoint: emulator.identityEndpoint, identityHeader: emulator.identityHeader, emulatorKeyIds, bareKeyIds, startMs } };
}

function memory(): { rssMb: number; heapUsedMb: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return { rssMb: Math.round(usage.rss / 1048576), heapUsedMb: Math.round(usage.heapUsed / 1048576) };
}

/**
 * 10,000 RSA-HSM 2048 keys through the real create route. Key pairs come from a pool of 16
 * (pooledKeyGenerator): generating 10,000 RSA keys would take minutes and measure OpenSSL, not
 * the emulator. Each stored version still gets its own sealed private key row.
 */
async function memoryPhase(): Promise<MemoryFigures> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-bench-mem-'));
  let started = performance.now();
  let emulator = await startEmulator({ dataDir, caDir, port: 0, hsmProvisioningMs: 0, keyGenerator: pooledKeyGenerator(16) });
  const freshStartMs = performance.now() - started;
  const vaultUri = await setUpVault(emulator, 'rg-mem', 'kvmemory');
  const baseline = memory();
  const token = (await emulator.control.issueToken({ principal: LOCAL_IDENTITIES.writer.objectId, resource: 'https://vault.localhost' })).accessToken;
  const createStarted = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < KEY_COUNT) {
      const index = next;
      next += 1;
      await new Promise<void>((resolve, reject) => {
        const request = https.request(
          `${vaultUri}keys/mem-${index}/create?api-version=2025-07-01`,
          {
            method: 'POST',
            agent,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          },
          (response) => {
            response.resume();
            response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`create ${index}: ${response.statusCode}`))));
          },
        );
        request.on('error', reject);
        request.end(JSON.stringify({ kty: 'RSA-HSM', key_size: 2048, tags: { requestId: `req-${index}` } }));
      });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const createSeconds = (performance.now() - createStarted) / 1000;
  const withKeys = memory();
  await emulator.close();
  const databaseMb = Math.round(
    ['emulator.sqlite', 'emulator.sqlite-wal']
      .map((f) => path.join(dataDir, f))
      .filter((f) => fs.existsSync(f))
      .reduce((sum, f) => sum + fs.statSync(f).size, 0) / 1048576,
  );

  started = performance.now();
  emulator = await startEmulator({ dataDir, caDir, port: 0, hsmProvisioningMs: 0, keyGenerator: pooledKeyGenerator(16) });
  const restartWithKeysMs = performance.now() - started;
  const afterRestart = memory();
  await emulator.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { type: 'memory', freshStartMs, baseline, withKeys, afterRestart, restartWithKeysMs, keyCount: KEY_COUNT, createSeconds, databaseMb };
}

async function main(): Promise<void> {
  const { emulator, ready } = await throughputServers();
  process.send?.(ready);
  let cpuStart = process.cpuUsage();
  process.on('message', (message: { type: string }) => {
    if (message.type === 'cpu-start') {
      cpuStart = process.cpuUsage();
      process.send?.({ type: 'cpu-started' });
    } else if (message.type === 'cpu-stop') {
      const used = process.cpuUsage(cpuStart);
      process.send?.({ type: 'cpu', micros: used.user + used.system });
    } else if (message.type === 'memory') {
      void (async () => {
        await emulator.close();
        process.send?.(await memoryPhase());
      })();
    } else if (message.type === 'exit') {
      process.exit(0);
    }
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench server failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
