import { setTimeout as sleep } from 'node:timers/promises';
import type { TokenService } from '../identity/tokenService';
import { IDENTITY_PATH } from '../identity/identityHandlers';
import type { EmulatorModel } from '../model/emulatorModel';
import { type KeyHost, hsmContainer, vaultContainer } from '../model/keyContainer';
import { type Plane, authenticate, bearerToken, missingTokenResponse } from './authentication';
import { DROP_CONNECTION, type EmulatorRequest, type EmulatorResponse, type HandlerResult } from './emulatorRequest';
import { azureError, errorToResponse } from './errorResponses';
import type { FaultEffect, FaultInjector } from './faultInjector';
import { type Route, matchRoute } from './router';

export interface DispatcherDependencies {
  model: EmulatorModel;
  tokens: TokenService;
  faults: FaultInjector;
  identity: (request: EmulatorRequest) => EmulatorResponse;
  routes: { control: Route[]; arm: Route[]; dataPlane: Route[]; hsmDataPlane: Route[]; graph: Route[] };
  /** Persists what the request changed. */
  flush: () => void;
}

const ARM_API_VERSION = /^\d{4}-\d{2}-\d{2}(-(preview|alpha|beta|privatepreview))?$/i;
const KEYVAULT_API_VERSION = /^(\d+\.\d+(-preview(\.\d+)?)?|\d{4}-\d{2}-\d{2}(-preview)?)$/i;
const PROVIDER_ERROR = "Resource provider 'Microsoft.KeyVault' failed to return collection response for type 'deletedManagedHSMs'.";

/**
 * The request pipeline, in Azure's order: host → (control API, identity endpoint) → bearer present?
 * (the data-plane 401 challenge goes out before the body is read) → armed faults → time-driven
 * transitions → api-version → token validation → route → handler → persist.
 */
export function createDispatcher(deps: DispatcherDependencies): (request: EmulatorRequest) => Promise<HandlerResult> {
  const { model } = deps;

  const dispatch = async (request: EmulatorRequest): Promise<HandlerResult> => {
    const { hostKind } = request;
    if (hostKind.kind === 'unknown') {
      return azureError(
        404,
        'NotFound',
        `No Azure service is emulated at host '${request.hostname}'. Use localhost (ARM), graph.localhost, <vault>.vault.localhost or <hsm>.managedhsm.localhost.`,
      );
    }
    if (hostKind.kind === 'arm' && request.path.startsWith('/_emulator/')) {
      if (!isLoopback(request.remoteAddress)) return azureError(403, 'Forbidden', 'The emulator control API answers loopback clients only.');
      return runRoutes(deps.routes.control, request, 'control');
    }
    const isIdentity = hostKind.kind === 'arm' && IDENTITY_PATH.test(request.path);
    const plane: Plane = hostKind.kind === 'vault' ? 'vault' : hostKind.kind === 'hsm' ? 'hsm' : hostKind.kind === 'graph' ? 'graph' : 'arm';
    let token: string | undefined;
    if (!isIdentity) {
      await model.advance();
      if (hostKind.kind === 'vault' || hostKind.kind === 'hsm') {
        const keyHost = resolveKeyHost(model, hostKind);
        if (!keyHost) {
          return azureError(
            404,
            'VaultNotFound',
            `No ${hostKind.kind === 'vault' ? 'vault' : 'provisioned managed HSM'} named '${hostKind.name}' exists (in Azure this host name would not resolve).`,
          );
        }
        request.keyHost = keyHost;
      }
      token = bearerToken(request.headers);
      if (!token) return missingTokenResponse(plane, request.keyHost?.tenantId ?? model.context.state.meta.tenantId);
    }

    const fault = deps.faults.take(request.method, request.hostname, request.path);
    if (fault) {
      const faulted = await applyFault(fault, plane);
      if (faulted) return faulted;
    }
    if (isIdentity) return deps.identity(request);

    if (plane !== 'graph') {
      const apiVersion = request.query.get('api-version');
      if (!apiVersion) return azureError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
      if (plane === 'arm' && !ARM_API_VERSION.test(apiVersion)) {
        return azureError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid. The supported versions are dates such as '2026-02-01' or '2022-12-01'.`);
      }
      if (plane !== 'arm' && !KEYVAULT_API_VERSION.test(apiVersion)) {
        return azureError(400, 'BadParameter', `The specified version (${apiVersion}) is not recognized. Consider using the latest supported version (2025-07-01).`);
      }
    }
    const authentication = authenticate(plane, token as string, deps.tokens, model.principals, request.keyHost?.tenantId ?? model.context.state.meta.tenantId);
    if ('response' in authentication) return authentication.response;
    request.caller = authentication.caller;

    const routes =
      plane === 'arm' ? deps.routes.arm : plane === 'graph' ? deps.routes.graph : plane === 'hsm' ? [...deps.routes.hsmDataPlane, ...deps.routes.dataPlane] : deps.routes.dataPlane;
    return runRoutes(routes, request, plane);
  };

  return async (request) => {
    try {
      return await dispatch(request);
    } finally {
      // Whatever the request (or the time-driven transitions before it) changed reaches disk.
      deps.flush();
    }
  };
}

async function runRoutes(routes: Route[], request: EmulatorRequest, plane: string): Promise<HandlerResult> {
  const match = matchRoute(routes, request.method, request.path);
  if (!match) {
    return azureError(
      501,
      'NotImplementedByEmulator',
      `The Keyward Azure emulator does not implement ${request.method} ${request.path} on the ${plane} endpoint. This is a gap in the emulator, not an Azure error; see docs/emulator.md for what is covered.`,
    );
  }
  try {
    return await match.route.handler(request, match.params);
  } catch (error) {
    const { response, unexpected } = errorToResponse(error);
    if (unexpected) throw error;
    return response;
  }
}

function resolveKeyHost(model: EmulatorModel, hostKind: { kind: 'vault' | 'hsm'; name: string }): KeyHost | undefined {
  if (hostKind.kind === 'vault') {
    const vault = model.vaults.findActive(hostKind.name);
    return vault ? { kind: 'vault', vault, container: vaultContainer(vault), tenantId: vault.tenantId } : undefined;
  }
  const hsm = model.hsms.findServing(hostKind.name);
  return hsm ? { kind: 'hsm', hsm, container: hsmContainer(hsm), tenantId: hsm.tenantId } : undefined;
}

async function applyFault(effect: FaultEffect, plane: Plane): Promise<HandlerResult | undefined> {
  switch (effect.type) {
    case 'latency':
      await sleep(effect.ms);
      return undefined;
    case 'drop':
      return DROP_CONNECTION;
    case 'providerError':
      return azureError(500, 'ProviderError', PROVIDER_ERROR);
    case 'status': {
      const retryAfter = effect.retryAfterSeconds ?? (effect.status === 429 ? 1 : undefined);
      return azureError(
        effect.status,
        effect.code ?? defaultCode(effect.status, plane),
        effect.message ?? defaultMessage(effect.status, retryAfter),
        undefined,
        retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : undefined,
      );
    }
    default:
      return undefined;
  }
}

function defaultCode(status: number, plane: Plane): string {
  if (status === 429) return plane === 'vault' || plane === 'hsm' ? 'Throttled' : 'TooManyRequests';
  if (status === 503) return 'ServiceUnavailable';
  if (status >= 500) return 'InternalServerError';
  return 'BadRequest';
}

function defaultMessage(status: number, retryAfter: number | undefined): string {
  if (status === 429) return `Request was not processed because too many requests were received. Retry after ${retryAfter ?? 1} seconds. (injected by the emulator control API)`;
  return `The service returned ${status}. (injected by the emulator control API)`;
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
