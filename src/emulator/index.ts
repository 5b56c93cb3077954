import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Clock, type Logger, OffsetClock, silentLogger } from '../core';
import { type LroMode, managedHsmRoutes } from './arm/managedHsmRoutes';
import { providerRoutes } from './arm/providerRoutes';
import { roleAssignmentRoutes } from './arm/roleAssignmentRoutes';
import { subscriptionRoutes } from './arm/subscriptionRoutes';
import { vaultRoutes } from './arm/vaultRoutes';
import type { ControlApi } from './control/controlApi';
import { controlRoutes } from './control/controlRoutes';
import { EmulatorControl } from './control/emulatorControl';
import { MasterKey } from './crypto/masterKey';
import { keyRoutes } from './dataplane/keyRoutes';
import { managedHsmDataPlaneRoutes } from './dataplane/managedHsmRoutes';
import { type EmulatorManifest, buildManifest, writeManifest } from './emulatorManifest';
import { graphRoutes } from './graph/graphRoutes';
import { subscribedSkusRoutes } from './graph/subscribedSkusRoutes';
import { createDispatcher } from './http/dispatcher';
import { FaultInjector } from './http/faultInjector';
import { hsmUri, vaultUri } from './http/hostRouting';
import { startHttpsServer } from './http/httpsServer';
import { RequestLog } from './http/requestLog';
import { createIdentityHandler } from './identity/identityHandlers';
import { TokenService } from './identity/tokenService';
import { EmulatorModel, type EmulatorSeed } from './model/emulatorModel';
import { EmulatorState } from './model/emulatorState';
import { type KeyGenerator, nodeKeyGenerator } from './model/keyGenerator';
import type { ModelContext } from './model/modelContext';
import { defaultSeed } from './seed';
import { SqliteStateStore } from './store/sqliteStateStore';
import { ensureCertificateAuthority, issueServerCertificate } from './tls/certificateAuthority';

export type { ControlApi, StateSnapshot } from './control/controlApi';
export { createControlClient } from './control/controlClient';
export type { EmulatorManifest } from './emulatorManifest';
export type { FaultEffect, FaultRule, FaultSpec } from './http/faultInjector';
export type { RequestLogEntry } from './http/requestLog';
export type { EmulatorSeed } from './model/emulatorModel';
export { type KeyGenerator, nodeKeyGenerator, pooledKeyGenerator } from './model/keyGenerator';
export type { LroMode } from './arm/managedHsmRoutes';
export { defaultSeed } from './seed';
export { ensureCertificateAuthority } from './tls/certificateAuthority';

export interface EmulatorOptions {
  /** State (SQLite), the master key and emulator.json live here. */
  dataDir: string;
  /** CA certificate, CA key and token-signing key; defaults to dataDir (tests share one). */
  caDir?: string;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Default: an OffsetClock over the system clock, so the control API can advance time. */
  clock?: Clock;
  logger?: Logger;
  /** Default: the local tenant of src/core/localTenant.ts. Applied on first start and on reset. */
  seed?: EmulatorSeed;
  /** Duration of Managed HSM create/delete/purge; 0 completes them synchronously. Default 3000. */
  hsmProvisioningMs?: number;
  /** How Managed HSM LROs report progress; default `location` (202 + Location, as the RP does). */
  lroMode?: LroMode;
  /**
   * How long a key's soft delete or recover stays in progress: the deleted key (or the recovered
   * one) answers 404 until it has passed, as Azure's does for a few seconds. Default 0 (at once).
   */
  softDeleteWindowMs?: number;
  /** How private keys are made; benchmarks pass `pooledKeyGenerator`. */
  keyGenerator?: KeyGenerator;
  /** Write `<dataDir>/emulator.json` (default true). */
  writeManifest?: boolean;
  /** false: the listener does not keep the Node process alive (for a process-wide test emulator). */
  keepProcessAlive?: boolean;
}

export interface EmulatorHandle {
  port: number;
  /** `https://localhost:<port>` */
  armEndpoint: string;
  /** `https://graph.localhost:<port>` */
  graphEndpoint: string;
  /** App Service form: IDENTITY_ENDPOINT. */
  identityEndpoint: string;
  /** App Service form: IDENTITY_HEADER. */
  identityHeader: string;
  /** IMDS form: AZURE_POD_IDENTITY_AUTHORITY_HOST. */
  imdsEndpoint: string;
  caCertPath: string;
  tenantId: string;
  subscriptionIds: string[];
  dataDir: string;
  manifest: EmulatorManifest;
  /** `https://<name>.vault.localhost:<port>/` */
  vaultUrl(name: string): string;
  /** `https://<name>.managedhsm.localhost:<port>/` */
  hsmUrl(name: string): string;
  control: ControlApi;
  close(): Promise<void>;
}

/**
 * Starts the Azure emulator: ARM, Key Vault and Managed HSM data planes, managed identity and a
 * slice of Microsoft Graph on one HTTPS port, with state persisted in `dataDir`.
 */
export async function startEmulator(options: EmulatorOptions): Promise<EmulatorHandle> {
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const logger = options.logger ?? silentLogger;
  const ca = await ensureCertificateAuthority(path.resolve(options.caDir ?? dataDir));
  const serverCertificate = await issueServerCertificate(ca);
  const masterKey = MasterKey.loadOrCreate(dataDir);
  const store = new SqliteStateStore(dataDir, masterKey);
  const seed = options.seed ?? defaultSeed();

  const loaded = store.load();
  const state = loaded ?? new EmulatorState({ tenantId: seed.tenantId, disabledHsmRegions: [], identityHeader: randomBytes(24).toString('base64url'), clockOffsetMs: 0 });
  const ownClock = options.clock === undefined ? new OffsetClock() : undefined;
  if (ownClock && state.meta.clockOffsetMs) ownClock.advance(state.meta.clockOffsetMs);
  const context: ModelContext = {
    state,
    clock: options.clock ?? (ownClock as OffsetClock),
    keyGenerator: options.keyGenerator ?? nodeKeyGenerator,
    sealer: masterKey,
    hsmProvisioningMs: options.hsmProvisioningMs ?? 3000,
    softDeleteWindowMs: options.softDeleteWindowMs ?? 0,
  };
  const model = new EmulatorModel(context);
  if (!loaded) model.seed(seed);
  store.flush(state);

  const tokens = new TokenService(ca.tokenSigningKeyPem);
  const faults = new FaultInjector();
  const requestLog = new RequestLog();
  const settings = { lroMode: options.lroMode ?? ('location' as LroMode) };
  const control = new EmulatorControl({ model, store, faults, requestLog, tokens, seed, settings });
  const dispatch = createDispatcher({
    model,
    tokens,
    faults,
    identity: createIdentityHandler(model, tokens, {
      identityHeader: () => state.meta.identityHeader,
    }),
    routes: {
      control: controlRoutes(control),
      arm: [...subscriptionRoutes(model), ...vaultRoutes(model), ...managedHsmRoutes(model, () => settings.lroMode), ...roleAssignmentRoutes(model), ...providerRoutes(model)],
      dataPlane: keyRoutes(model),
      hsmDataPlane: managedHsmDataPlaneRoutes(model),
      graph: [...graphRoutes(model), ...subscribedSkusRoutes()],
    },
    flush: () => store.flush(state),
  });

  let server;
  try {
    server = await startHttpsServer({
      certPem: serverCertificate.certPem,
      keyPem: serverCertificate.keyPem,
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      logger,
      requestLog,
      dispatch,
      keepProcessAlive: options.keepProcessAlive ?? true,
    });
  } catch (error) {
    store.close();
    throw error;
  }

  const port = server.port;
  const manifest = buildManifest({
    port,
    tenantId: state.meta.tenantId,
    caCertPath: ca.caCertPath,
    identityHeader: state.meta.identityHeader,
    subscriptions: model.subscriptions.list().map((s) => ({ id: s.id, displayName: s.displayName, state: s.state })),
    principals: model.principals.list(),
  });
  if (options.writeManifest !== false) writeManifest(dataDir, manifest);
  logger.info({ port, dataDir }, 'Azure emulator listening');

  let closed = false;
  return {
    port,
    armEndpoint: manifest.armEndpoint,
    graphEndpoint: manifest.graphEndpoint,
    identityEndpoint: manifest.identityEndpoint,
    identityHeader: manifest.identityHeader,
    imdsEndpoint: manifest.imdsEndpoint,
    caCertPath: ca.caCertPath,
    tenantId: manifest.tenantId,
    subscriptionIds: manifest.subscriptionIds,
    dataDir,
    manifest,
    vaultUrl: (name) => vaultUri(name, `:${port}`),
    hsmUrl: (name) => hsmUri(name, `:${port}`),
    control,
    close: async () => {
      if (closed) return;
      closed = true;
      await server.close();
      store.flush(state);
      store.close();
    },
  };
}
