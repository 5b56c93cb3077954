import { appError, publicKeySpki, type Clock, type Logger, type Signer } from '../core';
import { ChainedAuditLog, SIGNING_KEY_ACTION, SYSTEM_ACTOR, type AuditLog } from '../audit';
import { teamHealth, type TeamHealth } from '../approvals/teamHealth';
import { ApprovalScheduler, ApprovalService, type ApprovalPolicy } from '../approvals';
import { policyMembers } from '../approvals/approvalPolicy';
import type { SqlAuditStore } from '../store/sqlAuditStore';
import type { BotFeature } from '../bot/botTypes';
import { ApprovalNotifications } from '../bot/approvals/approvalNotifications';
import { createApprovalsFeature } from '../bot/approvals/approvalsFeature';
import { ApprovalViews } from '../bot/approvals/approvalViews';
import type { Notifier } from '../bot/approvals/notifier';
import type { KeywardStore } from './keywardStore';
import { instrumentApprovalService } from './appTelemetry';
import { ChangeDispatcher } from './changeDispatcher';
import { OUTBOX_CHANNEL } from '../store/sqlClusterStore';

export interface ApprovalsRuntimeOptions {
  store: KeywardStore;
  policy: ApprovalPolicy;
  /** Where the policy came from (audited at start). */
  policyFile: string;
  /** Tenants the server accepts; the policy's tenant must be one of them. */
  allowedTenants: readonly string[];
  /** An approver counts as active with an audited action this recent (team health); default 90. */
  approverActiveDays?: number;
  /** Signs submissions, votes and decisions (and, in keywardApp, the audit digests). */
  signer: Signer;
  /** Whether this instance leads the cluster (dispatches the outbox); default: always (one instance). */
  isLeader?: () => boolean;
  clock: Clock;
  logger: Logger;
}

/**
 * Everything approvals and audit need at run time, built from the store and the policy: what
 * main.ts wires and what journeys and the executor use.
 */
export interface ApprovalsRuntime {
  /** The seam for journeys (submit) and the executor (onApproved, beginExecution, finishExecution). */
  service: ApprovalService;
  /** The audit log everyone appends to (fail closed: if append throws, do not act). */
  audit: AuditLog;
  /** The chain's store: its signed digests and who acted when (team health). */
  auditStore: SqlAuditStore;
  scheduler: ApprovalScheduler;
  /** The outbox of approval changes: recorded with each change, delivered once across the cluster. */
  dispatcher: ChangeDispatcher;
  notifications: ApprovalNotifications;
  feature: BotFeature;
  /** Re-renders every posted copy of a request's card from its current state (for the executor; changes made through the service do this already). */
  refreshCards(requestId: string): Promise<void>;
  /** The proactive sender (the paced queue; a fake in tests). */
  useNotifier(notifier: Notifier): void;
  /** Resolves when listeners and card updates started so far are done. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function createApprovalsRuntime(options: ApprovalsRuntimeOptions): Promise<ApprovalsRuntime> {
  const { store, policy, clock, logger } = options;
  if (!options.allowedTenants.includes(policy.tenantId)) {
    throw appError('PolicyInvalid', `The approval policy is for tenant ${policy.tenantId}, which this Keyward does not serve (allowed: ${options.allowedTenants.join(', ')}).`, {
      problems: [`tenantId: ${policy.tenantId} is not among the tenants this Keyward serves (MicrosoftAppTenantId / KEYWARD_ALLOWED_TENANTS)`],
    });
  }
  const atomic = store.db.atomic;
  const auditStore = store.audit;
  const audit = new ChainedAuditLog(auditStore, clock);
  const late: { service?: ApprovalService } = {};
  const listen = store.db.listen?.bind(store.db);
  const dispatcher = new ChangeDispatcher({
    cluster: store.cluster,
    deliver: (change) => late.service!.deliver(change),
    isLeader: options.isLeader ?? (() => true),
    now: () => clock.now(),
    ...(listen ? { listen: (onEvent: () => void) => listen(OUTBOX_CHANNEL, onEvent) } : {}),
    logger: logger.child({ module: 'outbox' }),
  });
  const service = (late.service = new ApprovalService({
    store: store.approvals,
    audit,
    atomic,
    policy,
    clock,
    signer: options.signer,
    history: (requestId) => auditStore.forRequest(requestId),
    logger: logger.child({ module: 'approvals' }),
    outbox: dispatcher,
  }));
  instrumentApprovalService(service);
  const directory = store.directory;
  const views = new ApprovalViews({ service, directory, clock });
  let notifier: Notifier | undefined;
  const notifications = new ApprovalNotifications({
    service,
    directory,
    messages: directory,
    views,
    notifier: () => notifier,
    logger: logger.child({ module: 'approval-notifications' }),
  });
  const unsubscribe = notifications.start();
  const scheduler = new ApprovalScheduler(service, logger);
  const health = async (): Promise<TeamHealth> => {
    const activity = await auditStore.lastActivityByActor();
    const approversChat = (await directory.approversConversation()) !== undefined;
    const personal = new Set<string>();
    if (!approversChat && policy.approvalCards.fallback === 'personalChats') {
      for (const objectId of policyMembers(policy)) if (await directory.personalConversation(objectId)) personal.add(objectId);
    }
    return teamHealth({
      policy,
      lastActivity: (objectId) => activity.get(objectId.toLowerCase()),
      reachable: (objectId) => approversChat || personal.has(objectId),
      now: clock.now(),
      activeDays: options.approverActiveDays ?? 90,
    });
  };
  const feature = createApprovalsFeature({ service, directory, messages: directory, views, teamHealth: health, clock, logger });

  // A restart is an auditable event: which policy is in force from now on. If the log cannot be
  // written (say its tail was cut), Keyward still starts — to answer, show the policy and let
  // "npm run audit -- verify" be run — but every approval action then fails closed.
  try {
    await atomic(async () => {
      await audit.append({
        actor: SYSTEM_ACTOR,
        action: 'policy.loaded',
        target: options.policyFile,
        outcome: 'info',
        details: { policyHash: policy.hash, tenantId: policy.tenantId },
      });
      // Which key signs from now on, with its public half: verifiers pin the fingerprint (kept
      // outside Keyward) and find the key here; every submission, vote and decision after this
      // record must carry its signature.
      const signer = options.signer;
      await audit.append({
        actor: SYSTEM_ACTOR,
        action: SIGNING_KEY_ACTION,
        target: 'audit/signing-key',
        outcome: 'info',
        details: { keyFingerprint: signer.fingerprint, algorithm: signer.algorithm, publicKey: publicKeySpki(signer.publicKey), key: signer.description },
      });
    });
  } catch (error) {
    logger.error(
      { code: 'AuditWriteFailed', err: error instanceof Error ? error.message : String(error) },
      'the audit log cannot be written: every approval action will be refused until it is repaired (run "npm run audit -- verify")',
    );
  }

  return {
    service,
    auditStore,
    audit,
    scheduler,
    dispatcher,
    notifications,
    feature,
    refreshCards: (requestId) => notifications.refreshCards(requestId),
    useNotifier(replacement) {
      notifier = replacement;
    },
    async idle() {
      for (let round = 0; round < 3; round += 1) {
        await dispatcher.idle();
        await service.idle();
        await notifications.idle();
      }
    },
    async stop() {
      await scheduler.stop();
      await dispatcher.stop();
      await service.idle();
      await notifications.idle();
      unsubscribe();
    },
  };
}
