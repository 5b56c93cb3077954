import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { type Logger, appError } from '../../core';
import { DROP_CONNECTION, type EmulatorRequest, type HandlerResult, type HostKind, readJsonBody } from './emulatorRequest';
import { azureError } from './errorResponses';
import { classifyHost, splitHostHeader } from './hostRouting';
import type { RequestLog } from './requestLog';

export interface HttpsServerOptions {
  certPem: string;
  keyPem: string;
  host: string;
  port: number;
  logger: Logger;
  requestLog: RequestLog;
  dispatch: (request: EmulatorRequest) => Promise<HandlerResult>;
  keepProcessAlive: boolean;
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/**
 * One HTTPS listener for every emulated host. Builds the request view (host routing, origin echo,
 * lazy body), runs the dispatcher, writes the JSON answer with Azure's usual headers, and records
 * one request-log line (never headers, bodies or tokens).
 */
export async function startHttpsServer(options: HttpsServerOptions): Promise<RunningServer> {
  const server = https.createServer({ cert: options.certPem, key: options.keyPem, keepAliveTimeout: 30_000 }, (req, res) => {
    void handle(req, res, options);
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(
          appError('PortInUse', `Port ${options.port} on ${options.host} is already in use; the emulator cannot listen there.`, { port: options.port, host: options.host }, error),
        );
      } else {
        reject(error);
      }
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port, options.host);
  });
  server.on('error', (error) => options.logger.error({ error: error.message }, 'emulator server error'));
  if (!options.keepProcessAlive) {
    server.unref();
    // Accepted connections would hold the process open too.
    server.on('secureConnection', (socket) => socket.unref());
  }
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Key Vault's version string in recorded answers (recording_wrap_and_unwrap_with_rsaoaep_on_a_rsahsm_key.json). */
const KEYVAULT_SERVICE_VERSION = '1.9.3347.1';

async function handle(req: IncomingMessage, res: ServerResponse, options: HttpsServerOptions): Promise<void> {
  const started = performance.now();
  const hostHeader = req.headers.host;
  const { hostname, portSuffix } = splitHostHeader(hostHeader ?? '');
  // Origin-form targets are parsed as a path on a fixed origin: `new URL('//providers/…', base)`
  // would read `//providers` as a host (the spec's form of HSM role calls at scope "/").
  const target = req.url ?? '/';
  let url: URL;
  try {
    url = new URL(target.startsWith('/') ? `https://placeholder${target}` : target);
  } catch {
    res.writeHead(400, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
    res.end(JSON.stringify({ error: { code: 'InvalidUri', message: 'The request target is not a valid path.' } }));
    return;
  }
  // Leading repeated slashes (`//providers/...`, the SDK's form for HSM scope "/") mean one slash.
  const path = url.pathname.replace(/^\/{2,}/, '/');
  const hostKind = classifyHost(hostname);
  const foreign = refusal(hostHeader, hostKind, req.headers.origin);
  if (foreign) {
    // Before anything else, the body unread: a page that rebinds its own name to 127.0.0.1 (DNS
    // rebinding), or another site's script, must not reach the token endpoint or the control API.
    options.logger.warn({ host: hostHeader ?? null, origin: req.headers.origin ?? null, path }, 'emulator refused a request not addressed to it');
    const body = Buffer.from(JSON.stringify(foreign.body));
    res.writeHead(foreign.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length), connection: 'close' });
    res.end(body);
    return;
  }
  const clientRequestId = header(req, 'x-ms-client-request-id');
  const invalidBodyCode = hostKind.kind === 'vault' || hostKind.kind === 'hsm' ? 'BadParameter' : 'InvalidRequestContent';
  let bodyPromise: Promise<unknown> | undefined;
  const request: EmulatorRequest = {
    method: (req.method ?? 'GET').toUpperCase(),
    hostKind,
    hostname,
    origin: `https://${hostHeader ?? 'localhost'}`,
    portSuffix,
    path,
    query: url.searchParams,
    headers: req.headers,
    clientRequestId,
    remoteAddress: req.socket.remoteAddress,
    raw: req,
    body: () => (bodyPromise ??= readJsonBody(req, invalidBodyCode)),
  };

  let result: HandlerResult;
  try {
    result = await options.dispatch(request);
  } catch (error) {
    options.logger.error({ method: request.method, host: hostname, path, error: error instanceof Error ? error.message : String(error) }, 'emulator request failed');
    result = azureError(500, 'InternalServerError', 'The emulator failed unexpectedly while handling this request; the emulator log has the details.');
  }

  const record = (status: number) => {
    // Control-API calls are not Azure traffic: keep them out of the log tests and benchmarks count.
    if (hostKind.kind === 'arm' && path.startsWith('/_emulator/')) return;
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    options.requestLog.add({
      at: new Date().toISOString(),
      method: request.method,
      host: hostname,
      path,
      ...(url.searchParams.get('api-version') ? { apiVersion: url.searchParams.get('api-version') as string } : {}),
      status,
      ...(clientRequestId ? { clientRequestId } : {}),
      ...(request.caller?.objectId ? { callerObjectId: request.caller.objectId } : {}),
      durationMs,
    });
    options.logger.debug({ method: request.method, host: hostname, path, status, durationMs }, 'emulator request');
  };

  if (result === DROP_CONNECTION) {
    record(0);
    req.socket.destroy();
    return;
  }
  const payload = result.body === undefined ? undefined : Buffer.from(JSON.stringify(result.body));
  const region = request.keyHost ? (request.keyHost.kind === 'vault' ? request.keyHost.vault.location : request.keyHost.hsm.location) : undefined;
  const headers: Record<string, string> = {
    'cache-control': 'no-cache',
    pragma: 'no-cache',
    expires: '-1',
    'x-ms-request-id': randomUUID(),
    ...(clientRequestId ? { 'x-ms-client-request-id': clientRequestId } : {}),
    ...(hostKind.kind === 'arm' ? { 'x-ms-correlation-request-id': randomUUID() } : {}),
    // The Key Vault headers of recorded real answers (Azure/azure-sdk-assets, keyvault-keys recordings).
    ...(hostKind.kind === 'vault' || hostKind.kind === 'hsm'
      ? {
          'strict-transport-security': 'max-age=31536000;includeSubDomains',
          'x-content-type-options': 'nosniff',
          'x-ms-keyvault-service-version': KEYVAULT_SERVICE_VERSION,
          'x-ms-keyvault-network-info': `conn_type=Ipv4;addr=${req.socket.remoteAddress ?? ''};act_addr_fam=InterNetwork;`,
          ...(region ? { 'x-ms-keyvault-region': region } : {}),
        }
      : {}),
    ...(payload ? { 'content-type': 'application/json; charset=utf-8', 'content-length': String(payload.length) } : { 'content-length': '0' }),
    ...(result.headers ?? {}),
  };
  res.writeHead(result.status, headers);
  res.end(request.method === 'HEAD' ? undefined : payload);
  record(result.status);
}

/**
 * The emulator answers only requests addressed to it: a Host that is one of its own names or a
 * loopback address (anything else, or none, is 421 Misdirected Request), and no browser Origin
 * other than its own (403). The Azure SDKs send neither a foreign Host nor an Origin.
 */
function refusal(hostHeader: string | undefined, hostKind: HostKind, origin: string | string[] | undefined): { status: number; body: unknown } | undefined {
  if (hostKind.kind === 'unknown') {
    return {
      status: 421,
      body: {
        error: {
          code: 'MisdirectedRequest',
          message: `The Keyward Azure emulator answers only requests addressed to it (Host localhost, 127.0.0.1, [::1], management.localhost, graph.localhost, <vault>.vault.localhost or <hsm>.managedhsm.localhost); this one named ${hostHeader === undefined || hostHeader === '' ? 'no host' : `'${hostHeader}'`}.`,
        },
      },
    };
  }
  if (origin === undefined) return undefined;
  const value = Array.isArray(origin) ? origin[0] : origin;
  let originHost: string | undefined;
  try {
    originHost = value && value !== 'null' ? new URL(value).hostname : undefined;
  } catch {
    originHost = undefined;
  }
  if (originHost !== undefined && classifyHost(originHost).kind !== 'unknown') return undefined;
  return {
    status: 403,
    body: {
      error: { code: 'Forbidden', message: `The Keyward Azure emulator does not answer pages from other origins ('${value ?? ''}'); Azure SDK clients send no Origin header.` },
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}
