import type { EmulatorHandle } from '../../src/emulator';
import { LOCAL_IDENTITIES } from '../../src/core';
import { createVault, keyClient, keyPolicy, managedIdentity, uniqueName } from '../contract/emulator/helpers';

export interface EmulatorKeys {
  /** EC P-256 (EC-HSM) key for KEYWARD_SIGNING_KEY_ID: votes, decisions, digests. */
  signingKeyId: string;
  /** RSA-HSM key for KEYWARD_SECURITY_DOMAIN_KEY_ID: wraps the security domains' at-rest keys. */
  securityDomainKeyId: string;
  /** Keyward settings naming both keys. */
  env: Record<string, string>;
}

/**
 * Keyward's own keys in a Premium vault of the emulator, as infra/ sets them up in Azure: the
 * writer identity may get, sign, wrap and unwrap with them (access policy) and nothing else. The
 * key ids are the versionless ids Keyward is configured with.
 */
export async function emulatorKeys(emulator: EmulatorHandle): Promise<EmulatorKeys> {
  const writer = await managedIdentity(LOCAL_IDENTITIES.writer.clientId);
  const vault = await createVault(emulator, writer, {
    name: uniqueName('kvkw'),
    resourceGroup: 'rg-keyward-keys',
    properties: { accessPolicies: [keyPolicy(emulator.tenantId, LOCAL_IDENTITIES.writer.objectId, ['get', 'create', 'sign', 'verify', 'wrapKey', 'unwrapKey'])] },
  });
  const keys = keyClient(vault.vaultUri, writer);
  const signing = await keys.createEcKey('keyward-signing', { curve: 'P-256', hsm: true, keyOps: ['sign', 'verify'] });
  const wrapping = await keys.createRsaKey('keyward-security-domains', { keySize: 3072, hsm: true, keyOps: ['wrapKey', 'unwrapKey'] });
  const versionless = (id: string) => id.replace(/\/[0-9a-f]{32}$/i, '');
  const signingKeyId = versionless(signing.id!);
  const securityDomainKeyId = versionless(wrapping.id!);
  return { signingKeyId, securityDomainKeyId, env: { KEYWARD_SIGNING_KEY_ID: signingKeyId, KEYWARD_SECURITY_DOMAIN_KEY_ID: securityDomainKeyId } };
}
