import type crypto from 'node:crypto';
import { isSignature, sha256Hex, statementBytes, verifySignature } from '../core';
import type { AuditRecord } from './auditRecord';

/**
 * Records that carry Keyward's signature over what they record, in `details.signed`
 * (`{ statement, signature }`): the submission, each vote and each decision of an approval. A hash
 * chain proves order but holds no secret, so someone who can write the store can rewrite the
 * records since the last digest and recompute every hash; these records they cannot rewrite
 * without the signing key, which stays in Key Vault (or, locally, in a 0600 key file).
 */
export const SIGNED_ACTIONS: ReadonlySet<string> = new Set(['approval.submitted', 'approval.vote.recorded', 'approval.approved', 'approval.rejected']);

/** The record that names the key signing from then on (appended at every start). */
export const SIGNING_KEY_ACTION = 'audit.signing.key';

export type SignedRecordProblem =
  /** A record that must be signed (after the signing key was announced) carries no signature. */
  | 'signatureMissing'
  /** The signature does not match its statement, or the statement does not match the record. */
  | 'signatureInvalid'
  /** Signed by a key the verifier was not told to trust. */
  | 'signatureKeyUnknown';

export interface SignedRecordFinding {
  problem: SignedRecordProblem;
  message: string;
}

/**
 * A checker for records in chain order: from the first `audit.signing.key` record on, every record
 * of SIGNED_ACTIONS must carry a statement signed by a trusted key, and the statement must say
 * what the record says (same request, plan hash, voter and decision). Records before the first
 * announcement (logs written by older versions) are not required to be signed.
 */
export function signedRecordChecker(
  trusted: (fingerprint: string) => crypto.KeyObject | undefined,
  options: { announced?: boolean } = {},
): (record: AuditRecord) => SignedRecordFinding | undefined {
  // `announced`: the walk starts after the announcement (the digester resuming from its own digest).
  let announced = options.announced ?? false;
  // Requests whose submission this walk has seen, and the signatures of their votes: a signed
  // decision must name only votes whose records are still there (a removed vote record is seen).
  const votesOf = new Map<string, Set<string>>();
  return (record) => {
    if (record.action === SIGNING_KEY_ACTION) announced = true;
    const signed = (record.details as { signed?: { statement?: { kind?: unknown; votes?: unknown }; signature?: { value?: unknown } } }).signed;
    if (signed === undefined) {
      return announced && SIGNED_ACTIONS.has(record.action)
        ? {
            problem: 'signatureMissing',
            message: `record ${record.sequence} (${record.action}) carries no signature, although every such record is signed since the signing key was announced: it was rewritten`,
          }
        : undefined;
    }
    const finding = checkSignedRecord(record, trusted);
    if (finding || !record.requestId) return finding;
    const kind = signed.statement?.kind;
    if (kind === 'keyward.approval.submission') votesOf.set(record.requestId, new Set());
    else if (kind === 'keyward.approval.vote' && typeof signed.signature?.value === 'string') votesOf.get(record.requestId)?.add(sha256Hex(signed.signature.value));
    else if (kind === 'keyward.approval.decision') {
      const seen = votesOf.get(record.requestId);
      const named = Array.isArray(signed.statement?.votes) ? (signed.statement.votes as unknown[]) : [];
      if (seen && named.some((hash) => typeof hash !== 'string' || !seen.has(hash))) {
        return { problem: 'signatureMissing', message: `record ${record.sequence} (${record.action}) names a vote whose record is no longer in the log: records were removed` };
      }
    }
    return undefined;
  };
}

/** One record's signed statement: signature, key, and agreement with the record. */
export function checkSignedRecord(record: AuditRecord, trusted: (fingerprint: string) => crypto.KeyObject | undefined): SignedRecordFinding | undefined {
  const signed = (record.details as { signed?: { statement?: unknown; signature?: unknown } }).signed;
  const statement = signed?.statement as Record<string, unknown> | undefined;
  const signature = signed?.signature;
  const bad = (message: string): SignedRecordFinding => ({ problem: 'signatureInvalid', message: `record ${record.sequence} (${record.action}): ${message}` });
  if (!statement || typeof statement !== 'object' || !isSignature(signature)) return bad('its signed statement is malformed');
  const key = trusted(signature.keyFingerprint);
  if (!key)
    return {
      problem: 'signatureKeyUnknown',
      message: `record ${record.sequence} (${record.action}) is signed by key ${signature.keyFingerprint.slice(0, 16)}…, which you did not pin`,
    };
  if (!verifySignature(statementBytes(statement), signature, key)) return bad('its statement does not match its signature (edited after Keyward signed it)');
  if (statement.requestId !== record.requestId || statement.planHash !== record.planHash) return bad('its signed statement names another request or plan than the record');
  const voter = statement.voter as { objectId?: unknown } | undefined;
  if (voter && voter.objectId !== record.actor.objectId) return bad('its signed vote was cast by someone else than the record says');
  const decision = (record.details as { decision?: unknown }).decision;
  if (typeof statement.decision === 'string' && decision !== undefined && statement.kind === 'keyward.approval.vote' && decision !== statement.decision)
    return bad('the record says another decision than the signed vote');
  if (statement.kind === 'keyward.approval.decision' && statement.decision !== (record.action === 'approval.approved' ? 'approved' : 'rejected'))
    return bad('the record says another outcome than the signed decision');
  return undefined;
}
