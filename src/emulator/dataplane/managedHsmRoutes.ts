import { type EmulatorRequest, json } from '../http/emulatorRequest';
import { type Route, route } from '../http/router';
import type { EmulatorModel } from '../model/emulatorModel';
import { type HsmRoleDefinitionView, normalizeScope } from '../model/hsmRbacService';
import type { KeyHost } from '../model/keyContainer';
import type { Caller } from '../model/modelContext';
import { nameKey } from '../model/names';
import type { HsmRoleAssignmentRecord } from '../model/records';
import { buildSecurityDomain } from '../model/securityDomain';
import { forbidden, notFound, notImplemented } from '../model/serviceError';
import { authorizeHsmAction } from './keyHostAccess';

const H = 'Microsoft.KeyVault/managedHsm';
/** `{scope}/providers/...` with scope '', `/keys` or `/keys/<name>`; the SDK may send `//providers` for `/`. */
const SCOPE = String.raw`(?<scope>(?:\/[^/]+)*?)\/+providers\/Microsoft\.Authorization`;

/** Managed HSM only: local RBAC (role definitions and assignments) and the security domain. */
export function managedHsmDataPlaneRoutes(model: EmulatorModel): Route[] {
  const rbac = model.hsmRbac;
  const scopeOf = (raw: string) => normalizeScope(raw === '' ? '/' : raw);

  return [
    route('GET', new RegExp(`^${SCOPE}/roleAssignments/?$`, 'i'), (request, { scope = '' }) => {
      const target = scopeOf(scope);
      const host = authorizeHsmAction(model, request, `${H}/roleAssignments/read/action`, target);
      return json(200, { value: rbac.listAssignments(host.hsm, target, request.query.get('$filter') ?? undefined).map(assignmentJson) });
    }),
    route('GET', new RegExp(`^${SCOPE}/roleAssignments/(?<name>[^/]+)$`, 'i'), (request, { scope = '', name = '' }) => {
      const target = scopeOf(scope);
      const host = authorizeHsmAction(model, request, `${H}/roleAssignments/read/action`, target);
      return json(200, assignmentJson(rbac.getAssignment(host.hsm, target, name)));
    }),
    route('PUT', new RegExp(`^${SCOPE}/roleAssignments/(?<name>[^/]+)$`, 'i'), async (request, { scope = '', name = '' }) => {
      const target = scopeOf(scope);
      const host = authorizeHsmAction(model, request, `${H}/roleAssignments/write/action`, target);
      // Exactly 201: the SDK accepts no other status for this call.
      return json(201, assignmentJson(rbac.putAssignment(host.hsm, target, name, await request.body())));
    }),
    route('DELETE', new RegExp(`^${SCOPE}/roleAssignments/(?<name>[^/]+)$`, 'i'), (request, { scope = '', name = '' }) => {
      const target = scopeOf(scope);
      const host = authorizeHsmAction(model, request, `${H}/roleAssignments/delete/action`, target);
      return json(200, assignmentJson(rbac.deleteAssignment(host.hsm, target, name)));
    }),
    route('GET', new RegExp(`^${SCOPE}/roleDefinitions/?$`, 'i'), (request, { scope = '' }) => {
      const host = authorizeHsmAction(model, request, `${H}/roleDefinitions/read/action`, scopeOf(scope));
      return json(200, { value: rbac.listDefinitions(host.hsm).map(definitionJson) });
    }),
    route('GET', new RegExp(`^${SCOPE}/roleDefinitions/(?<name>[^/]+)$`, 'i'), (request, { scope = '', name = '' }) => {
      const host = authorizeHsmAction(model, request, `${H}/roleDefinitions/read/action`, scopeOf(scope));
      return json(200, definitionJson(rbac.getDefinition(host.hsm, name)));
    }),
    route('PUT', new RegExp(`^${SCOPE}/roleDefinitions/(?<name>[^/]+)$`, 'i'), async (request, { scope = '', name = '' }) => {
      const host = authorizeHsmAction(model, request, `${H}/roleDefinitions/write/action`, scopeOf(scope));
      return json(201, definitionJson(rbac.putDefinition(host.hsm, name, await request.body())));
    }),
    route('DELETE', new RegExp(`^${SCOPE}/roleDefinitions/(?<name>[^/]+)$`, 'i'), (request, { scope = '', name = '' }) => {
      const host = authorizeHsmAction(model, request, `${H}/roleDefinitions/delete/action`, scopeOf(scope));
      return json(200, definitionJson(rbac.deleteDefinition(host.hsm, name)));
    }),

    // Security domain download activates the HSM. Only Administrators (initial admins) may do it.
    route('POST', /^\/securitydomain\/download$/i, async (request) => {
      const host = hsmHost(request);
      model.authorizer.authorizeHsm(host.hsm, request.caller as Caller, `${H}/securitydomain/download/action`, '/');
      const now = model.context.clock.now().getTime();
      const result = buildSecurityDomain(host.hsm, await request.body(), now);
      host.hsm.activated = true;
      host.hsm.securityDomain = { downloadedAt: now, required: result.required, officerCount: result.officerCount };
      model.context.state.markDirty('hsm', nameKey(host.hsm.name));
      const apiVersion = request.query.get('api-version') ?? '';
      return json(
        202,
        { value: result.document },
        {
          'azure-asyncoperation': `${request.origin}/securitydomain/download/pending?api-version=${apiVersion}`,
          'retry-after': '1',
        },
      );
    }),
    route('GET', /^\/securitydomain\/download\/pending$/i, (request) => {
      const host = hsmHost(request);
      model.authorizer.authorizeHsm(host.hsm, request.caller as Caller, `${H}/securitydomain/download/action`, '/');
      if (!host.hsm.securityDomain) throw notFound('NotFound', 'No security domain download has been requested for this managed HSM.');
      return json(200, { status: 'Success', status_details: 'The security domain download operation completed successfully. The HSM is activated.' });
    }),
    route(['GET', 'POST'], /^\/securitydomain\/upload(?:\/pending)?$/i, () => {
      throw notImplemented('security domain upload (restoring a security domain into a new HSM)');
    }),
    route('GET', /^\/securitydomain\/transferkey$/i, () => {
      throw notImplemented('the security domain transfer key');
    }),
  ];
}

function hsmHost(request: EmulatorRequest): Extract<KeyHost, { kind: 'hsm' }> {
  const host = request.keyHost;
  if (host?.kind !== 'hsm') throw forbidden('Forbidden', 'The security domain exists on Managed HSM only.');
  return host;
}

function assignmentJson(assignment: HsmRoleAssignmentRecord) {
  const prefix = assignment.scope === '/' ? '' : assignment.scope;
  return {
    id: `${prefix}/providers/Microsoft.Authorization/roleAssignments/${assignment.name}`,
    name: assignment.name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: { scope: assignment.scope, roleDefinitionId: assignment.roleDefinitionId, principalId: assignment.principalId },
  };
}

function definitionJson(definition: HsmRoleDefinitionView) {
  return {
    id: `Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/${definition.name}`,
    name: definition.name,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName: definition.roleName,
      description: definition.description,
      type: definition.type,
      permissions: [{ actions: [], notActions: [], dataActions: definition.dataActions, notDataActions: definition.notDataActions }],
      assignableScopes: definition.assignableScopes,
    },
  };
}
