import type { IncomingHttpHeaders } from 'node:http';
import type { TokenService } from '../identity/tokenService';
import type { PrincipalDirectory } from '../model/principalDirectory';
import type { Caller } from '../model/modelContext';
import type { EmulatorResponse } from './emulatorRequest';
import { azureError } from './errorResponses';

export type Plane = 'arm' | 'vault' | 'hsm' | 'graph';

/** The challenge resource per data plane: the SDK checks the vault host ends with it. */
export const CHALLENGE_RESOURCE = { vault: 'https://vault.localhost', hsm: 'https://managedhsm.localhost' } as const;

const AUDIENCES: Record<Exclude<Plane, 'arm'>, readonly string[]> = {
  vault: ['https://vault.localhost', 'https://vault.azure.net'],
  hsm: ['https://managedhsm.localhost', 'https://managedhsm.azure.net'],
  graph: ['https://graph.microsoft.com', 'https://graph.localhost', '00000003-0000-0000-c000-000000000000'],
};

export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  if (typeof value !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}

export function challengeHeader(plane: 'vault' | 'hsm', tenantId: string): string {
  return `Bearer authorization="https://login.microsoftonline.com/${tenantId}", resource="${CHALLENGE_RESOURCE[plane]}"`;
}

/** What a request without a bearer token gets; on the data planes this is the SDK's cue to authenticate. */
export function missingTokenResponse(plane: Plane, tenantId: string): EmulatorResponse {
  switch (plane) {
    case 'vault':
    case 'hsm':
      return azureError(401, 'Unauthorized', 'AKV10000: Request is missing a Bearer, PoP, or MTLS_POP token.', undefined, { 'www-authenticate': challengeHeader(plane, tenantId) });
    case 'graph':
      return azureError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    default:
      return azureError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", undefined, {
        'www-authenticate': `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`,
      });
  }
}

/**
 * Validates a bearer token for a plane: signature, lifetime, tenant, and (data planes, Graph) the
 * audience. ARM accepts any audience, so clients need not change their credential scopes.
 */
export function authenticate(
  plane: Plane,
  token: string,
  tokens: TokenService,
  principals: PrincipalDirectory,
  expectedTenantId: string,
): { caller: Caller } | { response: EmulatorResponse } {
  const check = tokens.check(token);
  const fail = (code: string, message: string) => ({ response: failure(plane, code, message, expectedTenantId) });
  if (!check.ok) {
    if (check.reason === 'expired') {
      return plane === 'arm'
        ? fail(
            'ExpiredAuthenticationToken',
            `The access token expiry UTC time '${new Date((check.claims?.exp ?? 0) * 1000).toUTCString()}' is earlier than current UTC time '${new Date().toUTCString()}'.`,
          )
        : fail('Unauthorized', 'AKV10021: The access token has expired.');
    }
    if (check.reason === 'notYetValid') return fail(plane === 'arm' ? 'InvalidAuthenticationToken' : 'Unauthorized', 'The access token is not yet valid (nbf is in the future).');
    return fail(
      plane === 'arm' ? 'InvalidAuthenticationToken' : plane === 'graph' ? 'InvalidAuthenticationToken' : 'Unauthorized',
      'The access token is invalid: it was not issued by this emulator or has been altered.',
    );
  }
  const { claims } = check;
  if (claims.tid.toLowerCase() !== expectedTenantId.toLowerCase()) {
    return plane === 'arm'
      ? fail(
          'InvalidAuthenticationTokenTenant',
          `The access token is from the wrong issuer 'https://sts.windows.net/${claims.tid}/'. It must match the tenant 'https://sts.windows.net/${expectedTenantId}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${expectedTenantId}' to get the token.`,
        )
      : fail('Unauthorized', `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${expectedTenantId}/, found https://sts.windows.net/${claims.tid}/.`);
  }
  if (plane !== 'arm') {
    const audience = claims.aud.replace(/\/+$/, '').toLowerCase();
    if (!AUDIENCES[plane].includes(audience)) {
      return plane === 'graph'
        ? fail('InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.')
        : fail('Unauthorized', `AKV10022: Invalid audience. Expected ${AUDIENCES[plane][0]}, found: ${claims.aud}.`);
    }
  }
  const principal = principals.byObjectId(claims.oid);
  return {
    caller: {
      objectId: claims.oid.toLowerCase(),
      tenantId: claims.tid.toLowerCase(),
      ...(claims.appid ? { appId: claims.appid.toLowerCase() } : {}),
      kind: principal?.kind ?? (claims.idtyp === 'user' ? 'User' : 'ServicePrincipal'),
    },
  };
}

function failure(plane: Plane, code: string, message: string, tenantId: string): EmulatorResponse {
  if (plane === 'vault' || plane === 'hsm') return azureError(401, code, message, undefined, { 'www-authenticate': challengeHeader(plane, tenantId) });
  if (plane === 'arm') {
    return azureError(401, code, message, undefined, {
      'www-authenticate': `Bearer authorization_uri="https://login.windows.net/${tenantId}", error="invalid_token", error_description="${code}"`,
    });
  }
  return azureError(401, code, message);
}
