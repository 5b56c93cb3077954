import type { TokenCredential } from '@azure/core-auth';
import { appError } from '../core';

export interface TokenIdentity {
  objectId: string;
  tenantId?: string;
  appId?: string;
}

/**
 * Who a credential is, from the claims of a token it obtains (oid, tid, appid). Keyward uses it to
 * learn its writer identity's object id — what Azure grants to — without another setting. The
 * token is read, never verified or logged: it is Keyward's own, fresh from its credential.
 */
export async function tokenIdentity(credential: TokenCredential, scope = 'https://management.azure.com/.default'): Promise<TokenIdentity> {
  const token = await credential.getToken(scope);
  if (!token) throw appError('AzureUnauthorized', 'Keyward could not obtain a token for its managed identity.');
  const payload = token.token.split('.')[1];
  if (!payload) throw appError('AzureUnauthorized', "The token of Keyward's identity is not a JWT; cannot tell its object id.");
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { oid?: string; tid?: string; appid?: string; azp?: string };
  if (!claims.oid) throw appError('AzureUnauthorized', "The token of Keyward's identity carries no object id (oid).");
  return { objectId: claims.oid.toLowerCase(), tenantId: claims.tid, appId: claims.appid ?? claims.azp };
}
