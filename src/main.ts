import path from 'node:path';
import { appError, ed25519Signer, isAppError, systemClock, toAppError, type Clock, type Logger, type Signer } from './core';
import { formatProblems, loadConfig, type Config, type ConfigProblem } from './config';
import { startServer, type HealthReport, type RunningServer } from './server/createServer';
import { createPinoLogger } from './observability/pinoLogger';
import type { RunningTelemetry } from './observability/telemetrySdk';
import { keywardVersion } from './version';
import { probeHttps, readEmulatorInfo } from './localEmulatorInfo';
import { readPolicyFile, resolvePolicyPath } from './approvals/policyFile';
import { AzureGateway, createAzureCredential, createKeyVaultKeyWrapper, createKeyVaultSigner, postgresPasswordSource, SdkWrapProbe, tokenIdentity, type KeyWrapper } from './azure';
import { PwshRunner, type PowerShellRunner } from './executor/steps/powershellRunner';
import { loadOrCreateDigestKey } from './store/auditDigestFiles';
import { keywardPrivatePaths, securePrivatePaths } from './store/privatePaths';
import type { Bot } from './bot/createBot';
import type { BotFeature } from './bot/botTypes';
import type { ApprovalsRuntime } from './app/approvalsRuntime';
import type { ExecutorRuntime } from './app/executorRuntime';
import type { OpsRuntime } from './app/operationsRuntime';
import type { SetupJourneyService } from './journeys/setupJourneyService';
import { createKeywardApp, type KeywardApp } from './app/keywardApp';
import type { ProactiveLimits, ProactiveQueue } from './proactive/proactiveQueue';
import { openConfiguredStore, type KeywardStore } from './app/keywardStore';
import { createReadiness } from './app/readiness';
import { describeConnection } from './store/postgresDatabase';

export interface KeywardOverrides {
  logger?: Logger;
  clock?: Clock;
  /** Test hook: extra features (e.g. a probe) added after the built-in ones. */
  extraFeatures?: readonly BotFeature[];
  /** Test hook: runs Exchange app-only DEP scripts instead of `pwsh` (no PowerShell on test machines). */
  powershell?: PowerShellRunner;
  /** Test hook: the Bot Framework channel's OpenID metadata (signing keys) from a local server instead of login.botframework.com. */
  channelOpenIdMetadataUrl?: string;
  /** Test hook: pacing limits of proactive messages (Teams' documented limits by default). */
  proactiveLimits?: ProactiveLimits;
}

export interface Keyward {
  config: Config;
  server: RunningServer;
  bot: Bot;
  /** Keyward's store (every table, one database). */
  store: KeywardStore;
  logger: Logger;
  /** Approvals engine and audit log: the seam for journeys (submit) and the executor (onApproved, beginExecution). */
  approvals: ApprovalsRuntime;
  /** The setup journeys (tests and the demo drive them through chat; this is for inspection). */
  setup: SetupJourneyService;
  /** The executor: runs approved plans (onApproved), resumes them on start, `verify`. */
  executor: ExecutorRuntime;
  /** DEPs, key rolls, teardowns, the inventory and its health checks. */
  operations: OpsRuntime;
  /** Signs an audit digest now (throws AuditChainBroken when the log was rewritten). */
  digestNow(): ReturnType<KeywardApp['digestNow']>;
  /** One pass of the mandatory-retention re-check now (the timer's work; leader only). */
  recheckRetention(): Promise<void>;
  /** The paced queue of proactive Teams messages. */
  proactive: ProactiveQueue;
  /** Graceful stop: stop accepting, let in-flight turns finish, close the store. Idempotent. */
  stop(): Promise<void>;
}

/**
 * The composition root: reads what configuration chose and picks the implementations — the
 * store engine, Azure (real or the emulator, the reader and writer identities), the logger —
 * then hands them to the application (src/app) and starts the server. Nothing below reads
 * process.env.
 */
export async function startKeyward(config: Config, overrides: KeywardOverrides = {}): Promise<Keyward> {
  const logger = overrides.logger ?? createPinoLogger(config.logLevel);
  const clock = overrides.clock ?? systemClock;
  // Traces and metrics first, so everything below is instrumented (none = the API's no-ops).
  const telemetry = startTelemetry(config, logger);
  // The approval policy is read before anything starts: no policy (production) or a bad one = no start.
  const policyFile = resolvePolicyPath(config.mode, config.policyFile);
  const policy = readPolicyFile(policyFile);
  // Private files: data directory 0700, keys, store, security domains and backups 0600 (tightened
  // and logged if an older version or a restore left them open; another user's file = no start).
  securePrivatePaths(keywardPrivatePaths(config), logger);

  // Azure: a reader identity for preflight and checks, a writer identity for approved runs only.
  // The writer's gateway has no transport retries: the runner retries whole steps after re-checking
  // Azure, so a lost answer to a POST never makes a second key version.
  // Local mode is anonymous, so its credentials take tokens only from the local emulator.
  const localOnly = config.mode === 'local' && !config.local.unsafeRealAzure;
  if (config.local.unsafeRealAzure) {
    logger.warn(
      {
        setting: 'KEYWARD_LOCAL_UNSAFE_REAL_AZURE',
        armEndpoint: config.azure.armEndpoint,
        graphEndpoint: config.azure.graphEndpoint,
        credential: config.azure.writerClientId ? 'managed identity' : 'DefaultAzureCredential (your own login)',
      },
      'UNSAFE: local mode is anonymous (no sign-in), and KEYWARD_LOCAL_UNSAFE_REAL_AZURE lets it use real Azure: anyone who can reach this port can act as any person, approve plans and change Azure with these credentials. Unset it unless you really mean this.',
    );
  }
  const writerCredential = createAzureCredential(config.azure.writerClientId, { localOnly });
  const readerCredential = config.azure.readerClientId ? createAzureCredential(config.azure.readerClientId, { localOnly }) : writerCredential;
  const azureEndpoints = { armEndpoint: config.azure.armEndpoint, graphEndpoint: config.azure.graphEndpoint };
  const reader = new AzureGateway({ credential: readerCredential, ...azureEndpoints, logger: logger.child({ component: 'azure-reader' }) });
  const writer = new AzureGateway({
    credential: writerCredential,
    ...azureEndpoints,
    logger: logger.child({ component: 'azure-writer' }),
    pollIntervalMs: Math.round(config.executor.pollSeconds * 1000),
    retry: { maxRetries: 0 },
    requestTimeoutMs: 120_000,
  });
  const wrapProbe = config.executor.wrapProbe
    ? new SdkWrapProbe({ credentialFor: (clientId) => createAzureCredential(clientId, { localOnly }), retry: { maxRetries: 0 } })
    : undefined;
  let readerObjectId: Promise<string> | undefined;
  const keywardReaderObjectId = () =>
    (readerObjectId ??= tokenIdentity(readerCredential)
      .then((identity) => identity.objectId)
      .catch((error: unknown) => {
        readerObjectId = undefined;
        throw error;
      }));
  let writerObjectId: Promise<string> | undefined;
  const keywardWriterObjectId = () =>
    (writerObjectId ??= tokenIdentity(writerCredential)
      .then((identity) => identity.objectId)
      .catch((error: unknown) => {
        writerObjectId = undefined;
        throw error;
      }));
  // The key that signs submissions, votes, decisions and audit digests: in Azure a Key Vault or
  // Managed HSM key used through the writer identity (no signing secret on the host); locally an
  // Ed25519 key file (a damaged one = no start, with what to do). Likewise the security domains'
  // at-rest key: wrapped by a Key Vault key when configured (required in production to store one).
  const signer: Signer = config.signing.keyId
    ? await keyVaultKey('KEYWARD_SIGNING_KEY_ID', () => createKeyVaultSigner({ keyId: config.signing.keyId!, credential: writerCredential }))
    : ed25519Signer(loadOrCreateDigestKey(config.auditDigests.signingKeyFile), localKeyDescription(config.dataDir, config.auditDigests.signingKeyFile));
  const securityDomainWrapper: KeyWrapper | undefined = config.executor.securityDomainKeyId
    ? await keyVaultKey('KEYWARD_SECURITY_DOMAIN_KEY_ID', () => createKeyVaultKeyWrapper({ keyId: config.executor.securityDomainKeyId!, credential: writerCredential }))
    : undefined;
  // Exchange app-only DEP steps run approved scripts with `pwsh` (only when configured).
  const powershell = config.operations.depAppOnly ? (overrides.powershell ?? new PwshRunner(config.operations.depAppOnly.pwshPath)) : undefined;

  // The store engine: SQLite in the data directory, or PostgreSQL (signed in with the managed
  // identity's Entra token when KEYWARD_POSTGRES_AUTH=entra; no password anywhere).
  const entraToken = config.store.engine === 'postgres' ? postgresPasswordSource(config.store, { localOnly }) : undefined;
  const store = await openConfiguredStore(config, { logger, now: () => clock.now(), ...(entraToken ? { entraToken } : {}) });
  let app;
  try {
    app = await createKeywardApp({
      config,
      policy,
      policyFile,
      store,
      azure: { reader, writer, ...(wrapProbe ? { wrapProbe } : {}), writerObjectId: keywardWriterObjectId, readerObjectId: keywardReaderObjectId },
      signer,
      ...(securityDomainWrapper ? { securityDomainWrapper } : {}),
      ...(powershell ? { powershell } : {}),
      ...(overrides.channelOpenIdMetadataUrl ? { channelOpenIdMetadataUrl: overrides.channelOpenIdMetadataUrl } : {}),
      ...(overrides.extraFeatures ? { extraFeatures: overrides.extraFeatures } : {}),
      ...(overrides.proactiveLimits ? { proactiveLimits: overrides.proactiveLimits } : {}),
      clock,
      logger,
    });
    await app.start();
  } catch (error) {
    await app?.stop().catch(() => undefined);
    await store.close();
    await telemetry?.shutdown();
    throw error;
  }

  const health = async (): Promise<HealthReport> => {
    const report: HealthReport = { ...(await app.health()), version: keywardVersion() };
    if (config.mode === 'local') {
      const info = readEmulatorInfo(config.dataDir);
      report.emulator = info && (await probeHttps(info.armEndpoint)) ? 'reachable' : 'unreachable';
    }
    if (report.store !== 'ok' || report.emulator === 'unreachable') report.status = 'degraded';
    return report;
  };

  // /readyz: store, audit head, policy file, and tokens of the writer and reader (checked in the background).
  const ARM_SCOPE = 'https://management.azure.com/.default';
  const readiness = createReadiness({
    store,
    storeName: config.store.engine === 'postgres' ? `PostgreSQL ${config.store.postgresUrl ? describeConnection(config.store.postgresUrl) : '(local server)'}` : 'SQLite',
    isLeader: () => app.leader.isLeader(),
    policyFile,
    policyHash: policy.hash,
    identities: [
      { name: 'writer', acquire: () => writerCredential.getToken(ARM_SCOPE) },
      ...(readerCredential !== writerCredential ? [{ name: 'reader', acquire: () => readerCredential.getToken(ARM_SCOPE) }] : []),
    ],
    tokenCheckMs: config.readinessTokenCheckSeconds * 1000,
    clock,
    logger,
  });
  readiness.start();

  let server: RunningServer;
  try {
    server = await startServer({
      ready: () => readiness.check(),
      host: config.host,
      port: config.port,
      portVariable: 'PORT',
      handleActivity: app.bot.handleActivity,
      health,
      allowedTenants: config.bot.allowedTenants,
      requireTenant: config.mode === 'production',
      loopbackOnly: config.mode === 'local',
      clock,
      logger,
      downloads: app.operations.downloads,
      // Refused requests (bad Host, forged serviceUrl, no token, another tenant …) are audited too,
      // under the refusal log's rate limit; the caller is not authenticated, so it is named as such.
      auditRefusal: (event) =>
        app.approvals.service.auditRefusal({
          actor: { objectId: 'unauthenticated', name: 'refused HTTP request' },
          action: 'server.request.refused',
          target: String(event.details.route ?? '/api/messages'),
          reason: event.code,
          details: { status: event.status, message: event.message.slice(0, 300), ...pick(event.details, ['host', 'detail', 'dropped', 'byCode']) },
        }),
    });
    app.listeningAt(server.url);
  } catch (error) {
    await app.stop();
    await store.close();
    await telemetry?.shutdown();
    throw error;
  }
  logger.info({ url: server.url, mode: config.mode, version: keywardVersion() }, 'Keyward is listening');

  const running = app;
  let stopped: Promise<void> | undefined;
  return {
    config,
    server,
    bot: running.bot,
    store,
    logger,
    approvals: running.approvals,
    setup: running.setup,
    operations: running.operations,
    executor: running.executor,
    digestNow: () => running.digestNow(),
    recheckRetention: () => running.recheckRetention(),
    proactive: running.proactive,
    stop() {
      stopped ??= (async () => {
        await server.stop(config.shutdownGraceMs);
        await running.stop();
        await store.close();
        await telemetry?.shutdown();
        logger.info({}, 'Keyward stopped');
      })();
      return stopped;
    },
  };
}

/**
 * How the audit log names the local key file: relative to the data directory when it is inside it,
 * so a restore into another directory (which moves the data directory's paths) leaves the signed,
 * hashed records that name it untouched.
 */
function localKeyDescription(dataDir: string, file: string): string {
  const relative = path.relative(path.resolve(dataDir), path.resolve(file));
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : `key file ${relative} in the data directory`;
}

/** Reads a Key Vault key Keyward is configured to use; any failure stops the start with what to fix. */
async function keyVaultKey<T>(variable: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    const cause = toAppError(error);
    const message = `${variable}: ${cause.message}`;
    throw appError('ConfigInvalid', `Keyward cannot use the key named by ${message}`, { problems: [{ variable, message: cause.message }], cause: cause.code }, error);
  }
}

/**
 * Telemetry as configured: Azure Monitor with a connection string, else console or OTLP, else
 * nothing (the OpenTelemetry API stays a no-op and costs next to nothing). The SDKs are loaded
 * only when asked for: with the Azure SDK instrumentation they hold ~35 MB of resident memory
 * (measured by requiring them; bench:store).
 */
function startTelemetry(config: Config, logger: Logger): RunningTelemetry | undefined {
  const { exporter } = config.telemetry;
  if (exporter === 'none') return undefined;
  // require, not import(): loaded on demand the same way compiled and through tsx (CommonJS).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { keywardResource, scrubbingSpanProcessor, startLocalTelemetry } = require('./observability/telemetrySdk') as typeof import('./observability/telemetrySdk');
  if (exporter === 'azureMonitor') {
    const { startAzureMonitorTelemetry } = require('./azure/azureMonitorTelemetry') as typeof import('./azure/azureMonitorTelemetry');
    const running = startAzureMonitorTelemetry({
      connectionString: config.telemetry.connectionString!,
      resource: keywardResource('keyward', keywardVersion()),
      spanProcessors: [scrubbingSpanProcessor()],
    });
    logger.info({ exporter }, 'traces and metrics go to Application Insights');
    return running;
  }
  const { instrumentAzureSdk } = require('./azure/sdkTracing') as typeof import('./azure/sdkTracing');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const running = startLocalTelemetry({
    exporter,
    otlpEndpoint: config.telemetry.otlpEndpoint,
    metricsExportMs: config.telemetry.metricsExportMs,
    serviceVersion: keywardVersion(),
    instrumentAzureSdk,
  });
  logger.info({ exporter, ...(exporter === 'otlp' ? { endpoint: config.telemetry.otlpEndpoint } : {}) }, 'traces and metrics are exported');
  return running;
}

/** Process entry: config from the environment, signals, exit codes. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (isAppError(error, 'ConfigInvalid')) {
      console.error(formatProblems((error.details.problems as ConfigProblem[]) ?? []));
      process.exit(1);
    }
    throw error;
  }
  let keyward: Keyward;
  try {
    keyward = await startKeyward(config, { clock: systemClock });
  } catch (error) {
    if (isAppError(error, 'PortInUse') || isAppError(error, 'PolicyInvalid') || isAppError(error, 'ConfigInvalid') || isAppError(error, 'StoreUnavailable')) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const shutdown = (signal: string) => {
    keyward.logger.info({ signal }, 'shutting down');
    keyward.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

function pick(from: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => from[key] !== undefined).map((key) => [key, from[key]]));
}
