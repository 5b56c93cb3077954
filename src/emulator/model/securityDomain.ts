import { X509Certificate, constants, createCipheriv, createHash, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import { fromBase64Url, toBase64Url } from '../crypto/base64url';
import { splitSecret } from '../crypto/shamir';
import type { ManagedHsmRecord } from './records';
import { badParameter } from './serviceError';

/**
 * Builds the security domain a Managed HSM hands out on activation. The real format is
 * undocumented; this one follows its shape (EncData + SharedKeys with `enc_shares` and `required`)
 * and its cryptography: a fresh 32-byte domain secret is split with Shamir's scheme into one share
 * per officer, each share is encrypted to that officer's RSA public key (compact JWE, RSA-OAEP-256 +
 * A256GCM), and the domain data is encrypted under the secret (JWE `dir` + A256GCM). Only public
 * keys come in; any `required` officers can rebuild the secret with their private keys; no private
 * key the caller did not already hold ever appears in it.
 */
export interface SecurityDomainResult {
  document: string;
  required: number;
  officerCount: number;
}

interface Officer {
  publicKey: ReturnType<typeof createPublicKey>;
  kid: string;
  thumbprint: string;
}

export function buildSecurityDomain(hsm: ManagedHsmRecord, body: unknown, now: number): SecurityDomainResult {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badParameter('The request body must be a JSON object with certificates and required.');
  const raw = body as Record<string, unknown>;
  const certificates = raw.certificates;
  if (!Array.isArray(certificates) || certificates.length < 3 || certificates.length > 10) {
    throw badParameter('certificates must list between 3 and 10 security domain officer certificates (JWK with n, e and x5c).');
  }
  const required = raw.required;
  if (typeof required !== 'number' || !Number.isInteger(required) || required < 2 || required > 10) {
    throw badParameter('required (the quorum) must be an integer from 2 to 10.');
  }
  if (required > certificates.length) throw badParameter(`required (${required}) cannot exceed the number of certificates (${certificates.length}).`);
  const officers = certificates.map(parseOfficer);
  if (new Set(officers.map((o) => o.thumbprint)).size !== officers.length) throw badParameter('Each security domain officer certificate must be different.');

  const secret = randomBytes(32);
  const shares = splitSecret(secret, officers.length, required);
  const domainData = {
    hsm: hsm.name,
    hsmId: hsm.uid,
    createdAt: new Date(now).toISOString(),
    // Stands for the HSM's internal key-encryption keys: secrets of the HSM, not of any caller.
    domainKeys: [toBase64Url(randomBytes(32)), toBase64Url(randomBytes(32))],
  };
  const document = {
    EncData: { data: [{ compact_jwe: directJwe(secret, JSON.stringify(domainData)), tag: 'keyward-emulator-domain' }], kdf: 'sp108_kdf' },
    SharedKeys: {
      enc_shares: shares.map((share, index) => {
        const officer = officers[index] as Officer;
        return {
          enc_key: rsaJwe(officer, JSON.stringify({ x: share.x, y: toBase64Url(share.y) })),
          x5t_256: officer.thumbprint,
        };
      }),
      required,
    },
    version: '1.0.0',
    emulator: 'Keyward Azure emulator security domain: Shamir shares over GF(256), one per officer, each a JWE to the officer certificate.',
  };
  return { document: JSON.stringify(document), required, officerCount: officers.length };
}

function parseOfficer(value: unknown, index: number): Officer {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badParameter(`certificates[${index}] must be a JWK object.`);
  const jwk = value as Record<string, unknown>;
  if (jwk.kty !== 'RSA' && jwk.kty !== 'RSA-HSM') throw badParameter(`certificates[${index}].kty must be RSA.`);
  const n = typeof jwk.n === 'string' ? fromBase64Url(jwk.n) : undefined;
  const e = typeof jwk.e === 'string' ? fromBase64Url(jwk.e) : undefined;
  if (!n || !e || n.length === 0) throw badParameter(`certificates[${index}] needs n and e (base64url).`);
  const chain = jwk.x5c;
  if (!Array.isArray(chain) || typeof chain[0] !== 'string') throw badParameter(`certificates[${index}].x5c must hold the officer's certificate (base64 DER).`);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(chain[0], 'base64'));
  } catch {
    throw badParameter(`certificates[${index}].x5c[0] is not a valid X.509 certificate.`);
  }
  const certificateKey = certificate.publicKey.export({ format: 'jwk' });
  if (certificateKey.kty !== 'RSA' || certificateKey.n !== toBase64Url(stripLeadingZeros(n)) || certificateKey.e !== toBase64Url(stripLeadingZeros(e))) {
    throw badParameter(`certificates[${index}]: n and e do not match the public key of the certificate in x5c.`);
  }
  const publicKey = certificate.publicKey;
  if ((publicKey.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw badParameter(`certificates[${index}] must hold an RSA key of at least 2048 bits.`);
  return {
    publicKey,
    kid: typeof jwk.kid === 'string' ? jwk.kid : `officer-${index}`,
    thumbprint: createHash('sha256').update(certificate.raw).digest('base64url'),
  };
}

function rsaJwe(officer: Officer, plaintext: string): string {
  const header = toBase64Url(Buffer.from(JSON.stringify({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: officer.kid, 'x5t#S256': officer.thumbprint })));
  const cek = randomBytes(32);
  const encryptedKey = publicEncrypt({ key: officer.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, cek);
  return gcmJwe(header, encryptedKey, cek, plaintext);
}

function directJwe(key: Buffer, plaintext: string): string {
  const header = toBase64Url(Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM' })));
  return gcmJwe(header, Buffer.alloc(0), key, plaintext);
}

function gcmJwe(header: string, encryptedKey: Buffer, key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(header, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [header, toBase64Url(encryptedKey), toBase64Url(iv), toBase64Url(ciphertext), toBase64Url(cipher.getAuthTag())].join('.');
}

function stripLeadingZeros(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  return bytes.subarray(start);
}
