import { silentLogger, toAppError, type Clock, type Logger } from '../core';
import type { AzureReader } from '../azure/ports';
import type { ApprovalRequest, ConversationRef } from '../approvals/approvalTypes';
import { MANDATORY_RETENTION_FEATURE, servicePrincipalFor, type DepScope, type Plan } from '../customerKey';
import { HealthMonitor, type HealthCheckResult } from '../inventory/healthMonitor';
import { traceHealthCheck } from './appTelemetry';
import { InventoryService, type RecordableRun } from '../inventory/inventoryService';
import type { KeyChecker } from '../inventory/inventoryPorts';
import type { OpsJourneyBase } from '../inventory/opsJourney';
import { RotationReminders } from '../inventory/rotationReminders';
import { ShareAttestations } from '../inventory/shareAttestations';
import type { DepJourney } from '../journeys/depJourney';
import { DepJourneyService, journeyDeps } from '../journeys/depJourneyService';
import type { RollJourney } from '../journeys/rollJourney';
import { RollJourneyService } from '../journeys/rollJourneyService';
import type { JourneyOwner, SetupJourney } from '../journeys/setupJourney';
import type { TeardownJourney } from '../journeys/teardownJourney';
import { TeardownJourneyService, type TeardownEvent } from '../journeys/teardownJourneyService';
import { DownloadService } from '../server/downloads';
import type { Notifier } from '../bot/approvals/notifier';
import type { BotFeature } from '../bot/botTypes';
import type { AdaptiveCardJson } from '../bot/cards/adaptiveCard';
import { describeDepJourney, renderDepCard } from '../bot/dep/depCards';
import { createDepFeature } from '../bot/dep/depFeature';
import { DEP_VERBS } from '../bot/dep/depVerbs';
import { renderDriftCard } from '../bot/inventory/inventoryCards';
import { renderShareAttestationCard } from '../bot/inventory/shareCards';
import { createStatusFeature } from '../bot/inventory/statusFeature';
import { describeRollJourney, renderRollCard, renderRotationReminderCard } from '../bot/roll/rollCards';
import { createRollFeature } from '../bot/roll/rollFeature';
import { ROLL_VERBS } from '../bot/roll/rollVerbs';
import { describeTeardownJourney } from '../bot/teardown/teardownCards';
import { createTeardownFeature, teardownCardRenderer } from '../bot/teardown/teardownFeature';
import { TEARDOWN_VERBS } from '../bot/teardown/teardownVerbs';
import type { ApprovalsRuntime } from './approvalsRuntime';
import type { KeywardStore } from './keywardStore';
import { localizer, referenceLocale } from '../bot/i18n/localizer';

export interface OpsSettings {
  publicUrl?: string;
  downloadTtlMinutes: number;
  coolingOffSeconds: number;
  tickSeconds: number;
  purgeWatchMinutes: number;
  healthCheckMinutes: number;
  /** Days between "do you still hold your security-domain share?" rounds; 0 = never. */
  shareAttestationDays: number;
  exchangeAppOnly?: { organization: string; accountId?: string };
  /** Key hosts accepted in URIs besides Azure's (the emulator's, locally). */
  keyUriOptions?: import('../customerKey').KeyUriOptions;
}

/** The executor as the operations need it (ExecutorService fits). */
export interface OpsExecutor {
  getByRequest(requestId: string): Promise<(RecordableRun & { lastError?: { code: string; message: string } }) | undefined>;
  list(): Promise<RecordableRun[]>;
  start(requestId: string): Promise<unknown>;
}

export interface OpsRuntimeOptions {
  store: KeywardStore;
  settings: OpsSettings;
  approvals: ApprovalsRuntime;
  executor: OpsExecutor;
  /** Read-only Azure (Keyward's reader identity). */
  reader: AzureReader;
  /** Fresh readiness checks (the executor's ReadinessService over the identity `verify` uses). */
  checker: KeyChecker;
  tenantId: string;
  /** appId → object id of the Microsoft 365 service principals in the tenant. */
  servicePrincipalObjectIds(): Promise<Record<string, string>>;
  setupJourneys(owner: JourneyOwner, conversationId: string): Promise<SetupJourney[]>;
  /** The server's own URL, for download links in local mode (known only once it listens). */
  serverUrl(): string | undefined;
  localMode: boolean;
  clock: Clock;
  logger?: Logger;
  /** Whether this instance leads the cluster (runs the timer); default: always. */
  isLeader?: () => boolean;
}

export interface OpsRuntime {
  inventory: InventoryService;
  dep: DepJourneyService;
  roll: RollJourneyService;
  teardown: TeardownJourneyService;
  health: HealthMonitor;
  reminders: RotationReminders;
  /** Security-domain share holders and their attestations. */
  shares: ShareAttestations;
  downloads: DownloadService;
  features: BotFeature[];
  /** The executor's PlanSource for DEP (app-only), key-roll and teardown requests. */
  planFor(request: Pick<ApprovalRequest, 'id' | 'journeyId' | 'planHash'>): Promise<Plan | undefined>;
  /**
   * An approval request changed (the event flow calls this, once per committed change): the DEP,
   * key-roll and teardown journeys move, their cards follow, and the run (if any) is folded into
   * the inventory.
   */
  onRequestChanged(request: ApprovalRequest): Promise<void>;
  useNotifier(notifier: Notifier): void;
  /** Folds runs that finished while no listener was there into the inventory, starts the timer. */
  start(): Promise<void>;
  /** One pass of the timer: cooling-offs, purges, reminders, and the health check when due. */
  tick(options?: { health?: boolean }): Promise<void>;
  /** Runs the health check now; drift goes to the usual chats (and `extra`, when given). */
  checkHealth(extra?: ConversationRef): Promise<HealthCheckResult>;
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Data Encryption Policies, key rolls, teardowns, the inventory and its health, wired into the bot:
 * the stores and services, the `dep`, `roll`, `teardown` and `status` features, the approvals
 * listener that moves the journeys and folds finished runs into the inventory, proactive cards
 * (cooling-off with Cancel, billing stopped, rotation reminders, drift), and the timer.
 */
export function createOpsRuntime(options: OpsRuntimeOptions): OpsRuntime {
  const { store, settings, approvals, executor, clock } = options;
  const logger = options.logger ?? silentLogger;
  const audit = approvals.audit;
  const atomic = store.db.atomic;
  const inventory = new InventoryService({ store: store.inventory, clock });
  const downloads = new DownloadService({
    store: store.downloads,
    clock,
    baseUrl: () => settings.publicUrl ?? (options.localMode ? options.serverUrl() : undefined),
    ttlMs: settings.downloadTtlMinutes * 60_000,
    audit,
    logger,
  });
  const spObjectId = async (scope: DepScope) => (await options.servicePrincipalObjectIds())[servicePrincipalFor(scope).appId];
  const policy = approvals.service.policy;
  const reminders = new RotationReminders({ inventory, clock, audit });
  const dep = new DepJourneyService({
    store: store.opsJourneys<DepJourney>('dep'),
    atomic,
    inventory,
    reader: options.reader,
    checker: options.checker,
    downloads,
    audit,
    approvals: approvals.service,
    clock,
    logger: logger.child({ module: 'dep' }),
    tenantId: options.tenantId,
    servicePrincipalObjectId: spObjectId,
    onboarding: store.onboarding,
    featureState: (subscriptionId) => options.reader.getFeatureState(subscriptionId, MANDATORY_RETENTION_FEATURE.providerNamespace, MANDATORY_RETENTION_FEATURE.featureName),
    ...(settings.keyUriOptions ? { keyUriOptions: settings.keyUriOptions } : {}),
    ...(settings.exchangeAppOnly ? { exchangeAppOnly: settings.exchangeAppOnly } : {}),
  });
  const custodiansRequired = (policy.rules.keyRoll.separationOfDuties?.approvalsPerKeySide ?? 0) > 0;
  const roll = new RollJourneyService({
    store: store.opsJourneys<RollJourney>('roll'),
    atomic,
    inventory,
    reminders,
    downloads,
    audit,
    approvals: approvals.service,
    clock,
    logger: logger.child({ module: 'roll' }),
    tenantId: options.tenantId,
    servicePrincipalObjectId: spObjectId,
    custodiansRequired,
    ...(settings.exchangeAppOnly ? { exchangeAppOnly: settings.exchangeAppOnly } : {}),
  });
  const pending = new Set<Promise<void>>();
  const later = (what: string, work: () => Promise<void>) => {
    const run = work()
      .catch((error: unknown) => logger.warn({ what, err: toAppError(error).message }, 'operations notification failed'))
      .finally(() => pending.delete(run));
    pending.add(run);
  };
  const teardown: TeardownJourneyService = new TeardownJourneyService({
    store: store.opsJourneys<TeardownJourney>('teardown'),
    atomic,
    inventory,
    reader: options.reader,
    audit,
    approvals: approvals.service,
    starter: { start: (requestId) => executor.start(requestId) },
    clock,
    logger: logger.child({ module: 'teardown' }),
    tenantId: options.tenantId,
    coolingOffMs: settings.coolingOffSeconds * 1000,
    purgeWatchIntervalMs: settings.purgeWatchMinutes * 60_000,
    mayCancel: async (requestId, objectId) => {
      const request = await approvals.service.get(requestId);
      return request !== undefined && (request.requester.objectId === objectId || approvals.service.canVote(request, objectId));
    },
    onEvent: (event) => later(`teardown ${event.type}`, () => onTeardownEvent(event)),
  });
  const health = new HealthMonitor({ inventory, checker: options.checker, clock, audit, servicePrincipalObjectId: spObjectId });
  const shares = new ShareAttestations({
    store: store.attestations,
    shares: (hsmName) => store.artifacts.shares(hsmName),
    activeHsms: async () => (await inventory.containers()).filter((c) => c.kind === 'managedHsm' && c.status === 'active').map((c) => c.name),
    audit,
    clock,
    everyDays: settings.shareAttestationDays,
  });
  const knownPeople = Object.entries(policy.people).map(([objectId, name]) => ({ objectId, name }));

  let notifier: Notifier | undefined;
  // Cards updated later speak the owner's language, kept in the journey's conversation reference.
  const renderDep = async (journey: DepJourney) =>
    renderDepCard(journey, {
      pairs: await inventory.pairs(),
      deps: await journeyDeps(inventory, journey),
      appOnly: dep.appOnlyEnabled,
      now: clock.now(),
      locale: referenceLocale(journey.origin),
    });
  const renderRoll = async (journey: RollJourney) => {
    const pairId = journey.pairId ?? journey.draft.pairId;
    const schedule = pairId ? await inventory.schedule(pairId) : undefined;
    return renderRollCard(journey, {
      pairs: await inventory.pairs(),
      knownPeople,
      custodiansRequired,
      ...(schedule ? { schedule } : {}),
      now: clock.now(),
      locale: referenceLocale(journey.origin),
    });
  };
  const teardownCard = teardownCardRenderer({ service: teardown, inventory, clock });
  const renderTeardown = (journey: TeardownJourney) => teardownCard(journey, referenceLocale(journey.origin));

  // ------------------------------------------------------------------ proactive cards

  const approverTargets = async (request: ApprovalRequest | undefined): Promise<Array<{ conversationId: string; reference: ConversationRef }>> => {
    if (!request) return [];
    const out: Array<{ conversationId: string; reference: ConversationRef }> = [];
    const originId = (request.origin.conversation as { id?: string } | undefined)?.id;
    if (originId) out.push({ conversationId: originId, reference: request.origin });
    for (const target of await approvals.notifications.approverTargets(request))
      if (!out.some((t) => t.conversationId === target.conversationId)) out.push({ conversationId: target.conversationId, reference: target.reference });
    return out;
  };

  /** Updates the owner's card in place (when known) and every copy posted proactively. */
  const refreshJourneyCards = async (journey: OpsJourneyBase, card: AdaptiveCardJson) => {
    if (!notifier) return;
    const seen = new Set<string>();
    for (const posted of journey.cards ?? []) {
      seen.add(`${posted.conversationId}|${posted.messageId}`);
      await notifier.update(posted.reference, posted.messageId, card).catch((error: unknown) => logger.warn({ err: toAppError(error).message }, 'could not update a journey card'));
    }
    if (journey.cardMessageId && !seen.has(`${journey.conversationId}|${journey.cardMessageId}`)) {
      await notifier
        .update(journey.origin, journey.cardMessageId, card)
        .catch((error: unknown) => logger.warn({ err: toAppError(error).message }, 'could not update the journey card'));
    }
  };

  async function onTeardownEvent(event: TeardownEvent): Promise<void> {
    const journey = await teardown.get(event.journey.id);
    const card = await renderTeardown(journey);
    if (!notifier) return;
    if (event.type === 'coolingOffStarted' || event.type === 'billingStopped') {
      // A new message where people will see it: the owner's chat and the approvers' chat.
      for (const target of await approverTargets(journey.requestId ? await approvals.service.get(journey.requestId) : undefined)) {
        const messageId = await notifier.post(target.reference, card).catch((error: unknown) => {
          logger.warn({ err: toAppError(error).message }, 'could not post the teardown card');
          return undefined;
        });
        if (messageId && event.type === 'coolingOffStarted')
          await teardown.rememberPosted(journey.id, { conversationId: target.conversationId, messageId, reference: target.reference });
      }
      if (event.type === 'billingStopped') await refreshJourneyCards(journey, card);
      return;
    }
    await refreshJourneyCards(journey, card);
  }

  const postToOwner = async (journey: OpsJourneyBase, card: AdaptiveCardJson, remember: (messageId: string | undefined) => Promise<void>) => {
    if (!notifier) return;
    await remember(await notifier.post(journey.origin, card).catch(() => undefined));
  };

  // ------------------------------------------------------------------ approval changes (from the event flow)

  const onRequestChanged = async (request: ApprovalRequest): Promise<void> => {
    const run = await executor.getByRequest(request.id);
    await syncRun(request, run);
    if (!request.journeyId) return;
    const movedDep = await dep.onRequestChanged(request, run);
    if (movedDep) later('dep card', async () => refreshJourneyCards(movedDep, await renderDep(movedDep)));
    const movedRoll = await roll.onRequestChanged(request, run);
    if (movedRoll) {
      const card = await renderRoll(movedRoll);
      if (movedRoll.stage === 'refresh' || movedRoll.stage === 'done') later('roll card', () => postToOwner(movedRoll, card, (id) => roll.rememberCard(movedRoll.id, id)));
      else later('roll card', () => refreshJourneyCards(movedRoll, card));
    }
    await teardown.onRequestChanged(request, run);
  };

  const syncRun = async (request: ApprovalRequest, run?: RecordableRun) => {
    if (!run) return;
    try {
      await inventory.recordRun(run, request.keySides ? { custodians: { A: [...request.keySides.A], B: [...request.keySides.B] } } : {});
    } catch (error) {
      logger.error({ requestId: request.id, err: toAppError(error).message }, 'could not record the run in the inventory');
    }
  };

  // ------------------------------------------------------------------ timer

  let lastHealthAt = 0;
  let healthRunning: Promise<HealthCheckResult> | undefined;
  /** One check at a time (a click during a scheduled check waits for it): no duplicate drift cards. */
  const checkHealth = (extra?: ConversationRef): Promise<HealthCheckResult> => {
    const run = (healthRunning ??= traceHealthCheck(() => health.checkAll()).finally(() => (healthRunning = undefined)));
    return run.then(async (result) => {
      lastHealthAt = clock.now().getTime();
      if (!notifier) return result;
      const targets = new Map<string, ConversationRef>();
      if (result.drift.length > 0) {
        for (const report of result.drift) {
          const container = await inventory.container(`${report.key.ref.containerKind}:${report.key.ref.containerName.toLowerCase()}`);
          const request = container?.createdByRequestId ? await approvals.service.get(container.createdByRequestId) : undefined;
          // The setup's requester and the approvers' chat; for adopted keys (no setup) only the
          // approvers' chat — never some other person's conversation.
          if (request) for (const target of await approverTargets(request)) targets.set(target.conversationId, target.reference);
          else {
            const any = (await approvals.service.list())[0];
            if (any) for (const target of await approvals.notifications.approverTargets(any)) if (target.role === 'approvers') targets.set(target.conversationId, target.reference);
          }
        }
        if (extra) targets.set(String((extra.conversation as { id?: string } | undefined)?.id ?? 'extra'), extra);
        for (const reference of targets.values())
          await notifier
            .post(reference, renderDriftCard({ reports: result.drift, checkedAt: result.checkedAt, locale: referenceLocale(reference) }))
            .catch((error: unknown) => logger.warn({ err: toAppError(error).message }, 'could not post the drift card'));
      } else if (extra) {
        await notifier
          .postText(extra, localizer(referenceLocale(extra)).t('notify.healthUnchanged', { count: result.keys }))
          .catch((error: unknown) => logger.warn({ err: toAppError(error).message }, 'could not post the health result'));
      }
      return result;
    });
  };

  const tick = async (tickOptions: { health?: boolean } = {}) => {
    await teardown.releaseDue().catch((error: unknown) => logger.error({ err: toAppError(error).message }, 'teardown release failed'));
    await teardown.watchPurges().catch((error: unknown) => logger.error({ err: toAppError(error).message }, 'purge watch failed'));
    // Share attestations go where the officers meet: the approvers' conversation of the HSM's setup
    // (or the policy's personal-chat fallback), not the requester's chat, where nobody could answer.
    for (const custody of await shares.takeDue()) {
      const request = await approvals.service.get(custody.requestId);
      const targets = request ? await approvals.notifications.approverTargets(request) : [];
      if (targets.length === 0) logger.warn({ hsm: custody.hsmName }, 'no conversation to ask the security-domain share holders in; they see the request on "status"');
      const attestation = renderShareAttestationCard(custody, { everyDays: settings.shareAttestationDays });
      for (const target of targets)
        if (notifier)
          await notifier
            .post(target.reference, attestation)
            .catch((error: unknown) => logger.warn({ err: toAppError(error).message }, 'could not post a share attestation request'));
    }
    for (const due of await reminders.takeDue()) {
      if (notifier)
        await notifier
          .post(due.schedule.reference, renderRotationReminderCard({ pair: due.pair, schedule: due.schedule, now: clock.now(), locale: referenceLocale(due.schedule.reference) }))
          .catch((error: unknown) => logger.warn({ err: toAppError(error).message }, 'could not post a rotation reminder'));
    }
    const healthEvery = settings.healthCheckMinutes * 60_000;
    const healthDue = tickOptions.health ?? (healthEvery > 0 && clock.now().getTime() - lastHealthAt >= healthEvery);
    if (healthDue) await checkHealth().catch((error: unknown) => logger.warn({ err: toAppError(error).message }, 'health check failed'));
    await Promise.allSettled([...pending]);
  };

  // ------------------------------------------------------------------ features

  const opsJourneys = async (who: JourneyOwner, locale?: string) =>
    [
      ...(await dep.listFor(who)).map((journey) => ({ journey: journey as OpsJourneyBase, line: describeDepJourney(journey, locale), resumeVerb: DEP_VERBS.resume })),
      ...(await roll.listFor(who)).map((journey) => ({ journey: journey as OpsJourneyBase, line: describeRollJourney(journey, locale), resumeVerb: ROLL_VERBS.resume })),
      ...(await teardown.listFor(who)).map((journey) => ({
        journey: journey as OpsJourneyBase,
        line: describeTeardownJourney(journey, locale),
        resumeVerb: TEARDOWN_VERBS.resume,
      })),
    ].sort((a, b) => b.journey.updatedAt.localeCompare(a.journey.updatedAt));

  const features: BotFeature[] = [
    createStatusFeature({
      inventory,
      setupJourneys: options.setupJourneys,
      opsJourneys,
      shares,
      onboarding: () => store.onboarding.list(options.tenantId),
      clock,
      logger,
      checkHealthNow: (reference) => later('health check on demand', async () => void (await checkHealth(reference))),
    }),
    createDepFeature({ service: dep, inventory, clock }),
    createRollFeature({ service: roll, inventory, clock, knownPeople, custodiansRequired }),
    createTeardownFeature({ service: teardown, inventory, clock }),
  ];

  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;

  return {
    inventory,
    dep,
    roll,
    teardown,
    health,
    reminders,
    shares,
    downloads,
    features,
    planFor: async (request) => (await dep.planFor(request)) ?? (await roll.planFor(request)) ?? (await teardown.planFor(request)),
    onRequestChanged,
    useNotifier(replacement) {
      notifier = replacement;
    },
    async start() {
      // Runs that finished while no listener was there (or before this version): fold them in.
      for (const run of await executor.list()) {
        const request = await approvals.service.get(run.requestId);
        if (request) await syncRun(request, await executor.getByRequest(run.requestId));
      }
      lastHealthAt = clock.now().getTime();
      if (settings.tickSeconds > 0) {
        timer = setInterval(() => {
          if (ticking || options.isLeader?.() === false) return;
          ticking = tick().finally(() => (ticking = undefined));
        }, settings.tickSeconds * 1000);
        timer.unref();
      }
    },
    tick,
    checkHealth,
    async idle() {
      while (pending.size > 0 || ticking) {
        await Promise.allSettled([...pending]);
        if (ticking) await ticking;
      }
    },
    async stop() {
      if (timer) clearInterval(timer);
      if (ticking) await ticking;
      await Promise.allSettled([...pending]);
    },
  };
}
