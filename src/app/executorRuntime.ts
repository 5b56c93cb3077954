import path from 'node:path';
import type { Clock, Logger } from '../core';
import type { Config } from '../config';
import type { AzureReader, KeyWrapper, WrapProbe } from '../azure/ports';
import { createExecutor, EMULATOR_KEY_URI_OPTIONS, type ExecutorAzure, type ExecutorService, type ExecutorSettings, type PlanSource, type Run } from '../executor';
import type { PowerShellRunner } from '../executor/steps/powershellRunner';
import type { BotFeature } from '../bot/botTypes';
import type { AdaptiveCardJson } from '../bot/cards/adaptiveCard';
import { renderRunCard, type RunCardView } from '../bot/cards/runCard';
import type { Notifier } from '../bot/approvals/notifier';
import { createExecutorFeature } from '../bot/executor/executorFeature';
import { RunCardNotifier, type RunCardTarget } from '../bot/executor/runCardNotifier';
import type { ApprovalsRuntime } from './approvalsRuntime';
import type { KeywardStore } from './keywardStore';

export interface ExecutorRuntimeOptions {
  config: Config;
  store: KeywardStore;
  approvals: ApprovalsRuntime;
  /** Finds the approved plan of a request (the setup journey stored it). */
  planSource: PlanSource;
  /** The writer identity's gateway; build it with `retry: { maxRetries: 0 }` (the runner retries). */
  azure: ExecutorAzure;
  /** The reader identity's gateway: `verify` reads as the reader. */
  reader?: AzureReader;
  /** Local mode only: wrap/unwrap as the Microsoft 365 service principals through the emulator. */
  probe?: WrapProbe;
  clock: Clock;
  logger: Logger;
  /** How often runs are reconciled (abandoned ones taken over, closed windows failed); default half the run lease, at most 60 s. */
  reconcileEveryMs?: number;
  /** Whether this instance leads the cluster (runs the reconcile timer); default: always. */
  isLeader?: () => boolean;
  /** Runs approved Exchange DEP scripts; used only when Exchange app-only is configured. */
  powershell?: PowerShellRunner;
  /** The Key Vault key that wraps stored security domains' data keys (KEYWARD_SECURITY_DOMAIN_KEY_ID). */
  securityDomainWrapper?: KeyWrapper;
}

export interface ExecutorRuntime {
  service: ExecutorService;
  feature: BotFeature;
  notifier: RunCardNotifier;
  /** The proactive sender (the paced queue; a fake in tests). */
  useNotifier(notifier: Notifier): void;
  /** Picks up what an earlier process left, and reconciles on a timer (approved requests reach it through the event flow). */
  start(): Promise<void>;
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Executor settings from Keyward's configuration. Exchange app-only needs both the configuration
 * (KEYWARD_DEP_APP_ONLY) and a PowerShell runner; the writer identity's client id names the
 * user-assigned identity that Connect-ExchangeOnline uses.
 */
export function executorSettingsFrom(config: Config, powershell?: PowerShellRunner, securityDomainWrapper?: KeyWrapper): ExecutorSettings {
  const appOnly = config.operations.depAppOnly;
  const e = config.executor;
  return {
    backupDir: config.backupDir,
    securityDomainDir: e.securityDomainDir,
    // A key file on the host only in local mode; in Azure the data keys are wrapped by a Key Vault key.
    securityDomainKeyFile: config.mode === 'local' ? path.join(config.dataDir, 'executor', 'security-domain.key') : undefined,
    ...(securityDomainWrapper ? { securityDomainWrapper } : {}),
    retry: { maxAttempts: e.maxAttempts, baseDelayMs: e.retryBaseMs, maxDelayMs: e.retryMaxMs, maxRetryAfterMs: Math.max(e.retryMaxMs, 300_000) },
    leaseTtlMs: e.leaseSeconds * 1000,
    pollIntervalMs: Math.round(e.pollSeconds * 1000),
    progressIntervalMs: 15_000,
    wrapProbe: e.wrapProbe,
    keyUriOptions: config.mode === 'local' ? EMULATOR_KEY_URI_OPTIONS : {},
    ...(appOnly && powershell
      ? { exchangeAppOnly: { organization: appOnly.organization, ...(config.azure.writerClientId ? { accountId: config.azure.writerClientId } : {}), runner: powershell } }
      : {}),
  };
}

/**
 * The executor wired into the bot: the service over the store and the writer's Azure gateway, the
 * run cards (posted in the requester's conversation and the approvers' conversation, updated in
 * place through the approvals' BotNotifier), the `verify`/`runs`/`ceremony` commands, and the
 * start-up and timer duties (resume, reconcile).
 */
export function createExecutorRuntime(options: ExecutorRuntimeOptions): ExecutorRuntime {
  const { config, store, approvals, clock, logger } = options;
  const settings = executorSettingsFrom(config, options.powershell, options.securityDomainWrapper);
  let notifier: Notifier | undefined;
  const cards = store.runCards;
  // Late-bound: the run card shows the ceremony status, which the service (built below) knows.
  const built: { service?: ExecutorService } = {};
  const render = async (run: Run, notice?: RunCardView['notice'], locale?: string): Promise<AdaptiveCardJson> =>
    renderRunCard({ run, now: clock.now(), officers: await built.service?.ceremonyStatus(run), notice, keyUriOptions: settings.keyUriOptions, locale });
  const targets = async (run: Run): Promise<RunCardTarget[]> => {
    const request = await approvals.service.get(run.requestId);
    if (!request) return [];
    const out: RunCardTarget[] = [];
    const originId = (request.origin.conversation as { id?: string } | undefined)?.id;
    if (originId) out.push({ conversationId: originId, reference: request.origin });
    for (const target of await approvals.notifications.approverTargets(request)) {
      if (!out.some((t) => t.conversationId === target.conversationId)) out.push({ conversationId: target.conversationId, reference: target.reference });
    }
    return out;
  };
  const runCards = new RunCardNotifier({ notifier: () => notifier, cards, targets, render, logger: logger.child({ module: 'run-cards' }) });
  const executor = (built.service = createExecutor({
    store: store.runs,
    artifacts: store.artifacts,
    azure: options.azure,
    ...(options.reader ? { reader: options.reader } : {}),
    audit: approvals.audit,
    approvals: approvals.service,
    planSource: options.planSource,
    settings,
    clock,
    logger,
    probe: options.probe,
    observer: runCards,
  }));
  const feature = createExecutorFeature({ executor, tenantId: approvals.service.policy.tenantId, render, remember: (card) => runCards.remember(card), logger });
  let timer: NodeJS.Timeout | undefined;

  return {
    service: executor,
    feature,
    notifier: runCards,
    useNotifier(replacement) {
      notifier = replacement;
    },
    async start() {
      await executor.resumeAll();
      const every = options.reconcileEveryMs ?? Math.min(60_000, Math.max(1_000, Math.floor(settings.leaseTtlMs / 2)));
      if (every > 0) {
        timer = setInterval(
          () =>
            void (options.isLeader?.() === false ? Promise.resolve() : executor.reconcile()).catch((error: unknown) =>
              logger.error({ err: error instanceof Error ? error.message : String(error) }, 'executor reconcile failed'),
            ),
          every,
        );
        timer.unref();
      }
    },
    async idle() {
      await executor.idle();
      await runCards.idle();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await executor.stop();
      await runCards.idle();
    },
  };
}
