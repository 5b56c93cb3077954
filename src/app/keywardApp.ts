import { appError, isAppError, systemClock, toAppError, type Clock, type Logger, type Signer } from '../core';
import { localizer, referenceLocale } from '../bot/i18n/localizer';
import type { Config } from '../config';
import type { ApprovalPolicy } from '../approvals';
import { AuditDigester, type AuditDigest } from '../audit';
import type { AzureReader, KeyWrapper, WrapProbe } from '../azure/ports';
import { M365_SERVICE_PRINCIPALS, namePatternProblem } from '../customerKey';
import { custodianRule, policyMembers } from '../approvals/approvalPolicy';
import { ContainerLocator, EMULATOR_KEY_URI_OPTIONS, ReadinessService, type ExecutorAzure } from '../executor';
import type { PowerShellRunner } from '../executor/steps/powershellRunner';
import { SetupJourneyService } from '../journeys/setupJourneyService';
import { createBot, type Bot } from '../bot/createBot';
import { BotNotifier } from '../bot/approvals/botNotifier';
import { APPROVAL_CARD_RECEIPT } from '../bot/approvals/approvalNotifications';
import { RUN_CARD_RECEIPT } from '../bot/executor/runCardNotifier';
import { ProactiveQueue, type ProactiveLimits } from '../proactive/proactiveQueue';
import { classifyConnectorFailure } from '../proactive/connectorFailures';
import type { BotFeature } from '../bot/botTypes';
import { KeyValueBotStorage } from '../bot/botStorage';
import { renderWelcomeCard } from '../bot/cards/welcomeCard';
import { journeyEntries } from '../bot/journeyCatalogue';
import { createSetupFeature } from '../bot/setup/setupFeature';
import { withoutCommands } from '../bot/inventory/statusFeature';
import { gateFeatures, type OperatorRules } from '../bot/operatorGate';
import { SETUP_VERBS } from '../bot/setup/setupVerbs';
import { DEP_VERBS } from '../bot/dep/depVerbs';
import { ROLL_VERBS } from '../bot/roll/rollVerbs';
import { TEARDOWN_VERBS } from '../bot/teardown/teardownVerbs';
import { INVENTORY_VERBS } from '../bot/inventory/inventoryVerbs';
import type { HealthReport } from '../server/createServer';
import { AuditDigestDirectory } from '../store/auditDigestFiles';
import { createApprovalsRuntime, type ApprovalsRuntime } from './approvalsRuntime';
import { wireEventFlow } from './eventFlow';
import { createExecutorRuntime, type ExecutorRuntime } from './executorRuntime';
import type { KeywardStore } from './keywardStore';
import { createOpsRuntime, type OpsRuntime } from './operationsRuntime';
import { observeAppGauges } from './appTelemetry';
import { countMetric } from '../telemetry';
import { ClusterLeader } from './clusterLeader';
import { newLeaseOwner } from '../executor/leaseOwner';

/**
 * What the policy's operators group guards: starting a journey (its command, or its Start button)
 * and looking at the inventory and runs. Journey cards check their owner, approval and run cards
 * their voters; those stay as they are.
 */
const OPERATOR_RULES: OperatorRules = {
  commands: { setup: 'start', dep: 'start', roll: 'start', retire: 'start', teardown: 'start', status: 'see', runs: 'see', verify: 'see' },
  verbs: {
    [SETUP_VERBS.start]: 'start',
    [DEP_VERBS.start]: 'start',
    [ROLL_VERBS.start]: 'start',
    [TEARDOWN_VERBS.start]: 'start',
    [INVENTORY_VERBS.status]: 'see',
    [INVENTORY_VERBS.checkHealth]: 'see',
  },
};

/** What the composition root picked: configuration, store, Azure access, clock and logger. */
export interface KeywardAppDeps {
  config: Config;
  policy: ApprovalPolicy;
  /** Where the policy came from (audited at start). */
  policyFile: string;
  store: KeywardStore;
  azure: {
    /** Keyward's reader identity: preflight, name checks, service principal look-ups. */
    reader: AzureReader;
    /** The writer identity's gateway, built without transport retries (the runner retries whole steps). */
    writer: ExecutorAzure;
    /** Local mode only: wrap/unwrap as the Microsoft 365 service principals through the emulator. */
    wrapProbe?: WrapProbe;
    /** The writer identity's Entra object id (from its token). */
    writerObjectId(): Promise<string>;
    /** The reader identity's Entra object id (from its token); plans give it read-only key access. */
    readerObjectId?(): Promise<string>;
  };
  /**
   * Signs every submission, vote and decision, and the audit digests: a Key Vault or Managed HSM
   * key through the managed identity in Azure, an Ed25519 key file locally (main.ts picks).
   */
  signer: Signer;
  /** Wraps stored security domains' data keys with a Key Vault key (required in production to store one). */
  securityDomainWrapper?: KeyWrapper;
  /** Runs approved Exchange DEP scripts (only with KEYWARD_DEP_APP_ONLY). */
  powershell?: PowerShellRunner;
  /** The Bot Framework channel's OpenID metadata URL (tests point it at a local issuer). */
  channelOpenIdMetadataUrl?: string;
  /** Extra bot features after the built-in ones (tests). */
  extraFeatures?: readonly BotFeature[];
  /** Pacing limits of proactive messages (tests; Teams' documented limits by default). */
  proactiveLimits?: ProactiveLimits;
  /** How often the outbox is polled besides LISTEN/NOTIFY and this process's own commits; default 500 ms. */
  outboxPollMs?: number;
  clock: Clock;
  logger: Logger;
}

/** Keyward below the composition root: every service, the event flow, the bot and the timers. */
export interface KeywardApp {
  approvals: ApprovalsRuntime;
  setup: SetupJourneyService;
  executor: ExecutorRuntime;
  operations: OpsRuntime;
  /** Which instance runs the cluster's timers and delivers the outbox (the holder of one lease). */
  leader: ClusterLeader;
  bot: Bot;
  /** The paced queue every proactive message goes through. */
  proactive: ProactiveQueue;
  /** Tells the app its own URL once the server listens (download links in local mode). */
  listeningAt(url: string): void;
  /**
   * Signs an audit digest now, if the log grew (the timer does this every KEYWARD_AUDIT_DIGEST_MINUTES).
   * Throws AuditChainBroken when the log no longer matches what was signed before (nothing signed).
   */
  digestNow(): Promise<AuditDigest | undefined>;
  /** One pass of the mandatory-retention re-check now, as the timer runs it every few minutes (KEYWARD_RETENTION_RECHECK_MINUTES; leader only). */
  recheckRetention(): Promise<void>;
  /** /healthz: the store answers (and, locally, whatever `extra` adds). */
  health(): Promise<HealthReport>;
  /** Starts the timers and picks up what an earlier process left behind. */
  start(): Promise<void>;
  /** Stops the timers and waits for work in flight; the store stays open (the caller closes it). */
  stop(): Promise<void>;
}

/**
 * Builds the application from its parts. The one place where the services meet: approvals and
 * audit, the setup journeys, the executor, the DEP/roll/teardown journeys with the inventory,
 * the bot features, and the event flow between them (eventFlow.ts).
 */
export async function createKeywardApp(deps: KeywardAppDeps): Promise<KeywardApp> {
  const { config, policy, store, clock, logger } = deps;
  const namePatternFault = namePatternProblem(config.setup.namePattern);
  if (namePatternFault) throw appError('ConfigInvalid', namePatternFault, { problems: [`KEYWARD_NAME_PATTERN: ${namePatternFault}`] });
  // Several instances may share the store. One of them at a time (the holder of the cluster lease)
  // runs the timers (expiry, reminders, health checks, digests, purge watches, cooling-off,
  // attestations, run reconciliation) and delivers the outbox of approval changes; any instance
  // answers clicks and drives runs (each run under its own lease with a fencing token).
  // The lease is kept in wall-clock time, whatever clock the app is given (tests move theirs).
  const leader = new ClusterLeader({
    cluster: store.cluster,
    owner: newLeaseOwner(),
    ttlMs: config.executor.leaseSeconds * 1000,
    clock: systemClock,
    logger: logger.child({ component: 'cluster' }),
  });
  const isLeader = () => leader.isLeader();
  const approvals = await createApprovalsRuntime({
    store,
    policy,
    policyFile: deps.policyFile,
    allowedTenants: config.bot.allowedTenants,
    approverActiveDays: config.approvals.activeDays,
    signer: deps.signer,
    isLeader,
    clock,
    logger,
  });

  // Signed digests of the audit chain: at start (covering the last run), on a timer, and at stop.
  const digester =
    config.auditDigests.everyMinutes > 0
      ? new AuditDigester({ store: approvals.auditStore, signer: deps.signer, sink: new AuditDigestDirectory(config.auditDigests.dir), audit: approvals.audit, clock })
      : undefined;
  let digestCoveredAt: number | undefined;
  const signAuditDigest = async () => {
    if (!digester || !leader.isLeader()) return;
    try {
      const digest = await digester.digestNow();
      if (digest) logger.info({ digest: digest.number, toSequence: digest.toSequence, dir: config.auditDigests.dir }, 'audit digest signed');
      digestCoveredAt = clock.now().getTime();
      countMetric('auditDigests', 1, { 'keyward.outcome': digest ? 'written' : 'nothing_new' });
    } catch (error) {
      countMetric('auditDigests', 1, { 'keyward.outcome': 'failed' });
      logger.error(
        { code: isAppError(error) ? error.code : 'Internal', err: error instanceof Error ? error.message : String(error) },
        'could not sign or write the audit digest; retrying at the next interval',
      );
    }
  };

  const tenantId = config.azure.tenantId ?? policy.tenantId;
  const servicePrincipalObjectIds = async (): Promise<Record<string, string>> => {
    const resolved: Record<string, string> = {};
    for (const sp of M365_SERVICE_PRINCIPALS) {
      const configured = config.azure.servicePrincipalObjectIds[sp.appId.toLowerCase()];
      const objectId = configured ?? (await deps.azure.reader.servicePrincipalObjectId(sp.appId).catch(() => undefined));
      if (objectId) resolved[sp.appId] = objectId;
    }
    return resolved;
  };

  // Who may be a key custodian: one rule for the setup journey, submit and voting (issue 12 item 5).
  const custodians = custodianRule(policy);
  const setup = new SetupJourneyService({
    store: store.journeys,
    atomic: store.db.atomic,
    reader: deps.azure.reader,
    audit: approvals.audit,
    approvals: approvals.service,
    clock,
    logger: logger.child({ component: 'setup' }),
    planContext: async () => {
      const readerObjectId = await deps.azure.readerObjectId?.().catch(() => undefined);
      return {
        tenantId,
        keywardWriterObjectId: await deps.azure.writerObjectId(),
        ...(readerObjectId ? { keywardReaderObjectId: readerObjectId } : {}),
        servicePrincipalObjectIds: await servicePrincipalObjectIds(),
        ...(config.azure.vaultKeyRoleId ? { vaultKeyRoleDefinitionId: config.azure.vaultKeyRoleId } : {}),
      };
    },
    preflightContext: async () => ({ tenantId, keywardWriterObjectId: await deps.azure.writerObjectId().catch(() => undefined) }),
    validationOptions: () => ({ requireKeyCustodians: (policy.rules.create.separationOfDuties?.approvalsPerKeySide ?? 0) > 0 }),
    servicePrincipalOverrides: config.azure.servicePrincipalObjectIds,
    namePattern: config.setup.namePattern,
    // Custodians become voters on their key's changes: the policy's one custodian rule, as submit and voting apply it (issue 12 item 5).
    custodians: () => custodians,
  });
  // The people pickers' static choices where Teams' directory search is missing (the playground):
  // everyone the policy names, and for custodians those the custodian rule allows.
  const nameOf = (objectId: string) => policy.people[objectId] ?? objectId;
  const knownPeople = [...new Set([...Object.keys(policy.people), ...policyMembers(policy)])].map((objectId) => ({ objectId, name: nameOf(objectId) }));
  const custodianCandidates = [...policyMembers(policy)].filter((objectId) => custodians.allows(objectId)).map((objectId) => ({ objectId, name: nameOf(objectId) }));
  const custodianGroups = custodians.groups.map((group) => group.name);
  const setupFeature = createSetupFeature(setup, () => ({
    knownPeople,
    custodianCandidates,
    custodianGroups,
    custodiansRequired: (policy.rules.create.separationOfDuties?.approvalsPerKeySide ?? 0) > 0,
  }));

  // The executor runs approved plans with the writer identity. Setup plans come from the setup
  // journeys; DEP (app-only), key-roll and teardown plans from theirs (a teardown's only once its
  // cooling-off has passed and the re-check was green).
  const late: { operations?: OpsRuntime } = {};
  const executor = createExecutorRuntime({
    config,
    store,
    approvals,
    planSource: {
      planFor: async (request) => {
        if (!request.journeyId) return undefined;
        const journey = await store.journeys.get(request.journeyId);
        return journey?.plan ?? late.operations?.planFor(request);
      },
    },
    azure: deps.azure.writer,
    reader: deps.azure.reader,
    ...(deps.azure.wrapProbe ? { probe: deps.azure.wrapProbe } : {}),
    ...(deps.powershell ? { powershell: deps.powershell } : {}),
    ...(deps.securityDomainWrapper ? { securityDomainWrapper: deps.securityDomainWrapper } : {}),
    isLeader,
    clock,
    logger,
  });

  const destructive = policy.rules.destructive;
  if (config.operations.coolingOffSeconds >= destructive.executionWindowMinutes * 60) {
    await executor.stop();
    await approvals.stop();
    throw appError(
      'PolicyInvalid',
      `The teardown cooling-off (${config.operations.coolingOffSeconds} s, KEYWARD_TEARDOWN_COOLING_OFF_SECONDS) must be shorter than the destructive rule's execution window (${destructive.executionWindowMinutes} min): an approved teardown could never run.`,
    );
  }

  // DEPs, key rolls, teardowns and the inventory. Readiness reads (DEP key checks, the scheduled
  // health check) run as the reader identity, as `verify` does: reads people trigger never use the
  // writer (issue 12 item 6).
  const readiness = new ReadinessService({ azure: deps.azure.reader, artifacts: store.artifacts, clock, ...(deps.azure.wrapProbe ? { probe: deps.azure.wrapProbe } : {}) });
  let serverUrl: string | undefined;
  const ops = (late.operations = createOpsRuntime({
    store,
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
    reader: deps.azure.reader,
    checker: { check: async (target) => readiness.check(target, new ContainerLocator(deps.azure.reader)) },
    tenantId,
    servicePrincipalObjectIds,
    setupJourneys: (who, conversationId) => setup.listFor(who, conversationId),
    serverUrl: () => serverUrl,
    localMode: config.mode === 'local',
    isLeader,
    clock,
    logger: logger.child({ component: 'operations' }),
  }));

  // The bot: every feature, one `status` (the operations' one, which includes the setup journeys).
  // The policy's optional operators group decides who starts journeys and sees inventory and runs.
  const features: BotFeature[] = gateFeatures([withoutCommands(setupFeature, ['status']), approvals.feature, executor.feature, ...ops.features, ...(deps.extraFeatures ?? [])], {
    policy,
    rules: OPERATOR_RULES,
    audit: (event) => approvals.service.auditRefusal(event),
  });
  const registered = new Set(features.flatMap((feature) => (feature.commands ?? []).map((command) => command.name)));
  const journeys = journeyEntries(registered);
  const bot = createBot({
    auth: { ...config.bot, ...(deps.channelOpenIdMetadataUrl ? { channelOpenIdMetadataUrl: deps.channelOpenIdMetadataUrl } : {}) },
    storage: new KeyValueBotStorage(store.kv),
    features,
    renderWelcome: (actor, locale) => renderWelcomeCard({ userName: actor.name, journeys, localMode: config.mode === 'local', locale }),
    logger,
    auditUnknownVerb: (verb, io) =>
      approvals.service.auditRefusal({
        actor: {
          objectId: io.actor.aadObjectId?.toLowerCase().slice(0, 64) || 'unidentified',
          name: io.actor.name?.slice(0, 200),
          tenantId: io.actor.tenantId?.toLowerCase().slice(0, 64),
        },
        action: 'card.verb.refused',
        target: `verb/${verb.slice(0, 100)}`,
        reason: 'UnknownVerb',
        details: { conversationId: io.conversation.id, conversationKind: io.conversation.kind },
      }),
  });
  // Every proactive message (approval cards, reminders, run cards, drift alerts, …) goes through
  // one paced queue: Teams' per-conversation and per-app limits, Retry-After, kept in the store
  // until delivered (src/proactive, docs/designs/2026-12-05-paced-proactive-messages.md).
  const botSender = new BotNotifier(bot.adapter, config.bot.appId ?? '');
  const proactive = new ProactiveQueue({
    sender: () => botSender,
    store: store.proactive,
    classify: classifyConnectorFailure,
    ...(deps.proactiveLimits ? { limits: deps.proactiveLimits } : {}),
    logger: logger.child({ component: 'proactive' }),
  });
  proactive.onDelivered(APPROVAL_CARD_RECEIPT, approvals.notifications.recordDelivered);
  proactive.onDelivered(RUN_CARD_RECEIPT, executor.notifier.recordDelivered);
  approvals.useNotifier(proactive);
  executor.useNotifier(proactive);
  ops.useNotifier(proactive);

  let unwire: (() => void) | undefined;
  let unobserve: (() => void) | undefined;
  let digestTimer: NodeJS.Timeout | undefined;
  let retentionTimer: NodeJS.Timeout | undefined;
  let retentionPass: Promise<void> | undefined;

  // Setups waiting for Microsoft to confirm the mandatory retention period are checked again by
  // the leader; when Microsoft has confirmed, the operator hears it in the setup's chat.
  const recheckRetention = async (): Promise<void> => {
    if (!leader.isLeader()) return;
    try {
      for (const journey of await setup.recheckWaitingRetention(config.setup.retentionRecheckMinutes * 60_000)) {
        const reference = journey.origin;
        await proactive
          .postText(reference, localizer(referenceLocale(reference)).t('notify.retentionConfirmed', { ready: journey.preflight?.ready ? 'yes' : 'no' }))
          .catch((error: unknown) => logger.warn({ journeyId: journey.id, err: toAppError(error).message }, 'could not tell the operator that the retention period is confirmed'));
      }
    } catch (error) {
      logger.warn({ err: toAppError(error).message }, 'the mandatory retention re-check failed; trying again at the next interval');
    }
  };

  return {
    approvals,
    setup,
    executor,
    operations: ops,
    leader,
    bot,
    proactive,
    listeningAt(url) {
      serverUrl = url;
    },
    digestNow: async () => digester?.digestNow(),
    recheckRetention,
    async health() {
      const storeOk = await store.db.ping();
      return { status: storeOk ? 'ok' : 'degraded', version: '', mode: config.mode, store: storeOk ? 'ok' : 'unavailable' };
    },
    async start() {
      await leader.start();
      logger.info(
        { keyFingerprint: deps.signer.fingerprint, algorithm: deps.signer.algorithm, key: deps.signer.description },
        'votes, decisions and audit digests are signed with this key: keep its fingerprint outside Keyward (npm run audit -- verify --fingerprint <it>)',
      );
      await signAuditDigest();
      if (digester) digestTimer = setInterval(() => void signAuditDigest(), config.auditDigests.everyMinutes * 60_000).unref();
      if (config.setup.retentionRecheckMinutes > 0)
        retentionTimer = setInterval(
          () => {
            retentionPass ??= recheckRetention().finally(() => (retentionPass = undefined));
          },
          // Looked at every few minutes; each journey is re-read once it is an interval old.
          Math.min(config.setup.retentionRecheckMinutes, 5) * 60_000,
        ).unref();
      await proactive.start();
      unwire = wireEventFlow({ approvals, executor, operations: ops, logger });
      unobserve = observeAppGauges(store, clock, { isLeader, lastCoveredAt: () => digestCoveredAt, outbox: approvals.dispatcher });
      // Whoever leads later delivers what is waiting at once, and signs what the last leader left
      // unsigned (which also starts its digest-age gauge).
      leader.onChange((leading) => {
        if (leading) {
          approvals.dispatcher.wake();
          void signAuditDigest();
        }
      });
      await approvals.dispatcher.start(deps.outboxPollMs ?? 500);
      approvals.scheduler.start(config.approvals.tickSeconds * 1000, isLeader);
      await ops.start();
      await executor.start();
    },
    async stop() {
      // First the queue: what it cannot deliver in a few seconds stays in the store for the next
      // start, and nobody below waits on Teams any more.
      await proactive.stop(Math.min(config.shutdownGraceMs, 5_000));
      await ops.stop();
      await executor.stop();
      await approvals.stop();
      unwire?.();
      unobserve?.();
      if (digestTimer) clearInterval(digestTimer);
      if (retentionTimer) clearInterval(retentionTimer);
      await retentionPass;
      await signAuditDigest();
      await leader.stop();
    },
  };
}
