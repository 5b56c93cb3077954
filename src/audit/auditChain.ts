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
  | 'malformed';

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
  const anchors = new Map((options.anchors ?? []).map((anchor) => [anchor.sequence, anchor.hash]));
  let previous: AuditRecord | undefined;
  let position = 0;
  const fail = (sequence: number, problem: AuditProblem, message: string): AuditVerification => ({
    ok: false,
    records: position,
    head: previous ? { sequence: previous.sequence, hash: previous.hash } : undefined,
    firstBad: { sequence, position, problem, message },
  });

  for (const record of records) {
    if (!isWellFormed(record)) {
      return fail(typeof (record as { sequence?: unknown }).sequence === 'number' ? (record as AuditRecord).sequence : (previous?.sequence ?? 0) + 1, 'malformed', `record at position ${position} is not a valid audit record`);
    }
    const expectedSequence = previous ? previous.sequence + 1 : 1;
    if (record.sequence < expectedSequence) {
      return fail(record.sequence, 'sequenceOutOfOrder', `record ${record.sequence} comes after record ${previous?.sequence ?? 0}: records were inserted or reordered`);
    }
    if (record.sequence > expectedSequence) {
      return fail(expectedSequence, 'sequenceGap', `record ${expectedSequence}${record.sequence - expectedSequence > 1 ? `–${record.sequence - 1}` : ''} is missing (record ${record.sequence} follows record ${previous?.sequence ?? 'none'})`);
    }
    const expectedPrev = previous ? previous.hash : GENESIS_HASH;
    if (record.prevHash !== expectedPrev) {
      return fail(record.sequence, 'brokenLink', `record ${record.sequence} does not link to ${previous ? `record ${previous.sequence}` : 'the start of the log'}: one of them was changed or replaced`);
    }
    if (computeAuditHash(record) !== record.hash) {
      return fail(record.sequence, 'hashMismatch', `record ${record.sequence} was modified after it was written (its content no longer matches its hash)`);
    }
    const anchored = anchors.get(record.sequence);
    if (anchored !== undefined && anchored !== record.hash) {
      return fail(record.sequence, 'anchorMismatch', `record ${record.sequence} differs from the checkpoint kept for it: the log was rewritten up to this record`);
    }
    anchors.delete(record.sequence);
    previous = record;
    position += 1;
  }

  const last = previous ? previous.sequence : 0;
  if (options.expectedHead && options.expectedHead.sequence > last) {
    return fail(last + 1, 'truncated', `the log ends at record ${last} but its head says ${options.expectedHead.sequence}: records ${last + 1}–${options.expectedHead.sequence} were removed`);
  }
  if (options.expectedHead && previous && options.expectedHead.sequence === last && options.expectedHead.hash !== previous.hash) {
    return fail(last, 'anchorMismatch', `record ${last} differs from the stored head: the end of the log was replaced`);
  }
  const missingAnchor = [...anchors.keys()].sort((a, b) => a - b)[0];
  if (missingAnchor !== undefined) {
    return fail(missingAnchor, 'anchorMissing', `the checkpoint names record ${missingAnchor}, which the log no longer has: records were removed`);
  }
  return { ok: true, records: position, head: previous ? { sequence: previous.sequence, hash: previous.hash } : undefined };
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
