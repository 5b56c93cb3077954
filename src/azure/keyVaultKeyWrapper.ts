import { CryptographyClient } from '@azure/keyvault-keys';
import { appError } from '../core';
import { mapAzureError } from './azureErrors';
import { readPublicKey, type KeyVaultKeyOptions } from './keyVaultSigner';
import { keywardPolicies } from './pipelinePolicies';
import type { KeyWrapper, WrappedKey } from './ports';

const WRAP_PERMISSION = 'keys get, wrapKey and unwrapKey (access policy), or Key Vault Crypto Service Encryption User on the key';

/**
 * Envelope encryption with a Key Vault or Managed HSM RSA key: Keyward makes a fresh AES key per
 * file, and the service wraps it with RSA-OAEP-256 (both wrap and unwrap run in the service; the
 * SDK would wrap RSA-OAEP locally). The unwrapped key lives only in memory while a file is read.
 *
 * REST: POST {vault}/keys/{name}/{version}/wrapkey and …/unwrapkey:
 * https://learn.microsoft.com/en-us/rest/api/keyvault/keys/wrap-key/wrap-key
 */
export async function createKeyVaultKeyWrapper(options: KeyVaultKeyOptions): Promise<KeyWrapper> {
  const { key, kid } = await readPublicKey(options, WRAP_PERMISSION);
  if (key.asymmetricKeyType !== 'rsa')
    throw appError('ConfigInvalid', `The security-domain key ${kid} must be an RSA key (RSA-HSM) so it can wrap; it is ${key.asymmetricKeyType ?? 'unknown'}.`, { keyId: kid });
  const clients = new Map<string, CryptographyClient>();
  const client = (id: string) => {
    let found = clients.get(id);
    if (!found) {
      found = new CryptographyClient(id, options.credential, { additionalPolicies: keywardPolicies, ...(options.retry ? { retryOptions: options.retry } : {}) });
      clients.set(id, found);
    }
    return found;
  };
  return {
    keyId: kid,
    async wrap(data: Buffer): Promise<WrappedKey> {
      try {
        const wrapped = await client(kid).wrapKey('RSA-OAEP-256', data);
        return { kid, alg: 'RSA-OAEP-256', value: Buffer.from(wrapped.result).toString('base64url') };
      } catch (error) {
        throw mapAzureError(error, { operation: `wrap a data key with ${kid}`, scope: kid, requiredRole: WRAP_PERMISSION });
      }
    },
    async unwrap(wrapped: WrappedKey): Promise<Buffer> {
      try {
        const unwrapped = await client(wrapped.kid).unwrapKey(wrapped.alg, Buffer.from(wrapped.value, 'base64url'));
        return Buffer.from(unwrapped.result);
      } catch (error) {
        throw mapAzureError(error, { operation: `unwrap a data key with ${wrapped.kid}`, scope: wrapped.kid, requiredRole: WRAP_PERMISSION });
      }
    },
  };
}
