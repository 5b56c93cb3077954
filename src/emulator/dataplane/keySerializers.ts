import type { KeyRecord, KeyVersionRecord, RotationPolicyRecord } from '../model/records';
import { DEFAULT_ROTATION_POLICY, currentVersion } from '../model/keyService';
import type { RecoveryLevel } from '../model/recoveryLevel';

/**
 * Key Vault data-plane wire shapes. Times are integer epoch seconds; `kid` is exactly
 * `<origin>/keys/<name>/<version>` (4 path segments) so CryptographyClient calls the same host.
 */
export interface Recovery {
  recoveryLevel: RecoveryLevel;
  recoverableDays: number;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

export function keyId(origin: string, key: KeyRecord, version?: KeyVersionRecord): string {
  return `${origin}/keys/${key.name}${version ? `/${version.version}` : ''}`;
}

function attributes(version: KeyVersionRecord, recovery: Recovery) {
  return {
    enabled: version.enabled,
    ...(version.notBefore !== undefined ? { nbf: seconds(version.notBefore) } : {}),
    ...(version.expires !== undefined ? { exp: seconds(version.expires) } : {}),
    created: seconds(version.created),
    updated: seconds(version.updated),
    recoveryLevel: recovery.recoveryLevel,
    recoverableDays: recovery.recoverableDays,
    exportable: version.exportable ?? false,
    // Premium HSM-protected keys and Managed HSM keys live on the FIPS 140-3 Level 3 platform "2".
    ...(version.kty.endsWith('-HSM') ? { hsmPlatform: '2' } : {}),
  };
}

export function keyBundleJson(origin: string, key: KeyRecord, version: KeyVersionRecord, recovery: Recovery) {
  return {
    key: {
      ...version.publicJwk,
      kid: keyId(origin, key, version),
      kty: version.kty,
      key_ops: version.keyOps,
    },
    attributes: attributes(version, recovery),
    ...(Object.keys(version.tags).length ? { tags: version.tags } : {}),
    ...(version.releasePolicy ? { release_policy: { contentType: 'application/json; charset=utf-8', immutable: false, ...version.releasePolicy } } : {}),
  };
}

export function keyItemJson(origin: string, key: KeyRecord, version: KeyVersionRecord, recovery: Recovery, withVersion: boolean) {
  return {
    kid: keyId(origin, key, withVersion ? version : undefined),
    attributes: attributes(version, recovery),
    ...(Object.keys(version.tags).length ? { tags: version.tags } : {}),
  };
}

function deletion(origin: string, key: KeyRecord) {
  return {
    recoveryId: `${origin}/deletedkeys/${key.name}`,
    deletedDate: seconds(key.deleted?.deletedAt ?? 0),
    scheduledPurgeDate: seconds(key.deleted?.scheduledPurgeAt ?? 0),
  };
}

export function deletedKeyBundleJson(origin: string, key: KeyRecord, recovery: Recovery) {
  const current = currentVersion(key);
  return { ...keyBundleJson(origin, key, current, recovery), ...deletion(origin, key) };
}

export function deletedKeyItemJson(origin: string, key: KeyRecord, recovery: Recovery) {
  const current = currentVersion(key);
  return { ...keyItemJson(origin, key, current, recovery, false), ...deletion(origin, key) };
}

export function rotationPolicyJson(origin: string, key: KeyRecord, policy: RotationPolicyRecord | undefined) {
  if (!policy) return { id: `${origin}/keys/${key.name}/rotationpolicy`, ...DEFAULT_ROTATION_POLICY, attributes: {} };
  return {
    id: `${origin}/keys/${key.name}/rotationpolicy`,
    lifetimeActions: policy.lifetimeActions,
    attributes: { ...(policy.expiryTime ? { expiryTime: policy.expiryTime } : {}), created: seconds(policy.created), updated: seconds(policy.updated) },
  };
}
