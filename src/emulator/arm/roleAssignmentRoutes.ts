import { json } from '../http/emulatorRequest';
import { type Route, route } from '../http/router';
import type { EmulatorModel } from '../model/emulatorModel';
import type { Caller } from '../model/modelContext';
import { roleDefinitionId } from '../model/roleAssignmentService';
import { notFound } from '../model/serviceError';
import { roleAssignmentJson } from './armSerializers';

const SCOPE = String.raw`(?<scope>\/subscriptions\/[^/]+(?:\/.*?)?)`;

/** Microsoft.Authorization role assignments and (built-in) role definitions at any supported scope. */
export function roleAssignmentRoutes(model: EmulatorModel): Route[] {
  const service = model.roleAssignments;
  const subscriptionOf = (scope: string) => service.resolveScope(scope).subscriptionId;
  return [
    route('PUT', new RegExp(`^${SCOPE}/providers/Microsoft\\.Authorization/roleAssignments/(?<name>[^/]+)$`, 'i'), async (request, { scope = '', name = '' }) => {
      const { assignment } = service.put(scope, name, await request.body(), request.caller as Caller);
      return json(201, roleAssignmentJson(assignment, subscriptionOf(scope)));
    }),
    route('GET', new RegExp(`^${SCOPE}/providers/Microsoft\\.Authorization/roleAssignments/(?<name>[^/]+)$`, 'i'), (_request, { scope = '', name = '' }) =>
      json(200, roleAssignmentJson(service.get(scope, name), subscriptionOf(scope))),
    ),
    route('DELETE', new RegExp(`^${SCOPE}/providers/Microsoft\\.Authorization/roleAssignments/(?<name>[^/]+)$`, 'i'), (_request, { scope = '', name = '' }) => {
      const deleted = service.delete(scope, name);
      return deleted ? json(200, roleAssignmentJson(deleted, subscriptionOf(scope))) : { status: 204 };
    }),
    route('GET', new RegExp(`^${SCOPE}/providers/Microsoft\\.Authorization/roleAssignments$`, 'i'), (request, { scope = '' }) =>
      json(200, { value: service.list(scope, request.query.get('$filter') ?? undefined).map((a) => roleAssignmentJson(a, subscriptionOf(scope))) }),
    ),
    route('GET', new RegExp(`^${SCOPE}/providers/Microsoft\\.Authorization/roleDefinitions$`, 'i'), (_request, { scope = '' }) => {
      const subscriptionId = subscriptionOf(scope);
      return json(200, { value: service.listRoleDefinitions().map((d) => roleDefinitionJson(subscriptionId, d)) });
    }),
    route('GET', new RegExp(`^${SCOPE}/providers/Microsoft\\.Authorization/roleDefinitions/(?<id>[^/]+)$`, 'i'), (_request, { scope = '', id = '' }) => {
      const subscriptionId = subscriptionOf(scope);
      const definition = service.listRoleDefinitions().find((d) => d.id === id.toLowerCase());
      if (!definition) throw notFound('RoleDefinitionDoesNotExist', `The role definition '${id}' could not be found.`);
      return json(200, roleDefinitionJson(subscriptionId, definition));
    }),
  ];
}

function roleDefinitionJson(
  subscriptionId: string,
  definition: { id: string; roleName: string; description: string; dataActions: readonly string[]; notDataActions: readonly string[] },
) {
  return {
    id: roleDefinitionId(subscriptionId, definition.id),
    name: definition.id,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName: definition.roleName,
      type: 'BuiltInRole',
      description: definition.description,
      assignableScopes: ['/'],
      permissions: [{ actions: [], notActions: [], dataActions: definition.dataActions, notDataActions: definition.notDataActions }],
    },
  };
}
