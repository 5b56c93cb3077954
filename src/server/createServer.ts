import restify from 'restify';
import { AppError, appError, hostOfHostHeader, isAppError, isLoopbackHost, isLoopbackUrl, systemClock, toAppError, type Clock, type Logger } from '../core';
import { activityTenant, MAX_ACTIVITY_BYTES, parseActivityBody } from './activityRequest';
import { RefusalLog } from './refusalLog';
import { activityFacts, tracedRequest } from './requestTelemetry';

/**
 * What the server needs from the bot: run one HTTP request through the Bot Framework adapter.
 * `admit` must be called after the request is authenticated and before the turn runs: it checks
 * what only an authenticated caller may learn about (the tenant allow-list), and throws to refuse.
 */
export type ActivityHandler = (req: restify.Request, res: restify.Response, admit: () => void) => Promise<void>;

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  mode: 'local' | 'production';
  store: 'ok' | 'unavailable';
  emulator?: 'reachable' | 'unreachable';
}

/** /readyz: may this instance take traffic (see src/app/readiness.ts). */
export interface ReadinessAnswer {
  status: 'ready' | 'notReady';
  checks: Record<string, { ok: boolean; detail: string; checkedAt?: string }>;
}

export interface ServerOptions {
  host: string;
  port: number;
  /** Name of the variable that sets the port, for the "port in use" message. */
  portVariable: string;
  handleActivity: ActivityHandler;
  health(): Promise<HealthReport>;
  /** GET /readyz (absent: /readyz answers as /healthz does). */
  ready?(): Promise<ReadinessAnswer>;
  /** Tenants served; `requireTenant` refuses activities that name none (production). */
  allowedTenants: readonly string[];
  requireTenant: boolean;
  logger: Logger;
  /**
   * Local mode (anonymous): answer only requests addressed to a loopback Host (421 otherwise: a
   * web page using DNS rebinding, or anything arriving through a proxy or tunnel) and reply only
   * to a loopback serviceUrl (a forged one would send the bot's replies anywhere).
   */
  loopbackOnly?: boolean;
  /** Time for the refusal log's rate limit (default: the system clock). */
  clock?: Clock;
  /**
   * Records refused requests in the audit log, under the refusal log's rate limit (an unauthenticated
   * flood must not fill the audit log): each logged refusal, and the count of those that were not.
   * Must not throw; it is not awaited.
   */
  auditRefusal?(event: { code: string; status: number; message: string; details: Record<string, unknown> }): Promise<void>;
  /** GET /downloads/<token>: short-lived links to generated scripts (see src/server/downloads.ts). */
  downloads?: { serve(token: string): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> };
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, waits for in-flight requests up to `graceMs`, then closes. */
  stop(graceMs: number): Promise<void>;
  inFlight(): number;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const server = restify.createServer({ name: 'keyward', handleUncaughtExceptions: false });
  let inFlight = 0;
  let stopping = false;

  const auditing = new Set<Promise<void>>();
  const refusals = new RefusalLog(options.logger, options.clock ?? systemClock, {}, (record) => {
    if (!options.auditRefusal) return;
    const event =
      'dropped' in record
        ? { code: 'RefusalsNotLogged', status: 0, message: `${record.dropped} more refused requests (rate limit)`, details: { dropped: record.dropped, byCode: record.byCode } }
        : { code: record.fields.code, status: Number(record.fields.status ?? 0), message: record.message, details: record.fields };
    const done: Promise<void> = options
      .auditRefusal(event)
      .catch((error: unknown) => options.logger.error({ err: toAppError(error).message }, 'could not audit a refused request'))
      .finally(() => auditing.delete(done));
    auditing.add(done);
  });

  server.on('restifyError', (_req: restify.Request, _res: restify.Response, err: Error, callback: () => void) => callback());

  if (options.loopbackOnly) {
    server.pre((req: restify.Request, res: restify.Response, next: restify.Next) => {
      const host = hostOfHostHeader(req.headers.host);
      if (host !== undefined && isLoopbackHost(host)) return next();
      const error = appError('MisdirectedRequest', 'This Keyward runs in local mode and answers only requests addressed to this machine (127.0.0.1 or localhost).');
      refusals.refused(
        {
          status: 421,
          code: error.code,
          host: String(req.headers.host ?? '').slice(0, 100),
          route: String(req.url ?? '')
            .split('?')[0]
            ?.slice(0, 100),
        },
        'refused request: its Host is not this machine',
      );
      sendError(res, 421, error);
      return next(false);
    });
  }

  server.post('/api/messages', async (req: restify.Request, res: restify.Response) =>
    tracedRequest(req, res, '/api/messages', async (traced) => {
      if (stopping) return sendError(res, 503, appError('Internal', 'Keyward is shutting down; retry shortly.'));
      inFlight += 1;
      try {
        const raw = await readBody(req, MAX_ACTIVITY_BYTES);
        const activity = parseActivityBody(req.headers['content-type'], raw);
        activityFacts(traced, activity);
        if (options.loopbackOnly && !isLoopbackUrl(activity.serviceUrl)) {
          throw appError(
            'BadRequest',
            'In local mode Keyward replies only to a serviceUrl on this machine (http://127.0.0.1, http://localhost or [::1]); this activity names another one.',
          );
        }
        // The tenant allow-list is checked only once the request is authenticated (the bot calls
        // admit after botbuilder's JWT validation), so 403 vs 401 tells a stranger nothing.
        const admit = () => {
          const tenant = activityTenant(activity);
          if (tenant ? !options.allowedTenants.includes(tenant) : options.requireTenant) {
            throw appError('TenantNotAllowed', tenant ? `Tenant ${tenant} is not served by this Keyward.` : 'The activity names no tenant.');
          }
        };
        (req as restify.Request & { body: unknown }).body = activity;
        await options.handleActivity(req, res, admit);
      } catch (error) {
        const appErr = toAppError(error);
        const status = statusFor(appErr);
        refusals.refused(
          { status, code: appErr.code, reason: appErr.message, ...(typeof appErr.details.reason === 'string' ? { detail: appErr.details.reason } : {}) },
          'refused /api/messages request',
        );
        if (!res.headersSent) sendError(res, status, appErr);
      } finally {
        inFlight -= 1;
      }
    }),
  );

  if (options.downloads) {
    const downloads = options.downloads;
    server.get('/downloads/:token', async (req: restify.Request, res: restify.Response) => {
      const answer = await downloads.serve(String((req.params as { token?: unknown }).token ?? ''));
      res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
      res.end(answer.body);
    });
  }

  server.get('/healthz', async (_req: restify.Request, res: restify.Response) => {
    const report = await options.health();
    res.status(report.store === 'ok' ? 200 : 503);
    res.json(report);
  });

  // Liveness stays /healthz (is the process answering); readiness is /readyz (may it take traffic).
  server.get('/readyz', async (_req: restify.Request, res: restify.Response) => {
    const ready = options.ready;
    if (!ready) {
      const report = await options.health();
      res.status(report.store === 'ok' ? 200 : 503);
      res.json({ status: report.store === 'ok' ? 'ready' : 'notReady', checks: { store: { ok: report.store === 'ok', detail: report.store } } });
      return;
    }
    const report = await ready().catch((): ReadinessAnswer => ({ status: 'notReady', checks: { readiness: { ok: false, detail: 'the readiness check failed' } } }));
    res.status(report.status === 'ready' ? 200 : 503);
    res.json(report);
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          appError('PortInUse', `Port ${options.port} on ${options.host} is already in use. Stop the other process or set ${options.portVariable} to a free port.`, {
            port: options.port,
            variable: options.portVariable,
          }),
        );
      } else reject(error);
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.removeListener('error', onError);
      resolve();
    });
  });

  const address = server.address();
  const port = address.port;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    port,
    inFlight: () => inFlight,
    async stop(graceMs) {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const deadline = Date.now() + graceMs;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      if (inFlight > 0) options.logger.warn({ inFlight }, 'shutdown grace period over; closing with turns still running');
      server.server.closeAllConnections?.();
      await closed;
      refusals.flush();
      await Promise.allSettled([...auditing]);
    },
  };
}

function statusFor(error: AppError): number {
  switch (error.code) {
    case 'BadRequest':
      return 400;
    case 'PayloadTooLarge':
      return 413;
    case 'UnsupportedMediaType':
      return 415;
    case 'TenantNotAllowed':
      return 403;
    case 'Unauthenticated':
      return 401;
    case 'MisdirectedRequest':
      return 421;
    default:
      return 500;
  }
}

function sendError(res: restify.Response, status: number, error: AppError): void {
  const message = status === 500 ? 'Internal error; see the Keyward log.' : error.message;
  res.status(status);
  res.json({ error: { code: error.code, message } });
}

/** Reads the body with a hard size cap, so a huge body never reaches the JSON parser. */
function readBody(req: restify.Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      req.resume();
      reject(appError('PayloadTooLarge', `Body is ${declared} bytes; the limit is ${limit} bytes (256 KB).`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(appError('PayloadTooLarge', `Body exceeds the limit of ${limit} bytes (256 KB).`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      if (!failed) reject(isAppError(error) ? error : appError('BadRequest', `Could not read the body: ${error.message}`));
    });
  });
}
