import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { type Logger, appError } from '../../core';
import { DROP_CONNECTION, type EmulatorRequest, type HandlerResult, readJsonBody } from './emulatorRequest';
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
        reject(appError('PortInUse', `Port ${options.port} on ${options.host} is already in use; the emulator cannot listen there.`, { port: options.port, host: options.host }, error));
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

async function handle(req: IncomingMessage, res: ServerResponse, options: HttpsServerOptions): Promise<void> {
  const started = performance.now();
  const hostHeader = req.headers.host ?? 'localhost';
  const { hostname, portSuffix } = splitHostHeader(hostHeader);
  const url = new URL(req.url ?? '/', 'https://placeholder');
  // Leading repeated slashes (`//providers/...`, the SDK's form for HSM scope "/") mean one slash.
  const path = url.pathname.replace(/^\/{2,}/, '/');
  const hostKind = classifyHost(hostname);
  const clientRequestId = header(req, 'x-ms-client-request-id');
  const invalidBodyCode = hostKind.kind === 'vault' || hostKind.kind === 'hsm' ? 'BadParameter' : 'InvalidRequestContent';
  let bodyPromise: Promise<unknown> | undefined;
  const request: EmulatorRequest = {
    method: (req.method ?? 'GET').toUpperCase(),
    hostKind,
    hostname,
    origin: `https://${hostHeader}`,
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
  const headers: Record<string, string> = {
    'cache-control': 'no-cache',
    'x-ms-request-id': randomUUID(),
    ...(clientRequestId ? { 'x-ms-client-request-id': clientRequestId } : {}),
    ...(hostKind.kind === 'arm' ? { 'x-ms-correlation-request-id': randomUUID() } : {}),
    ...(hostKind.kind === 'vault' || hostKind.kind === 'hsm' ? { 'x-ms-keyvault-service-version': '1.9.0.0', 'x-ms-keyvault-network-info': `conn_type=Ipv4;addr=${req.socket.remoteAddress ?? ''};act_addr_fam=InterNetwork;` } : {}),
    ...(payload ? { 'content-type': 'application/json; charset=utf-8', 'content-length': String(payload.length) } : { 'content-length': '0' }),
    ...(result.headers ?? {}),
  };
  res.writeHead(result.status, headers);
  res.end(request.method === 'HEAD' ? undefined : payload);
  record(result.status);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}
