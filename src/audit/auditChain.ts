import { computeAuditHash, GENESIS_HASH, type AuditAnchor, type AuditRecord } from './auditRecord';

/** Why a record fails verification. Stable strings: the CLI prints them and tests match them. */
export type AuditProblem =
  /** The record's content no longer matches its own hash (edited in place). */
  | 'hashMismatch'
  /** The record's prevHash is not the hash of the record before it (something before it was changed, removed or slipped in). */
  | 'brokenLink'
  /** Sequence numbers jump: records in between were deleted. */
  | 'sequenceGap'
  /** A sequence number repeats or goes backwards: records were inserted or reordered. */
  | 'sequenceOutOfOrder'
  /** The chain ends before the stored head: the tail was removed. */
  | 'truncated'
  /** A checkpoint kept elsewhere does not match the record with its sequence: the log was rewritten. */
  | 'anchorMismatch'
  /** A checkpoint names a record the log no longer has. */
  | 'anchorMissing'
  /** A record cannot even be read as a record. */
  | 'malformed'
  /** A record that must carry Keyward's signature does not (see signedRecords.ts). */
  | 'signatureMissing'
  /** A signed record does not match its signature, or says something else than its statement. */
  | 'signatureInvalid'
  /** A signed record was signed by a key the verifier was not told to trust. */
  | 'signatureKeyUnknown';

export interface AuditFinding {
  /** Sequence number of the first bad record (for `truncated` and `anchorMissing`: the first missing one). */
  sequence: number;
  /** 0-based position in the order the records were read. */
  position: number;
  problem: AuditProblem;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Records read. */
  records: number;
  /** The last good record: keep it elsewhere as an anchor for later runs. */
  head?: AuditAnchor;
  firstBad?: AuditFinding;
}

export interface VerifyOptions {
  /** The head the store says it has written; a shorter chain means the tail was removed. */
  expectedHead?: AuditAnchor;
  /** Checkpoints from earlier verifications, kept outside the store (ticket, e-mail, another system). */
  anchors?: readonly AuditAnchor[];
  /**
   * Check only the part after a point already verified (the last signed digest): the first record
   * read must be this one, with this hash; the walk continues from it.
   */
  resumeFrom?: AuditAnchor;
  /** A per-record check after the chain checks (signed records: signedRecords.ts). */
  checkRecord?: (record: AuditRecord) => { problem: AuditProblem; message: string } | undefined;
}

/**
 * Walks the chain once, in read order, and names the FIRST record that is wrong. Pure: the
 * SQLite store, the CLI and the tests all feed it records. Order of checks per record: shape,
 * sequence continuity, link to the previous record, own hash — so a deleted record is reported
 * as a gap, a record moved elsewhere as out of order, and an edit as a hash mismatch.
 *
 * What it cannot see on its own: a log cut short and then extended with a well-formed chain (no
 * secret is involved, so anyone with write access to the store can compute hashes). The stored
 * head (`expectedHead`) catches a cut tail; `anchors` kept outside the store catch a rewrite.
 */
export function verifyAuditChain(records: Iterable<AuditRecord>, options: VerifyOptions = {}): AuditVerification {
  const verifier = new AuditChainVerifier(options);
  for (const record of records) {
    const failed = verifier.push(record);
    if (failed) return failed;
  }
  return verifier.finish();
}

/** `verifyAuditChain` over records read page by page from a store (a million records never sit in memory at once). */
export async function verifyAuditStream(records: AsyncIterable<AuditRecord>, options: VerifyOptions = {}): Promise<AuditVerification> {
  const verifier = new AuditChainVerifier(options);
  for await (const record of records) {
    const failed = verifier.push(record);
    if (failed) return failed;
  }
  return verifier.finish();
}

/** The walk itself, one record at a time: `push` answers the first failure, `finish` the end checks. */
export class AuditChainVerifier {
  private readonly anchors: Map<number, string>;
  private previous: AuditRecord | undefined;
  private position = 0;

  constructor(private readonly options: VerifyOptions = {}) {
    this.anchors = new Map((options.anchors ?? []).map((anchor) => [anchor.sequence, anchor.hash]));
  }

  /** Checks the next record; returns the failed verification, or undefined while all is well. */
  push(record: AuditRecord): AuditVerification | undefined {
    const previous = this.previous;
    const position = this.position;
    if (!isWellFormed(record)) {
      return this.fail(
        typeof (record as { sequence?: unknown }).sequence === 'number' ? (record as AuditRecord).sequence : (previous?.sequence ?? 0) + 1,
        'malformed',
        `record at position ${position} is not a valid audit record`,
      );
    }
    const resume = this.options.resumeFrom;
    if (!previous && resume && resume.sequence > 0) {
      // The first record read is the already-verified point itself: it must still be there, unchanged.
      if (record.sequence !== resume.sequence)
        return this.fail(resume.sequence, 'anchorMissing', `record ${resume.sequence}, which the last signed digest pins, is not where it was: records were removed or renumbered`);
      if (record.hash !== resume.hash || computeAuditHash(record) !== record.hash)
        return this.fail(record.sequence, 'anchorMismatch', `record ${record.sequence} differs from what the last signed digest pins: the log was rewritten up to this record`);
      const checked = this.options.checkRecord?.(record);
      if (checked) return this.fail(record.sequence, checked.problem, checked.message);
      this.previous = record;
      this.position += 1;
      return undefined;
    }
    const expectedSequence = previous ? previous.sequence + 1 : 1;
    if (record.sequence < expectedSequence) {
      return this.fail(record.sequence, 'sequenceOutOfOrder', `record ${record.sequence} comes after record ${previous?.sequence ?? 0}: records were inserted or reordered`);
    }
    if (record.sequence > expectedSequence) {
      return this.fail(
        expectedSequence,
        'sequenceGap',
        `record ${expectedSequence}${record.sequence - expectedSequence > 1 ? `–${record.sequence - 1}` : ''} is missing (record ${record.sequence} follows record ${previous?.sequence ?? 'none'})`,
      );
    }
    const expectedPrev = previous ? previous.hash : GENESIS_HASH;
    if (record.prevHash !== expectedPrev) {
      return this.fail(
        record.sequence,
        'brokenLink',
        `record ${record.sequence} does not link to ${previous ? `record ${previous.sequence}` : 'the start of the log'}: one of them was changed or replaced`,
      );
    }
    if (computeAuditHash(record) !== record.hash) {
      return this.fail(record.sequence, 'hashMismatch', `record ${record.sequence} was modified after it was written (its content no longer matches its hash)`);
    }
    const anchored = this.anchors.get(record.sequence);
    if (anchored !== undefined && anchored !== record.hash) {
      return this.fail(record.sequence, 'anchorMismatch', `record ${record.sequence} differs from the checkpoint kept for it: the log was rewritten up to this record`);
    }
    const checked = this.options.checkRecord?.(record);
    if (checked) return this.fail(record.sequence, checked.problem, checked.message);
    this.anchors.delete(record.sequence);
    this.previous = record;
    this.position += 1;
    return undefined;
  }

  /** The checks that need the whole chain: the stored head and anchors the log no longer reaches. */
  finish(): AuditVerification {
    const { expectedHead } = this.options;
    const previous = this.previous;
    const last = previous ? previous.sequence : 0;
    const resume = this.options.resumeFrom;
    if (resume && resume.sequence > 0 && !previous) {
      return this.fail(resume.sequence, 'anchorMissing', `record ${resume.sequence}, which the last signed digest pins, is gone: records were removed`);
    }
    if (expectedHead && expectedHead.sequence > last) {
      return this.fail(
        last + 1,
        'truncated',
        `the log ends at record ${last} but its head says ${expectedHead.sequence}: records ${last + 1}–${expectedHead.sequence} were removed`,
      );
    }
    if (expectedHead && previous && expectedHead.sequence === last && expectedHead.hash !== previous.hash) {
      return this.fail(last, 'anchorMismatch', `record ${last} differs from the stored head: the end of the log was replaced`);
    }
    const missingAnchor = [...this.anchors.keys()].sort((a, b) => a - b)[0];
    if (missingAnchor !== undefined) {
      return this.fail(missingAnchor, 'anchorMissing', `the checkpoint names record ${missingAnchor}, which the log no longer has: records were removed`);
    }
    return { ok: true, records: this.position, head: previous ? { sequence: previous.sequence, hash: previous.hash } : undefined };
  }

  private fail(sequence: number, problem: AuditProblem, message: string): AuditVerification {
    const previous = this.previous;
    return {
      ok: false,
      records: this.position,
      head: previous ? { sequence: previous.sequence, hash: previous.hash } : undefined,
      firstBad: { sequence, position: this.position, problem, message },
    };
  }
}

function isWellFormed(record: unknown): record is AuditRecord {
  if (!record || typeof record !== 'object') return false;
  const r = record as Record<string, unknown>;
  return (
    Number.isInteger(r.sequence) &&
    typeof r.time === 'string' &&
    typeof r.action === 'string' &&
    typeof r.target === 'string' &&
    typeof r.outcome === 'string' &&
    typeof r.prevHash === 'string' &&
    typeof r.hash === 'string' &&
    !!r.actor &&
    typeof r.actor === 'object' &&
    !!r.details &&
    typeof r.details === 'object'
  );
}

/** Parses `<sequence>:<hash>` as printed by `npm run audit -- verify`. */
export function parseAnchor(text: string): AuditAnchor | undefined {
  const match = /^(\d+):([0-9a-f]{64})$/i.exec(text.trim());
  return match?.[1] && match[2] ? { sequence: Number(match[1]), hash: match[2].toLowerCase() } : undefined;
}

export function formatAnchor(anchor: AuditAnchor): string {
  return `${anchor.sequence}:${anchor.hash}`;
}
