import type crypto from 'node:crypto';
import { canonicalJson, publicKeyFingerprint, sha256Hex, verifyRaw, type Signer } from '../core';
import type { AuditAnchor } from './auditRecord';

/**
 * Signed digests of the audit chain, after CloudTrail's digest files: every so often Keyward signs
 * "the log had N records and record N's hash was H" and links each digest to the signature of the
 * one before. The hash chain alone proves order and integrity but carries no secret, so someone
 * who can write the store could rebuild the whole chain; a digest signed earlier, and copied out
 * of Keyward's store (the digest directory), pins the log as it was then.
 *
 * What a digest cannot do: prove that later digests were not deleted (check the date of the last
 * one; Keyward writes one per interval when anything new was logged) or survive theft of the
 * signing key (keep the public key's fingerprint outside Keyward; a new key is visible as a new
 * fingerprint, and each key's first use is itself an audit record).
 */
export interface AuditDigestBody {
  kind: 'keyward.audit.digest';
  version: 1;
  /** Position in the digest chain, from 1. */
  number: number;
  /** First record this digest adds (the previous digest's toSequence + 1). */
  fromSequence: number;
  /** The chain's head when the digest was made. */
  toSequence: number;
  headHash: string;
  createdAt: string;
  /** SHA-256 (hex) of the previous digest's signature; null for digest 1. */
  previousSignatureSha256: string | null;
  /** SHA-256 (hex) of the signing key's public key (SPKI, DER). */
  keyFingerprint: string;
}

export interface AuditDigest extends AuditDigestBody {
  /** Ed25519 signature (base64) over the canonical JSON of the body. */
  signature: string;
}

/** The next digest after `previous`, or undefined when nothing was logged since. Pure apart from the signer (which may be Key Vault). */
export async function nextDigest(previous: AuditDigest | undefined, head: AuditAnchor | undefined, createdAt: Date, signer: Signer): Promise<AuditDigest | undefined> {
  if (!head || (previous && previous.toSequence >= head.sequence)) return undefined;
  const body: AuditDigestBody = {
    kind: 'keyward.audit.digest',
    version: 1,
    number: previous ? previous.number + 1 : 1,
    fromSequence: previous ? previous.toSequence + 1 : 1,
    toSequence: head.sequence,
    headHash: head.hash,
    createdAt: createdAt.toISOString(),
    previousSignatureSha256: previous ? sha256Hex(previous.signature) : null,
    keyFingerprint: signer.fingerprint,
  };
  return { ...body, signature: (await signer.sign(Buffer.from(canonicalJson(body), 'utf8'))).value };
}

/** Checks one digest's signature with `publicKey` (Ed25519 or ES256, by the key's type). */
export function digestSignatureValid(digest: AuditDigest, publicKey: crypto.KeyObject): boolean {
  const { signature, ...body } = digest;
  return verifyRaw(Buffer.from(canonicalJson(body), 'utf8'), signature, publicKey);
}

export type DigestProblem =
  /** Not a digest Keyward wrote (missing or wrong fields). */
  | 'digestMalformed'
  /** Signed by another key than the one given to verify. */
  | 'digestKeyUnknown'
  /** The signature does not match the digest's content: the digest was edited. */
  | 'digestSignatureInvalid'
  /** A digest does not follow the one before it (one was removed, replaced or forked). */
  | 'digestChainBroken';

export type DigestVerification =
  | { ok: true; digests: number; first?: AuditDigest; last?: AuditDigest; anchors: AuditAnchor[] }
  | { ok: false; digests: number; number: number; problem: DigestProblem; message: string };

/**
 * Checks the digests among themselves: each one's signature with `publicKey`, and each link to
 * the one before. The digests may start after number 1 (older ones archived elsewhere), but must
 * then be consecutive. On success, their heads are anchors for `verifyAuditChain`, which compares
 * them with the log itself.
 */
export function verifyDigestChain(candidates: readonly unknown[], publicKeys: crypto.KeyObject | readonly crypto.KeyObject[]): DigestVerification {
  const keys = new Map((Array.isArray(publicKeys) ? publicKeys : [publicKeys as crypto.KeyObject]).map((key) => [publicKeyFingerprint(key), key] as const));
  const digests: AuditDigest[] = [];
  for (const candidate of candidates) {
    if (!isDigest(candidate)) {
      const number = typeof (candidate as { number?: unknown })?.number === 'number' ? (candidate as { number: number }).number : 0;
      return { ok: false, digests: digests.length, number, problem: 'digestMalformed', message: `digest ${number || '(unnumbered)'} is not a Keyward audit digest` };
    }
    digests.push(candidate);
  }
  digests.sort((a, b) => a.number - b.number);
  let previous: AuditDigest | undefined;
  for (const digest of digests) {
    const publicKey = keys.get(digest.keyFingerprint);
    if (!publicKey) {
      return {
        ok: false,
        digests: digests.length,
        number: digest.number,
        problem: 'digestKeyUnknown',
        message: `digest ${digest.number} was signed by key ${digest.keyFingerprint.slice(0, 16)}…, not by a key given (${[...keys.keys()].map((f) => `${f.slice(0, 16)}…`).join(', ')})`,
      };
    }
    if (!digestSignatureValid(digest, publicKey)) {
      return {
        ok: false,
        digests: digests.length,
        number: digest.number,
        problem: 'digestSignatureInvalid',
        message: `digest ${digest.number} does not match its signature: it was edited after Keyward signed it`,
      };
    }
    if (previous) {
      const linked = digest.number === previous.number + 1 && digest.previousSignatureSha256 === sha256Hex(previous.signature) && digest.fromSequence === previous.toSequence + 1;
      if (!linked) {
        return {
          ok: false,
          digests: digests.length,
          number: digest.number,
          problem: 'digestChainBroken',
          message: `digest ${digest.number} does not follow digest ${previous.number}: ${linkProblem(digest, previous)}`,
        };
      }
    } else if (digest.number === 1 && (digest.previousSignatureSha256 !== null || digest.fromSequence !== 1)) {
      return { ok: false, digests: digests.length, number: 1, problem: 'digestChainBroken', message: 'digest 1 does not start the chain' };
    }
    previous = digest;
  }
  return { ok: true, digests: digests.length, first: digests[0], last: previous, anchors: digests.map((d) => ({ sequence: d.toSequence, hash: d.headHash })) };
}

function linkProblem(digest: AuditDigest, previous: AuditDigest): string {
  if (digest.number <= previous.number) return `two digests claim number ${digest.number} (the chain was forked)`;
  if (digest.number > previous.number + 1) return `digest ${previous.number + 1}${digest.number - previous.number > 2 ? `–${digest.number - 1}` : ''} is missing`;
  return 'it links to another digest (one of them was replaced)';
}

function isDigest(value: unknown): value is AuditDigest {
  if (!value || typeof value !== 'object') return false;
  const d = value as Record<string, unknown>;
  return (
    d.kind === 'keyward.audit.digest' &&
    d.version === 1 &&
    Number.isInteger(d.number) &&
    (d.number as number) >= 1 &&
    Number.isInteger(d.fromSequence) &&
    Number.isInteger(d.toSequence) &&
    (d.toSequence as number) >= (d.fromSequence as number) &&
    typeof d.headHash === 'string' &&
    /^[0-9a-f]{64}$/.test(d.headHash) &&
    typeof d.createdAt === 'string' &&
    (d.previousSignatureSha256 === null || (typeof d.previousSignatureSha256 === 'string' && /^[0-9a-f]{64}$/.test(d.previousSignatureSha256))) &&
    typeof d.keyFingerprint === 'string' &&
    typeof d.signature === 'string'
  );
}
