import { constants, privateDecrypt, privateEncrypt, publicDecrypt, publicEncrypt } from 'node:crypto';
import { fromBase64Url } from '../crypto/base64url';
import { type CurveName, signDigest, signatureLength, verifyDigest } from '../crypto/ecdsaDigest';
import { HASH_LENGTH, type HashName, digestInfo, encodePss, unpadPkcs1v15, verifyPss } from '../crypto/rsaPadding';
import type { KeyOperation, KeyVersionRecord } from './records';
import { badParameter, forbidden } from './serviceError';

/**
 * Cryptographic operations with real keys through node:crypto. Encryption padding interoperates
 * with OpenSSL (so the SDK's local RSA-OAEP/RSA1_5 wrap, done client-side from n and e, unwraps
 * here). Signatures are over caller-supplied digests, as Key Vault defines them.
 */
export type EncryptionAlgorithm = 'RSA-OAEP' | 'RSA-OAEP-256' | 'RSA1_5';
const ENCRYPTION_ALGORITHMS: EncryptionAlgorithm[] = ['RSA-OAEP', 'RSA-OAEP-256', 'RSA1_5'];

const RSA_SIGNATURES: Record<string, { hash: HashName; pss: boolean }> = {
  RS256: { hash: 'sha256', pss: false },
  RS384: { hash: 'sha384', pss: false },
  RS512: { hash: 'sha512', pss: false },
  PS256: { hash: 'sha256', pss: true },
  PS384: { hash: 'sha384', pss: true },
  PS512: { hash: 'sha512', pss: true },
};
const EC_SIGNATURES: Record<string, { hash: HashName; curve: CurveName }> = {
  ES256: { hash: 'sha256', curve: 'P-256' },
  ES384: { hash: 'sha384', curve: 'P-384' },
  ES512: { hash: 'sha512', curve: 'P-521' },
  ES256K: { hash: 'sha256', curve: 'P-256K' },
};

export interface OperationInput {
  alg: string;
  value: Buffer;
}

/** `{alg, value}` from a request body, with base64url checked. */
export function parseOperationBody(body: unknown): OperationInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badParameter('The request body must be a JSON object with alg and value.');
  const raw = body as Record<string, unknown>;
  if (typeof raw.alg !== 'string' || raw.alg === '') throw badParameter('alg is required.');
  if (typeof raw.value !== 'string') throw badParameter('value is required (base64url).');
  const value = fromBase64Url(raw.value);
  if (!value) throw badParameter('value must be base64url encoded.');
  return { alg: raw.alg, value };
}

/** Enabled, inside nbf..exp, and the operation listed in key_ops; otherwise Azure's 403. */
export function assertUsable(version: KeyVersionRecord, operation: KeyOperation, now: number): void {
  if (!version.enabled) throw forbidden('Forbidden', `Operation ${operation} is not allowed on a disabled key.`);
  if (version.notBefore !== undefined && now < version.notBefore)
    throw forbidden('Forbidden', `Operation ${operation} is not allowed on a key that is not yet valid (nbf is in the future).`);
  if (version.expires !== undefined && now >= version.expires) throw forbidden('Forbidden', `Operation ${operation} is not allowed on an expired key.`);
  if (!version.keyOps.includes(operation)) {
    // UNCONFIRMED: status and wording when key_ops excludes the operation.
    throw forbidden('Forbidden', `Operation ${operation} is not permitted on this key: its key_ops are [${version.keyOps.join(', ')}].`);
  }
}

export function encrypt(version: KeyVersionRecord, input: OperationInput): Buffer {
  const alg = rsaEncryptionAlgorithm(version, input.alg);
  const modulusBytes = (version.keySize ?? 2048) / 8;
  const max = alg === 'RSA1_5' ? modulusBytes - 11 : modulusBytes - 2 * (alg === 'RSA-OAEP' ? 20 : 32) - 2;
  if (input.value.length > max) throw badParameter(`The plaintext is ${input.value.length} bytes; ${alg} with a ${version.keySize}-bit key takes at most ${max}.`);
  const key = version.privateKey.publicKeyObject();
  if (alg === 'RSA1_5') return publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, input.value);
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg === 'RSA-OAEP' ? 'sha1' : 'sha256' }, input.value);
}

export function decrypt(version: KeyVersionRecord, input: OperationInput): Buffer {
  const alg = rsaEncryptionAlgorithm(version, input.alg);
  const modulusBytes = (version.keySize ?? 2048) / 8;
  if (input.value.length !== modulusBytes) throw badParameter(`The ciphertext must be ${modulusBytes} bytes for a ${version.keySize}-bit key; it is ${input.value.length}.`);
  const key = version.privateKey.keyObject();
  try {
    if (alg === 'RSA1_5') {
      // Node 20 refuses PKCS#1 v1.5 private decryption (CVE-2023-46809): decrypt raw, unpad by hand.
      const plain = unpadPkcs1v15(privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, input.value));
      if (!plain) throw new Error('bad padding');
      return plain;
    }
    return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg === 'RSA-OAEP' ? 'sha1' : 'sha256' }, input.value);
  } catch {
    throw badParameter('The ciphertext could not be decrypted with this key and algorithm.');
  }
}

export function sign(version: KeyVersionRecord, input: OperationInput): Buffer {
  if (version.kty.startsWith('RSA')) {
    const scheme = RSA_SIGNATURES[input.alg];
    if (!scheme) throw badParameter(`Invalid algorithm ${input.alg} for an RSA key. Supported: ${Object.keys(RSA_SIGNATURES).join(', ')}.`);
    assertDigestLength(input, scheme.hash);
    const key = version.privateKey.keyObject();
    if (scheme.pss) return privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, encodePss(scheme.hash, input.value, version.keySize ?? 2048));
    return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, digestInfo(scheme.hash, input.value));
  }
  const scheme = ecScheme(version, input.alg);
  assertDigestLength(input, scheme.hash);
  const d = version.privateKey.keyObject().export({ format: 'jwk' }).d;
  return signDigest(scheme.curve, Buffer.from(d ?? '', 'base64url'), input.value);
}

export function verify(version: KeyVersionRecord, alg: string, digest: Buffer, signature: Buffer): boolean {
  if (version.kty.startsWith('RSA')) {
    const scheme = RSA_SIGNATURES[alg];
    if (!scheme) throw badParameter(`Invalid algorithm ${alg} for an RSA key. Supported: ${Object.keys(RSA_SIGNATURES).join(', ')}.`);
    assertDigestLength({ alg, value: digest }, scheme.hash);
    const modulusBits = version.keySize ?? 2048;
    if (signature.length !== modulusBits / 8) return false;
    const key = version.privateKey.publicKeyObject();
    try {
      if (scheme.pss) return verifyPss(scheme.hash, digest, publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, signature), modulusBits);
      return publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature).equals(digestInfo(scheme.hash, digest));
    } catch {
      return false;
    }
  }
  const scheme = ecScheme(version, alg);
  assertDigestLength({ alg, value: digest }, scheme.hash);
  if (signature.length !== signatureLength(scheme.curve)) return false;
  const { x, y } = version.publicJwk;
  return verifyDigest(scheme.curve, Buffer.from(x ?? '', 'base64url'), Buffer.from(y ?? '', 'base64url'), digest, signature);
}

function rsaEncryptionAlgorithm(version: KeyVersionRecord, alg: string): EncryptionAlgorithm {
  if (!version.kty.startsWith('RSA')) throw badParameter(`Algorithm ${alg} needs an RSA key; this is an ${version.kty} key, which can only sign and verify.`);
  if (!ENCRYPTION_ALGORITHMS.includes(alg as EncryptionAlgorithm)) {
    throw badParameter(`Invalid algorithm ${alg}. RSA keys support ${ENCRYPTION_ALGORITHMS.join(', ')}.`);
  }
  return alg as EncryptionAlgorithm;
}

function ecScheme(version: KeyVersionRecord, alg: string): { hash: HashName; curve: CurveName } {
  const scheme = EC_SIGNATURES[alg];
  if (!scheme || scheme.curve !== version.curve) {
    const expected = Object.entries(EC_SIGNATURES).find(([, s]) => s.curve === version.curve)?.[0];
    throw badParameter(`Invalid algorithm ${alg} for an EC key on curve ${version.curve}; use ${expected ?? 'a matching ES algorithm'}.`);
  }
  return scheme;
}

function assertDigestLength(input: OperationInput, hash: HashName): void {
  if (input.value.length !== HASH_LENGTH[hash]) {
    throw badParameter(`${input.alg} signs a ${HASH_LENGTH[hash]}-byte ${hash.toUpperCase()} digest; the value is ${input.value.length} bytes.`);
  }
}
