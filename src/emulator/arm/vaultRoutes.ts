import { json } from '../http/emulatorRequest';
import { type Route, route } from '../http/router';
import type { Caller } from '../model/modelContext';
import type { EmulatorModel } from '../model/emulatorModel';
import { armPage } from './armPaging';
import { accessPolicyUpdateJson, deletedVaultJson, vaultJson } from './armSerializers';

const KV = String.raw`\/subscriptions\/(?<sub>[^/]+)\/providers\/Microsoft\.KeyVault`;
const VAULT = String.raw`\/subscriptions\/(?<sub>[^/]+)\/resourcegroups\/(?<rg>[^/]+)\/providers\/Microsoft\.KeyVault\/vaults\/(?<name>[^/]+)`;

/** Microsoft.KeyVault/vaults and deletedVaults. */
export function vaultRoutes(model: EmulatorModel): Route[] {
  const { vaults } = model;
  const caller = (request: { caller?: Caller }) => request.caller as Caller;
  return [
    route('POST', new RegExp(`^${KV}/checkNameAvailability$`, 'i'), async (request, { sub = '' }) => {
      model.subscriptions.get(sub);
      return json(200, vaults.checkNameAvailability(await request.body()));
    }),
    route('GET', new RegExp(`^${KV}/vaults$`, 'i'), (request, { sub = '' }) =>
      json(
        200,
        armPage(
          request,
          vaults.list(sub).map((v) => vaultJson(v, request.portSuffix)),
        ),
      ),
    ),
    route(
      'GET',
      new RegExp(`^\\/subscriptions\\/(?<sub>[^/]+)\\/resourcegroups\\/(?<rg>[^/]+)\\/providers\\/Microsoft\\.KeyVault\\/vaults$`, 'i'),
      (request, { sub = '', rg = '' }) =>
        json(
          200,
          armPage(
            request,
            vaults.list(sub, rg).map((v) => vaultJson(v, request.portSuffix)),
          ),
        ),
    ),
    route('PUT', new RegExp(`^${VAULT}$`, 'i'), async (request, { sub = '', rg = '', name = '' }) => {
      const { vault, created } = vaults.createOrUpdate(sub, rg, name, await request.body(), caller(request));
      return json(created ? 201 : 200, vaultJson(vault, request.portSuffix));
    }),
    route('PATCH', new RegExp(`^${VAULT}$`, 'i'), async (request, { sub = '', rg = '', name = '' }) =>
      json(200, vaultJson(vaults.update(sub, rg, name, await request.body(), caller(request)), request.portSuffix)),
    ),
    route('GET', new RegExp(`^${VAULT}$`, 'i'), (request, { sub = '', rg = '', name = '' }) => json(200, vaultJson(vaults.get(sub, rg, name), request.portSuffix))),
    route('DELETE', new RegExp(`^${VAULT}$`, 'i'), (_request, { sub = '', rg = '', name = '' }) => ({ status: vaults.delete(sub, rg, name) ? 200 : 204 })),
    route('PUT', new RegExp(`^${VAULT}/accessPolicies/(?<kind>[^/]+)$`, 'i'), async (request, { sub = '', rg = '', name = '', kind = '' }) => {
      const { vault, policies } = vaults.updateAccessPolicies(sub, rg, name, kind, await request.body(), caller(request));
      return json(200, accessPolicyUpdateJson(vault, kind, policies));
    }),
    route('GET', new RegExp(`^${KV}/deletedVaults$`, 'i'), (request, { sub = '' }) => json(200, armPage(request, vaults.listDeleted(sub).map(deletedVaultJson)))),
    route('GET', new RegExp(`^${KV}/locations/(?<location>[^/]+)/deletedVaults/(?<name>[^/]+)$`, 'i'), (_request, { sub = '', location = '', name = '' }) =>
      json(200, deletedVaultJson(vaults.getDeleted(sub, location, name))),
    ),
    // Purge completes synchronously (200); the SDK's poller accepts a terminal 200 without polling.
    route('POST', new RegExp(`^${KV}/locations/(?<location>[^/]+)/deletedVaults/(?<name>[^/]+)/purge$`, 'i'), (_request, { sub = '', location = '', name = '' }) => {
      vaults.purgeDeleted(sub, location, name);
      return { status: 200 };
    }),
  ];
}
