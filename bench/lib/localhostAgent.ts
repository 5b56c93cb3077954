import dns from 'node:dns';
import https from 'node:https';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/**
 * Node does not resolve `*.localhost`; benchmarks route every SDK request through an agent whose
 * lookup maps those names to 127.0.0.1 (the same trick the emulator tests use).
 */
export function localhostAgent(maxSockets = 64): https.Agent {
  return new https.Agent({
    keepAlive: true,
    maxSockets,
    lookup: ((hostname: string, options: dns.LookupAllOptions, callback: (...args: unknown[]) => void) => {
      if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
        if (options?.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
        else callback(null, '127.0.0.1', 4);
        return;
      }
      dns.lookup(hostname, options, callback as never);
    }) as never,
  });
}

export function agentPolicy(agent: https.Agent): PipelinePolicy {
  return {
    name: 'benchLocalhostAgent',
    sendRequest: (request, next) => {
      request.agent = agent;
      return next(request);
    },
  };
}
