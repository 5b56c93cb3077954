import { json } from '../http/emulatorRequest';
import { type Route, route } from '../http/router';
import type { EmulatorModel } from '../model/emulatorModel';
import { LOCATIONS } from '../model/locations';
import { badRequest } from '../model/serviceError';
import { armPage } from './armPaging';
import { featureJson, genericResourceJson, managedHsmJson, resourceGroupJson, subscriptionJson, vaultJson } from './armSerializers';

const SUB = String.raw`\/subscriptions\/(?<sub>[^/]+)`;
const RG = String.raw`\/resourcegroups\/(?<rg>[^/]+)`;
const FEATURE = String.raw`\/providers\/Microsoft\.Features\/providers\/(?<namespace>[^/]+)\/features\/(?<feature>[^/]+)`;

/** Subscriptions, tenants, locations, resource groups, feature registrations, the generic resource list. */
export function subscriptionRoutes(model: EmulatorModel): Route[] {
  const { subscriptions } = model;
  return [
    route('GET', /^\/subscriptions$/i, (request) => json(200, armPage(request, subscriptions.list().map(subscriptionJson)))),
    route('GET', /^\/tenants$/i, () =>
      json(200, {
        value: [
          {
            id: `/tenants/${model.context.state.meta.tenantId}`,
            tenantId: model.context.state.meta.tenantId,
            tenantCategory: 'Home',
            displayName: 'Keyward local tenant',
            defaultDomain: 'contoso.example',
          },
        ],
      }),
    ),
    route('GET', new RegExp(`^${SUB}$`, 'i'), (_request, { sub = '' }) => json(200, subscriptionJson(subscriptions.get(sub)))),
    route('GET', new RegExp(`^${SUB}/locations$`, 'i'), (_request, { sub = '' }) => {
      const subscription = subscriptions.get(sub);
      return json(200, {
        value: LOCATIONS.map((l) => ({
          id: `/subscriptions/${subscription.id}/locations/${l.name}`,
          name: l.name,
          displayName: l.displayName,
          regionalDisplayName: l.displayName,
          type: 'Region',
          metadata: {
            regionType: 'Physical',
            regionCategory: 'Recommended',
            pairedRegion: [{ name: l.pairedRegion, id: `/subscriptions/${subscription.id}/locations/${l.pairedRegion}` }],
          },
        })),
      });
    }),

    route('GET', new RegExp(`^${SUB}/resourcegroups$`, 'i'), (request, { sub = '' }) => json(200, armPage(request, subscriptions.listResourceGroups(sub).map(resourceGroupJson)))),
    route('PUT', new RegExp(`^${SUB}${RG}$`, 'i'), async (request, { sub = '', rg = '' }) => {
      const { group, created } = subscriptions.putResourceGroup(sub, rg, bodyObject(await request.body()));
      return json(created ? 201 : 200, resourceGroupJson(group));
    }),
    route('GET', new RegExp(`^${SUB}${RG}$`, 'i'), (_request, { sub = '', rg = '' }) => json(200, resourceGroupJson(subscriptions.getResourceGroup(sub, rg)))),
    route('HEAD', new RegExp(`^${SUB}${RG}$`, 'i'), (_request, { sub = '', rg = '' }) => {
      try {
        subscriptions.getResourceGroup(sub, rg);
        return { status: 204 };
      } catch {
        return { status: 404 };
      }
    }),
    route('DELETE', new RegExp(`^${SUB}${RG}$`, 'i'), (_request, { sub = '', rg = '' }) => {
      // Deleting a group deletes what it holds: vaults and HSMs go to soft-deleted state.
      for (const vault of model.vaults.list(sub, rg)) model.vaults.delete(sub, rg, vault.name);
      for (const hsm of model.hsms.list(sub, rg)) model.hsms.delete(sub, rg, hsm.name);
      return { status: subscriptions.deleteResourceGroup(sub, rg) ? 200 : 204 };
    }),

    // The generic resource list; @azure/arm-keyvault's vaults.list() uses it with a resourceType filter.
    route('GET', new RegExp(`^${SUB}/resources$`, 'i'), (request, { sub = '' }) => {
      const filter = request.query.get('$filter');
      const type = filter ? /resourceType\s+eq\s+'([^']+)'/i.exec(filter)?.[1]?.toLowerCase() : undefined;
      if (filter && !type) throw badRequest('InvalidFilterInQueryString', `The $filter '${filter}' is not supported by the emulator; use resourceType eq '<type>'.`);
      const resources = [
        ...(type === undefined || type === 'microsoft.keyvault/vaults' ? model.vaults.list(sub).map((v) => vaultJson(v, request.portSuffix)) : []),
        ...(type === undefined || type === 'microsoft.keyvault/managedhsms' ? model.hsms.list(sub).map((h) => managedHsmJson(h, request.portSuffix)) : []),
      ].map(genericResourceJson);
      return json(200, armPage(request, resources));
    }),

    route('GET', new RegExp(`^${SUB}/providers/Microsoft\\.Features/features$`, 'i'), (_request, { sub = '' }) =>
      json(200, { value: subscriptions.listFeatures(sub).map((f) => featureJson(subscriptions.get(sub).id, f.name, f.state)) }),
    ),
    route('GET', new RegExp(`^${SUB}/providers/Microsoft\\.Features/providers/(?<namespace>[^/]+)/features$`, 'i'), (_request, { sub = '', namespace = '' }) =>
      json(200, {
        value: subscriptions
          .listFeatures(sub)
          .filter((f) => f.name.toLowerCase().startsWith(`${namespace.toLowerCase()}/`))
          .map((f) => featureJson(subscriptions.get(sub).id, f.name, f.state)),
      }),
    ),
    route('GET', new RegExp(`^${SUB}${FEATURE}$`, 'i'), (_request, { sub = '', namespace = '', feature = '' }) => {
      const name = `${namespace}/${feature}`;
      return json(200, featureJson(subscriptions.get(sub).id, canonicalName(name), subscriptions.featureState(sub, name)));
    }),
    route('POST', new RegExp(`^${SUB}${FEATURE}/register$`, 'i'), (_request, { sub = '', namespace = '', feature = '' }) => {
      const name = `${namespace}/${feature}`;
      return json(200, featureJson(subscriptions.get(sub).id, canonicalName(name), subscriptions.registerFeature(sub, name)));
    }),
    route('POST', new RegExp(`^${SUB}${FEATURE}/unregister$`, 'i'), (_request, { sub = '', namespace = '', feature = '' }) => {
      const name = `${namespace}/${feature}`;
      return json(200, featureJson(subscriptions.get(sub).id, canonicalName(name), subscriptions.unregisterFeature(sub, name)));
    }),
  ];
}

function canonicalName(name: string): string {
  return name.toLowerCase() === 'microsoft.resources/mandatoryretentionperiodenabled' ? 'Microsoft.Resources/mandatoryRetentionPeriodEnabled' : name;
}

/** ARM bodies must be JSON objects; a missing body reads as {}. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('InvalidRequestContent', 'The request content must be a JSON object.');
  return body as Record<string, unknown>;
}
