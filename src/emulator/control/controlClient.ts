import https from 'node:https';
import type { FaultRule, FaultSpec } from '../http/faultInjector';
import type { RequestLogEntry } from '../http/requestLog';
import type { ControlApi, IssuedTestToken, StateSnapshot } from './controlApi';

/**
 * The control API over HTTPS, for a separately running emulator (`npm run emulator`).
 * `armEndpoint` and the CA certificate come from emulator.json.
 */
export function createControlClient(options: { armEndpoint: string; caCertPem?: string }): ControlApi {
  const call = <T>(method: string, path: string, body?: unknown) => request<T>(options, method, path, body);
  return {
    reset: () => call('POST', '/_emulator/reset'),
    advanceClock: (ms) => call('POST', '/_emulator/clock/advance', { ms }),
    clock: () => call('GET', '/_emulator/clock'),
    setSubscriptionState: (id, state) => call('PUT', `/_emulator/subscriptions/${encodeURIComponent(id)}/state`, { state }),
    setFeatureState: (id, feature, state) => call('PUT', `/_emulator/subscriptions/${encodeURIComponent(id)}/features/${feature}`, { state }),
    injectFault: (spec: FaultSpec) => call<FaultRule>('POST', '/_emulator/faults', spec),
    listFaults: async () => (await call<{ value: FaultRule[] }>('GET', '/_emulator/faults')).value,
    removeFault: (id) => call('DELETE', `/_emulator/faults/${encodeURIComponent(id)}`),
    clearFaults: () => call('DELETE', '/_emulator/faults'),
    setHsmRegion: (region, poolCreation) => call('PUT', `/_emulator/regions/${encodeURIComponent(region)}/hsm`, { poolCreation }),
    state: () => call<StateSnapshot>('GET', '/_emulator/state'),
    requests: async () => (await call<{ value: RequestLogEntry[] }>('GET', '/_emulator/requests')).value,
    clearRequests: () => call('DELETE', '/_emulator/requests'),
    issueToken: (input) => call<IssuedTestToken>('POST', '/_emulator/tokens', input),
    addPrincipal: (input) => call('POST', '/_emulator/principals', input),
    setArmPermissions: (objectId, actions) => call('PUT', `/_emulator/principals/${encodeURIComponent(objectId)}/armPermissions`, { actions }),
    setOptions: (input) => call('PUT', '/_emulator/options', input),
  };
}

function request<T>(options: { armEndpoint: string; caCertPem?: string }, method: string, path: string, body?: unknown): Promise<T> {
  const url = new URL(path, options.armEndpoint);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise<T>((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ...(options.caCertPem ? { ca: options.caCertPem } : {}),
        headers: { accept: 'application/json', ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const parsed = text ? (JSON.parse(text) as unknown) : undefined;
          if ((res.statusCode ?? 500) >= 400) {
            const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
            reject(
              Object.assign(new Error(`${method} ${path} failed: ${res.statusCode} ${error?.code ?? ''} ${error?.message ?? ''}`.trim()), {
                statusCode: res.statusCode,
                code: error?.code,
              }),
            );
            return;
          }
          resolve(parsed as T);
        });
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}
