import { json } from '../http/emulatorRequest';
import { type Route, route } from '../http/router';
import { badRequest } from '../model/serviceError';
import type { ControlApi } from './controlApi';

const P = '/_emulator';

/** `/_emulator/*` on the ARM host: the control API over HTTPS (loopback only, no auth). */
export function controlRoutes(control: ControlApi): Route[] {
  const body = async (request: { body(): Promise<unknown> }) => {
    const value = await request.body();
    if (value === undefined) return {} as Record<string, unknown>;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest('InvalidRequestContent', 'The control API takes JSON objects.');
    return value as Record<string, unknown>;
  };
  return [
    route('POST', new RegExp(`^${P}/reset$`), async () => {
      await control.reset();
      return { status: 204 };
    }),
    route('GET', new RegExp(`^${P}/clock$`), async () => json(200, await control.clock())),
    route('POST', new RegExp(`^${P}/clock/advance$`), async (request) => {
      const input = await body(request);
      const ms = Number(input.ms ?? 0) + Number(input.seconds ?? 0) * 1000 + Number(input.days ?? 0) * 86_400_000;
      return json(200, await control.advanceClock(ms));
    }),
    route('PUT', new RegExp(`^${P}/subscriptions/(?<id>[^/]+)/state$`), async (request, { id = '' }) => {
      await control.setSubscriptionState(id, String((await body(request)).state) as never);
      return { status: 204 };
    }),
    route('PUT', new RegExp(`^${P}/subscriptions/(?<id>[^/]+)/features/(?<namespace>[^/]+)/(?<feature>[^/]+)$`), async (request, { id = '', namespace = '', feature = '' }) => {
      await control.setFeatureState(id, `${namespace}/${feature}`, String((await body(request)).state));
      return { status: 204 };
    }),
    route('GET', new RegExp(`^${P}/faults$`), async () => json(200, { value: await control.listFaults() })),
    route('POST', new RegExp(`^${P}/faults$`), async (request) => json(201, await control.injectFault((await body(request)) as never))),
    route('DELETE', new RegExp(`^${P}/faults$`), async () => {
      await control.clearFaults();
      return { status: 204 };
    }),
    route('DELETE', new RegExp(`^${P}/faults/(?<id>[^/]+)$`), async (_request, { id = '' }) => {
      await control.removeFault(id);
      return { status: 204 };
    }),
    route('PUT', new RegExp(`^${P}/regions/(?<region>[^/]+)/hsm$`), async (request, { region = '' }) => {
      await control.setHsmRegion(region, String((await body(request)).poolCreation) as never);
      return { status: 204 };
    }),
    route('GET', new RegExp(`^${P}/state$`), async () => json(200, await control.state())),
    route('GET', new RegExp(`^${P}/requests$`), async () => json(200, { value: await control.requests() })),
    route('DELETE', new RegExp(`^${P}/requests$`), async () => {
      await control.clearRequests();
      return { status: 204 };
    }),
    route('POST', new RegExp(`^${P}/tokens$`), async (request) => json(200, await control.issueToken((await body(request)) as never))),
    route('POST', new RegExp(`^${P}/principals$`), async (request) => {
      await control.addPrincipal((await body(request)) as never);
      return { status: 204 };
    }),
    route('PUT', new RegExp(`^${P}/principals/(?<id>[^/]+)/armPermissions$`), async (request, { id = '' }) => {
      const actions = (await body(request)).actions;
      await control.setArmPermissions(id, actions === undefined ? null : (actions as string[] | null));
      return { status: 204 };
    }),
    route('PUT', new RegExp(`^${P}/options$`), async (request) => {
      await control.setOptions((await body(request)) as never);
      return { status: 204 };
    }),
  ];
}
