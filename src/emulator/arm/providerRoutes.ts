import { json } from '../http/emulatorRequest';
import { type Route, route } from '../http/router';
import type { EmulatorModel } from '../model/emulatorModel';
import { LOCATIONS } from '../model/locations';
import type { Caller } from '../model/modelContext';
import { notFound } from '../model/serviceError';

const SUB = String.raw`\/subscriptions\/(?<sub>[^/]+)`;
const ALL_LOCATIONS = LOCATIONS.map((l) => l.displayName);

/** Resource providers the emulator serves, with the resource types ARM lists for them. */
const PROVIDERS: Record<string, { namespace: string; resourceTypes: Array<{ resourceType: string; locations: string[]; apiVersions: string[] }> }> = {
  'microsoft.keyvault': {
    namespace: 'Microsoft.KeyVault',
    resourceTypes: [
      { resourceType: 'vaults', locations: ALL_LOCATIONS, apiVersions: ['2026-02-01', '2024-11-01', '2023-07-01'] },
      { resourceType: 'managedHSMs', locations: ALL_LOCATIONS, apiVersions: ['2026-02-01', '2024-11-01', '2023-07-01'] },
      { resourceType: 'deletedVaults', locations: [], apiVersions: ['2026-02-01', '2024-11-01'] },
      { resourceType: 'deletedManagedHSMs', locations: [], apiVersions: ['2026-02-01', '2024-11-01'] },
      { resourceType: 'checkNameAvailability', locations: [], apiVersions: ['2026-02-01', '2024-11-01'] },
      { resourceType: 'checkMhsmNameAvailability', locations: [], apiVersions: ['2026-02-01', '2024-11-01'] },
    ],
  },
  'microsoft.resources': { namespace: 'Microsoft.Resources', resourceTypes: [{ resourceType: 'resourceGroups', locations: ALL_LOCATIONS, apiVersions: ['2021-04-01'] }] },
  'microsoft.features': { namespace: 'Microsoft.Features', resourceTypes: [{ resourceType: 'features', locations: [], apiVersions: ['2021-07-01'] }] },
  'microsoft.authorization': { namespace: 'Microsoft.Authorization', resourceTypes: [{ resourceType: 'roleAssignments', locations: [], apiVersions: ['2022-04-01'] }] },
};

/**
 * Resource provider registration (always Registered) and `{scope}/providers/Microsoft.Authorization/permissions`.
 * The emulator does not enforce ARM permissions: every valid token may manage resources, so
 * `permissions` reports `actions: ["*"]` unless the control API narrows it for a principal (to test
 * a preflight that reads permissions), plus the data actions of the caller's role assignments.
 */
export function providerRoutes(model: EmulatorModel): Route[] {
  const providerJson = (subscriptionId: string, key: string) => {
    const provider = PROVIDERS[key.toLowerCase()];
    if (!provider) throw notFound('InvalidResourceNamespace', `The resource namespace '${key}' is invalid.`);
    return {
      id: `/subscriptions/${subscriptionId}/providers/${provider.namespace}`,
      namespace: provider.namespace,
      registrationState: 'Registered',
      registrationPolicy: 'RegistrationRequired',
      resourceTypes: provider.resourceTypes,
    };
  };
  return [
    route('GET', new RegExp(`^${SUB}/providers$`, 'i'), (_request, { sub = '' }) => {
      const id = model.subscriptions.get(sub).id;
      return json(200, { value: Object.keys(PROVIDERS).map((key) => providerJson(id, key)) });
    }),
    route('GET', new RegExp(`^${SUB}/providers/(?<namespace>[^/]+)$`, 'i'), (_request, { sub = '', namespace = '' }) =>
      json(200, providerJson(model.subscriptions.get(sub).id, namespace)),
    ),
    route('POST', new RegExp(`^${SUB}/providers/(?<namespace>[^/]+)/register$`, 'i'), (_request, { sub = '', namespace = '' }) => {
      model.subscriptions.assertWritable(sub);
      return json(200, providerJson(model.subscriptions.get(sub).id, namespace));
    }),
    route('GET', new RegExp(`^(?<scope>${SUB}(?:\\/.*?)?)/providers/Microsoft\\.Authorization/permissions$`, 'i'), (request, { scope = '' }) =>
      json(200, { value: model.roleAssignments.permissionsAt(scope, request.caller as Caller) }),
    ),
  ];
}
