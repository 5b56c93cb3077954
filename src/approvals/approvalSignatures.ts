import type crypto from 'node:crypto';
import { hashCanonical, sha256Hex, statementBytes, verifySignature, type Signature } from '../core';
import type { ApprovalRequest, Vote } from './approvalTypes';
import { evaluateRule } from './ruleEvaluation';

/**
 * What Keyward signs when an approval is made, so that someone who can write the database cannot
 * make a request approved (see docs/designs/2026-12-06-signed-approvals.md):
 *
 * - the **submission**: the request's immutable core — the plan hash, the requester, the key
 *   custodians, and the rule snapshot taken from the policy Keyward loaded — signed when it is
 *   submitted, so a request written into the database, or a snapshot edited there, is not Keyward's;
 * - each **vote**: who (the activity's identity), approve or reject, why, when, on which request
 *   core and plan hash — signed when it is recorded, after the engine checked it;
 * - the **decision**: approved or rejected, when, until when it may run, and exactly which votes
 *   decided it (the SHA-256 of each vote's signature).
 *
 * The statements are plain JSON; the signature covers the UTF-8 of their canonical JSON. They are
 * stored in the request document and, whole, in the audit record of the same event, so both the
 * executor (before it runs anything) and `npm run audit -- verify` can check them with only the
 * public key.
 */
export const STATEMENT_KINDS = {
  submission: 'keyward.approval.submission',
  vote: 'keyward.approval.vote',
  decision: 'keyward.approval.decision',
} as const;

/** A statement and Keyward's signature over it (what the audit record carries as `details.signed`). */
export interface SignedStatement<S = Record<string, unknown>> {
  statement: S;
  signature: Signature;
}

/** The fields of a request that never change after submission. */
export function requestCore(request: ApprovalRequest): Record<string, unknown> {
  return {
    id: request.id,
    operationClass: request.operationClass,
    planHash: request.planHash,
    requester: { objectId: request.requester.objectId, tenantId: request.requester.tenantId },
    keySides: request.keySides ? { A: [...request.keySides.A], B: [...request.keySides.B] } : null,
    rule: request.rule,
    policyHash: request.policyHash,
    journeyId: request.journeyId ?? null,
    createdAt: request.createdAt,
    expiresAt: request.expiresAt,
  };
}

/** SHA-256 of the canonical core: every vote and the decision name it. */
export function coreHash(request: ApprovalRequest): string {
  return hashCanonical(requestCore(request));
}

export interface SubmissionStatement {
  kind: typeof STATEMENT_KINDS.submission;
  version: 1;
  requestId: string;
  planHash: string;
  coreHash: string;
  core: Record<string, unknown>;
}

export interface VoteStatement {
  kind: typeof STATEMENT_KINDS.vote;
  version: 1;
  requestId: string;
  planHash: string;
  coreHash: string;
  voter: { objectId: string; tenantId: string };
  decision: Vote['decision'];
  reason: string | null;
  at: string;
}

export interface DecisionStatement {
  kind: typeof STATEMENT_KINDS.decision;
  version: 1;
  requestId: string;
  planHash: string;
  coreHash: string;
  decision: 'approved' | 'rejected';
  decidedAt: string;
  executeBy: string | null;
  /** SHA-256 (hex) of the signature of each vote that counts, in the order they were cast. */
  votes: string[];
}

export function submissionStatement(request: ApprovalRequest): SubmissionStatement {
  const core = requestCore(request);
  return { kind: STATEMENT_KINDS.submission, version: 1, requestId: request.id, planHash: request.planHash, coreHash: hashCanonical(core), core };
}

export function voteStatement(request: ApprovalRequest, vote: Vote, requestCoreHash: string = coreHash(request)): VoteStatement {
  return {
    kind: STATEMENT_KINDS.vote,
    version: 1,
    requestId: request.id,
    planHash: vote.planHash,
    coreHash: requestCoreHash,
    voter: { objectId: vote.voter.objectId, tenantId: vote.voter.tenantId },
    decision: vote.decision,
    reason: vote.reason ?? null,
    at: vote.at,
  };
}

/**
 * The decision a request's votes make (approved: the approvals; rejected: the rejection). The
 * votes must carry their signatures already: the decision names them.
 */
export function decisionStatement(request: ApprovalRequest): DecisionStatement | undefined {
  if (request.status !== 'approved' && request.status !== 'rejected' && request.status !== 'executing' && request.status !== 'succeeded' && request.status !== 'failed')
    return undefined;
  const decided = request.status === 'rejected' ? 'rejected' : 'approved';
  const counted = request.votes.filter((vote) => vote.decision === (decided === 'approved' ? 'approve' : 'reject'));
  return {
    kind: STATEMENT_KINDS.decision,
    version: 1,
    requestId: request.id,
    planHash: request.planHash,
    coreHash: coreHash(request),
    decision: decided,
    decidedAt: request.decidedAt ?? '',
    executeBy: decided === 'approved' ? (request.executeBy ?? null) : null,
    votes: counted.map((vote) => (vote.signature ? sha256Hex(vote.signature.value) : '')),
  };
}

/** Why a request's signatures do not back its state. Stable strings (audited, shown on the card). */
export type SignatureProblem =
  /** The request, a vote or the decision carries no signature at all. */
  | 'unsigned'
  /** A signature does not match what it claims to sign: the database was edited. */
  | 'signatureInvalid'
  /** Signed by a key this Keyward does not hold or trust. */
  | 'signatureKeyUnknown'
  /** The signed votes do not meet the rule snapshot (a vote was added, removed or changed). */
  | 'ruleNotMet'
  /** The decision's signature does not name these votes, or says something else. */
  | 'decisionMismatch';

export type SignatureCheck = { ok: true } | { ok: false; problem: SignatureProblem; message: string };

export type TrustedKey = (fingerprint: string) => crypto.KeyObject | undefined;

function checkSignature(statement: unknown, signature: Signature | undefined, trusted: TrustedKey, what: string): SignatureCheck {
  if (!signature) return { ok: false, problem: 'unsigned', message: `${what} carries no signature by Keyward` };
  const key = trusted(signature.keyFingerprint);
  if (!key)
    return { ok: false, problem: 'signatureKeyUnknown', message: `${what} was signed with key ${signature.keyFingerprint.slice(0, 16)}…, which this Keyward does not hold` };
  if (!verifySignature(statementBytes(statement), signature, key))
    return { ok: false, problem: 'signatureInvalid', message: `${what} does not match its signature: the stored request was changed after Keyward signed it` };
  return { ok: true };
}

/** The submission's signature: is this request's core (plan hash, requester, custodians, rule) Keyward's? */
export function checkSubmission(request: ApprovalRequest, trusted: TrustedKey): SignatureCheck {
  return checkSignature(submissionStatement(request), request.submissionSignature, trusted, 'The request');
}

/** Every vote's signature, against the request's core as it is stored now. */
export function checkVotes(request: ApprovalRequest, trusted: TrustedKey): SignatureCheck {
  const seen = new Set<string>();
  const requestCoreHash = coreHash(request);
  for (const vote of request.votes) {
    const who = vote.voter.name ?? vote.voter.objectId;
    if (seen.has(vote.voter.objectId)) return { ok: false, problem: 'ruleNotMet', message: `${who} appears twice among the votes` };
    seen.add(vote.voter.objectId);
    const checked = checkSignature(voteStatement(request, vote, requestCoreHash), vote.signature, trusted, `The vote of ${who}`);
    if (!checked.ok) return checked;
    if (vote.planHash !== request.planHash) return { ok: false, problem: 'signatureInvalid', message: `The vote of ${who} was cast on another plan` };
  }
  return { ok: true };
}

/**
 * Does `request`'s state rest on Keyward's signatures? The submission, every vote and the decision
 * must be signed by a trusted key over the request as stored; the signed votes must meet the
 * signed rule snapshot with no rejection among them; and the decision must name exactly the votes
 * that approved and the execution window the request carries. Pure.
 */
export function checkApprovalSignatures(request: ApprovalRequest, trusted: TrustedKey): SignatureCheck {
  const submission = checkSubmission(request, trusted);
  if (!submission.ok) return submission;
  const votes = checkVotes(request, trusted);
  if (!votes.ok) return votes;
  if (request.votes.some((vote) => vote.decision === 'reject'))
    return { ok: false, problem: 'ruleNotMet', message: 'A signed rejection is among the votes: the request was rejected' };
  if (!evaluateRule(request).satisfied) return { ok: false, problem: 'ruleNotMet', message: 'The signed votes do not meet the approval rule of this request' };
  const expected = decisionStatement(request);
  if (!expected || expected.decision !== 'approved') return { ok: false, problem: 'decisionMismatch', message: `The request is ${request.status}, not approved` };
  const decision = checkSignature(expected, request.decisionSignature, trusted, 'The approval decision');
  if (!decision.ok)
    return decision.problem === 'signatureInvalid'
      ? { ok: false, problem: 'decisionMismatch', message: 'The signed approval decision names other votes, another time or another execution window than the request carries' }
      : decision;
  return { ok: true };
}
