import type { Clock, Logger } from '../core';
import type { AzureReader, WrapProbe } from '../azure/ports';
import type { ExecutionApprovals, ExecutorAudit, ExecutorAzure, PlanSource, RunObserver } from './executorPorts';
import { ExecutorService } from './executorService';
import type { ExecutorSettings } from './executorSettings';
import { leaseOwnerIsDead, newLeaseOwner } from './leaseOwner';
import { ReadinessService } from './readinessService';
import type { RunArtifactStore, RunStore } from './runStore';
import { SecurityDomainVault } from './securityDomainVault';

export interface CreateExecutorOptions {
  store: RunStore;
  artifacts: RunArtifactStore;
  /** The writer identity's gateway, built with `retry: { maxRetries: 0 }` (the runner retries). */
  azure: ExecutorAzure;
  /** The reader identity's gateway: what people ask to read (`verify`) runs as the reader. Default: the writer. */
  reader?: AzureReader;
  audit: ExecutorAudit;
  approvals: ExecutionApprovals;
  planSource: PlanSource;
  settings: ExecutorSettings;
  clock: Clock;
  logger: Logger;
  /** Only when `settings.wrapProbe` (the local emulator). */
  probe?: WrapProbe;
  observer?: RunObserver;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  owner?: string;
  heartbeat?: (beat: () => void, everyMs: number) => () => void;
}

/** Wires an ExecutorService from its ports (main.ts, tests, the benchmark and the crash-test child). */
export function createExecutor(options: CreateExecutorOptions): ExecutorService {
  const readiness = new ReadinessService({
    azure: options.azure,
    artifacts: options.artifacts,
    clock: options.clock,
    probe: options.settings.wrapProbe ? options.probe : undefined,
  });
  // `verify` is a person's read: it runs as the reader identity (issue 12 item 6).
  const reader = options.reader ?? options.azure;
  const readerReadiness = new ReadinessService({
    azure: reader,
    artifacts: options.artifacts,
    clock: options.clock,
    probe: options.settings.wrapProbe ? options.probe : undefined,
  });
  return new ExecutorService({
    store: options.store,
    artifacts: options.artifacts,
    azure: options.azure,
    audit: options.audit,
    approvals: options.approvals,
    planSource: options.planSource,
    readiness,
    reads: { azure: reader, readiness: readerReadiness },
    securityDomains: new SecurityDomainVault(options.settings.securityDomainDir, options.settings.securityDomainKeyFile, options.settings.securityDomainWrapper),
    settings: options.settings,
    clock: options.clock,
    logger: options.logger.child({ module: 'executor' }),
    owner: options.owner ?? newLeaseOwner(),
    ownerIsDead: leaseOwnerIsDead,
    ...(options.observer ? { observer: options.observer } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.heartbeat ? { heartbeat: options.heartbeat } : {}),
  });
}
