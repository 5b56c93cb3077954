import { appError, isAppError, systemClock, type Clock, type Logger } from './core';
import { formatProblems, loadConfig, type Config, type ConfigProblem } from './config';
import { openDatabase, pingDatabase, type Database } from './store/database';
import { keyValueMigrations, SqliteKeyValueStore } from './store/sqliteKeyValueStore';
import { SqliteBotStorage } from './bot/botStorage';
import { createBot, type Bot } from './bot/createBot';
import type { BotFeature } from './bot/botTypes';
import { renderWelcomeCard } from './bot/cards/welcomeCard';
import { journeyEntries } from './bot/journeyCatalogue';
import { startServer, type HealthReport, type RunningServer } from './server/createServer';
import { createPinoLogger } from './observability/pinoLogger';
import { keywardVersion } from './version';
import { probeHttps, readEmulatorInfo } from './localEmulatorInfo';
import { readPolicyFile, resolvePolicyPath } from './approvals/policyFile';
import { approvalsAndAuditMigrations, createApprovalsRuntime, type ApprovalsRuntime } from './bot/approvals/approvalsRuntime';
import path from 'node:path';
import { AzureGateway, createAzureCredential, SdkWrapProbe, tokenIdentity } from './azure';
import { M365_SERVICE_PRINCIPALS } from './customerKey';
import { SetupJourneyService } from './journeys/setupJourneyService';
import { journeyMigrations, SqliteJourneyStore } from './store/sqliteJourneyStore';
import { createSetupFeature } from './bot/setup/setupFeature';
import { executorMigrations } from './store/sqliteRunStore';
import { createExecutorRuntime, type ExecutorRuntime } from './bot/executor/executorRuntime';
import { ContainerLocator, EMULATOR_KEY_URI_OPTIONS, ReadinessService } from './executor';
import { SqliteRunArtifactStore } from './store/sqliteRunArtifactStore';
import { PwshRunner, type PowerShellRunner } from './executor/steps/powershellRunner';
import { createOpsRuntime, operationsMigrations, type OpsRuntime } from './bot/inventory/opsRuntime';
import { withoutCommands } from './bot/inventory/statusFeature';
import { AuditDigester, ed25519Signer } from './audit';
import { AuditDigestDirectory, loadOrCreateDigestKey } from './store/auditDigestFiles';
import { keywardPrivatePaths, securePrivatePaths } from './store/privatePaths';

export interface KeywardOverrides {
  logger?: Logger;
  clock?: Clock;
  /** Test hook: extra features (e.g. a probe) added after the built-in ones. */
  extraFeatures?: readonly BotFeature[];
  /** Test hook: runs Exchange app-only DEP scripts instead of `pwsh` (no PowerShell on test machines). */
  powershell?: PowerShellRunner;
  /** Test hook: the Bot Framework channel's OpenID metadata (signing keys) from a local server instead of login.botframework.com. */
  channelOpenIdMetadataUrl?: string;
}

export interface Keyward {
  config: Config;
  server: RunningServer;
  bot: Bot;
  db: Database;
  logger: Logger;
  /** Approvals engine and audit log: the seam for journeys (submit) and the executor (onApproved, beginExecution). */
  approvals: ApprovalsRuntime;
  /** The setup journeys (tests and the demo drive them through chat; this is for inspection). */
  setup: SetupJourneyService;
  /** The executor: runs approved plans (onApproved), resumes them on start, `verify`. */
  executor: ExecutorRuntime;
  /** DEPs, key rolls, teardowns, the inventory and its health checks. */
  operations: OpsRuntime;
  /** Graceful stop: stop accepting, let in-flight turns finish, close the store. Idempotent. */
  stop(): Promise<void>;
}

/**
 * The composition root: the one place that picks implementations and wires them. Everything it
 * builds receives its collaborators; nothing below reads process.env.
 */
export async function startKeyward(config: Config, overrides: KeywardOverrides = {}): Promise<Keyward> {
  const logger = overrides.logger ?? createPinoLogger(config.logLevel);
  // The approval policy is read before anything starts: no policy (production) or a bad one = no start.
  const policyFile = resolvePolicyPath(config.mode, config.policyFile);
  const policy = readPolicyFile(policyFile);
  // Private files: data directory 0700, keys, store, security domains and backups 0600 (tightened
  // and logged if an older version or a restore left them open; another user's file = no start).
  securePrivatePaths(keywardPrivatePaths(config), logger);
  // The audit digest key too (a damaged key file = no start, with what to do).
  const digestSigner = config.auditDigests.everyMinutes > 0 ? ed25519Signer(loadOrCreateDigestKey(config.auditDigests.signingKeyFile)) : undefined;
  const db = openDatabase({ file: path.join(config.dataDir, 'keyward.sqlite'), migrations: [...keyValueMigrations, ...approvalsAndAuditMigrations, ...journeyMigrations, ...executorMigrations, ...operationsMigrations] });
  const kv = new SqliteKeyValueStore(db);
  let approvals: ApprovalsRuntime;
  try {
    approvals = createApprovalsRuntime({ db, policy, policyFile, allowedTenants: config.bot.allowedTenants, approverActiveDays: config.approvals.activeDays, clock: overrides.clock ?? systemClock, logger });
  } catch (error) {
    db.close();
    throw error;
  }

  const clock = overrides.clock ?? systemClock;

  // Signed digests of the audit chain: at start (covering the last run), on a timer, and at stop.
  const digester = digestSigner ? new AuditDigester({ store: approvals.auditStore, signer: digestSigner, sink: new AuditDigestDirectory(config.auditDigests.dir), audit: approvals.audit, clock }) : undefined;
  const signAuditDigest = () => {
    if (!digester) return;
    try {
      const digest = digester.digestNow();
      if (digest) logger.info({ digest: digest.number, toSequence: digest.toSequence, dir: config.auditDigests.dir }, 'audit digest signed');
    } catch (error) {
      logger.error({ code: isAppError(error) ? error.code : 'Internal', err: error instanceof Error ? error.message : String(error) }, 'could not sign or write the audit digest; retrying at the next interval');
    }
  };
  if (digester) logger.info({ keyFingerprint: digester.fingerprint }, 'audit digests are signed with this Ed25519 key: keep its fingerprint outside Keyward');
  signAuditDigest();
  const digestTimer = digester ? setInterval(signAuditDigest, config.auditDigests.everyMinutes * 60_000).unref() : undefined;

  // Azure: a reader identity for preflight and checks, a writer identity for approved runs only.
  // Local mode is anonymous, so its credentials take tokens only from the local emulator.
  const localOnly = config.mode === 'local' && !config.local.unsafeRealAzure;
  if (config.local.unsafeRealAzure) {
    logger.warn(
      { setting: 'KEYWARD_LOCAL_UNSAFE_REAL_AZURE', armEndpoint: config.azure.armEndpoint, graphEndpoint: config.azure.graphEndpoint, credential: config.azure.writerClientId ? 'managed identity' : 'DefaultAzureCredential (your own login)' },
      'UNSAFE: local mode is anonymous (no sign-in), and KEYWARD_LOCAL_UNSAFE_REAL_AZURE lets it use real Azure: anyone who can reach this port can act as any person, approve plans and change Azure with these credentials. Unset it unless you really mean this.',
    );
  }
  const writerCredential = createAzureCredential(config.azure.writerClientId, { localOnly });
  const readerCredential = config.azure.readerClientId ? createAzureCredential(config.azure.readerClientId, { localOnly }) : writerCredential;
  const azureEndpoints = { armEndpoint: config.azure.armEndpoint, graphEndpoint: config.azure.graphEndpoint };
  const azureReader = new AzureGateway({ credential: readerCredential, ...azureEndpoints, logger: logger.child({ component: 'azure-reader' }) });
  const tenantId = config.azure.tenantId ?? policy.tenantId;
  let writerObjectId: Promise<string> | undefined;
  const keywardWriterObjectId = () => (writerObjectId ??= tokenIdentity(writerCredential).then((identity) => identity.objectId).catch((error: unknown) => { writerObjectId = undefined; throw error; }));
  const servicePrincipalObjectIds = async (): Promise<Record<string, string>> => {
    const resolved: Record<string, string> = {};
    for (const sp of M365_SERVICE_PRINCIPALS) {
      const configured = config.azure.servicePrincipalObjectIds[sp.appId.toLowerCase()];
      const objectId = configured ?? (await azureReader.servicePrincipalObjectId(sp.appId).catch(() => undefined));
      if (objectId) resolved[sp.appId] = objectId;
    }
    return resolved;
  };

  const setupJourneys = new SetupJourneyService({
    store: new SqliteJourneyStore(db),
    reader: azureReader,
    audit: approvals.audit,
    approvals: approvals.service,
    clock,
    logger: logger.child({ component: 'setup' }),
    planContext: async () => ({
      tenantId,
      keywardWriterObjectId: await keywardWriterObjectId(),
      servicePrincipalObjectIds: await servicePrincipalObjectIds(),
      ...(config.azure.vaultKeyRoleId ? { vaultKeyRoleDefinitionId: config.azure.vaultKeyRoleId } : {}),
    }),
    preflightContext: async () => ({ tenantId, keywardWriterObjectId: await keywardWriterObjectId().catch(() => undefined) }),
    validationOptions: () => ({ requireKeyCustodians: (policy.rules.create.separationOfDuties?.approvalsPerKeySide ?? 0) > 0 }),
    servicePrincipalOverrides: config.azure.servicePrincipalObjectIds,
  });
  const knownPeople = Object.entries(policy.people).map(([objectId, name]) => ({ objectId, name }));
  const setupFeature = createSetupFeature(setupJourneys, () => ({ knownPeople, custodiansRequired: (policy.rules.create.separationOfDuties?.approvalsPerKeySide ?? 0) > 0 }));

  // The executor: the writer identity only, and no transport retries — the runner retries whole
  // steps after re-checking Azure, so a lost answer to a POST never makes a second key version.
  const planJourneys = new SqliteJourneyStore(db);
  const writerAzure = new AzureGateway({ credential: writerCredential, ...azureEndpoints, logger: logger.child({ component: 'azure-writer' }), pollIntervalMs: Math.round(config.executor.pollSeconds * 1000), retry: { maxRetries: 0 }, requestTimeoutMs: 120_000 });
  const wrapProbe = config.executor.wrapProbe ? new SdkWrapProbe({ credentialFor: (clientId) => createAzureCredential(clientId, { localOnly }), retry: { maxRetries: 0 } }) : undefined;
  const executor = createExecutorRuntime({
    config,
    db,
    approvals,
    // Setup plans from the setup journeys; DEP (app-only), key-roll and teardown plans from theirs
    // (a teardown's only once its cooling-off has passed and the re-check was green).
    planSource: { planFor: (request) => (request.journeyId ? planJourneys.get(request.journeyId)?.plan ?? operations.planFor(request) : undefined) },
    azure: writerAzure,
    probe: wrapProbe,
    // Exchange app-only DEP steps run approved scripts with `pwsh` (only when configured).
    ...(config.operations.depAppOnly ? { powershell: overrides.powershell ?? new PwshRunner(config.operations.depAppOnly.pwshPath) } : {}),
    clock,
    logger,
  });

  // DEPs, key rolls, teardowns and the inventory. Readiness reads (DEP key checks, the scheduled
  // health check) use the same identity as `verify`; Exchange app-only only when configured.
  const destructive = policy.rules.destructive;
  if (config.operations.coolingOffSeconds >= destructive.executionWindowMinutes * 60) {
    await executor.stop();
    await approvals.stop();
    if (digestTimer) clearInterval(digestTimer);
    db.close();
    throw appError('PolicyInvalid', `The teardown cooling-off (${config.operations.coolingOffSeconds} s, KEYWARD_TEARDOWN_COOLING_OFF_SECONDS) must be shorter than the destructive rule's execution window (${destructive.executionWindowMinutes} min): an approved teardown could never run.`);
  }
  const readiness = new ReadinessService({ azure: writerAzure, artifacts: new SqliteRunArtifactStore(db), clock, ...(wrapProbe ? { probe: wrapProbe } : {}) });
  let serverUrl: string | undefined;
  const operations: OpsRuntime = createOpsRuntime({
    db,
    settings: {
      ...(config.operations.publicUrl ? { publicUrl: config.operations.publicUrl } : {}),
      downloadTtlMinutes: config.operations.downloadTtlMinutes,
      coolingOffSeconds: config.operations.coolingOffSeconds,
      tickSeconds: config.operations.tickSeconds,
      purgeWatchMinutes: config.operations.purgeWatchMinutes,
      healthCheckMinutes: config.operations.healthCheckMinutes,
      shareAttestationDays: config.operations.shareAttestationDays,
      ...(config.operations.depAppOnly ? { exchangeAppOnly: { organization: config.operations.depAppOnly.organization, accountId: config.azure.writerClientId } } : {}),
      ...(config.mode === 'local' ? { keyUriOptions: EMULATOR_KEY_URI_OPTIONS } : {}),
    },
    approvals,
    executor: executor.service,
    reader: azureReader,
    checker: { check: async (target) => readiness.check(target, new ContainerLocator(writerAzure)) },
    tenantId,
    servicePrincipalObjectIds,
    setupJourneys: (who, conversationId) => setupJourneys.listFor(who, conversationId),
    serverUrl: () => serverUrl,
    localMode: config.mode === 'local',
    clock,
    logger: logger.child({ component: 'operations' }),
  });

  const features: BotFeature[] = [withoutCommands(setupFeature, ['status']), approvals.feature, executor.feature, ...operations.features, ...(overrides.extraFeatures ?? [])];
  const registered = new Set(features.flatMap((feature) => (feature.commands ?? []).map((command) => command.name)));
  const journeys = journeyEntries(registered);

  const bot = createBot({
    auth: { ...config.bot, ...(overrides.channelOpenIdMetadataUrl ? { channelOpenIdMetadataUrl: overrides.channelOpenIdMetadataUrl } : {}) },
    storage: new SqliteBotStorage(kv),
    features,
    renderWelcome: (actor, locale) => renderWelcomeCard({ userName: actor.name, journeys, localMode: config.mode === 'local', locale }),
    logger,
  });
  approvals.attach(bot.adapter, config.bot.appId ?? '');
  approvals.scheduler.start(config.approvals.tickSeconds * 1000);
  executor.attach(bot.adapter, config.bot.appId ?? '');
  operations.attach(bot.adapter, config.bot.appId ?? '');
  await operations.start();
  await executor.start();

  const health = async (): Promise<HealthReport> => {
    const store = pingDatabase(db) ? 'ok' : 'unavailable';
    const report: HealthReport = { status: 'ok', version: keywardVersion(), mode: config.mode, store };
    if (config.mode === 'local') {
      const info = readEmulatorInfo(config.dataDir);
      report.emulator = info && (await probeHttps(info.armEndpoint)) ? 'reachable' : 'unreachable';
    }
    if (report.store !== 'ok' || report.emulator === 'unreachable') report.status = 'degraded';
    return report;
  };

  let server: RunningServer;
  try {
    server = await startServer({
      host: config.host,
      port: config.port,
      portVariable: 'PORT',
      handleActivity: bot.handleActivity,
      health,
      allowedTenants: config.bot.allowedTenants,
      requireTenant: config.mode === 'production',
      loopbackOnly: config.mode === 'local',
      clock,
      logger,
      downloads: operations.downloads,
    });
    serverUrl = server.url;
  } catch (error) {
    await operations.stop();
    await executor.stop();
    await approvals.stop();
    if (digestTimer) clearInterval(digestTimer);
    db.close();
    throw error;
  }
  logger.info({ url: server.url, mode: config.mode, version: keywardVersion() }, 'Keyward is listening');

  let stopped: Promise<void> | undefined;
  return {
    config,
    server,
    bot,
    db,
    logger,
    approvals,
    setup: setupJourneys,
    operations,
    executor,
    stop() {
      stopped ??= (async () => {
        await server.stop(config.shutdownGraceMs);
        await operations.stop();
        await executor.stop();
        await approvals.stop();
        if (digestTimer) clearInterval(digestTimer);
        signAuditDigest();
        db.close();
        logger.info({}, 'Keyward stopped');
      })();
      return stopped;
    },
  };
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
    if (isAppError(error, 'PortInUse') || isAppError(error, 'PolicyInvalid') || isAppError(error, 'ConfigInvalid')) {
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
