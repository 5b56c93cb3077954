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
  /** The api-version asked for: some attributes depend on it. */
  apiVersion?: string;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

export function keyId(origin: string, key: KeyRecord, version?: KeyVersionRecord): string {
  return `${origin}/keys/${key.name}${version ? `/${version.version}` : ''}`;
}

/**
 * `attributes.key_size` is not in the 7.5 spec, but Azure's answers carry it for api-versions 7.6
 * and 2025-07-01 (the Azure SDK's recordings, e.g. recording_unwrap_a_key.json and
 * recording_wrap_and_unwrap_with_rsaoaep_on_a_rsahsm_key.json in Azure/azure-sdk-assets).
 * UNCONFIRMED: the 7.6 previews (taken as 7.6) and EC keys (no key_size given).
 */
function reportsKeySize(apiVersion: string | undefined): boolean {
  if (!apiVersion) return false;
  if (/^\d{4}-\d{2}-\d{2}/.test(apiVersion)) return apiVersion >= '2025-07-01';
  const [major, minor] = apiVersion.split(/[.-]/).map(Number);
  return (major ?? 0) > 7 || ((major ?? 0) === 7 && (minor ?? 0) >= 6);
}

function attributes(version: KeyVersionRecord, recovery: Recovery) {
  return {
    enabled: version.enabled,
    ...(version.keySize !== undefined && reportsKeySize(recovery.apiVersion) ? { key_size: version.keySize } : {}),
    ...(version.notBefore !== undefined ? { nbf: seconds(version.notBefore) } : {}),
    ...(version.expires !== undefined ? { exp: seconds(version.expires) } : {}),
    created: seconds(version.created),
    updated: seconds(version.updated),
    recoveryLevel: recovery.recoveryLevel,
    recoverableDays: recovery.recoverableDays,
    exportable: version.exportable ?? false,
    // Premium HSM-protected keys and Managed HSM keys live on the FIPS 140-3 Level 3 platform "2";
    // software keys answer "0" (recording_unwrap_a_key.json, api-version 7.6).
    hsmPlatform: version.kty.endsWith('-HSM') ? '2' : '0',
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
