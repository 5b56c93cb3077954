import { randomUUID } from 'node:crypto';
import { type AccessPolicyUpdateKind, applyAccessPolicyUpdate, parseAccessPolicies } from './accessPolicies';
import { resourceGroupKey } from './emulatorState';
import { normalizeLocation, requireLocation } from './locations';
import { type Caller, type ModelContext, nowMs } from './modelContext';
import { assertVaultName, isGuid, isValidVaultName, nameKey } from './names';
import type { AccessPolicyEntry, AuditStamp, VaultRecord } from './records';
import { purgeContainer } from './containerPurge';
import { badRequest, conflict, notFound } from './serviceError';
import { type SubscriptionService, readTags } from './subscriptionService';

const DAY_MS = 86_400_000;
export const VAULT_TYPE = 'Microsoft.KeyVault/vaults';

export function vaultResourceId(vault: Pick<VaultRecord, 'subscriptionId' | 'resourceGroup' | 'name'>): string {
  return `/subscriptions/${vault.subscriptionId}/resourceGroups/${vault.resourceGroup}/providers/Microsoft.KeyVault/vaults/${vault.name}`;
}

export interface NameAvailability {
  nameAvailable: boolean;
  reason?: 'AccountNameInvalid' | 'AlreadyExists';
  message?: string;
}

/**
 * Microsoft.KeyVault/vaults: create/update (synchronous, as the RP does for vaults), access
 * policies, soft delete, deleted vaults and purge. Names are global across subscriptions and a
 * soft-deleted vault keeps its name until purged.
 */
export class VaultService {
  constructor(
    private readonly context: ModelContext,
    private readonly subscriptions: SubscriptionService,
  ) {}

  createOrUpdate(subscriptionId: string, resourceGroup: string, name: string, body: unknown, caller: Caller): { vault: VaultRecord; created: boolean } {
    const subscription = this.subscriptions.assertWritable(subscriptionId);
    assertVaultName(name);
    const group = this.subscriptions.getResourceGroup(subscriptionId, resourceGroup);
    const document = requireObject(body, 'The request body must be a JSON object with location and properties.');
    const properties = requireObject(document.properties, 'The properties property is required for a vault.');
    const location = requireLocation(document.location, VAULT_TYPE);
    const createMode = parseCreateMode(properties.createMode);
    const existing = this.context.state.vaults.get(nameKey(name));
    const stamp = this.stamp(caller);

    if (existing?.deleted) {
      if (createMode !== 'recover') {
        throw conflict(
          'ConflictError',
          `A vault with the same name already exists in deleted state. You need to either recover or purge existing key vault. Follow this link https://go.microsoft.com/fwlink/?linkid=2149745 for more information on soft delete.`,
        );
      }
      if (existing.subscriptionId.toLowerCase() !== subscription.id.toLowerCase() || existing.location !== location) {
        throw conflict('ConflictError', `The deleted vault '${name}' belongs to another subscription or location and cannot be recovered here.`);
      }
      delete existing.deleted;
      existing.resourceGroup = group.name;
      existing.modified = stamp;
      this.touch(existing);
      return { vault: existing, created: false };
    }
    if (createMode === 'recover') {
      throw notFound('DeletedVaultNotFound', `No deleted vault named '${name}' was found to recover in location '${location}'.`);
    }
    if (existing && (existing.subscriptionId.toLowerCase() !== subscription.id.toLowerCase() || existing.resourceGroup.toLowerCase() !== group.name.toLowerCase())) {
      throw conflict(
        'VaultAlreadyExists',
        `The vault name '${name}' is already in use. Vault names are globally unique so it is possible that the name is already taken. If you are sure that the vault name was not taken then it is possible that a vault with the same name was recently deleted but not purged after being placed in a recoverable state. If the vault is in a recoverable state then the vault will need to be purged before reusing the name. For more information on soft delete and purging a vault follow this link https://go.microsoft.com/fwlink/?linkid=2147740.`,
      );
    }

    const tenantId = properties.tenantId;
    if (!isGuid(tenantId)) throw badRequest('BadRequest', 'The property tenantId is required and must be a GUID.');
    const sku = parseSku(properties.sku);
    assertTrueOnly(properties, 'enableSoftDelete', 'soft delete');
    assertTrueOnly(properties, 'enablePurgeProtection', 'purge protection');
    const retention = parseRetention(properties.softDeleteRetentionInDays);
    const accessPolicies = parseAccessPolicies(properties.accessPolicies);
    const tags = readTags(document.tags);

    if (existing) {
      if (existing.location !== location) {
        throw badRequest('LocationNotAvailableForResourceType', `The vault '${name}' exists in location '${existing.location}'; a vault cannot move to '${location}'.`);
      }
      if (retention !== undefined && retention !== existing.softDeleteRetentionInDays) {
        throw badRequest('BadRequest', `The property "softDeleteRetentionInDays" is set at creation (${existing.softDeleteRetentionInDays} days) and cannot be changed.`);
      }
      Object.assign(existing, {
        tenantId: tenantId.toLowerCase(),
        sku,
        tags,
        accessPolicies,
        ...booleans(properties, existing),
        enableRbacAuthorization: properties.enableRbacAuthorization === true,
        enablePurgeProtection: existing.enablePurgeProtection || properties.enablePurgeProtection === true,
        publicNetworkAccess: parsePublicNetworkAccess(properties.publicNetworkAccess) ?? existing.publicNetworkAccess,
        networkAcls: properties.networkAcls ?? existing.networkAcls,
        modified: stamp,
      });
      this.touch(existing);
      return { vault: existing, created: false };
    }

    const vault: VaultRecord = {
      uid: randomUUID(),
      name,
      subscriptionId: subscription.id,
      resourceGroup: group.name,
      location,
      tags,
      tenantId: tenantId.toLowerCase(),
      sku,
      accessPolicies,
      enabledForDeployment: properties.enabledForDeployment === true,
      enabledForDiskEncryption: properties.enabledForDiskEncryption === true,
      enabledForTemplateDeployment: properties.enabledForTemplateDeployment === true,
      softDeleteRetentionInDays: retention ?? 90,
      enableRbacAuthorization: properties.enableRbacAuthorization === true,
      enablePurgeProtection: properties.enablePurgeProtection === true,
      publicNetworkAccess: parsePublicNetworkAccess(properties.publicNetworkAccess) ?? 'Enabled',
      ...(properties.networkAcls !== undefined ? { networkAcls: properties.networkAcls } : {}),
      created: stamp,
      modified: stamp,
    };
    this.context.state.vaults.set(nameKey(name), vault);
    this.touch(vault);
    return { vault, created: true };
  }

  update(subscriptionId: string, resourceGroup: string, name: string, body: unknown, caller: Caller): VaultRecord {
    this.subscriptions.assertWritable(subscriptionId);
    const vault = this.get(subscriptionId, resourceGroup, name);
    const document = requireObject(body, 'The request body must be a JSON object.');
    const properties = document.properties === undefined ? {} : requireObject(document.properties, 'properties must be an object.');
    if (document.tags !== undefined) vault.tags = readTags(document.tags);
    if (properties.tenantId !== undefined) {
      if (!isGuid(properties.tenantId)) throw badRequest('BadRequest', 'The property tenantId must be a GUID.');
      vault.tenantId = properties.tenantId.toLowerCase();
    }
    if (properties.sku !== undefined) vault.sku = parseSku(properties.sku);
    if (properties.accessPolicies !== undefined) vault.accessPolicies = parseAccessPolicies(properties.accessPolicies);
    assertTrueOnly(properties, 'enableSoftDelete', 'soft delete');
    assertTrueOnly(properties, 'enablePurgeProtection', 'purge protection');
    if (properties.enablePurgeProtection === true) vault.enablePurgeProtection = true;
    const retention = parseRetention(properties.softDeleteRetentionInDays);
    if (retention !== undefined && retention !== vault.softDeleteRetentionInDays) {
      throw badRequest('BadRequest', `The property "softDeleteRetentionInDays" is set at creation (${vault.softDeleteRetentionInDays} days) and cannot be changed.`);
    }
    if (typeof properties.enableRbacAuthorization === 'boolean') vault.enableRbacAuthorization = properties.enableRbacAuthorization;
    Object.assign(vault, booleans(properties, vault));
    const access = parsePublicNetworkAccess(properties.publicNetworkAccess);
    if (access) vault.publicNetworkAccess = access;
    if (properties.networkAcls !== undefined) vault.networkAcls = properties.networkAcls;
    vault.modified = this.stamp(caller);
    this.touch(vault);
    return vault;
  }

  updateAccessPolicies(
    subscriptionId: string,
    resourceGroup: string,
    name: string,
    kind: string,
    body: unknown,
    caller: Caller,
  ): { vault: VaultRecord; policies: AccessPolicyEntry[] } {
    this.subscriptions.assertWritable(subscriptionId);
    const vault = this.get(subscriptionId, resourceGroup, name);
    const operation = kind.toLowerCase();
    if (operation !== 'add' && operation !== 'replace' && operation !== 'remove') {
      throw badRequest('BadRequest', `The access policy operation '${kind}' is not valid; use add, replace or remove.`);
    }
    const document = requireObject(body, 'The request body must be a JSON object with properties.accessPolicies.');
    const properties = requireObject(document.properties, 'The properties property is required.');
    if (!Array.isArray(properties.accessPolicies)) throw badRequest('BadRequest', 'The property properties.accessPolicies is required.');
    const policies = parseAccessPolicies(properties.accessPolicies);
    vault.accessPolicies = applyAccessPolicyUpdate(vault.accessPolicies, operation as AccessPolicyUpdateKind, policies);
    vault.modified = this.stamp(caller);
    this.touch(vault);
    return { vault, policies };
  }

  get(subscriptionId: string, resourceGroup: string, name: string): VaultRecord {
    this.subscriptions.get(subscriptionId);
    const vault = this.context.state.vaults.get(nameKey(name));
    if (!vault || vault.deleted || vault.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase() || vault.resourceGroup.toLowerCase() !== resourceGroup.toLowerCase()) {
      if (!this.context.state.resourceGroups.has(resourceGroupKey(subscriptionId, resourceGroup))) {
        throw notFound('ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`);
      }
      throw notFound(
        'ResourceNotFound',
        `The Resource 'Microsoft.KeyVault/vaults/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
      );
    }
    return vault;
  }

  /** The active vault behind a data-plane host name, if any. */
  findActive(name: string): VaultRecord | undefined {
    const vault = this.context.state.vaults.get(nameKey(name));
    return vault && !vault.deleted ? vault : undefined;
  }

  list(subscriptionId: string, resourceGroup?: string): VaultRecord[] {
    const id = this.subscriptions.get(subscriptionId).id.toLowerCase();
    if (resourceGroup !== undefined) this.subscriptions.getResourceGroup(subscriptionId, resourceGroup);
    return [...this.context.state.vaults.values()]
      .filter((v) => !v.deleted && v.subscriptionId.toLowerCase() === id)
      .filter((v) => resourceGroup === undefined || v.resourceGroup.toLowerCase() === resourceGroup.toLowerCase())
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Soft delete (always on). Returns false when there was nothing to delete (ARM answers 204). */
  delete(subscriptionId: string, resourceGroup: string, name: string): boolean {
    this.subscriptions.get(subscriptionId);
    let vault: VaultRecord;
    try {
      vault = this.get(subscriptionId, resourceGroup, name);
    } catch {
      return false;
    }
    const now = nowMs(this.context);
    vault.deleted = { deletedAt: now, scheduledPurgeAt: now + vault.softDeleteRetentionInDays * DAY_MS };
    this.touch(vault);
    return true;
  }

  listDeleted(subscriptionId: string): VaultRecord[] {
    const id = this.subscriptions.get(subscriptionId).id.toLowerCase();
    return [...this.context.state.vaults.values()].filter((v) => v.deleted && v.subscriptionId.toLowerCase() === id);
  }

  getDeleted(subscriptionId: string, location: string, name: string): VaultRecord {
    this.subscriptions.get(subscriptionId);
    const vault = this.context.state.vaults.get(nameKey(name));
    if (!vault?.deleted || vault.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase() || vault.location !== normalizeLocation(location)) {
      throw notFound('DeletedVaultNotFound', `The deleted vault '${name}' was not found in location '${location}'.`);
    }
    return vault;
  }

  /** Purge refuses while purge protection holds, until the scheduled purge date. */
  purgeDeleted(subscriptionId: string, location: string, name: string): void {
    this.subscriptions.assertWritable(subscriptionId);
    const vault = this.getDeleted(subscriptionId, location, name);
    if (vault.enablePurgeProtection && nowMs(this.context) < (vault.deleted?.scheduledPurgeAt ?? 0)) {
      // UNCONFIRMED status: the code and message are the ones Azure gives (InvalidOperation / MethodNotAllowed seen).
      throw conflict(
        'InvalidOperation',
        `Operation 'DeletedVaultPurge' is not allowed. The vault '${name}' has purge protection enabled; it will be purged automatically after its scheduled purge date.`,
      );
    }
    this.purge(vault);
  }

  /** Removes a soft-deleted vault for good (purge, or retention elapsed). */
  purge(vault: VaultRecord): void {
    this.context.state.vaults.delete(nameKey(vault.name));
    this.context.state.markDirty('vault', nameKey(vault.name));
    purgeContainer(this.context.state, vault.uid, vaultResourceId(vault));
  }

  checkNameAvailability(body: unknown): NameAvailability {
    const document = requireObject(body, 'The request body must be a JSON object with name and type.');
    if (typeof document.name !== 'string') throw badRequest('BadRequest', 'The property name is required.');
    if (typeof document.type !== 'string' || document.type.toLowerCase() !== VAULT_TYPE.toLowerCase()) {
      throw badRequest('BadRequest', `The property type must be '${VAULT_TYPE}'.`);
    }
    const name = document.name;
    if (!isValidVaultName(name)) {
      return {
        nameAvailable: false,
        reason: 'AccountNameInvalid',
        message: `Vault name '${name}' is invalid. A vault's name must be between 3-24 alphanumeric characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens.`,
      };
    }
    const existing = this.context.state.vaults.get(nameKey(name));
    if (!existing) return { nameAvailable: true };
    return {
      nameAvailable: false,
      reason: 'AlreadyExists',
      message: existing.deleted
        ? `The vault name '${name}' is already in use. A vault with the same name was deleted but not purged and is in a recoverable state; it must be purged before the name can be reused. For more information on soft delete and purging a vault follow this link https://go.microsoft.com/fwlink/?linkid=2147740.`
        : `The vault name '${name}' is already in use. Vault names are globally unique so it is possible that the name is already taken.`,
    };
  }

  private stamp(caller: Caller): AuditStamp {
    return { at: nowMs(this.context), by: caller.objectId, byType: caller.kind };
  }

  private touch(vault: VaultRecord): void {
    this.context.state.markDirty('vault', nameKey(vault.name));
  }
}

export function requireObject(value: unknown, message: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest('BadRequest', message);
  return value as Record<string, unknown>;
}

function parseCreateMode(value: unknown): 'default' | 'recover' {
  if (value === undefined || value === null) return 'default';
  if (typeof value === 'string' && (value.toLowerCase() === 'default' || value.toLowerCase() === 'recover')) return value.toLowerCase() as 'default' | 'recover';
  throw badRequest('BadRequest', `The property createMode must be 'default' or 'recover'.`);
}

function parseSku(value: unknown): 'standard' | 'premium' {
  const sku = requireObject(value, 'The property sku is required: {"family":"A","name":"standard"|"premium"}.');
  if (typeof sku.family !== 'string' || sku.family.toUpperCase() !== 'A') throw badRequest('BadRequest', `The property sku.family must be 'A'.`);
  const name = typeof sku.name === 'string' ? sku.name.toLowerCase() : '';
  if (name !== 'standard' && name !== 'premium') throw badRequest('BadRequest', `The property sku.name must be 'standard' or 'premium'.`);
  return name;
}

/** Soft delete and purge protection can only be turned on; Azure rejects an explicit false. */
function assertTrueOnly(properties: Record<string, unknown>, property: 'enableSoftDelete' | 'enablePurgeProtection', what: string): void {
  const value = properties[property];
  if (value === undefined || value === null || value === true) return;
  if (value === false) {
    throw badRequest('BadRequest', `The property "${property}" cannot be set to false. Enabling the ${what} for a vault is an irreversible action.`);
  }
  throw badRequest('BadRequest', `The property "${property}" must be a boolean.`);
}

function parseRetention(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 7 || value > 90) {
    throw badRequest('BadRequest', 'The property "softDeleteRetentionInDays" must be an integer between 7 and 90.');
  }
  return value;
}

function parsePublicNetworkAccess(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'Enabled' || value === 'Disabled') return value;
  throw badRequest('BadRequest', `The property publicNetworkAccess must be 'Enabled' or 'Disabled'.`);
}

function booleans(
  properties: Record<string, unknown>,
  current: VaultRecord,
): Pick<VaultRecord, 'enabledForDeployment' | 'enabledForDiskEncryption' | 'enabledForTemplateDeployment'> {
  const pick = (key: 'enabledForDeployment' | 'enabledForDiskEncryption' | 'enabledForTemplateDeployment') =>
    typeof properties[key] === 'boolean' ? (properties[key] as boolean) : current[key];
  return {
    enabledForDeployment: pick('enabledForDeployment'),
    enabledForDiskEncryption: pick('enabledForDiskEncryption'),
    enabledForTemplateDeployment: pick('enabledForTemplateDeployment'),
  };
}
