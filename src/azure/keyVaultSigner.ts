import crypto from 'node:crypto';
import type { TokenCredential } from '@azure/core-auth';
import { CryptographyClient, KeyClient, parseKeyVaultKeyIdentifier } from '@azure/keyvault-keys';
import { appError, publicKeyFingerprint, type Signature, type Signer } from '../core';
import { mapAzureError } from './azureErrors';
import { keywardPolicies } from './pipelinePolicies';
import type { RestRetryOptions } from './restClient';

export interface KeyVaultKeyOptions {
  /**
   * The key's id: `https://<vault>.vault.azure.net/keys/<name>` (newest version, read once at
   * start) or with `/<version>`. A Managed HSM key (`https://<hsm>.managedhsm.azure.net/keys/…`)
   * works the same way. Against the local emulator: `https://<vault>.vault.localhost:<port>/keys/…`.
   */
  keyId: string;
  /** The managed identity that may use the key (Keyward's writer unless configured otherwise). */
  credential: TokenCredential;
  retry?: RestRetryOptions;
}

const SIGN_PERMISSION = 'keys get and sign (access policy), or Key Vault Crypto User / Managed HSM Crypto User on the key';

/**
 * A Signer whose private key stays in Key Vault or a Managed HSM: Keyward's managed identity asks
 * the key to sign (ES256 over the SHA-256 of the statement), so no signing secret sits on the host.
 * The key must be an EC P-256 key (EC-HSM in a Premium vault or an HSM) with the `sign` operation.
 * The public key is read once at start (GET key) and pinned by its fingerprint; verification is
 * local, so checking a vote or a digest never asks Azure.
 *
 * REST: GET {vault}/keys/{name}/{version} (keys/get), POST …/sign (keys/sign; the digest is
 * signed, "ES256" returns r||s): https://learn.microsoft.com/en-us/rest/api/keyvault/keys/sign/sign
 * Permissions: https://learn.microsoft.com/en-us/azure/key-vault/general/rbac-guide
 */
export async function createKeyVaultSigner(options: KeyVaultKeyOptions): Promise<Signer> {
  const { key, kid } = await readPublicKey(options, SIGN_PERMISSION);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw appError(
      'ConfigInvalid',
      `The signing key ${kid} must be an EC key on curve P-256 (EC-HSM), so Keyward can sign with ES256; it is ${key.asymmetricKeyType ?? 'unknown'}${key.asymmetricKeyDetails?.namedCurve ? ` on ${key.asymmetricKeyDetails.namedCurve}` : ''}.`,
      { keyId: kid },
    );
  }
  const client = new CryptographyClient(kid, options.credential, clientOptions(options));
  const fingerprint = publicKeyFingerprint(key);
  return {
    algorithm: 'ES256',
    fingerprint,
    publicKey: key,
    description: kid,
    async sign(data: Buffer): Promise<Signature> {
      const digest = crypto.createHash('sha256').update(data).digest();
      try {
        const signed = await client.sign('ES256', digest);
        return { alg: 'ES256', keyFingerprint: fingerprint, value: Buffer.from(signed.result).toString('base64') };
      } catch (error) {
        throw mapAzureError(error, { operation: `sign with ${kid}`, scope: kid, requiredRole: SIGN_PERMISSION });
      }
    },
  };
}

/** Reads a key's public half (and its versioned id) with the given identity. */
export async function readPublicKey(options: KeyVaultKeyOptions, requiredRole: string): Promise<{ key: crypto.KeyObject; kid: string }> {
  let parsed;
  try {
    parsed = parseKeyVaultKeyIdentifier(options.keyId);
  } catch {
    throw appError('ConfigInvalid', `${options.keyId} is not a Key Vault or Managed HSM key id (https://<vault>.vault.azure.net/keys/<name>[/<version>]).`, {
      keyId: options.keyId,
    });
  }
  const keys = new KeyClient(parsed.vaultUrl, options.credential, clientOptions(options));
  let found;
  try {
    found = await keys.getKey(parsed.name, parsed.version ? { version: parsed.version } : {});
  } catch (error) {
    throw mapAzureError(error, { operation: `read the key ${options.keyId}`, scope: options.keyId, requiredRole });
  }
  const jwk = found.key;
  if (!jwk || !found.id) throw appError('AzureFailed', `Key Vault returned no key material for ${options.keyId}.`);
  const b64 = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('base64url') : undefined);
  const kty = String(jwk.kty ?? '');
  const key = kty.startsWith('EC')
    ? crypto.createPublicKey({ key: { kty: 'EC', crv: String(jwk.crv), x: b64(jwk.x), y: b64(jwk.y) }, format: 'jwk' })
    : kty.startsWith('RSA')
      ? crypto.createPublicKey({ key: { kty: 'RSA', n: b64(jwk.n), e: b64(jwk.e) }, format: 'jwk' })
      : undefined;
  if (!key) throw appError('ConfigInvalid', `The key ${found.id} is of type ${kty}; Keyward needs an EC (signing) or RSA (wrapping) key.`, { keyId: found.id });
  return { key, kid: found.id };
}

function clientOptions(options: KeyVaultKeyOptions) {
  return { additionalPolicies: keywardPolicies, ...(options.retry ? { retryOptions: options.retry } : {}) };
}
