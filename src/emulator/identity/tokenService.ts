import { type KeyObject, createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import { type JwtClaims, keyIdFor, signJwt, verifyJwt } from '../crypto/jwt';
import type { PrincipalRecord } from '../model/records';

/** The Azure CLI's application id: the `appid` a user's token carries. */
const AZURE_CLI_APP_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const CACHE_LIMIT = 10_000;

export interface TokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  oid: string;
  sub: string;
  tid: string;
  appid?: string;
  idtyp: 'app' | 'user';
  ver: '1.0';
  uti: string;
  xms_mirid?: string;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: 'invalid' | 'expired' | 'notYetValid'; claims?: TokenClaims };

export interface IssuedToken {
  accessToken: string;
  expiresOn: number;
  expiresIn: number;
  notBefore: number;
}

/**
 * Mints and checks RS256 access tokens. Token times use the wall clock, not the emulator's
 * shiftable clock: clients (MSAL) cache tokens by real time, so a time shift for retention tests
 * must not invalidate every cached token. Verified tokens are cached so the hot path (wrap/unwrap)
 * pays one signature check per token, not per request.
 */
export class TokenService {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly keyId: string;
  private readonly verified = new Map<string, TokenClaims>();

  constructor(signingKeyPem: string) {
    this.privateKey = createPrivateKey(signingKeyPem);
    this.publicKey = createPublicKey(this.privateKey);
    this.keyId = keyIdFor(this.privateKey);
  }

  issue(principal: PrincipalRecord, tenantId: string, resource: string, lifetimeSeconds = 3600): IssuedToken {
    const now = Math.floor(Date.now() / 1000);
    const claims: TokenClaims = {
      aud: resource,
      iss: `https://sts.windows.net/${tenantId}/`,
      iat: now,
      nbf: now - 300,
      exp: now + lifetimeSeconds,
      oid: principal.objectId,
      sub: principal.objectId,
      tid: tenantId,
      appid: principal.clientId ?? (principal.kind === 'User' ? AZURE_CLI_APP_ID : undefined),
      idtyp: principal.kind === 'User' ? 'user' : 'app',
      ver: '1.0',
      uti: randomUUID().replace(/-/g, ''),
      ...(principal.kind === 'ManagedIdentity'
        ? {
            xms_mirid: `/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/local/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${principal.displayName}`,
          }
        : {}),
    };
    return { accessToken: signJwt(claims as unknown as JwtClaims, this.privateKey, this.keyId), expiresOn: claims.exp, expiresIn: lifetimeSeconds, notBefore: claims.nbf };
  }

  check(token: string): TokenCheck {
    let claims = this.verified.get(token);
    if (!claims) {
      const parsed = verifyJwt(token, this.publicKey);
      if (!parsed || !isTokenClaims(parsed)) return { ok: false, reason: 'invalid' };
      claims = parsed;
      if (this.verified.size >= CACHE_LIMIT) this.verified.clear();
      this.verified.set(token, claims);
    }
    const now = Math.floor(Date.now() / 1000);
    if (now >= claims.exp) return { ok: false, reason: 'expired', claims };
    if (now < claims.nbf) return { ok: false, reason: 'notYetValid', claims };
    return { ok: true, claims };
  }
}

function isTokenClaims(value: JwtClaims): value is JwtClaims & TokenClaims {
  return typeof value.aud === 'string' && typeof value.oid === 'string' && typeof value.tid === 'string' && typeof value.exp === 'number' && typeof value.nbf === 'number';
}
