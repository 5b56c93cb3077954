import { randomUUID } from 'node:crypto';
import { type EmulatorRequest, type EmulatorResponse, json } from '../http/emulatorRequest';
import { type Route, route } from '../http/router';
import type { EmulatorModel } from '../model/emulatorModel';
import type { PrincipalRecord } from '../model/records';
import { LOCAL_PEOPLE } from '../../core';

/**
 * The sliver of Microsoft Graph Keyward needs: service principals by appId (to turn the
 * Microsoft 365 apps' well-known app ids into this tenant's object ids) and by object id, and
 * users by object id (the people pickers' choices are checked against the directory, and
 * `npm run doctor` checks the approval policy's people against the tenant).
 */
export function graphRoutes(model: EmulatorModel): Route[] {
  const servicePrincipals = () => model.principals.list().filter((p) => p.clientId !== undefined);
  const context = (request: EmulatorRequest) => `${request.origin}/v1.0/$metadata#servicePrincipals`;
  return [
    route('GET', /^\/v1\.0\/servicePrincipals\(appId='(?<appId>[^']*)'\)$/i, (request, { appId = '' }) => {
      const principal = model.principals.byClientId(appId);
      if (!principal?.clientId) return graphNotFound(request, `servicePrincipals(appId='${appId}')`);
      return json(200, { '@odata.context': `${context(request)}/$entity`, ...servicePrincipalJson(principal) });
    }),
    route('GET', /^\/v1\.0\/servicePrincipals$/i, (request) => {
      const filter = request.query.get('$filter');
      let items = servicePrincipals();
      if (filter) {
        const appId = /^appId\s+eq\s+'([^']*)'$/i.exec(filter.trim())?.[1];
        if (appId === undefined) {
          return graphError(400, 'Request_UnsupportedQuery', `The emulator supports only $filter=appId eq '<id>' on servicePrincipals; got '${filter}'.`, request);
        }
        items = items.filter((p) => p.clientId === appId.toLowerCase());
      }
      return json(200, { '@odata.context': context(request), value: items.map(servicePrincipalJson) });
    }),
    // https://learn.microsoft.com/graph/api/user-get: a user of the tenant by id (or UPN); 404
    // Request_ResourceNotFound for anyone else, service principals included.
    route('GET', /^\/v1\.0\/users\/(?<id>[^/]+)$/i, (request, { id = '' }) => {
      const key = decodeURIComponent(id).toLowerCase();
      const principal = model.principals.list().find((p) => p.kind === 'User' && (p.objectId === key || upnOf(p)?.toLowerCase() === key));
      if (!principal) return graphNotFound(request, decodeURIComponent(id));
      return json(200, { '@odata.context': `${request.origin}/v1.0/$metadata#users/$entity`, ...userJson(principal) });
    }),
    route('GET', /^\/v1\.0\/servicePrincipals\/(?<id>[^/]+)$/i, (request, { id = '' }) => {
      const principal = model.principals.byObjectId(id);
      if (!principal?.clientId) return graphNotFound(request, id);
      return json(200, { '@odata.context': `${context(request)}/$entity`, ...servicePrincipalJson(principal) });
    }),
  ];
}

/** The playground people have a UPN in core's local tenant; other users get none. */
function upnOf(principal: PrincipalRecord): string | undefined {
  return Object.values(LOCAL_PEOPLE).find((person) => person.objectId === principal.objectId)?.upn;
}

function userJson(principal: PrincipalRecord) {
  const upn = upnOf(principal);
  return { id: principal.objectId, displayName: principal.displayName, ...(upn ? { userPrincipalName: upn, mail: upn } : {}), accountEnabled: true };
}

function servicePrincipalJson(principal: PrincipalRecord) {
  return {
    id: principal.objectId,
    appId: principal.clientId,
    displayName: principal.displayName,
    servicePrincipalType: principal.kind === 'ManagedIdentity' ? 'ManagedIdentity' : 'Application',
    accountEnabled: true,
  };
}

function graphNotFound(request: EmulatorRequest, resource: string): EmulatorResponse {
  return graphError(404, 'Request_ResourceNotFound', `Resource '${resource}' does not exist or one of its queried reference-property objects are not present.`, request);
}

/** Graph's error envelope carries an innerError with date and request ids. */
export function graphError(status: number, code: string, message: string, request: EmulatorRequest): EmulatorResponse {
  return json(status, {
    error: {
      code,
      message,
      innerError: { date: new Date().toISOString(), 'request-id': randomUUID(), 'client-request-id': request.clientRequestId ?? randomUUID() },
    },
  });
}
