import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { TokenCredential } from '@azure/core-auth';
import { CryptographyClient } from '@azure/keyvault-keys';
import { mapAzureError } from './azureErrors';
import { keywardPolicies } from './pipelinePolicies';
import type { WrapProbe, WrapProbeResult } from './ports';
import type { RestRetryOptions } from './restClient';

export interface SdkWrapProbeOptions {
  /** A credential that gets tokens for the principal with this client (app) id. */
  credentialFor(clientId: string): TokenCredential;
  retry?: RestRetryOptions;
}

/**
 * Proves a key is usable by a principal the way Microsoft 365 uses it: wrap 32 random bytes and
 * unwrap them again, both on the service (RSA-OAEP-256: the SDK would do RSA-OAEP wraps locally).
 * Needs, for that principal: keys get + wrapKey + unwrapKey (access policy) or Key Vault / Managed
 * HSM Crypto Service Encryption User. The random bytes are compared and dropped; nothing is logged.
 *
 * REST: GET /keys/{name}/{version}, POST …/wrapkey, POST …/unwrapkey.
 */
export class SdkWrapProbe implements WrapProbe {
  private readonly credentials = new Map<string, TokenCredential>();

  constructor(private readonly options: SdkWrapProbeOptions) {}

  async probe(keyId: string, clientId: string): Promise<WrapProbeResult> {
    const client = new CryptographyClient(keyId, this.credential(clientId), {
      additionalPolicies: keywardPolicies,
      ...(this.options.retry ? { retryOptions: this.options.retry } : {}),
    });
    const secret = randomBytes(32);
    const context = { operation: `wrap and unwrap with ${keyId} as app ${clientId}`, scope: keyId, requiredRole: 'Crypto Service Encryption User (or get, wrapKey, unwrapKey)' };
    let wrapped: Uint8Array;
    try {
      wrapped = (await client.wrapKey('RSA-OAEP-256', secret)).result;
    } catch (error) {
      const mapped = mapAzureError(error, context);
      if (mapped.code === 'AzureForbidden') return { wrapped: false, unwrapped: false };
      throw mapped;
    }
    try {
      const unwrapped = (await client.unwrapKey('RSA-OAEP-256', wrapped)).result;
      return { wrapped: true, unwrapped: unwrapped.length === secret.length && timingSafeEqual(Buffer.from(unwrapped), secret) };
    } catch (error) {
      const mapped = mapAzureError(error, context);
      if (mapped.code === 'AzureForbidden') return { wrapped: true, unwrapped: false };
      throw mapped;
    }
  }

  private credential(clientId: string): TokenCredential {
    let credential = this.credentials.get(clientId);
    if (!credential) {
      credential = this.options.credentialFor(clientId);
      this.credentials.set(clientId, credential);
    }
    return credential;
  }
}
