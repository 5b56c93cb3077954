import dns from 'node:dns';
import https from 'node:https';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { countMetric } from '../telemetry';
import { currentCorrelation } from './correlation';

/**
 * RFC 6761 reserves `*.localhost` for loopback, but Node on Debian does not resolve it. The local
 * emulator gives every vault and HSM its own `<name>.vault.localhost` host (the SDKs need one host
 * per vault), so Keyward resolves those names itself. Harmless against real Azure: no Azure host
 * ends in `.localhost`.
 */
const loopbackAgent = new https.Agent({
  keepAlive: true,
  lookup: (hostname, options, callback) => {
    if (!hostname.endsWith('.localhost')) {
      dns.lookup(hostname, options, callback as never);
      return;
    }
    if ((options as dns.LookupOptions).all) (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
    else (callback as unknown as (e: null, a: string, f: number) => void)(null, '127.0.0.1', 4);
  },
});

export const localhostLookupPolicy: PipelinePolicy = {
  name: 'keywardLocalhostLookup',
  sendRequest(request, next) {
    if (new URL(request.url).hostname.endsWith('.localhost')) request.agent = loopbackAgent;
    return next(request);
  },
};

export const correlationPolicy: PipelinePolicy = {
  name: 'keywardCorrelation',
  sendRequest(request, next) {
    const id = currentCorrelation();
    if (id) {
      request.headers.set('x-ms-client-request-id', id);
      request.headers.set('x-ms-correlation-request-id', id);
      // The pipeline's own request id is what core-tracing puts on the HTTP span ("requestId"),
      // so the span of every Azure call names the approval request's correlation id too.
      request.requestId = id;
    }
    return next(request);
  },
};

/** Counts every 429 answer (each attempt, transport retries included) as keyward.azure.throttled. */
export const throttlingMetricsPolicy: PipelinePolicy = {
  name: 'keywardThrottlingMetrics',
  async sendRequest(request, next) {
    const response = await next(request);
    if (response.status === 429) countMetric('azureThrottled', 1, { 'keyward.azure.service': azureService(request.url) });
    return response;
  },
};

/** Which Azure service a URL belongs to, for metric attributes (never the URL itself). */
export function azureService(url: string): 'arm' | 'keyvault' | 'graph' | 'other' {
  const host = new URL(url).hostname.toLowerCase();
  if (host.startsWith('graph.')) return 'graph';
  if (/\.(vault|managedhsm)\./.test(host) || host.endsWith('.vault.azure.net') || host.endsWith('.managedhsm.azure.net')) return 'keyvault';
  if (host.startsWith('management.') || host === 'localhost' || host === '127.0.0.1') return 'arm';
  return 'other';
}

/** The policies every Keyward Azure client carries. */
export const keywardPolicies = [
  { policy: correlationPolicy, position: 'perCall' as const },
  { policy: localhostLookupPolicy, position: 'perRetry' as const },
  { policy: throttlingMetricsPolicy, position: 'perRetry' as const },
];

/**
 * Gives up on a request after `ms` (core-rest-pipeline then throws an AbortError, which
 * mapAzureError reports as AzureTransient). Without it a request Azure never answers would hold a
 * run forever; the executor's retry re-checks Azure first, so a late answer is found, not repeated.
 */
export function requestTimeoutPolicy(ms: number): PipelinePolicy {
  return {
    name: 'keywardRequestTimeout',
    sendRequest(request, next) {
      if (!request.timeout) request.timeout = ms;
      return next(request);
    },
  };
}
