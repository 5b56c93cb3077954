import { sharedIdentityEmulator, testCaDir } from '../../helpers/identityEmulator';
import dns from 'node:dns';
import fs from 'node:fs';
import https from 'node:https';
import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import os from 'node:os';
import path from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/identity';
import {
  type PipelinePolicy,
  type PipelineResponse,
  bearerTokenAuthenticationPolicy,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  createDefaultHttpClient,
} from '@azure/core-rest-pipeline';
import { ManagedIdentityCredential } from '@azure/identity';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { KeyClient, CryptographyClient } from '@azure/keyvault-keys';
import { type EmulatorHandle, type EmulatorOptions, startEmulator } from '../../../src/emulator';

/**
 * Shared plumbing for the emulator contract tests: start an emulator on an ephemeral port with a
 * temp data dir, build the official SDK clients against it, and resolve `*.localhost` to loopback
 * (Node on Debian does not) through a per-request agent, as azure-wire.md §1 shows.
 */

export const ARM_SCOPE = 'https://management.azure.com/.default';
export const VAULT_SCOPE = 'https://vault.localhost/.default';
export const HSM_SCOPE = 'https://managedhsm.localhost/.default';
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
export const EXCHANGE_APP_ID = '00000002-0000-0ff1-ce00-000000000000';
export const EXCHANGE_OBJECT_ID = 'c0ffee00-0000-4000-8000-000000000002';

/** An https.Agent that maps `*.localhost` to 127.0.0.1 and leaves other names to DNS. */
export const localAgent = new https.Agent({
  keepAlive: true,
  lookup: ((hostname: string, options: LookupOneOptions | LookupAllOptions, callback: (...args: unknown[]) => void) => {
    if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
      if ((options as LookupAllOptions).all) callback(null, [{ address: '127.0.0.1', family: 4 } satisfies LookupAddress]);
      else callback(null, '127.0.0.1', 4);
      return;
    }
    dns.lookup(hostname, options as LookupAllOptions, callback as never);
  }) as never,
});

/** Per-call pipeline policy that routes every SDK request through `localAgent`. */
export const localAgentPolicy: PipelinePolicy = {
  name: 'keywardEmulatorLocalAgent',
  sendRequest: (request, next) => {
    request.agent = localAgent;
    return next(request);
  },
};

/** Fast retries so fault tests do not wait the SDK's 0.8 s / 1.6 s / 3.2 s back-off. */
export const quickRetry = { retryDelayInMs: 20, maxRetryDelayInMs: 100, maxRetries: 3 };

export function clientOptions(extra: Record<string, unknown> = {}) {
  return { additionalPolicies: [{ position: 'perCall' as const, policy: localAgentPolicy }], retryOptions: quickRetry, ...extra };
}

export interface TestEmulator extends EmulatorHandle {
  dispose(): Promise<void>;
}

/** An in-process emulator on an ephemeral port; HSM operations complete synchronously unless asked. */
export async function startTestEmulator(options: Partial<EmulatorOptions> = {}): Promise<TestEmulator> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-emulator-test-'));
  const handle = await startEmulator({ dataDir, caDir: testCaDir(), port: 0, hsmProvisioningMs: 0, ...options });
  return Object.assign(handle, {
    dispose: async () => {
      await handle.close();
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** Sets environment variables for the duration of `fn`, then restores them exactly. */
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T> | T): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

export function appServiceEnv(emulator: Pick<EmulatorHandle, 'identityEndpoint' | 'identityHeader'>): Record<string, string | undefined> {
  return {
    IDENTITY_ENDPOINT: emulator.identityEndpoint,
    IDENTITY_HEADER: emulator.identityHeader,
    AZURE_POD_IDENTITY_AUTHORITY_HOST: undefined,
    MSI_ENDPOINT: undefined,
    IDENTITY_SERVER_THUMBPRINT: undefined,
    IMDS_ENDPOINT: undefined,
    AZURE_FEDERATED_TOKEN_FILE: undefined,
    AZURE_CLIENT_ID: undefined,
    AZURE_TENANT_ID: undefined,
    AZURE_CLIENT_SECRET: undefined,
  };
}

/**
 * ManagedIdentityCredential against the emulator (App Service form) for the principal `clientId`
 * names: Keyward's writer unless told otherwise (the emulator has no default identity).
 */
export async function managedIdentity(clientId: string = WRITER_CLIENT_ID): Promise<TokenCredential> {
  const emulator = await sharedIdentityEmulator();
  return withEnv(appServiceEnv(emulator), async () => {
    const credential = new ManagedIdentityCredential({ clientId });
    // The first token fixes MSAL's process-wide source while the variables are set.
    await credential.getToken(ARM_SCOPE);
    return credential;
  });
}

/** A credential that always returns the given token (for expired/foreign-token tests). */
export function staticCredential(token: string, expiresOnTimestamp = Date.now() + 3_600_000): TokenCredential {
  return { getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp }) };
}

export function armClient(emulator: EmulatorHandle, credential: TokenCredential, subscriptionId = emulator.subscriptionIds[0] as string, extra: Record<string, unknown> = {}) {
  return new KeyVaultManagementClient(credential, subscriptionId, clientOptions({ endpoint: emulator.armEndpoint, credentials: { scopes: [ARM_SCOPE] }, ...extra }));
}

export function keyClient(vaultUrl: string, credential: TokenCredential, extra: Record<string, unknown> = {}) {
  return new KeyClient(vaultUrl, credential, clientOptions(extra));
}

export function cryptoClient(keyIdOrKey: string, credential: TokenCredential, extra: Record<string, unknown> = {}) {
  return new CryptographyClient(keyIdOrKey, credential, clientOptions(extra));
}

export interface RestResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * A bare core-rest-pipeline client (bearer policy with the given scope, or none) for the APIs
 * without an installed SDK: Managed HSM RBAC, the security domain, features, Graph, role assignments.
 */
export function restClient(credential: TokenCredential | undefined, scope: string) {
  const pipeline = createPipelineFromOptions({ retryOptions: { maxRetries: 0 } });
  pipeline.addPolicy(localAgentPolicy, { phase: 'Serialize' });
  if (credential) pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: scope }));
  const httpClient = createDefaultHttpClient();
  return async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<RestResponse> => {
    const request = createPipelineRequest({
      url,
      method: method as never,
      headers: createHttpHeaders({ accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const response: PipelineResponse = await pipeline.sendRequest(httpClient, request);
    const text = response.bodyAsText ?? '';
    return { status: response.status, headers: response.headers.toJSON(), body: text ? (JSON.parse(text) as unknown) : undefined };
  };
}

/** Unique, valid names so tests never collide on the global vault namespace. */
let counter = 0;
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36).slice(-5)}${counter}`.toLowerCase().slice(0, 24);
}

/** The vault PUT body the SDK sends for a Customer Key vault. */
export function vaultBody(tenantId: string, overrides: Record<string, unknown> = {}, propertyOverrides: Record<string, unknown> = {}) {
  return {
    location: 'westeurope',
    tags: { app: 'keyward-test' },
    properties: {
      tenantId,
      sku: { family: 'A' as const, name: 'premium' as const },
      accessPolicies: [],
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enableRbacAuthorization: false,
      enablePurgeProtection: true,
      ...propertyOverrides,
    },
    ...overrides,
  };
}

/** Asserts a promise rejects with an SDK RestError carrying `statusCode` (and `code` when given). */
export async function expectRestError(
  promise: Promise<unknown>,
  statusCode: number,
  code?: string,
): Promise<{ statusCode?: number; code?: string; message: string; details?: unknown }> {
  try {
    await promise;
  } catch (error) {
    const rest = error as { statusCode?: number; code?: string; message: string; details?: unknown };
    if (rest.statusCode !== statusCode || (code !== undefined && rest.code !== code)) {
      throw new Error(`expected ${statusCode}${code ? ` ${code}` : ''}, got ${rest.statusCode} ${rest.code}: ${rest.message}`);
    }
    return rest;
  }
  throw new Error(`expected a ${statusCode} error, but the call succeeded`);
}

/** PUT a resource group through ARM (there is no resource-group SDK installed). */
export async function ensureResourceGroup(emulator: EmulatorHandle, credential: TokenCredential, name: string, subscriptionId = emulator.subscriptionIds[0] as string) {
  const response = await restClient(credential, ARM_SCOPE)('PUT', `${emulator.armEndpoint}/subscriptions/${subscriptionId}/resourcegroups/${name}?api-version=2022-09-01`, {
    location: 'westeurope',
  });
  if (response.status !== 200 && response.status !== 201) throw new Error(`resource group PUT failed: ${response.status} ${JSON.stringify(response.body)}`);
}

/** Creates a vault (resource group included) and returns its name and data-plane URL. */
export async function createVault(
  emulator: EmulatorHandle,
  credential: TokenCredential,
  options: { subscriptionId?: string; resourceGroup?: string; name?: string; properties?: Record<string, unknown> } = {},
): Promise<{ name: string; resourceGroup: string; vaultUri: string; subscriptionId: string }> {
  const subscriptionId = options.subscriptionId ?? (emulator.subscriptionIds[0] as string);
  const resourceGroup = options.resourceGroup ?? 'rg-keyward';
  const name = options.name ?? uniqueName('kv');
  await ensureResourceGroup(emulator, credential, resourceGroup, subscriptionId);
  const vault = await armClient(emulator, credential, subscriptionId).vaults.beginCreateOrUpdateAndWait(
    resourceGroup,
    name,
    vaultBody(emulator.tenantId, {}, options.properties) as never,
  );
  return { name, resourceGroup, vaultUri: vault.properties.vaultUri as string, subscriptionId };
}

/** An access policy entry granting key permissions to an object id. */
export function keyPolicy(tenantId: string, objectId: string, keys: string[]) {
  return { tenantId, objectId, permissions: { keys } };
}

export const WRITER_OBJECT_ID = '5f1c0a2e-7d41-4b6a-9c3e-0000000000b1';
export const WRITER_CLIENT_ID = '5f1c0a2e-7d41-4b6a-9c3e-0000000000a1';
export const READER_CLIENT_ID = '5f1c0a2e-7d41-4b6a-9c3e-0000000000a2';
export const READER_OBJECT_ID = '5f1c0a2e-7d41-4b6a-9c3e-0000000000b2';

export { sharedIdentityEmulator, testCaDir };
