import { type KeyObject, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import type { CurveName } from '../crypto/ecdsaDigest';
import { keyRowId } from './emulatorState';
import { parseIsoDuration } from './isoDuration';
import type { KeyContainer } from './keyContainer';
import type { KeySpec } from './keyGenerator';
import { type ParsedAttributes, parseAttributes, parseKeyOps, parseKeyTags, parseReleasePolicy, parseRotationPolicy, requireBody } from './keyRequestParsing';
import { type ModelContext, nowMs } from './modelContext';
import { assertKeyName } from './names';
import { PrivateKeyMaterial } from './privateKeyMaterial';
import type { KeyOperation, KeyRecord, KeyTransition, KeyType, KeyVersionRecord, PublicJwk, RotationPolicyRecord } from './records';
import { type RecoveryLevel, recoveryLevel } from './recoveryLevel';
import { ServiceError, badParameter, conflict, forbidden, notFound, notImplemented } from './serviceError';
import type { SubscriptionService } from './subscriptionService';

const DAY_MS = 86_400_000;
const RSA_SIZES = [2048, 3072, 4096];
const CURVES: CurveName[] = ['P-256', 'P-384', 'P-521', 'P-256K'];
const DEFAULT_RSA_OPS: KeyOperation[] = ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey'];
const DEFAULT_EC_OPS: KeyOperation[] = ['sign', 'verify'];
/** Azure limits versions per key on Managed HSM to 100; the emulator applies it everywhere. */
const MAX_VERSIONS = 100;
const BACKUP_PURPOSE = 'key-backup';
const BACKUP_FORMAT = 'keyward-emulator-key-backup/1';

export const DEFAULT_ROTATION_POLICY = { lifetimeActions: [{ trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'Notify' as const } }] };

/**
 * The keys API shared by vaults and Managed HSMs: create, import, versions, update, soft delete,
 * recover, purge, backup/restore, rotation and rotation policies. Names are case-insensitive;
 * a soft-deleted key keeps its name until recovered or purged.
 */
export class KeyService {
  constructor(
    private readonly context: ModelContext,
    private readonly subscriptions: SubscriptionService,
  ) {}

  async create(container: KeyContainer, name: string, body: unknown): Promise<{ key: KeyRecord; version: KeyVersionRecord }> {
    assertKeyName(name);
    const raw = requireBody(body);
    const kty = parseKty(raw.kty, container);
    const isRsa = kty.startsWith('RSA');
    const keyOps = parseKeyOps(raw.key_ops) ?? (isRsa ? DEFAULT_RSA_OPS : DEFAULT_EC_OPS);
    const attributes = parseAttributes(raw.attributes);
    const tags = parseKeyTags(raw.tags) ?? {};
    const releasePolicy = parseReleasePolicy(raw.release_policy);
    assertReleasePolicyFits(attributes.exportable, releasePolicy);
    let spec: KeySpec;
    if (isRsa) {
      const size = raw.key_size ?? 2048;
      if (typeof size !== 'number' || !RSA_SIZES.includes(size))
        throw badParameter(`The key size ${String(raw.key_size)} is not supported for ${kty} keys. Supported sizes: ${RSA_SIZES.join(', ')}.`);
      const exponent = raw.public_exponent ?? 65537;
      if (exponent !== 65537) throw badParameter('Only the public exponent 65537 is supported.');
      spec = { kty: 'RSA', size, publicExponent: 65537 };
    } else {
      const curve = raw.crv ?? 'P-256';
      if (typeof curve !== 'string' || !CURVES.includes(curve as CurveName))
        throw badParameter(`The curve ${String(raw.crv)} is not supported. Supported curves: ${CURVES.join(', ')}.`);
      spec = { kty: 'EC', curve: curve as CurveName };
    }
    const existing = this.activeOrAbsent(container, name);
    // Generate before touching state: key generation is async and the request may fail meanwhile.
    const privateKey = await this.context.keyGenerator.generate(spec);
    return this.addVersion(container, name, existing, {
      kty,
      ...(spec.kty === 'RSA' ? { keySize: spec.size } : { curve: spec.curve }),
      keyOps,
      attributes,
      tags,
      ...(releasePolicy ? { releasePolicy } : {}),
      privateKey,
    });
  }

  importKey(container: KeyContainer, name: string, body: unknown): { key: KeyRecord; version: KeyVersionRecord } {
    assertKeyName(name);
    const raw = requireBody(body);
    const jwk = requireBody(raw.key);
    const hsm = raw.Hsm === true || (typeof jwk.kty === 'string' && jwk.kty.endsWith('-HSM'));
    const baseKty = typeof jwk.kty === 'string' ? jwk.kty.replace(/-HSM$/, '') : '';
    if (baseKty !== 'RSA' && baseKty !== 'EC') {
      if (baseKty === 'oct') throw notImplemented('importing symmetric (oct) keys');
      throw badParameter(`The key type ${String(jwk.kty)} cannot be imported; use RSA or EC.`);
    }
    const kty = parseKty(hsm ? `${baseKty}-HSM` : baseKty, container);
    let privateKey: KeyObject;
    try {
      const { key_ops: _ops, kid: _kid, key_hsm: _hsmBlob, ...material } = jwk;
      privateKey = createPrivateKey({ key: { ...material, kty: baseKty } as never, format: 'jwk' });
    } catch {
      throw badParameter('The key material is not a valid private JWK (RSA needs n, e, d, p, q, dp, dq, qi; EC needs crv, x, y, d).');
    }
    const details = privateKey.asymmetricKeyDetails ?? {};
    if (baseKty === 'RSA' && !RSA_SIZES.includes(details.modulusLength ?? 0)) {
      throw badParameter(`The RSA key size ${details.modulusLength ?? 'unknown'} is not supported. Supported sizes: ${RSA_SIZES.join(', ')}.`);
    }
    const curve = baseKty === 'EC' ? curveOf(details.namedCurve) : undefined;
    if (baseKty === 'EC' && !curve) throw badParameter('The EC curve of the imported key is not supported.');
    const attributes = parseAttributes(raw.attributes);
    const releasePolicy = parseReleasePolicy(raw.release_policy);
    assertReleasePolicyFits(attributes.exportable, releasePolicy);
    const existing = this.activeOrAbsent(container, name);
    return this.addVersion(container, name, existing, {
      kty,
      ...(baseKty === 'RSA' ? { keySize: details.modulusLength ?? 2048 } : { curve: curve as string }),
      keyOps: parseKeyOps(jwk.key_ops) ?? (baseKty === 'RSA' ? DEFAULT_RSA_OPS : DEFAULT_EC_OPS),
      attributes,
      tags: parseKeyTags(raw.tags) ?? {},
      ...(releasePolicy ? { releasePolicy } : {}),
      privateKey,
    });
  }

  get(container: KeyContainer, name: string, version?: string): { key: KeyRecord; version: KeyVersionRecord } {
    const key = this.findActive(container, name);
    if (!key) throw keyNotFound(name, version);
    const found = version ? key.versions.find((v) => v.version === version.toLowerCase()) : currentVersion(key);
    if (!found) throw keyNotFound(name, version);
    return { key, version: found };
  }

  list(container: KeyContainer): KeyRecord[] {
    return [...this.keysOf(container).values()].filter((k) => !k.deleted && this.transitionOf(k) !== 'recovering').sort(byName);
  }

  /**
   * The versions of a key, oldest first. A name with no key answers an empty list, not 404: the
   * real service does, and the SDK's own tests assert it (plain and paged).
   */
  listVersions(container: KeyContainer, name: string): { key?: KeyRecord; versions: KeyVersionRecord[] } {
    const key = this.findActive(container, name);
    if (!key) return { versions: [] };
    return { key, versions: [...key.versions] };
  }

  update(container: KeyContainer, name: string, version: string | undefined, body: unknown): { key: KeyRecord; version: KeyVersionRecord } {
    const raw = requireBody(body);
    const target = this.get(container, name, version);
    const attributes = parseAttributes(raw.attributes);
    const keyOps = parseKeyOps(raw.key_ops);
    const tags = parseKeyTags(raw.tags);
    const releasePolicy = parseReleasePolicy(raw.release_policy);
    const v = target.version;
    if (keyOps) v.keyOps = keyOps;
    if (attributes.enabled !== undefined) v.enabled = attributes.enabled;
    if (attributes.notBefore !== undefined) v.notBefore = attributes.notBefore;
    if (attributes.expires !== undefined) v.expires = attributes.expires;
    if (v.notBefore !== undefined && v.expires !== undefined && v.notBefore > v.expires) throw badParameter('attributes.nbf must not be later than attributes.exp.');
    if (tags) v.tags = tags;
    if (releasePolicy) v.releasePolicy = releasePolicy;
    v.updated = nowMs(this.context);
    this.touch(container, target.key);
    return target;
  }

  /** Soft delete; with a window set, the key reads as deleted only once the window has passed. */
  delete(container: KeyContainer, name: string): KeyRecord {
    const existing = this.keysOf(container).get(name.toLowerCase());
    if (existing && this.transitionOf(existing) === 'recovering') throw beingRecovered(existing.name);
    const key = this.findActive(container, name);
    if (!key) throw keyNotFound(name);
    const now = nowMs(this.context);
    key.deleted = { deletedAt: now, scheduledPurgeAt: now + container.softDeleteRetentionInDays * DAY_MS };
    this.startTransition(key, 'deleting', now);
    this.touch(container, key);
    return key;
  }

  /** A deleted key still being deleted answers 404 here, as Azure's does for a few seconds. */
  getDeleted(container: KeyContainer, name: string): KeyRecord {
    const key = this.keysOf(container).get(name.toLowerCase());
    if (!key?.deleted || this.transitionOf(key) === 'deleting') throw notFound('KeyNotFound', `Deleted Key not found: ${name}`);
    return key;
  }

  listDeleted(container: KeyContainer): KeyRecord[] {
    return [...this.keysOf(container).values()].filter((k) => k.deleted && this.transitionOf(k) !== 'deleting').sort(byName);
  }

  /** Recover; with a window set, the key reads as a key again only once the window has passed. */
  recover(container: KeyContainer, name: string): KeyRecord {
    const key = this.settledDeleted(container, name);
    delete key.deleted;
    this.startTransition(key, 'recovering', nowMs(this.context));
    this.touch(container, key);
    return key;
  }

  purge(container: KeyContainer, name: string): void {
    const key = this.settledDeleted(container, name);
    if (container.purgeProtection) {
      throw forbidden(
        'Forbidden',
        `Operation "purge" is not allowed because purge protection is enabled for this ${container.kind === 'hsm' ? 'managed HSM' : 'vault'}. Key Vault service will automatically purge it after the retention period has passed.`,
      );
    }
    this.remove(container, key);
  }

  async rotate(container: KeyContainer, name: string): Promise<{ key: KeyRecord; version: KeyVersionRecord }> {
    const { key, version: current } = this.get(container, name);
    const spec: KeySpec = current.kty.startsWith('RSA')
      ? { kty: 'RSA', size: current.keySize ?? 2048, publicExponent: 65537 }
      : { kty: 'EC', curve: (current.curve ?? 'P-256') as CurveName };
    const privateKey = await this.context.keyGenerator.generate(spec);
    const expiry = key.rotationPolicy?.expiryTime ? parseIsoDuration(key.rotationPolicy.expiryTime) : undefined;
    const now = nowMs(this.context);
    return this.addVersion(container, name, key, {
      kty: current.kty,
      ...(current.keySize !== undefined ? { keySize: current.keySize } : {}),
      ...(current.curve !== undefined ? { curve: current.curve } : {}),
      keyOps: [...current.keyOps],
      attributes: { enabled: true, ...(expiry !== undefined ? { expires: now + expiry } : {}), ...(current.exportable !== undefined ? { exportable: current.exportable } : {}) },
      tags: { ...current.tags },
      ...(current.releasePolicy ? { releasePolicy: { ...current.releasePolicy } } : {}),
      privateKey,
    });
  }

  getRotationPolicy(container: KeyContainer, name: string): { key: KeyRecord; policy?: RotationPolicyRecord } {
    const key = this.findActive(container, name);
    if (!key) throw keyNotFound(name);
    return { key, ...(key.rotationPolicy ? { policy: key.rotationPolicy } : {}) };
  }

  setRotationPolicy(container: KeyContainer, name: string, body: unknown): { key: KeyRecord; policy: RotationPolicyRecord } {
    const key = this.findActive(container, name);
    if (!key) throw keyNotFound(name);
    const parsed = parseRotationPolicy(body);
    const now = nowMs(this.context);
    key.rotationPolicy = { ...parsed, created: key.rotationPolicy?.created ?? now, updated: now };
    this.touch(container, key);
    return { key, policy: key.rotationPolicy };
  }

  /** An opaque blob sealed under the data dir's master key, bound to the subscription. */
  backup(container: KeyContainer, name: string): Buffer {
    const key = this.findActive(container, name);
    if (!key) throw keyNotFound(name);
    const payload = {
      format: BACKUP_FORMAT,
      subscriptionId: container.subscriptionId.toLowerCase(),
      containerKind: container.kind,
      name: key.name,
      rotationPolicy: key.rotationPolicy,
      versions: key.versions.map(({ privateKey, ...rest }) => ({
        ...rest,
        privateKeyPkcs8: privateKey.keyObject().export({ type: 'pkcs8', format: 'der' }).toString('base64'),
      })),
    };
    return Buffer.from(this.context.sealer.seal(BACKUP_PURPOSE, Buffer.from(JSON.stringify(payload))), 'utf8');
  }

  restore(container: KeyContainer, body: unknown): { key: KeyRecord; version: KeyVersionRecord } {
    const raw = requireBody(body);
    if (typeof raw.value !== 'string' || raw.value === '') throw badParameter('value (the backup blob, base64url) is required.');
    let payload: BackupPayload;
    try {
      const sealed = Buffer.from(raw.value, 'base64url').toString('utf8');
      payload = JSON.parse(this.context.sealer.unseal(BACKUP_PURPOSE, sealed).toString('utf8')) as BackupPayload;
      if (payload.format !== BACKUP_FORMAT) throw new Error('format');
    } catch {
      // Azure's message, asserted word for word by the Azure SDK's own tests (recoverBackupRestore).
      throw badParameter('Backup blob contains invalid or corrupt version.');
    }
    if (payload.subscriptionId !== container.subscriptionId.toLowerCase()) {
      // UNCONFIRMED wording/status: Azure refuses restores outside the backup's subscription.
      throw badParameter('The backup blob belongs to a different subscription. A key backup can only be restored into a vault in the same Azure subscription and geography.');
    }
    if (payload.containerKind !== container.kind) {
      throw badParameter(
        `A backup taken from a ${payload.containerKind === 'hsm' ? 'managed HSM' : 'vault'} cannot be restored into a ${container.kind === 'hsm' ? 'managed HSM' : 'vault'}.`,
      );
    }
    const existing = this.keysOf(container).get(payload.name.toLowerCase());
    if (existing) this.assertNameReusable(existing);
    if (existing) throw conflict('Conflict', `There was a conflict restoring the key '${payload.name}'. A key with this name already exists in the vault.`);
    const key: KeyRecord = {
      containerUid: container.uid,
      name: payload.name,
      versions: payload.versions.map(({ privateKeyPkcs8, ...rest }) => ({
        ...rest,
        privateKey: PrivateKeyMaterial.fromKeyObject(createPrivateKey({ key: Buffer.from(privateKeyPkcs8, 'base64'), format: 'der', type: 'pkcs8' })),
      })),
      ...(payload.rotationPolicy ? { rotationPolicy: payload.rotationPolicy } : {}),
    };
    this.keysOf(container).set(key.name.toLowerCase(), key);
    this.touch(container, key);
    return { key, version: currentVersion(key) };
  }

  recovery(container: KeyContainer): { recoveryLevel: RecoveryLevel; recoverableDays: number } {
    return {
      recoveryLevel: recoveryLevel({
        softDeleteRetentionInDays: container.softDeleteRetentionInDays,
        purgeProtection: container.purgeProtection,
        mandatoryRetentionRegistered: this.subscriptions.isMandatoryRetentionRegistered(container.subscriptionId),
      }),
      recoverableDays: container.softDeleteRetentionInDays,
    };
  }

  /** Random bytes (`POST /rng`), 1 to 128 of them as on Managed HSM. */
  randomBytes(count: unknown): Buffer {
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 128) throw badParameter('count must be an integer from 1 to 128.');
    return randomBytes(count);
  }

  /**
   * Settles deletes and recovers whose window has passed, removes keys whose retention ran out and
   * rotates keys whose Rotate trigger is due.
   */
  async sweep(containers: Map<string, KeyContainer>, now: number): Promise<void> {
    for (const [uid, keys] of this.context.state.keys) {
      const container = containers.get(uid);
      if (!container) continue;
      for (const key of [...keys.values()]) {
        if (key.transition && key.transition.until <= now) {
          delete key.transition;
          this.touch(container, key);
        }
        if (key.deleted) {
          if (key.deleted.scheduledPurgeAt <= now) this.remove(container, key);
          continue;
        }
        if (key.rotationPolicy && isRotationDue(key, now)) await this.rotate(container, key.name);
      }
    }
  }

  private addVersion(
    container: KeyContainer,
    name: string,
    existing: KeyRecord | undefined,
    input: {
      kty: KeyType;
      keySize?: number;
      curve?: string;
      keyOps: KeyOperation[];
      attributes: ParsedAttributes;
      tags: Record<string, string>;
      releasePolicy?: KeyVersionRecord['releasePolicy'];
      privateKey: KeyObject;
    },
  ): { key: KeyRecord; version: KeyVersionRecord } {
    // Re-check: another request may have deleted this name while the key was being generated.
    const current = this.keysOf(container).get(name.toLowerCase());
    if (current) this.assertNameReusable(current);
    const key: KeyRecord = current ?? existing ?? { containerUid: container.uid, name, versions: [] };
    if (key.versions.length >= MAX_VERSIONS) throw badParameter(`The key '${key.name}' already has ${MAX_VERSIONS} versions, the most a key can hold.`);
    const now = nowMs(this.context);
    const version: KeyVersionRecord = {
      version: randomBytes(16).toString('hex'),
      kty: input.kty,
      ...(input.keySize !== undefined ? { keySize: input.keySize } : {}),
      ...(input.curve !== undefined ? { curve: input.curve } : {}),
      keyOps: input.keyOps,
      enabled: input.attributes.enabled ?? true,
      ...(input.attributes.notBefore !== undefined ? { notBefore: input.attributes.notBefore } : {}),
      ...(input.attributes.expires !== undefined ? { expires: input.attributes.expires } : {}),
      ...(input.attributes.exportable !== undefined ? { exportable: input.attributes.exportable } : {}),
      created: now,
      updated: now,
      tags: input.tags,
      ...(input.releasePolicy ? { releasePolicy: input.releasePolicy } : {}),
      publicJwk: publicJwkOf(input.privateKey),
      privateKey: PrivateKeyMaterial.fromKeyObject(input.privateKey),
    };
    key.versions.push(version);
    this.keysOf(container).set(key.name.toLowerCase(), key);
    this.touch(container, key);
    return { key, version };
  }

  private activeOrAbsent(container: KeyContainer, name: string): KeyRecord | undefined {
    const key = this.keysOf(container).get(name.toLowerCase());
    if (key) this.assertNameReusable(key);
    return key;
  }

  /** A name can take a new version unless it is (being) deleted or still being recovered. */
  private assertNameReusable(key: KeyRecord): void {
    const transition = this.transitionOf(key);
    if (transition === 'deleting') throw beingDeleted(key.name);
    if (transition === 'recovering') throw beingRecovered(key.name);
    if (key.deleted) throw deletedButRecoverable(key.name);
  }

  /** A live key, not deleted and not still being recovered. */
  private findActive(container: KeyContainer, name: string): KeyRecord | undefined {
    const key = this.keysOf(container).get(name.toLowerCase());
    return key && !key.deleted && this.transitionOf(key) !== 'recovering' ? key : undefined;
  }

  /** A deleted key whose delete has settled: recover and purge refuse one still being deleted. */
  private settledDeleted(container: KeyContainer, name: string): KeyRecord {
    const key = this.keysOf(container).get(name.toLowerCase());
    if (key?.deleted && this.transitionOf(key) === 'deleting') throw beingDeleted(key.name);
    return this.getDeleted(container, name);
  }

  private transitionOf(key: KeyRecord): KeyTransition['kind'] | undefined {
    return key.transition && key.transition.until > nowMs(this.context) ? key.transition.kind : undefined;
  }

  private startTransition(key: KeyRecord, kind: KeyTransition['kind'], now: number): void {
    const window = this.context.softDeleteWindowMs ?? 0;
    if (window > 0) key.transition = { kind, until: now + window };
    else delete key.transition;
  }

  private keysOf(container: KeyContainer): Map<string, KeyRecord> {
    return this.context.state.keysOf(container.uid);
  }

  private remove(container: KeyContainer, key: KeyRecord): void {
    this.keysOf(container).delete(key.name.toLowerCase());
    this.context.state.markDirty('key', keyRowId(container.uid, key.name));
  }

  private touch(container: KeyContainer, key: KeyRecord): void {
    this.context.state.markDirty('key', keyRowId(container.uid, key.name));
  }
}

type BackupPayload = {
  format: string;
  subscriptionId: string;
  containerKind: 'vault' | 'hsm';
  name: string;
  rotationPolicy?: RotationPolicyRecord;
  versions: Array<Omit<KeyVersionRecord, 'privateKey'> & { privateKeyPkcs8: string }>;
};

/**
 * Secure key release pairs `exportable` with a release policy, both ways. Azure's messages:
 * "AKV.SKR.1004: Exportable keys must have release policy." (azure-sdk-for-python#29945) and
 * "AKV.SKR.1005: Non-exportable keys must not have release policy" (azure-cli#28288).
 */
function assertReleasePolicyFits(exportable: boolean | undefined, releasePolicy: unknown): void {
  if (exportable && !releasePolicy) throw badParameter('AKV.SKR.1004: Exportable keys must have release policy.');
  if (!exportable && releasePolicy) throw badParameter('AKV.SKR.1005: Non-exportable keys must not have release policy');
}

function parseKty(value: unknown, container: KeyContainer): KeyType {
  if (value === undefined || value === null || value === '') throw badParameter('kty is required: RSA, RSA-HSM, EC or EC-HSM.');
  if (typeof value !== 'string') throw badParameter('kty must be a string.');
  if (value === 'oct' || value === 'oct-HSM') {
    if (container.kind === 'hsm') throw notImplemented('symmetric (oct-HSM) keys on Managed HSM');
    throw badParameter(`The key type ${value} is not supported by Key Vault vaults; symmetric keys need a Managed HSM.`);
  }
  if (value !== 'RSA' && value !== 'RSA-HSM' && value !== 'EC' && value !== 'EC-HSM') {
    throw badParameter(`Invalid kty '${value}'. Supported key types: RSA, RSA-HSM, EC, EC-HSM.`);
  }
  const hsm = value.endsWith('-HSM');
  if (container.kind === 'hsm' && !hsm) {
    // UNCONFIRMED: Managed HSM is assumed to refuse software key types rather than upgrade them.
    throw badParameter(`Managed HSM stores HSM-protected keys only; use ${value}-HSM instead of ${value}.`);
  }
  if (hsm && !container.hsmCapable) {
    // Azure's message; the status (400) is UNCONFIRMED.
    throw badParameter('Hardware key operation not allowed on standard vault');
  }
  return value;
}

export function publicJwkOf(privateKey: KeyObject): PublicJwk {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (jwk.kty === 'RSA') return { kty: 'RSA', n: jwk.n as string, e: jwk.e as string };
  return { kty: 'EC', crv: jwk.crv as string, x: jwk.x as string, y: jwk.y as string };
}

function curveOf(namedCurve: string | undefined): CurveName | undefined {
  switch (namedCurve) {
    case 'prime256v1':
      return 'P-256';
    case 'secp384r1':
      return 'P-384';
    case 'secp521r1':
      return 'P-521';
    case 'secp256k1':
      return 'P-256K';
    default:
      return undefined;
  }
}

function isRotationDue(key: KeyRecord, now: number): boolean {
  const current = key.versions[key.versions.length - 1];
  if (!current) return false;
  return (key.rotationPolicy?.lifetimeActions ?? []).some((action) => {
    if (action.action.type !== 'Rotate') return false;
    if (action.trigger.timeAfterCreate) {
      const after = parseIsoDuration(action.trigger.timeAfterCreate);
      return after !== undefined && now >= current.created + after;
    }
    if (action.trigger.timeBeforeExpiry && current.expires !== undefined) {
      const before = parseIsoDuration(action.trigger.timeBeforeExpiry);
      return before !== undefined && now >= current.expires - before;
    }
    return false;
  });
}

/** The current (newest) version; every stored key has at least one. */
export function currentVersion(key: KeyRecord): KeyVersionRecord {
  const version = key.versions[key.versions.length - 1];
  if (!version) throw new Error(`key ${key.name} has no versions`);
  return version;
}

export function keyNotFound(name: string, version?: string): ServiceError {
  return notFound(
    'KeyNotFound',
    `A key with (name/id) ${version ? `${name}/${version}` : name} was not found in this key vault. If you recently deleted this key you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
  );
}

// UNCONFIRMED wording for keys: Azure's inner codes ObjectIsBeingDeleted / ObjectIsBeingRecovered
// (azure-sdk-for-net#7199, terraform-provider-azurerm#12285) and its secret message "Secret is
// currently being deleted." (terraform-provider-azurerm#10454, azure-cli#12722).
function beingDeleted(name: string): ServiceError {
  return conflict('Conflict', `Key ${name} is currently being deleted.`, 'ObjectIsBeingDeleted');
}

function beingRecovered(name: string): ServiceError {
  return conflict('Conflict', `Key ${name} is currently being recovered.`, 'ObjectIsBeingRecovered');
}

function deletedButRecoverable(name: string): ServiceError {
  return conflict(
    'Conflict',
    `Key ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the key can only be recovered or purged.`,
    'ObjectIsDeletedButRecoverable',
  );
}

function byName(a: KeyRecord, b: KeyRecord): number {
  return a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0;
}
