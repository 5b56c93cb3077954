import { hsmUri, vaultUri } from '../http/hostRouting';
import { hsmResourceId } from '../model/managedHsmService';
import type { AuditStamp, FeatureState, ManagedHsmRecord, ResourceGroupRecord, RoleAssignmentRecord, SubscriptionRecord, VaultRecord } from '../model/records';
import { roleAssignmentId, roleDefinitionId } from '../model/roleAssignmentService';
import { vaultResourceId } from '../model/vaultService';

/** ARM wire shapes. ARM reports times as ISO 8601 strings. */

const iso = (ms: number) => new Date(ms).toISOString();

export function subscriptionJson(subscription: SubscriptionRecord) {
  return {
    id: `/subscriptions/${subscription.id}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: subscription.id,
    tenantId: subscription.tenantId,
    displayName: subscription.displayName,
    state: subscription.state,
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
  };
}

export function resourceGroupJson(group: ResourceGroupRecord) {
  return {
    id: `/subscriptions/${group.subscriptionId}/resourceGroups/${group.name}`,
    name: group.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: group.location,
    ...(Object.keys(group.tags).length ? { tags: group.tags } : {}),
    properties: { provisioningState: 'Succeeded' },
  };
}

export function featureJson(subscriptionId: string, name: string, state: FeatureState) {
  const [namespace = '', feature = ''] = name.split('/');
  return {
    id: `/subscriptions/${subscriptionId}/providers/Microsoft.Features/providers/${namespace}/features/${feature}`,
    name,
    properties: { state },
    type: 'Microsoft.Features/providers/features',
  };
}

function systemData(created: AuditStamp, modified: AuditStamp) {
  return {
    createdBy: created.by,
    createdByType: created.byType === 'User' ? 'User' : created.byType === 'ManagedIdentity' ? 'ManagedIdentity' : 'Application',
    createdAt: iso(created.at),
    lastModifiedBy: modified.by,
    lastModifiedByType: modified.byType === 'User' ? 'User' : modified.byType === 'ManagedIdentity' ? 'ManagedIdentity' : 'Application',
    lastModifiedAt: iso(modified.at),
  };
}

export function vaultJson(vault: VaultRecord, portSuffix: string) {
  return {
    id: vaultResourceId(vault),
    name: vault.name,
    type: 'Microsoft.KeyVault/vaults',
    location: vault.location,
    tags: vault.tags,
    systemData: systemData(vault.created, vault.modified),
    properties: {
      sku: { family: 'A', name: vault.sku },
      tenantId: vault.tenantId,
      accessPolicies: vault.accessPolicies,
      enabledForDeployment: vault.enabledForDeployment,
      enabledForDiskEncryption: vault.enabledForDiskEncryption,
      enabledForTemplateDeployment: vault.enabledForTemplateDeployment,
      enableSoftDelete: true,
      softDeleteRetentionInDays: vault.softDeleteRetentionInDays,
      enableRbacAuthorization: vault.enableRbacAuthorization,
      ...(vault.enablePurgeProtection ? { enablePurgeProtection: true } : {}),
      vaultUri: vaultUri(vault.name, portSuffix),
      provisioningState: 'Succeeded',
      publicNetworkAccess: vault.publicNetworkAccess,
      ...(vault.networkAcls !== undefined ? { networkAcls: vault.networkAcls } : {}),
      ...(vault.sku === 'premium'
        ? { hsmPoolResourceId: `/subscriptions/${vault.subscriptionId}/providers/Microsoft.KeyVault/locations/${vault.location}/hsmPools/emulated` }
        : {}),
    },
  };
}

/** The short form `/subscriptions/{s}/resources` lists. */
export function genericResourceJson(resource: { id: string; name: string; type: string; location: string; tags: Record<string, string> }) {
  return { id: resource.id, name: resource.name, type: resource.type, location: resource.location, tags: resource.tags };
}

export function deletedVaultJson(vault: VaultRecord) {
  return {
    id: `/subscriptions/${vault.subscriptionId}/providers/Microsoft.KeyVault/locations/${vault.location}/deletedVaults/${vault.name}`,
    name: vault.name,
    type: 'Microsoft.KeyVault/deletedVaults',
    properties: {
      vaultId: vaultResourceId(vault),
      location: vault.location,
      deletionDate: iso(vault.deleted?.deletedAt ?? 0),
      scheduledPurgeDate: iso(vault.deleted?.scheduledPurgeAt ?? 0),
      tags: vault.tags,
      purgeProtectionEnabled: vault.enablePurgeProtection,
    },
  };
}

export function accessPolicyUpdateJson(vault: VaultRecord, kind: string, policies: VaultRecord['accessPolicies']) {
  return {
    id: `${vaultResourceId(vault)}/accessPolicies/${kind.toLowerCase()}`,
    name: kind.toLowerCase(),
    type: 'Microsoft.KeyVault/vaults/accessPolicies',
    location: vault.location,
    properties: { accessPolicies: policies },
  };
}

export function managedHsmJson(hsm: ManagedHsmRecord, portSuffix: string) {
  const provisioned = hsm.provisioningState === 'Succeeded';
  return {
    id: hsmResourceId(hsm),
    name: hsm.name,
    type: 'Microsoft.KeyVault/managedHSMs',
    location: hsm.location,
    sku: { family: 'B', name: hsm.skuName },
    tags: hsm.tags,
    systemData: systemData(hsm.created, hsm.modified),
    properties: {
      tenantId: hsm.tenantId,
      initialAdminObjectIds: hsm.initialAdminObjectIds,
      hsmUri: hsmUri(hsm.name, portSuffix),
      enableSoftDelete: true,
      softDeleteRetentionInDays: hsm.softDeleteRetentionInDays,
      enablePurgeProtection: hsm.enablePurgeProtection,
      provisioningState: hsm.provisioningState,
      statusMessage: provisioned
        ? 'The Managed HSM is provisioned and ready to use.'
        : hsm.provisioningState === 'Deleting'
          ? 'The Managed HSM is being deleted.'
          : 'The Managed HSM is being provisioned.',
      networkAcls: hsm.networkAcls ?? { bypass: 'AzureServices', defaultAction: 'Allow', ipRules: [], virtualNetworkRules: [] },
      publicNetworkAccess: hsm.publicNetworkAccess,
      regions: [{ name: hsm.location, isPrimary: true, provisioningState: hsm.provisioningState }],
      securityDomainProperties: {
        activationStatus: !provisioned ? 'Unknown' : hsm.activated ? 'Active' : 'NotActivated',
        activationStatusMessage: hsm.activated
          ? 'Your HSM has been activated and can be used for cryptographic operations.'
          : 'Your HSM has been provisioned, but cannot be used for cryptographic operations until it is activated. To activate the HSM, download the security domain.',
      },
    },
  };
}

export function deletedManagedHsmJson(hsm: ManagedHsmRecord) {
  return {
    id: `/subscriptions/${hsm.subscriptionId}/providers/Microsoft.KeyVault/locations/${hsm.location}/deletedManagedHSMs/${hsm.name}`,
    name: hsm.name,
    type: 'Microsoft.KeyVault/deletedManagedHSMs',
    properties: {
      mhsmId: hsmResourceId(hsm),
      location: hsm.location,
      deletionDate: iso(hsm.deleted?.deletedAt ?? 0),
      scheduledPurgeDate: iso(hsm.deleted?.scheduledPurgeAt ?? 0),
      purgeProtectionEnabled: hsm.enablePurgeProtection,
      tags: hsm.tags,
    },
  };
}

export function roleAssignmentJson(assignment: RoleAssignmentRecord, subscriptionId: string) {
  return {
    id: roleAssignmentId(assignment.scope, assignment.name),
    name: assignment.name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: {
      roleDefinitionId: roleDefinitionId(subscriptionId, assignment.roleDefinitionId),
      principalId: assignment.principalId,
      principalType: assignment.principalType,
      scope: assignment.scope,
      condition: null,
      conditionVersion: null,
      createdOn: iso(assignment.created.at),
      updatedOn: iso(assignment.created.at),
      createdBy: assignment.created.by,
      updatedBy: assignment.created.by,
      delegatedManagedIdentityResourceId: null,
      description: assignment.description ?? null,
    },
  };
}
