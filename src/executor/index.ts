/**
 * Keyward's executor: carries out approved plans exactly once, resumably, and says what it is
 * doing. A run is the approved plan plus a journal of step attempts in the store; each step is
 * check → apply → verify (idempotent: what a step creates is found again by its name or by the
 * `keyward-request` tag); a lease with a heartbeat keeps two processes off one run; transient Azure
 * failures are retried with back-off that honours Retry-After; anything else stops the run with an
 * actionable error and a Retry. Audit before act, fail closed.
 *
 * Design note: docs/designs/2026-11-29-executor.md.
 * @packageDocumentation
 */
export * from './runTypes';
export * from './runStore';
export * from './executorPorts';
export * from './executorSettings';
export * from './retryPolicy';
export * from './runProgress';
export * from './containerLocator';
export * from './readinessService';
export * from './securityDomainVault';
export * from './officerCertificate';
export * from './stepHandler';
export { STEP_HANDLERS } from './stepHandlers';
export { REQUEST_TAG } from './steps/keyStep';
export { PlanRunner, EXECUTOR_ACTOR, plannedWriterObjectIds, runError, type PlanRunnerDeps } from './planRunner';
export { ExecutorService, activeCeremony, readinessTarget, type ExecutorServiceDeps, type ExecutorActor, type ActionOutcome } from './executorService';
export { newLeaseOwner, leaseOwnerIsDead } from './leaseOwner';
export { createExecutor, type CreateExecutorOptions } from './createExecutor';
