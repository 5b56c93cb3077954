import type { EmulatorModel } from '../model/emulatorModel';
import type { PrincipalRecord } from '../model/records';
import type { EmulatorRequest, EmulatorResponse } from '../http/emulatorRequest';
import type { TokenService } from './tokenService';

/** Paths the managed-identity token endpoint answers on (IMDS adds a trailing slash). */
export const IDENTITY_PATH = /^\/(?:metadata\/identity\/oauth2\/token|msi\/token)\/?$/i;

export interface IdentityEndpointOptions {
  identityHeader: () => string;
}

/**
 * The managed-identity token endpoint in both forms @azure/identity speaks:
 * App Service (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`, secret in `x-identity-header`) and IMDS
 * (`AZURE_POD_IDENTITY_AUTHORITY_HOST`, `Metadata: true`). The caller must name the identity —
 * `client_id`, `object_id`/`principal_id` or `mi_res_id`/`msi_res_id` — and it must exist in the
 * emulated directory as a managed identity or a service principal (so a test can act as "Office
 * 365 Exchange Online"); people get no managed-identity token. As in Azure, where a host with only
 * user-assigned identities (Keyward's writer and reader) has no default identity, a request naming
 * none is refused rather than answered with someone's token.
 */
export function createIdentityHandler(model: EmulatorModel, tokens: TokenService, options: IdentityEndpointOptions) {
  return (request: EmulatorRequest): EmulatorResponse => {
    if (request.method !== 'GET') return oauthError(405, 'invalid_request', 'The token endpoint only answers GET.');
    const secret = request.headers['x-identity-header'];
    const appService = secret !== undefined;
    if (appService) {
      if (secret !== options.identityHeader())
        return oauthError(401, 'invalid_request', 'The x-identity-header value is missing or wrong; use IDENTITY_HEADER from emulator.json.');
    } else if (String(request.headers.metadata ?? '').toLowerCase() !== 'true') {
      return oauthError(400, 'invalid_request', 'Required metadata header not specified');
    }
    if (!request.query.get('api-version')) return oauthError(400, 'invalid_request', "Required query variable 'api-version' is missing");
    const resource = request.query.get('resource');
    if (!resource) return oauthError(400, 'invalid_request', "Required query variable 'resource' is missing");

    const named = namedIdentity(request.query);
    if (!named) {
      return oauthError(
        400,
        'invalid_request',
        'Identity not found: name the managed identity with client_id (ManagedIdentityCredential({ clientId }), or managedIdentityClientId), object_id or mi_res_id; this emulator has no default identity.',
      );
    }
    const principal = findPrincipal(model, named);
    // IMDS's answer for an identity that is not assigned to the caller; people are never one.
    if (!principal || principal.kind === 'User') return oauthError(400, 'invalid_request', 'Identity not found');
    const issued = tokens.issue(principal, model.context.state.meta.tenantId, resource.replace(/\/$/, ''));
    return {
      status: 200,
      body: {
        access_token: issued.accessToken,
        expires_on: String(issued.expiresOn),
        expires_in: String(issued.expiresIn),
        ext_expires_in: String(issued.expiresIn),
        not_before: String(issued.notBefore),
        resource,
        token_type: 'Bearer',
        ...(principal.clientId ? { client_id: principal.clientId } : {}),
      },
    };
  };
}

type NamedIdentity = { by: 'clientId' | 'objectId' | 'resourceId'; value: string };

function namedIdentity(query: URLSearchParams): NamedIdentity | undefined {
  const clientId = query.get('client_id') ?? query.get('clientid');
  if (clientId) return { by: 'clientId', value: clientId };
  const objectId = query.get('object_id') ?? query.get('principal_id');
  if (objectId) return { by: 'objectId', value: objectId };
  const resourceId = query.get('mi_res_id') ?? query.get('msi_res_id');
  if (resourceId) return { by: 'resourceId', value: resourceId };
  return undefined;
}

function findPrincipal(model: EmulatorModel, named: NamedIdentity): PrincipalRecord | undefined {
  switch (named.by) {
    case 'clientId':
      return model.principals.byClientId(named.value);
    case 'objectId':
      return model.principals.byObjectId(named.value);
    default:
      return model.principals.byResourceId(named.value);
  }
}

function oauthError(status: number, error: string, description: string): EmulatorResponse {
  return { status, body: { error, error_description: description } };
}
