import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TokenCredential } from '@azure/core-auth';
import { captureLogger, LOCAL_IDENTITIES, LOCAL_M365_SERVICE_PRINCIPALS, LOCAL_PEOPLE, LOCAL_TENANT_ID, ManualClock, type CapturedLine, type LocalPerson } from '../../src/core';
import { ChainedAuditLog } from '../../src/audit';
import { ApprovalService, type ApprovalPolicy, type ApprovalRequest } from '../../src/approvals';
import { localPolicyPath, readPolicyFile } from '../../src/approvals/policyFile';
import { AzureGateway, correlationGuid, SdkWrapProbe } from '../../src/azure';
import { planHash, type Plan } from '../../src/customerKey';
import {
  createExecutor,
  DEFAULT_EXECUTOR_SETTINGS,
  EMULATOR_KEY_URI_OPTIONS,
  type ExecutorAudit,
  type ExecutorService,
  type ExecutorSettings,
  type Run,
  type RunObserver,
  type SecurityDomainStoredNotice,
} from '../../src/executor';
import { openSqliteDatabase, type SqliteDatabase } from '../../src/store/sqliteDatabase';
import { auditMigrations, SqlAuditStore } from '../../src/store/sqlAuditStore';
import { approvalMigrations, SqlApprovalStore } from '../../src/store/sqlApprovalStore';
import { executorMigrations, SqlRunStore } from '../../src/store/sqlRunStore';
import { SqlRunArtifactStore } from '../../src/store/sqlRunArtifactStore';
import { managedIdentity, startTestEmulator, type TestEmulator } from '../contract/emulator/helpers';
import { testSigner } from '../helpers/testSigner';

/**
 * The executor wired as in production — the real AzureGateway (official SDKs over HTTPS, writer
 * managed identity from the emulator's identity endpoint), the real approvals engine and hash-chained
 * audit log on SQLite — against an in-process emulator. Time is a ManualClock; the runner's waits
 * move it (and sleep a little real time only where the emulator's own clock must move: HSM LROs).
 */
export interface ExecutorWorld {
  emulator: TestEmulator;
  /** The writer's gateway, as the executor uses it (for checks after a run). */
  azure: AzureGateway;
  db: SqliteDatabase;
  dbFile: string;
  dataDir: string;
  clock: ManualClock;
  approvals: ApprovalService;
  audit: ChainedAuditLog;
  executor: ExecutorService;
  settings: ExecutorSettings;
  logs: CapturedLine[];
  /** Every wait the runner asked for, in ms. */
  sleeps: number[];
  changes: Run[];
  notices: SecurityDomainStoredNotice[];
  plans: Map<string, Plan>;
  /** Submits the plan as the operator and has Alex and Bruno approve it; resolves when the run has been started. */
  approve(plan: Plan): Promise<ApprovalRequest>;
  /** Waits until the executor has nothing in flight. */
  idle(): Promise<void>;
  run(requestId: string): Promise<Run>;
  /** Another executor on the same store, as a second bot process would have (not subscribed to approvals). */
  spawnExecutor(): ExecutorService;
  /** Another executor on the same store whose approvals engine loaded `policy` (a process restarted after the policy file changed). */
  spawnExecutorUnder(policy: ApprovalPolicy): ExecutorService;
  /** A new executor on the same store (a restarted process), replacing the current one. */
  restartExecutor(): Promise<void>;
  close(): Promise<void>;
}

export interface ExecutorWorldOptions {
  hsmProvisioningMs?: number;
  /** Real milliseconds a runner wait takes at most (0: none; HSM tests need the emulator clock to move). */
  realSleepCapMs?: number;
  settings?: Partial<ExecutorSettings>;
  emulator?: TestEmulator;
  /** The gateway gives up on a request after this long (timeout tests). */
  requestTimeoutMs?: number;
  /** Start runs on approval (default true); false lets a test start them itself. */
  autoStart?: boolean;
  /** Wraps the audit log the executor writes to (fail-closed tests). */
  audit?: (inner: ExecutorAudit) => ExecutorAudit;
  /** Called inside the runner's observer, as a run card would be (race tests). */
  onRunChanged?: (run: Run, world: ExecutorWorld) => void;
  /** Called with every runner wait, after the clock moved (e.g. to move the emulator's clock along). */
  onSleep?: (ms: number) => Promise<void>;
  /** Give the executor Keyward's reader identity for what people read (`verify`), as the app does. */
  reader?: boolean;
}

let credentials: Promise<{ writer: TokenCredential; sps: Map<string, TokenCredential> }> | undefined;

/** One writer credential and one per Microsoft 365 service principal for the whole process (MSAL caches its source). */
export function testCredentials(): Promise<{ writer: TokenCredential; sps: Map<string, TokenCredential> }> {
  credentials ??= (async () => {
    const writer = await managedIdentity(LOCAL_IDENTITIES.writer.clientId);
    const sps = new Map<string, TokenCredential>();
    for (const sp of LOCAL_M365_SERVICE_PRINCIPALS) sps.set(sp.appId, await managedIdentity(sp.appId));
    return { writer, sps };
  })();
  return credentials;
}

export async function startExecutorWorld(options: ExecutorWorldOptions = {}): Promise<ExecutorWorld> {
  const emulator = options.emulator ?? (await startTestEmulator({ hsmProvisioningMs: options.hsmProvisioningMs ?? 0 }));
  const { writer, sps } = await testCredentials();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-executor-'));
  const dbFile = path.join(dataDir, 'keyward.sqlite');
  const db = await openSqliteDatabase({ file: dbFile, migrations: [...auditMigrations, ...approvalMigrations, ...executorMigrations] });
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0));
  const logger = captureLogger();
  const audit = new ChainedAuditLog(new SqlAuditStore(db), clock);
  const approvals = new ApprovalService({
    signer: testSigner(),
    history: (id) => new SqlAuditStore(db).forRequest(id),
    store: new SqlApprovalStore(db),
    audit,
    atomic: db.atomic,
    policy: readPolicyFile(localPolicyPath()),
    clock,
  });
  const settings: ExecutorSettings = {
    ...DEFAULT_EXECUTOR_SETTINGS,
    backupDir: path.join(dataDir, 'backups'),
    securityDomainDir: path.join(dataDir, 'security-domains'),
    securityDomainKeyFile: path.join(dataDir, 'executor', 'security-domain.key'),
    pollIntervalMs: 25,
    wrapProbe: true,
    keyUriOptions: EMULATOR_KEY_URI_OPTIONS,
    ...options.settings,
    retry: { ...DEFAULT_EXECUTOR_SETTINGS.retry, ...options.settings?.retry },
  };
  const gateway = new AzureGateway({
    credential: writer,
    armEndpoint: emulator.armEndpoint,
    graphEndpoint: emulator.graphEndpoint,
    logger,
    pollIntervalMs: 25,
    retry: { maxRetries: 0 },
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
  const readerGateway = options.reader
    ? new AzureGateway({ credential: await managedIdentity(LOCAL_IDENTITIES.reader.clientId), armEndpoint: emulator.armEndpoint, graphEndpoint: emulator.graphEndpoint, logger })
    : undefined;
  const probe = new SdkWrapProbe({ credentialFor: (clientId) => sps.get(clientId) as TokenCredential, retry: { maxRetries: 0 } });
  const plans = new Map<string, Plan>();
  const sleeps: number[] = [];
  const changes: Run[] = [];
  const notices: SecurityDomainStoredNotice[] = [];
  const cap = options.realSleepCapMs ?? 0;
  const observer: RunObserver = {
    runChanged: (run) => {
      changes.push(run);
      options.onRunChanged?.(run, world);
    },
    securityDomainStored: (notice) => void notices.push(notice),
  };
  const build = (approvalsEngine: ApprovalService = approvals) =>
    createExecutor({
      store: new SqlRunStore(db, () => clock.now()),
      artifacts: new SqlRunArtifactStore(db),
      azure: gateway,
      ...(readerGateway ? { reader: readerGateway } : {}),
      audit: options.audit ? options.audit(audit) : audit,
      approvals: approvalsEngine,
      planSource: { planFor: (request) => plans.get(request.planHash) },
      settings,
      clock,
      logger,
      probe,
      observer,
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.advance(ms);
        await options.onSleep?.(ms);
        if (cap > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(cap, ms)));
      },
    });
  let executor = build();
  const extra: ExecutorService[] = [];
  const subscribe = () => (options.autoStart === false ? () => undefined : approvals.onApproved((request) => executor.onApproved(request)));
  let unsubscribe = subscribe();

  const world: ExecutorWorld = {
    azure: gateway,
    emulator,
    db,
    dbFile,
    dataDir,
    clock,
    approvals,
    audit,
    get executor() {
      return executor;
    },
    settings,
    logs: logger.lines,
    sleeps,
    changes,
    notices,
    plans,
    async approve(plan) {
      const hash = planHash(plan);
      plans.set(hash, plan);
      const request = await approvals.submit({
        planHash: hash,
        operationClass: plan.operationClass,
        title: plan.title,
        summaryLines: plan.steps.slice(0, 50).map((s) => s.summary.slice(0, 480)),
        targets: plan.keys.map((k) => `${k.containerName}/${k.keyName}`),
        requester: person(LOCAL_PEOPLE.operator),
        reason: 'Compliance wants our own keys.',
        origin: { channelId: 'msteams', serviceUrl: 'http://127.0.0.1:1/', conversation: { id: 'conv-olivia' } },
        journeyId: `journey-${hash.slice(0, 8)}`,
      });
      for (const approver of [LOCAL_PEOPLE.approverAlex, LOCAL_PEOPLE.approverBruno]) {
        const result = await approvals.vote({ requestId: request.id, voter: person(approver), decision: 'approve', reason: 'Reviewed the plan.', planHash: hash });
        if (!result.ok) throw result.error;
      }
      await approvals.idle();
      return (await approvals.get(request.id)) as ApprovalRequest;
    },
    async idle() {
      for (let round = 0; round < 5; round += 1) {
        await approvals.idle();
        await executor.idle();
        for (const other of extra) await other.idle();
      }
    },
    spawnExecutor() {
      const other = build();
      extra.push(other);
      return other;
    },
    spawnExecutorUnder(policy) {
      const other = build(
        new ApprovalService({
          signer: testSigner(),
          history: (id) => new SqlAuditStore(db).forRequest(id),
          store: new SqlApprovalStore(db),
          audit,
          atomic: db.atomic,
          policy,
          clock,
        }),
      );
      extra.push(other);
      return other;
    },
    async run(requestId) {
      const run = await executor.getByRequest(requestId);
      if (!run) throw new Error(`no run for ${requestId}`);
      return run;
    },
    async restartExecutor() {
      await executor.stop();
      unsubscribe();
      executor = build();
      unsubscribe = subscribe();
      await executor.resumeAll();
    },
    async close() {
      for (const other of extra) await other.stop();
      await executor.stop();
      unsubscribe();
      await db.close();
      if (!options.emulator) await emulator.dispose();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return world;
}

export function person(p: LocalPerson) {
  return { aadObjectId: p.objectId, channelUserId: p.teamsId, name: p.displayName, tenantId: LOCAL_TENANT_ID };
}

export { testOfficers, type TestOfficer } from './testOfficers';

/** Requests in the emulator's log that carried this request id as their client request id. */
export async function requestsFor(emulator: TestEmulator, requestId: string) {
  const id = correlationGuid(requestId);
  return (await emulator.control.requests()).filter((r) => r.clientRequestId === id);
}
