import { appError, isAppError, systemClock, type Clock } from '../core';
import { verifyAuditChain, type AuditVerification } from './auditChain';
import { chainRecord, type AuditAnchor, type AuditEventInput, type AuditRecord } from './auditRecord';
import { scrubAuditEvent } from './auditScrub';

/**
 * Persistence port for the chain. `appendWith` must run read-head → build → insert → move-head as
 * one exclusive write (two bot processes share the store), and must refuse to extend a chain
 * whose stored head and last record disagree (a cut tail is never silently continued).
 */
export interface AuditStore {
  appendWith(build: (head: AuditAnchor | undefined) => AuditRecord): AuditRecord;
  /** The head recorded alongside the chain (moved in the same write as each append). */
  storedHead(): AuditAnchor | undefined;
  /** Every record in sequence order, from `fromSequence` (default 1). */
  records(fromSequence?: number): Iterable<AuditRecord>;
}

/**
 * The audit log every folder writes to. `append` is synchronous on purpose: inside the approval
 * service it runs in the same SQLite transaction as the state change it describes, so either both
 * are stored or neither (see docs/designs/2026-11-29-approvals-and-audit.md, "audit before act").
 */
export interface AuditLog {
  /**
   * Scrubs, chains and stores one event. Throws AppError `AuditWriteFailed` if it could not be
   * stored; the caller MUST then refuse the privileged action (fail closed).
   */
  append(event: AuditEventInput): AuditRecord;
  verify(options?: { anchors?: readonly AuditAnchor[] }): AuditVerification;
  records(fromSequence?: number): Iterable<AuditRecord>;
}

export class ChainedAuditLog implements AuditLog {
  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock = systemClock,
  ) {}

  append(event: AuditEventInput): AuditRecord {
    const clean = scrubAuditEvent(event);
    const time = this.clock.now();
    try {
      return this.store.appendWith((head) => chainRecord(clean, time, head));
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

  verify(options: { anchors?: readonly AuditAnchor[] } = {}): AuditVerification {
    return verifyAuditChain(this.store.records(), { expectedHead: this.store.storedHead(), anchors: options.anchors });
  }

  records(fromSequence?: number): Iterable<AuditRecord> {
    return this.store.records(fromSequence);
  }
}
