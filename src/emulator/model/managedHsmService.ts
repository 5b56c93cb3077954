import { randomUUID } from 'node:crypto';
import { HSM_ADMINISTRATOR_ROLE_ID } from './builtInRoles';
import { purgeContainer } from './containerPurge';
import { normalizeLocation, requireLocation } from './locations';
import { type Caller, type ModelContext, nowMs } from './modelContext';
import { assertHsmName, isGuid, isValidVaultName, nameKey } from './names';
import type { AuditStamp, ManagedHsmRecord, OperationKind, OperationRecord } from './records';
import { ServiceError, badRequest, conflict, notFound } from './serviceError';
import { type SubscriptionService, readTags } from './subscriptionService';
import { type NameAvailability, requireObject } from './vaultService';

const DAY_MS = 86_400_000;
export const HSM_TYPE = 'Microsoft.KeyVault/managedHSMs';
/** Azure's limit: 5 Managed HSM pools per subscription per region. */
export const HSM_QUOTA_PER_REGION = 5;
const SKU_NAMES = ['Standard_B1', 'Custom_B32', 'Custom_B6', 'Custom_C42', 'Custom_C10'];

export function hsmResourceId(hsm: Pick<ManagedHsmRecord, 'subscriptionId' | 'resourceGroup' | 'name'>): string {
  return `/subscriptions/${hsm.subscriptionId}/resourceGroups/${hsm.resourceGroup}/providers/Microsoft.KeyVault/managedHSMs/${hsm.name}`;
}

/**
 * Microsoft.KeyVault/managedHSMs. Create, delete and purge are long-running: with a provisioning
 * time above zero they return an operation the client polls, and the state moves on lazily when the
 * clock passes `transitionAt` (so advancing the emulator clock also finishes them).
 */
export class ManagedHsmService {
  constructor(
    private readonly context: ModelContext,
    private readonly subscriptions: SubscriptionService,
  ) {}

  createOrUpdate(
    subscriptionId: string,
    resourceGroup: string,
    name: string,
    body: unknown,
    caller: Caller,
  ): { hsm: ManagedHsmRecord; created: boolean; operation?: OperationRecord } {
    const subscription = this.subscriptions.assertWritable(subscriptionId);
    assertHsmName(name);
    const group = this.subscriptions.getResourceGroup(subscriptionId, resourceGroup);
    const document = requireObject(body, 'The request body must be a JSON object with location, sku and properties.');
    const properties = requireObject(document.properties, 'The properties property is required for a managed HSM.');
    const location = requireLocation(document.location, HSM_TYPE);
    const existing = this.context.state.hsms.get(nameKey(name));
    const now = nowMs(this.context);
    const stamp: AuditStamp = { at: now, by: caller.objectId, byType: caller.kind };
    const recover = typeof properties.createMode === 'string' && properties.createMode.toLowerCase() === 'recover';

    if (existing?.deleted) {
      if (!recover) {
        throw conflict(
          'ConflictError',
          `A managed HSM with the same name '${name}' already exists in deleted state. You need to either recover or purge the existing managed HSM before the name can be reused.`,
        );
      }
      if (existing.subscriptionId.toLowerCase() !== subscription.id.toLowerCase() || existing.location !== location) {
        throw conflict('ConflictError', `The deleted managed HSM '${name}' belongs to another subscription or location and cannot be recovered here.`);
      }
      delete existing.deleted;
      existing.resourceGroup = group.name;
      existing.modified = stamp;
      this.touch(existing);
      return { hsm: existing, created: false };
    }
    if (recover) throw notFound('NotFound', `No deleted managed HSM named '${name}' was found to recover in location '${location}'.`);
    if (existing && (existing.subscriptionId.toLowerCase() !== subscription.id.toLowerCase() || existing.resourceGroup.toLowerCase() !== group.name.toLowerCase())) {
      throw conflict('Conflict', `The managed HSM name '${name}' is already in use. Managed HSM names are globally unique.`);
    }

    const skuName = parseSku(document.sku);
    const tags = readTags(document.tags);
    if (properties.enableSoftDelete === false) throw badRequest('BadRequest', 'Soft delete is always enabled for managed HSMs and cannot be set to false.');
    if (properties.enablePurgeProtection !== undefined && typeof properties.enablePurgeProtection !== 'boolean') {
      throw badRequest('BadRequest', 'The property enablePurgeProtection must be a boolean.');
    }

    if (existing) {
      if (existing.enablePurgeProtection && properties.enablePurgeProtection === false) {
        throw badRequest('BadRequest', 'Purge protection cannot be disabled once enabled on a managed HSM.');
      }
      existing.tags = tags;
      existing.enablePurgeProtection = existing.enablePurgeProtection || properties.enablePurgeProtection === true;
      existing.publicNetworkAccess = parsePublicNetworkAccess(properties.publicNetworkAccess) ?? existing.publicNetworkAccess;
      if (properties.networkAcls !== undefined) existing.networkAcls = properties.networkAcls;
      existing.modified = stamp;
      this.touch(existing);
      return { hsm: existing, created: false };
    }

    const tenantId = properties.tenantId;
    if (!isGuid(tenantId)) throw badRequest('BadRequest', 'The property tenantId is required and must be a GUID.');
    const admins = properties.initialAdminObjectIds;
    if (!Array.isArray(admins) || admins.length === 0 || !admins.every(isGuid)) {
      throw badRequest(
        'BadRequest',
        'The property initialAdminObjectIds must list at least one object id (GUID); for a managed identity use its principal (object) id, not its client id.',
      );
    }
    const retention = properties.softDeleteRetentionInDays ?? 90;
    if (typeof retention !== 'number' || !Number.isInteger(retention) || retention < 7 || retention > 90) {
      throw badRequest('BadRequest', 'The property softDeleteRetentionInDays must be an integer between 7 and 90.');
    }
    if (this.context.state.meta.disabledHsmRegions.includes(location)) {
      // Seen in the field as HTTP 503 with code "503" (terraform-provider-azurerm#20855).
      throw new ServiceError('ServiceUnavailable', '503', 'Pool creation is disabled in this region');
    }
    const inRegion = [...this.context.state.hsms.values()].filter((h) => !h.deleted && h.subscriptionId.toLowerCase() === subscription.id.toLowerCase() && h.location === location);
    if (inRegion.length >= HSM_QUOTA_PER_REGION) {
      // UNCONFIRMED code and status; the limit itself is Azure's documented service limit.
      throw conflict(
        'QuotaExceeded',
        `Managed HSM quota exceeded: subscription '${subscription.id}' already has ${inRegion.length} managed HSM pools in region '${location}' (limit ${HSM_QUOTA_PER_REGION} per subscription per region).`,
      );
    }

    const provisioningMs = this.context.hsmProvisioningMs;
    const hsm: ManagedHsmRecord = {
      uid: randomUUID(),
      name,
      subscriptionId: subscription.id,
      resourceGroup: group.name,
      location,
      tags,
      tenantId: tenantId.toLowerCase(),
      skuName,
      initialAdminObjectIds: admins.map((id: string) => id.toLowerCase()),
      softDeleteRetentionInDays: retention,
      enablePurgeProtection: properties.enablePurgeProtection === true,
      publicNetworkAccess: parsePublicNetworkAccess(properties.publicNetworkAccess) ?? 'Enabled',
      ...(properties.networkAcls !== undefined ? { networkAcls: properties.networkAcls } : {}),
      provisioningState: provisioningMs > 0 ? 'Provisioning' : 'Succeeded',
      transitionAt: now + provisioningMs,
      activated: false,
      roleAssignments: admins.map((id: string) => ({ name: randomUUID(), scope: '/', roleDefinitionId: HSM_ADMINISTRATOR_ROLE_ID, principalId: id.toLowerCase() })),
      customRoleDefinitions: [],
      created: stamp,
      modified: stamp,
    };
    this.context.state.hsms.set(nameKey(name), hsm);
    this.touch(hsm);
    return { hsm, created: true, ...(provisioningMs > 0 ? { operation: this.startOperation('hsmCreate', hsm) } : {}) };
  }

  update(subscriptionId: string, resourceGroup: string, name: string, body: unknown, caller: Caller): ManagedHsmRecord {
    this.subscriptions.assertWritable(subscriptionId);
    const hsm = this.get(subscriptionId, resourceGroup, name);
    const document = requireObject(body, 'The request body must be a JSON object.');
    const properties = document.properties === undefined ? {} : requireObject(document.properties, 'properties must be an object.');
    if (document.tags !== undefined) hsm.tags = readTags(document.tags);
    if (properties.enablePurgeProtection === false && hsm.enablePurgeProtection) {
      throw badRequest('BadRequest', 'Purge protection cannot be disabled once enabled on a managed HSM.');
    }
    if (properties.enablePurgeProtection === true) hsm.enablePurgeProtection = true;
    const access = parsePublicNetworkAccess(properties.publicNetworkAccess);
    if (access) hsm.publicNetworkAccess = access;
    if (properties.networkAcls !== undefined) hsm.networkAcls = properties.networkAcls;
    hsm.modified = { at: nowMs(this.context), by: caller.objectId, byType: caller.kind };
    this.touch(hsm);
    return hsm;
  }

  get(subscriptionId: string, resourceGroup: string, name: string): ManagedHsmRecord {
    this.subscriptions.get(subscriptionId);
    const hsm = this.context.state.hsms.get(nameKey(name));
    if (!hsm || hsm.deleted || hsm.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase() || hsm.resourceGroup.toLowerCase() !== resourceGroup.toLowerCase()) {
      this.subscriptions.getResourceGroup(subscriptionId, resourceGroup);
      throw notFound(
        'ResourceNotFound',
        `The Resource 'Microsoft.KeyVault/managedHSMs/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
      );
    }
    return hsm;
  }

  /** The provisioned, not deleted HSM behind a data-plane host name, if any. */
  findServing(name: string): ManagedHsmRecord | undefined {
    const hsm = this.context.state.hsms.get(nameKey(name));
    return hsm && !hsm.deleted && hsm.provisioningState === 'Succeeded' ? hsm : undefined;
  }

  list(subscriptionId: string, resourceGroup?: string): ManagedHsmRecord[] {
    const id = this.subscriptions.get(subscriptionId).id.toLowerCase();
    if (resourceGroup !== undefined) this.subscriptions.getResourceGroup(subscriptionId, resourceGroup);
    return [...this.context.state.hsms.values()]
      .filter((h) => !h.deleted && h.subscriptionId.toLowerCase() === id)
      .filter((h) => resourceGroup === undefined || h.resourceGroup.toLowerCase() === resourceGroup.toLowerCase())
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Starts deletion. Returns undefined when there is nothing to delete (ARM answers 204). */
  delete(subscriptionId: string, resourceGroup: string, name: string): { hsm: ManagedHsmRecord; operation?: OperationRecord } | undefined {
    let hsm: ManagedHsmRecord;
    try {
      hsm = this.get(subscriptionId, resourceGroup, name);
    } catch (error) {
      if (error instanceof ServiceError && error.code === 'ResourceNotFound') return undefined;
      throw error;
    }
    const now = nowMs(this.context);
    if (this.context.hsmProvisioningMs <= 0) {
      this.softDelete(hsm, now);
      return { hsm };
    }
    hsm.provisioningState = 'Deleting';
    hsm.transitionAt = now + this.context.hsmProvisioningMs;
    this.touch(hsm);
    return { hsm, operation: this.startOperation('hsmDelete', hsm) };
  }

  listDeleted(subscriptionId: string): ManagedHsmRecord[] {
    const id = this.subscriptions.get(subscriptionId).id.toLowerCase();
    return [...this.context.state.hsms.values()].filter((h) => h.deleted && h.subscriptionId.toLowerCase() === id);
  }

  getDeleted(subscriptionId: string, location: string, name: string): ManagedHsmRecord {
    this.subscriptions.get(subscriptionId);
    const hsm = this.context.state.hsms.get(nameKey(name));
    if (!hsm?.deleted || hsm.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase() || hsm.location !== normalizeLocation(location)) {
      throw notFound('ResourceNotFound', `The deleted managed HSM '${name}' was not found in location '${location}'.`);
    }
    return hsm;
  }

  purgeDeleted(subscriptionId: string, location: string, name: string): { operation?: OperationRecord } {
    this.subscriptions.assertWritable(subscriptionId);
    const hsm = this.getDeleted(subscriptionId, location, name);
    if (hsm.enablePurgeProtection && nowMs(this.context) < (hsm.deleted?.scheduledPurgeAt ?? 0)) {
      throw conflict(
        'InvalidOperation',
        `Operation 'DeletedManagedHsmPurge' is not allowed. The managed HSM '${name}' has purge protection enabled; it will be purged automatically after its scheduled purge date.`,
      );
    }
    if (this.context.hsmProvisioningMs <= 0) {
      this.purge(hsm);
      return {};
    }
    return { operation: this.startOperation('hsmPurge', hsm) };
  }

  checkNameAvailability(body: unknown): NameAvailability {
    const document = requireObject(body, 'The request body must be a JSON object with name.');
    if (typeof document.name !== 'string') throw badRequest('BadRequest', 'The property name is required.');
    const name = document.name;
    if (!isValidVaultName(name)) {
      return {
        nameAvailable: false,
        reason: 'AccountNameInvalid',
        message: `Managed HSM name '${name}' is invalid. It must be 3-24 alphanumeric characters or hyphens, begin with a letter, end with a letter or digit, and not contain consecutive hyphens.`,
      };
    }
    const existing = this.context.state.hsms.get(nameKey(name));
    if (!existing) return { nameAvailable: true };
    return {
      nameAvailable: false,
      reason: 'AlreadyExists',
      message: existing.deleted
        ? `The managed HSM name '${name}' is already in use by a managed HSM in deleted state; purge it before reusing the name.`
        : `The managed HSM name '${name}' is already in use.`,
    };
  }

  operation(id: string): OperationRecord | undefined {
    return this.context.state.operations.get(id);
  }

  isOperationDone(operation: OperationRecord): boolean {
    return nowMs(this.context) >= operation.completesAt;
  }

  /** Applies every transition whose time has come: provisioning done, deletion done, purge done. */
  advance(now: number): void {
    for (const hsm of [...this.context.state.hsms.values()]) {
      if (hsm.provisioningState === 'Provisioning' && hsm.transitionAt <= now) {
        hsm.provisioningState = 'Succeeded';
        this.touch(hsm);
      } else if (hsm.provisioningState === 'Deleting' && hsm.transitionAt <= now) {
        this.softDelete(hsm, hsm.transitionAt);
      }
    }
    for (const operation of [...this.context.state.operations.values()]) {
      if (operation.kind !== 'hsmPurge' || operation.applied || operation.completesAt > now) continue;
      const hsm = this.context.state.hsms.get(nameKey(operation.hsmName));
      if (hsm?.deleted) this.purge(hsm);
      operation.applied = true;
      this.context.state.markDirty('operation', operation.id);
    }
  }

  purge(hsm: ManagedHsmRecord): void {
    this.context.state.hsms.delete(nameKey(hsm.name));
    this.context.state.markDirty('hsm', nameKey(hsm.name));
    purgeContainer(this.context.state, hsm.uid, hsmResourceId(hsm));
  }

  private softDelete(hsm: ManagedHsmRecord, at: number): void {
    hsm.provisioningState = 'Succeeded';
    hsm.deleted = { deletedAt: at, scheduledPurgeAt: at + hsm.softDeleteRetentionInDays * DAY_MS };
    this.touch(hsm);
  }

  private startOperation(kind: OperationKind, hsm: ManagedHsmRecord): OperationRecord {
    const now = nowMs(this.context);
    const operation: OperationRecord = {
      id: randomUUID(),
      kind,
      subscriptionId: hsm.subscriptionId,
      location: hsm.location,
      hsmName: hsm.name,
      resourceGroup: hsm.resourceGroup,
      startedAt: now,
      completesAt: now + this.context.hsmProvisioningMs,
      resourcePath: hsmResourceId(hsm),
    };
    this.context.state.operations.set(operation.id, operation);
    this.context.state.markDirty('operation', operation.id);
    this.pruneOperations(now);
    return operation;
  }

  /** Keep finished operations a day so late polls still answer, then forget them. */
  private pruneOperations(now: number): void {
    for (const [id, operation] of this.context.state.operations) {
      if (operation.completesAt + DAY_MS < now) {
        this.context.state.operations.delete(id);
        this.context.state.markDirty('operation', id);
      }
    }
  }

  private touch(hsm: ManagedHsmRecord): void {
    this.context.state.markDirty('hsm', nameKey(hsm.name));
  }
}

function parseSku(value: unknown): string {
  const sku = requireObject(value, `The property sku is required: {"family":"B","name":"Standard_B1"}.`);
  if (typeof sku.family !== 'string' || !['B', 'C'].includes(sku.family.toUpperCase())) throw badRequest('BadRequest', `The property sku.family must be 'B'.`);
  const name = SKU_NAMES.find((n) => typeof sku.name === 'string' && n.toLowerCase() === sku.name.toLowerCase());
  if (!name) throw badRequest('BadRequest', `The property sku.name must be one of ${SKU_NAMES.join(', ')}.`);
  return name;
}

function parsePublicNetworkAccess(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'Enabled' || value === 'Disabled') return value;
  throw badRequest('BadRequest', `The property publicNetworkAccess must be 'Enabled' or 'Disabled'.`);
}
