import { appError, isAppError, systemClock, type Clock } from '../core';
import { verifyAuditStream, type AuditVerification } from './auditChain';
import { chainRecord, type AuditAnchor, type AuditEventInput, type AuditRecord } from './auditRecord';
import { scrubAuditEvent } from './auditScrub';

/**
 * Persistence port for the chain. `appendWith` must run read-head → build → insert → move-head as
 * one exclusive write, in ONE serial order across every process sharing the store, and inside
 * the caller's unit of work when there is one (the record commits with the change it records).
 * It must refuse to extend a chain whose stored head and last record disagree (a cut tail is
 * never silently continued).
 */
export interface AuditStore {
  appendWith(build: (head: AuditAnchor | undefined) => AuditRecord): Promise<AuditRecord>;
  /** The head recorded alongside the chain (moved in the same write as each append). */
  storedHead(): Promise<AuditAnchor | undefined>;
  /** Every record in sequence order, from `fromSequence` (default 1), read page by page. */
  records(fromSequence?: number): AsyncIterable<AuditRecord>;
}

/**
 * The audit log every folder writes to. Called inside a unit of work (`atomic`), `append` writes
 * in the same transaction as the state change it describes, so either both are stored or neither
 * (see docs/designs/2026-11-29-approvals-and-audit.md, "audit before act").
 */
export interface AuditLog {
  /**
   * Scrubs, chains and stores one event. Rejects with AppError `AuditWriteFailed` if it could not
   * be stored; the caller MUST then refuse the privileged action (fail closed).
   */
  append(event: AuditEventInput): Promise<AuditRecord>;
  verify(options?: { anchors?: readonly AuditAnchor[] }): Promise<AuditVerification>;
  records(fromSequence?: number): AsyncIterable<AuditRecord>;
}

export class ChainedAuditLog implements AuditLog {
  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock = systemClock,
  ) {}

  async append(event: AuditEventInput): Promise<AuditRecord> {
    const clean = scrubAuditEvent(event);
    const time = this.clock.now();
    try {
      return await this.store.appendWith((head) => chainRecord(clean, time, head));
    } catch (error) {
      if (isAppError(error, 'AuditWriteFailed')) throw error;
      const code = isAppError(error) ? error.code : undefined;
      throw appError(
        'AuditWriteFailed',
        `The audit record "${clean.action}" could not be written${code === 'AuditChainBroken' ? ' because the stored chain does not end where its head says' : ''}; nothing was done.`,
        { action: clean.action, cause: code ?? (error instanceof Error ? error.message : String(error)) },
        error,
      );
    }
  }

  async verify(options: { anchors?: readonly AuditAnchor[] } = {}): Promise<AuditVerification> {
    const expectedHead = await this.store.storedHead();
    return verifyAuditStream(this.store.records(), { expectedHead, anchors: options.anchors });
  }

  records(fromSequence?: number): AsyncIterable<AuditRecord> {
    return this.store.records(fromSequence);
  }
}
