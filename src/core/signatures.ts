import crypto from 'node:crypto';
import { canonicalJson, sha256Hex } from './canonicalJson';

/**
 * Signatures Keyward makes over its own statements (votes, decisions, submissions, audit digests).
 * Two kinds of key, one format:
 * - Ed25519, a key file on the host (local mode);
 * - ES256 (ECDSA P-256 over SHA-256, r||s as Key Vault returns it), a Key Vault or Managed HSM key
 *   used through the managed identity, so no signing secret sits on the host (production).
 * Verification never asks Azure: it needs only the public key, which is pinned by its fingerprint.
 */
export type SignatureAlgorithm = 'Ed25519' | 'ES256';

export interface Signature {
  alg: SignatureAlgorithm;
  /** SHA-256 (hex) of the signing key's public key (SPKI, DER): what verifiers pin. */
  keyFingerprint: string;
  /** Base64 signature over the exact bytes signed (canonical JSON of a statement). */
  value: string;
}

/** Signs bytes with a key whose private half never leaves it (a key file's KeyObject, or Key Vault). */
export interface Signer {
  readonly algorithm: SignatureAlgorithm;
  /** SHA-256 of the public key (SPKI, DER). */
  readonly fingerprint: string;
  readonly publicKey: crypto.KeyObject;
  /** Where the key lives, for the record: a file, or the Key Vault key id (versioned). Never secret. */
  readonly description: string;
  sign(data: Buffer): Promise<Signature>;
}

const fingerprints = new WeakMap<crypto.KeyObject, string>();

/** SHA-256 (hex) of a public key in SPKI DER form: what operators pin and compare. */
export function publicKeyFingerprint(key: crypto.KeyObject): string {
  // A KeyObject never changes, and every signature check asks for its key's fingerprint.
  let fingerprint = fingerprints.get(key);
  if (fingerprint === undefined) {
    fingerprint = sha256Hex(key.export({ type: 'spki', format: 'der' }));
    fingerprints.set(key, fingerprint);
  }
  return fingerprint;
}

/** The public key as base64 SPKI DER (what the audit log announces). */
export function publicKeySpki(key: crypto.KeyObject): string {
  return key.export({ type: 'spki', format: 'der' }).toString('base64');
}

/** Reads a public key announced as base64 SPKI DER; undefined when it is not one. */
export function publicKeyFromSpki(base64: string): crypto.KeyObject | undefined {
  try {
    return crypto.createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

/** The algorithm a public key signs with, or undefined for a key Keyward does not sign with. */
export function algorithmOf(key: crypto.KeyObject): SignatureAlgorithm | undefined {
  if (key.asymmetricKeyType === 'ed25519') return 'Ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  return undefined;
}

/** Checks raw signature bytes (base64) over `data` with `publicKey`. Never throws. */
export function verifyRaw(data: Buffer, signatureBase64: string, publicKey: crypto.KeyObject): boolean {
  try {
    const signature = Buffer.from(signatureBase64, 'base64');
    switch (algorithmOf(publicKey)) {
      case 'Ed25519':
        return crypto.verify(null, data, publicKey, signature);
      case 'ES256':
        return crypto.verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/**
 * Signatures that verified, keyed by everything the answer depends on: the key's fingerprint, the
 * signature and the SHA-256 of the signed bytes. Each vote checks every earlier vote of its
 * request again (the stored row may have been changed), so the same signatures are checked over
 * and over; a changed row changes the bytes or the signature and misses the cache. Only "valid"
 * is remembered, and only the newest entries (oldest dropped first).
 */
const verified = new Set<string>();
const VERIFIED_MAX = 10_000;

/** Checks a signature over `data` against a key chosen by the caller (never by the signature). */
export function verifySignature(data: Buffer, signature: Signature, publicKey: crypto.KeyObject): boolean {
  if (!isSignature(signature) || signature.keyFingerprint !== publicKeyFingerprint(publicKey) || signature.alg !== algorithmOf(publicKey)) return false;
  const memo = `${signature.keyFingerprint}:${signature.value}:${crypto.createHash('sha256').update(data).digest('base64')}`;
  if (verified.has(memo)) return true;
  if (!verifyRaw(data, signature.value, publicKey)) return false;
  if (verified.size >= VERIFIED_MAX) verified.delete(verified.values().next().value!);
  verified.add(memo);
  return true;
}

/** The bytes a statement's signature covers: the UTF-8 of its canonical JSON. */
export function statementBytes(statement: unknown): Buffer {
  return Buffer.from(canonicalJson(statement), 'utf8');
}

export function signStatement(signer: Signer, statement: unknown): Promise<Signature> {
  return signer.sign(statementBytes(statement));
}

export function isSignature(value: unknown): value is Signature {
  if (!value || typeof value !== 'object') return false;
  const s = value as Record<string, unknown>;
  return (s.alg === 'Ed25519' || s.alg === 'ES256') && typeof s.keyFingerprint === 'string' && /^[0-9a-f]{64}$/.test(s.keyFingerprint) && typeof s.value === 'string';
}

/** An Ed25519 signer over a private key object (the key file is read by the store layer). */
export function ed25519Signer(privateKey: crypto.KeyObject, description = 'Ed25519 key file'): Signer {
  const publicKey = crypto.createPublicKey(privateKey);
  const fingerprint = publicKeyFingerprint(publicKey);
  return {
    algorithm: 'Ed25519',
    fingerprint,
    publicKey,
    description,
    sign: async (data) => ({ alg: 'Ed25519', keyFingerprint: fingerprint, value: crypto.sign(null, data, privateKey).toString('base64') }),
  };
}
