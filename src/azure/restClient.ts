import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  RestError,
  type HttpClient,
  type Pipeline,
  type PipelinePolicy,
} from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/core-auth';
import { keyVaultAuthenticationPolicy } from '@azure/keyvault-common';
import { keywardPolicies } from './pipelinePolicies';

/**
 * The pipeline's own retries (core-rest-pipeline: 429 with Retry-After, 5xx, dropped connections).
 * The executor sets `maxRetries: 0`: it retries whole steps itself, re-checking state first, because
 * a blind transport retry of a non-idempotent POST (key create) could make a second key version.
 */
export interface RestRetryOptions {
  maxRetries?: number;
  retryDelayInMs?: number;
  maxRetryDelayInMs?: number;
}

export interface RestResponse<T> {
  status: number;
  body: T;
  headers: Record<string, string>;
}

/**
 * JSON over core-rest-pipeline for the Azure APIs without a usable SDK here (features,
 * permissions, role assignments, resource groups, Microsoft Graph, Managed HSM local RBAC and
 * security domain — @azure/keyvault-admin is not installable). Same retry, correlation and
 * loopback policies as the SDK clients; non-2xx answers throw RestError like the SDKs do.
 */
export class RestClient {
  private readonly pipeline: Pipeline;
  private readonly httpClient: HttpClient = createDefaultHttpClient();

  private constructor(
    authPolicy: PipelinePolicy,
    retry: RestRetryOptions = {},
    policies: ReadonlyArray<{ policy: PipelinePolicy; position: 'perCall' | 'perRetry' }> = keywardPolicies,
  ) {
    this.pipeline = createPipelineFromOptions({ retryOptions: { maxRetries: 3, ...retry } });
    for (const { policy, position } of policies) this.pipeline.addPolicy(policy, { phase: position === 'perRetry' ? 'Retry' : undefined });
    this.pipeline.addPolicy(authPolicy, { phase: 'Sign' });
  }

  /** ARM or Graph: a bearer token for `scope` on every request. */
  static bearer(
    credential: TokenCredential,
    scope: string,
    retry?: RestRetryOptions,
    policies?: ReadonlyArray<{ policy: PipelinePolicy; position: 'perCall' | 'perRetry' }>,
  ): RestClient {
    return new RestClient(bearerTokenAuthenticationPolicy({ credential, scopes: scope }), retry, policies);
  }

  /** Key Vault / Managed HSM data plane: the challenge-based policy the Key Vault SDKs use. */
  static keyVault(credential: TokenCredential, retry?: RestRetryOptions, policies?: ReadonlyArray<{ policy: PipelinePolicy; position: 'perCall' | 'perRetry' }>): RestClient {
    return new RestClient(keyVaultAuthenticationPolicy(credential), retry, policies);
  }

  async send<T>(method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH', url: string, body?: unknown): Promise<RestResponse<T>> {
    const request = createPipelineRequest({
      url,
      method,
      headers: createHttpHeaders({ accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const response = await this.pipeline.sendRequest(this.httpClient, request);
    const text = response.bodyAsText ?? '';
    if (response.status >= 400) {
      let code: string | undefined;
      let message = text;
      try {
        const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
        code = parsed.error?.code;
        message = parsed.error?.message ?? text;
      } catch {
        // not JSON
      }
      throw new RestError(message || `HTTP ${response.status}`, { code, statusCode: response.status, request, response });
    }
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers.toJSON() };
  }
}
