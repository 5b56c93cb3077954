import { type EmulatorRequest, type EmulatorResponse, json } from '../http/emulatorRequest';
import { type Route, route } from '../http/router';
import type { EmulatorModel } from '../model/emulatorModel';
import type { Caller } from '../model/modelContext';
import type { OperationRecord } from '../model/records';
import { notFound } from '../model/serviceError';
import { armPage } from './armPaging';
import { deletedManagedHsmJson, managedHsmJson } from './armSerializers';

/** How a long-running Managed HSM operation tells the client to poll. */
export type LroMode = 'location' | 'azure-async-operation';

const KV = String.raw`\/subscriptions\/(?<sub>[^/]+)\/providers\/Microsoft\.KeyVault`;
const HSM = String.raw`\/subscriptions\/(?<sub>[^/]+)\/resourcegroups\/(?<rg>[^/]+)\/providers\/Microsoft\.KeyVault\/managedHSMs\/(?<name>[^/]+)`;

/**
 * Microsoft.KeyVault/managedHSMs. Create, delete and purge are LROs: in `location` mode (what the
 * RP does) the first answer is 202 + Location + Retry-After and polls answer 202 until done, then
 * 200 with the resource (create) or empty (delete, purge). `azure-async-operation` mode is the
 * emulator's own option for clients that handle ARM's other asynchronous pattern (the ARM RPC's
 * Azure-AsyncOperation status resource): the first answer is still the 202 the 2024-11-01 spec
 * declares, with Location, plus Azure-AsyncOperation, which core-lro prefers; that status URL reports
 * InProgress/Succeeded. With a provisioning time of 0 everything completes synchronously: create
 * answers 200 with the resource (the spec declares 200 or 202 for the PUT, never 201).
 */
export function managedHsmRoutes(model: EmulatorModel, lroMode: () => LroMode): Route[] {
  const { hsms } = model;
  const caller = (request: EmulatorRequest) => request.caller as Caller;

  const started = (request: EmulatorRequest, operation: OperationRecord, body: unknown, initialStatus: number): EmulatorResponse => {
    const apiVersion = request.query.get('api-version') ?? '';
    const base = `${request.origin}/subscriptions/${operation.subscriptionId}/providers/Microsoft.KeyVault/locations/${operation.location}`;
    const retryAfter = retryAfterSeconds(operation, model);
    if (lroMode() === 'azure-async-operation') {
      return json(202, body, {
        'azure-asyncoperation': `${base}/operationResults/${operation.id}?api-version=${apiVersion}`,
        location: `${base}/managedHsmOperationResults/${operation.id}?api-version=${apiVersion}`,
        'retry-after': String(retryAfter),
      });
    }
    return json(initialStatus, body, {
      location: `${base}/managedHsmOperationResults/${operation.id}?api-version=${apiVersion}`,
      'retry-after': String(retryAfter),
    });
  };

  return [
    route('POST', new RegExp(`^${KV}/checkMhsmNameAvailability$`, 'i'), async (request, { sub = '' }) => {
      model.subscriptions.get(sub);
      return json(200, hsms.checkNameAvailability(await request.body()));
    }),
    route('GET', new RegExp(`^${KV}/managedHSMs$`, 'i'), (request, { sub = '' }) =>
      json(
        200,
        armPage(
          request,
          hsms.list(sub).map((h) => managedHsmJson(h, request.portSuffix)),
        ),
      ),
    ),
    route(
      'GET',
      new RegExp(`^\\/subscriptions\\/(?<sub>[^/]+)\\/resourcegroups\\/(?<rg>[^/]+)\\/providers\\/Microsoft\\.KeyVault\\/managedHSMs$`, 'i'),
      (request, { sub = '', rg = '' }) =>
        json(
          200,
          armPage(
            request,
            hsms.list(sub, rg).map((h) => managedHsmJson(h, request.portSuffix)),
          ),
        ),
    ),
    route('PUT', new RegExp(`^${HSM}$`, 'i'), async (request, { sub = '', rg = '', name = '' }) => {
      const { hsm, operation } = hsms.createOrUpdate(sub, rg, name, await request.body(), caller(request));
      const body = managedHsmJson(hsm, request.portSuffix);
      if (!operation) return json(200, body);
      return started(request, operation, body, 202);
    }),
    route('PATCH', new RegExp(`^${HSM}$`, 'i'), async (request, { sub = '', rg = '', name = '' }) =>
      json(200, managedHsmJson(hsms.update(sub, rg, name, await request.body(), caller(request)), request.portSuffix)),
    ),
    route('GET', new RegExp(`^${HSM}$`, 'i'), (request, { sub = '', rg = '', name = '' }) => json(200, managedHsmJson(hsms.get(sub, rg, name), request.portSuffix))),
    route('DELETE', new RegExp(`^${HSM}$`, 'i'), (request, { sub = '', rg = '', name = '' }) => {
      const result = hsms.delete(sub, rg, name);
      if (!result) return { status: 204 };
      if (!result.operation) return { status: 200 };
      return started(request, result.operation, undefined, 202);
    }),
    route('GET', new RegExp(`^${KV}/deletedManagedHSMs$`, 'i'), (request, { sub = '' }) => json(200, armPage(request, hsms.listDeleted(sub).map(deletedManagedHsmJson)))),
    route('GET', new RegExp(`^${KV}/locations/(?<location>[^/]+)/deletedManagedHSMs/(?<name>[^/]+)$`, 'i'), (_request, { sub = '', location = '', name = '' }) =>
      json(200, deletedManagedHsmJson(hsms.getDeleted(sub, location, name))),
    ),
    route('POST', new RegExp(`^${KV}/locations/(?<location>[^/]+)/deletedManagedHSMs/(?<name>[^/]+)/purge$`, 'i'), (request, { sub = '', location = '', name = '' }) => {
      const { operation } = hsms.purgeDeleted(sub, location, name);
      return operation ? started(request, operation, undefined, 202) : { status: 200 };
    }),
    // Location-mode polling: 202 while running, then the final answer.
    route('GET', new RegExp(`^${KV}/locations/(?<location>[^/]+)/managedHsmOperationResults/(?<id>[^/]+)$`, 'i'), (request, { id = '' }) => {
      const operation = findOperation(model, id);
      if (!hsms.isOperationDone(operation)) {
        return json(202, undefined, { location: `${request.origin}${request.path}?${request.query.toString()}`, 'retry-after': String(retryAfterSeconds(operation, model)) });
      }
      if (operation.kind !== 'hsmCreate') return { status: 200 };
      // The SDK takes the body of this final 200 as the created resource.
      const hsm = model.context.state.hsms.get(operation.hsmName.toLowerCase());
      return hsm && !hsm.deleted ? json(200, managedHsmJson(hsm, request.portSuffix)) : { status: 200 };
    }),
    // Azure-AsyncOperation polling: a status document.
    route('GET', new RegExp(`^${KV}/locations/(?<location>[^/]+)/operationResults/(?<id>[^/]+)$`, 'i'), (request, { id = '' }) => {
      const operation = findOperation(model, id);
      const done = hsms.isOperationDone(operation);
      return json(
        200,
        {
          id: `${request.path}`,
          name: operation.id,
          status: done ? 'Succeeded' : 'InProgress',
          startTime: new Date(operation.startedAt).toISOString(),
          ...(done ? { endTime: new Date(operation.completesAt).toISOString() } : {}),
        },
        done ? undefined : { 'retry-after': String(retryAfterSeconds(operation, model)) },
      );
    }),
  ];
}

function findOperation(model: EmulatorModel, id: string): OperationRecord {
  const operation = model.hsms.operation(id);
  if (!operation) throw notFound('OperationNotFound', `The operation '${id}' was not found.`);
  return operation;
}

/** At least 1 s: pollers ignore `Retry-After: 0` (it is falsy) and fall back to 2 s. */
function retryAfterSeconds(operation: OperationRecord, model: EmulatorModel): number {
  const remaining = operation.completesAt - model.context.clock.now().getTime();
  return Math.max(1, Math.min(30, Math.ceil(remaining / 1000)));
}
