import { KeyObject, createHash, createPublicKey, sign, verify } from 'node:crypto';

/** Minimal RS256 JWS compact serialisation for the emulator's access tokens. */
export type JwtClaims = Record<string, unknown>;

export function signJwt(claims: JwtClaims, privateKey: KeyObject, keyId: string): string {
  const header = { typ: 'JWT', alg: 'RS256', kid: keyId, x5t: keyId };
  const signingInput = `${encode(header)}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url');
  return `${signingInput}.${signature}`;
}

/** Returns the claims when the signature checks out, otherwise undefined (never throws on input). */
export function verifyJwt(token: string, publicKey: KeyObject): JwtClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  try {
    const parsedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown };
    if (parsedHeader.alg !== 'RS256') return undefined;
    if (!verify('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'))) return undefined;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? (claims as JwtClaims) : undefined;
  } catch {
    return undefined;
  }
}

/** Key id derived from the public key, so tokens name the key that verifies them. */
export function keyIdFor(privateKey: KeyObject): string {
  const der = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url').slice(0, 27);
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
