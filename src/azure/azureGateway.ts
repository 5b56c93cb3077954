import { KeyVaultManagementClient, type ManagedHsm, type Vault } from '@azure/arm-keyvault';
import { KeyClient, type KeyVaultKey } from '@azure/keyvault-keys';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import type { TokenCredential } from '@azure/core-auth';
import type { Logger } from '../core';
import { mapAzureError, type AzureCallContext } from './azureErrors';
import { keywardPolicies, requestTimeoutPolicy } from './pipelinePolicies';
import { RestClient, type RestRetryOptions } from './restClient';
import { tokenIdentity } from './tokenIdentity';
import type {
  AccessPolicy,
  CallerIdentity,
  CallerIdentitySource,
  AzureWriter,
  DeletedContainer,
  HsmCustomRoleDefinition,
  KeyCreateParameters,
  KeyInfo,
  ManagedHsmCreateParameters,
  ManagedHsmInfo,
  NameAvailability,
  RoleAssignmentInfo,
  SecurityDomainCertificate,
  SubscribedSku,
  SubscriptionInfo,
  SubscriptionLocation,
  DirectoryUser,
  VaultCreateParameters,
  VaultInfo,
} from './ports';

export interface AzureGatewayOptions {
  credential: TokenCredential;
  /** https://management.azure.com, or the emulator's ARM endpoint. */
  armEndpoint: string;
  /** https://graph.microsoft.com, or the emulator's. */
  graphEndpoint: string;
  logger: Logger;
  /** Poll interval for long-running operations (Managed HSM create takes minutes in Azure). */
  pollIntervalMs?: number;
  /**
   * Transport-level retries of every client (default: the SDKs' own, 3 retries). The executor
   * passes `{ maxRetries: 0 }` and retries whole steps itself, re-checking Azure first.
   */
  retry?: RestRetryOptions;
  /** Abandon a request after this long (default: wait forever, as the SDKs do). */
  requestTimeoutMs?: number;
}

const ARM_SCOPE = 'https://management.azure.com/.default';
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const API = {
  resources: '2021-04-01',
  features: '2021-07-01',
  authorization: '2022-04-01',
  permissions: '2022-04-01',
  hsmDataPlane: '7.5',
};

/**
 * Keyward's one door to Azure: ARM (vaults, Managed HSMs, resource groups, features, role
 * assignments, permissions), the Key Vault / Managed HSM data plane, and Microsoft Graph. The same
 * code runs against Azure and the local emulator; only the endpoints and the credential differ.
 * Every call goes through `call()`, which maps failures to Keyward error codes naming the role.
 */
export class AzureGateway implements AzureWriter, CallerIdentitySource {
  private readonly kv = new Map<string, KeyVaultManagementClient>();
  private readonly keyClients = new Map<string, KeyClient>();
  private readonly subscriptions: SubscriptionClient;
  private readonly arm: RestClient;
  private readonly graph: RestClient;
  private readonly dataPlane: RestClient;
  private readonly armBase: string;
  private readonly pollIntervalMs: number;
  private readonly policies: typeof keywardPolicies;

  constructor(private readonly options: AzureGatewayOptions) {
    this.armBase = options.armEndpoint.replace(/\/$/, '');
    this.pollIntervalMs = options.pollIntervalMs ?? 2000;
    this.policies = options.requestTimeoutMs ? [...keywardPolicies, { policy: requestTimeoutPolicy(options.requestTimeoutMs), position: 'perCall' as const }] : keywardPolicies;
    this.subscriptions = new SubscriptionClient(options.credential, {
      endpoint: this.armBase,
      credentialScopes: [ARM_SCOPE],
      additionalPolicies: this.policies,
      ...this.retryOptions(),
    });
    this.arm = RestClient.bearer(options.credential, ARM_SCOPE, options.retry, this.policies);
    this.graph = RestClient.bearer(options.credential, GRAPH_SCOPE, options.retry, this.policies);
    this.dataPlane = RestClient.keyVault(options.credential, options.retry, this.policies);
  }

  /**
   * Who Keyward is in Azure: the object id, tenant and app id in the claims of its own ARM token.
   * No request beyond the (cached) token; the token itself is never logged or returned. The
   * executor compares it with the plan's writer object id before it changes anything.
   */
  callerIdentity(): Promise<CallerIdentity> {
    return tokenIdentity(this.options.credential, ARM_SCOPE);
  }

  // ---------------------------------------------------------------- subscriptions, features, RGs

  getSubscription(subscriptionId: string): Promise<SubscriptionInfo> {
    return this.call({ operation: `read subscription ${subscriptionId}`, scope: `/subscriptions/${subscriptionId}`, requiredRole: 'Reader' }, async () => {
      const s = await this.subscriptions.subscriptions.get(subscriptionId);
      return {
        subscriptionId,
        state: s.state ?? 'Unknown',
        displayName: s.displayName,
        tenantId: s.tenantId,
        quotaId: s.subscriptionPolicies?.quotaId,
      };
    });
  }

  listSubscriptions(): Promise<SubscriptionInfo[]> {
    return this.call({ operation: 'list subscriptions', scope: '/subscriptions', requiredRole: 'Reader (on each subscription to list)' }, async () => {
      const out: SubscriptionInfo[] = [];
      for await (const s of this.subscriptions.subscriptions.list()) {
        if (!s.subscriptionId) continue;
        out.push({
          subscriptionId: s.subscriptionId.toLowerCase(),
          state: s.state ?? 'Unknown',
          displayName: s.displayName,
          tenantId: s.tenantId,
          quotaId: s.subscriptionPolicies?.quotaId,
        });
      }
      return out;
    });
  }

  listLocations(subscriptionId: string): Promise<SubscriptionLocation[]> {
    return this.call({ operation: `list the regions of subscription ${subscriptionId}`, scope: `/subscriptions/${subscriptionId}`, requiredRole: 'Reader' }, async () => {
      const out: SubscriptionLocation[] = [];
      for await (const l of this.subscriptions.subscriptions.listLocations(subscriptionId)) {
        // Logical locations (geographies such as "europe", "global") host no vault.
        if (!l.name || (l.metadata?.regionType && l.metadata.regionType !== 'Physical')) continue;
        const paired = l.metadata?.pairedRegion?.[0]?.name;
        out.push({
          name: l.name,
          displayName: l.displayName ?? l.name,
          ...(l.metadata?.geographyGroup ? { geography: l.metadata.geographyGroup } : {}),
          ...(paired ? { pairedRegion: paired } : {}),
        });
      }
      return out;
    });
  }

  /**
   * `GET {graph}/v1.0/users/{id}?$select=id,displayName,userPrincipalName,accountEnabled` — a user
   * of this tenant (Graph answers only for the tenant the token is for). User.ReadBasic.All
   * covers id and displayName; accountEnabled needs User.Read.All (absent: not reported; `npm run
   * doctor` uses it to find disabled approvers). https://learn.microsoft.com/graph/api/user-get
   */
  getUser(objectId: string): Promise<DirectoryUser | undefined> {
    const url = `${this.options.graphEndpoint.replace(/\/$/, '')}/v1.0/users/${encodeURIComponent(objectId)}?$select=id,displayName,userPrincipalName,accountEnabled`;
    return this.call({ operation: `look up user ${objectId}`, scope: 'Microsoft Graph', requiredRole: 'User.ReadBasic.All (Graph application permission)' }, async () => {
      const response = await undefinedIfNotFound(() => this.graph.send<{ id?: string; displayName?: string; userPrincipalName?: string; accountEnabled?: boolean }>('GET', url));
      const user = response?.body;
      if (!user?.id) return undefined;
      return {
        objectId: user.id.toLowerCase(),
        displayName: user.displayName ?? user.userPrincipalName ?? user.id,
        ...(user.userPrincipalName ? { userPrincipalName: user.userPrincipalName } : {}),
        ...(typeof user.accountEnabled === 'boolean' ? { accountEnabled: user.accountEnabled } : {}),
      };
    });
  }

  getFeatureState(subscriptionId: string, providerNamespace: string, featureName: string): Promise<string> {
    const url = `${this.armBase}/subscriptions/${subscriptionId}/providers/Microsoft.Features/providers/${providerNamespace}/features/${featureName}?api-version=${API.features}`;
    return this.call({ operation: `read feature ${providerNamespace}/${featureName}`, scope: `/subscriptions/${subscriptionId}`, requiredRole: 'Reader' }, async () => {
      const response = await this.arm.send<{ properties?: { state?: string } }>('GET', url);
      return response.body.properties?.state ?? 'Unknown';
    });
  }

  resourceGroupExists(subscriptionId: string, resourceGroup: string): Promise<boolean> {
    const url = `${this.armBase}/subscriptions/${subscriptionId}/resourcegroups/${encodeURIComponent(resourceGroup)}?api-version=${API.resources}`;
    return this.call({ operation: `read resource group ${resourceGroup}`, scope: `/subscriptions/${subscriptionId}`, requiredRole: 'Reader' }, async () => {
      try {
        await this.arm.send('GET', url);
        return true;
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return false;
        throw error;
      }
    });
  }

  ensureResourceGroup(subscriptionId: string, resourceGroup: string, location: string, tags: Record<string, string>): Promise<void> {
    const url = `${this.armBase}/subscriptions/${subscriptionId}/resourcegroups/${encodeURIComponent(resourceGroup)}?api-version=${API.resources}`;
    return this.call({ operation: `create resource group ${resourceGroup}`, scope: `/subscriptions/${subscriptionId}`, requiredRole: 'Contributor' }, async () => {
      await this.arm.send('PUT', url, { location, tags });
    });
  }

  providerLocations(subscriptionId: string, providerNamespace: string, resourceType: string): Promise<string[]> {
    const url = `${this.armBase}/subscriptions/${subscriptionId}/providers/${providerNamespace}?api-version=${API.resources}`;
    return this.call({ operation: `read provider ${providerNamespace}`, scope: `/subscriptions/${subscriptionId}`, requiredRole: 'Reader' }, async () => {
      const response = await this.arm.send<{ resourceTypes?: Array<{ resourceType: string; locations?: string[] }> }>('GET', url);
      const type = response.body.resourceTypes?.find((t) => t.resourceType.toLowerCase() === resourceType.toLowerCase());
      return type?.locations ?? [];
    });
  }

  missingActions(scope: string, actions: readonly string[]): Promise<string[]> {
    const url = `${this.armBase}${scope}/providers/Microsoft.Authorization/permissions?api-version=${API.permissions}`;
    return this.call({ operation: `read Keyward's permissions at ${scope}`, scope, requiredRole: 'Reader' }, async () => {
      const response = await this.arm.send<{ value?: Array<{ actions?: string[]; notActions?: string[] }> }>('GET', url);
      const grants = response.body.value ?? [];
      return actions.filter((action) => !grants.some((grant) => allows(grant.actions ?? [], action) && !allows(grant.notActions ?? [], action)));
    });
  }

  // ---------------------------------------------------------------- vaults

  checkVaultName(subscriptionId: string, name: string): Promise<NameAvailability> {
    return this.call({ operation: `check vault name ${name}`, scope: `/subscriptions/${subscriptionId}`, requiredRole: 'Reader' }, async () => {
      const result = await this.kvClient(subscriptionId).vaults.checkNameAvailability({ name, type: 'Microsoft.KeyVault/vaults' });
      return { available: result.nameAvailable === true, reason: result.reason, message: result.message };
    });
  }

  listDeletedVaults(subscriptionId: string): Promise<DeletedContainer[]> {
    return this.call({ operation: 'list deleted vaults', scope: `/subscriptions/${subscriptionId}`, requiredRole: 'Key Vault Contributor' }, async () => {
      const out: DeletedContainer[] = [];
      for await (const deleted of this.kvClient(subscriptionId).vaults.listDeleted()) {
        out.push(toDeletedContainer(deleted.name ?? '', deleted.properties, deleted.properties?.vaultId));
      }
      return out;
    });
  }

  getDeletedVault(subscriptionId: string, name: string, location: string): Promise<DeletedContainer | undefined> {
    return this.call({ operation: `read deleted vault ${name}`, scope: `/subscriptions/${subscriptionId}`, requiredRole: 'Key Vault Contributor' }, async () => {
      const deleted = await undefinedIfNotFound(() => this.kvClient(subscriptionId).vaults.getDeleted(name, location));
      return deleted && toDeletedContainer(name, deleted.properties, deleted.properties?.vaultId);
    });
  }

  getVault(subscriptionId: string, resourceGroup: string, name: string): Promise<VaultInfo | undefined> {
    return this.call({ operation: `read vault ${name}`, scope: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`, requiredRole: 'Reader' }, async () => {
      const vault = await undefinedIfNotFound(() => this.kvClient(subscriptionId).vaults.get(resourceGroup, name));
      return vault && toVaultInfo(vault);
    });
  }

  createVault(p: VaultCreateParameters): Promise<VaultInfo> {
    const scope = `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroup}`;
    return this.call({ operation: `create vault ${p.name}`, scope, requiredRole: 'Key Vault Contributor' }, async () => {
      const vault = await this.kvClient(p.subscriptionId).vaults.beginCreateOrUpdateAndWait(
        p.resourceGroup,
        p.name,
        {
          location: p.location,
          tags: p.tags,
          properties: {
            tenantId: p.tenantId,
            sku: { family: 'A', name: p.sku },
            accessPolicies: p.accessPolicies.map((policy) => ({ tenantId: policy.tenantId, objectId: policy.objectId, permissions: { keys: policy.keys as never[] } })),
            enableSoftDelete: true,
            softDeleteRetentionInDays: p.softDeleteRetentionDays,
            enablePurgeProtection: p.purgeProtection ? true : undefined,
            enableRbacAuthorization: p.rbacAuthorization,
          },
        },
        { updateIntervalInMs: this.pollIntervalMs },
      );
      return toVaultInfo(vault);
    });
  }

  addAccessPolicy(subscriptionId: string, resourceGroup: string, vaultName: string, policy: AccessPolicy): Promise<void> {
    return this.call(
      {
        operation: `add an access policy on ${vaultName}`,
        scope: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.KeyVault/vaults/${vaultName}`,
        requiredRole: 'Key Vault Contributor',
      },
      async () => {
        await this.kvClient(subscriptionId).vaults.updateAccessPolicy(resourceGroup, vaultName, 'add', {
          properties: { accessPolicies: [{ tenantId: policy.tenantId, objectId: policy.objectId, permissions: { keys: policy.keys as never[] } }] },
        });
      },
    );
  }

  deleteVault(subscriptionId: string, resourceGroup: string, name: string): Promise<void> {
    return this.call(
      { operation: `delete vault ${name}`, scope: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`, requiredRole: 'Key Vault Contributor' },
      async () => {
        await this.kvClient(subscriptionId).vaults.delete(resourceGroup, name);
      },
    );
  }

  purgeDeletedVault(subscriptionId: string, name: string, location: string): Promise<void> {
    return this.call({ operation: `purge deleted vault ${name}`, scope: `/subscriptions/${subscriptionId}`, requiredRole: 'Key Vault Contributor' }, async () => {
      await this.kvClient(subscriptionId).vaults.beginPurgeDeletedAndWait(name, location, { updateIntervalInMs: this.pollIntervalMs });
    });
  }

  // ---------------------------------------------------------------- Managed HSM (control plane)

  checkManagedHsmName(subscriptionId: string, name: string): Promise<NameAvailability> {
    return this.call({ operation: `check Managed HSM name ${name}`, scope: `/subscriptions/${subscriptionId}`, requiredRole: 'Reader' }, async () => {
      const result = await this.kvClient(subscriptionId).managedHsms.checkMhsmNameAvailability({ name });
      return { available: result.nameAvailable === true, reason: result.reason, message: result.message };
    });
  }

  listManagedHsms(subscriptionId: string): Promise<ManagedHsmInfo[]> {
    return this.call({ operation: 'list Managed HSMs', scope: `/subscriptions/${subscriptionId}`, requiredRole: 'Reader' }, async () => {
      const out: ManagedHsmInfo[] = [];
      for await (const hsm of this.kvClient(subscriptionId).managedHsms.listBySubscription()) out.push(toHsmInfo(hsm));
      return out;
    });
  }

  listDeletedManagedHsms(subscriptionId: string): Promise<DeletedContainer[]> {
    return this.call({ operation: 'list deleted Managed HSMs', scope: `/subscriptions/${subscriptionId}`, requiredRole: 'Managed HSM Contributor' }, async () => {
      const out: DeletedContainer[] = [];
      for await (const deleted of this.kvClient(subscriptionId).managedHsms.listDeleted()) {
        out.push(toDeletedContainer(deleted.name ?? '', deleted.properties, deleted.properties?.mhsmId));
      }
      return out;
    });
  }

  getDeletedManagedHsm(subscriptionId: string, name: string, location: string): Promise<DeletedContainer | undefined> {
    return this.call({ operation: `read deleted Managed HSM ${name}`, scope: `/subscriptions/${subscriptionId}`, requiredRole: 'Managed HSM Contributor' }, async () => {
      const deleted = await undefinedIfNotFound(() => this.kvClient(subscriptionId).managedHsms.getDeleted(name, location));
      return deleted && toDeletedContainer(name, deleted.properties, deleted.properties?.mhsmId);
    });
  }

  getManagedHsm(subscriptionId: string, resourceGroup: string, name: string): Promise<ManagedHsmInfo | undefined> {
    return this.call({ operation: `read Managed HSM ${name}`, scope: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`, requiredRole: 'Reader' }, async () => {
      const hsm = await undefinedIfNotFound(() => this.kvClient(subscriptionId).managedHsms.get(resourceGroup, name));
      return hsm && toHsmInfo(hsm);
    });
  }

  createManagedHsm(p: ManagedHsmCreateParameters, onProgress?: (state: string) => void): Promise<ManagedHsmInfo> {
    const scope = `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroup}`;
    return this.call({ operation: `create Managed HSM ${p.name}`, scope, requiredRole: 'Managed HSM Contributor' }, async () => {
      const poller = await this.kvClient(p.subscriptionId).managedHsms.beginCreateOrUpdate(
        p.resourceGroup,
        p.name,
        {
          location: p.location,
          tags: p.tags,
          sku: { family: 'B', name: 'Standard_B1' },
          properties: {
            tenantId: p.tenantId,
            initialAdminObjectIds: p.initialAdminObjectIds,
            enableSoftDelete: true,
            softDeleteRetentionInDays: p.softDeleteRetentionDays,
            enablePurgeProtection: p.purgeProtection,
            publicNetworkAccess: 'Enabled',
          },
        },
        { updateIntervalInMs: this.pollIntervalMs },
      );
      poller.onProgress((state) => onProgress?.(state.status));
      return toHsmInfo(await poller.pollUntilDone());
    });
  }

  deleteManagedHsm(subscriptionId: string, resourceGroup: string, name: string): Promise<void> {
    return this.call(
      { operation: `delete Managed HSM ${name}`, scope: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`, requiredRole: 'Managed HSM Contributor' },
      async () => {
        await this.kvClient(subscriptionId).managedHsms.beginDeleteAndWait(resourceGroup, name, { updateIntervalInMs: this.pollIntervalMs });
      },
    );
  }

  purgeDeletedManagedHsm(subscriptionId: string, name: string, location: string): Promise<void> {
    return this.call({ operation: `purge deleted Managed HSM ${name}`, scope: `/subscriptions/${subscriptionId}`, requiredRole: 'Managed HSM Contributor' }, async () => {
      await this.kvClient(subscriptionId).managedHsms.beginPurgeDeletedAndWait(name, location, { updateIntervalInMs: this.pollIntervalMs });
    });
  }

  // ---------------------------------------------------------------- Azure RBAC at ARM scopes

  createRoleAssignment(
    scope: string,
    assignmentName: string,
    roleDefinitionId: string,
    principalId: string,
    principalType: 'ServicePrincipal' | 'User' | 'Group',
  ): Promise<RoleAssignmentInfo> {
    const subscription = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? '';
    const definition = roleDefinitionId.startsWith('/') ? roleDefinitionId : `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${roleDefinitionId}`;
    const url = `${this.armBase}${scope}/providers/Microsoft.Authorization/roleAssignments/${assignmentName}?api-version=${API.authorization}`;
    return this.call(
      { operation: `assign role ${roleDefinitionId} to ${principalId}`, scope, requiredRole: 'Key Vault Data Access Administrator (or User Access Administrator)' },
      async () => {
        try {
          const response = await this.arm.send<ArmRoleAssignment>('PUT', url, { properties: { roleDefinitionId: definition, principalId, principalType } });
          return toRoleAssignment(response.body);
        } catch (error) {
          // The same assignment under another name already exists: that is the state we want.
          if ((error as { code?: string }).code === 'RoleAssignmentExists') {
            const existing = (await this.listRoleAssignments(scope)).find(
              (a) => a.principalId === principalId && a.roleDefinitionId.toLowerCase().endsWith(roleDefinitionId.toLowerCase().split('/').pop() ?? ''),
            );
            if (existing) return existing;
          }
          throw error;
        }
      },
    );
  }

  listRoleAssignments(scope: string): Promise<RoleAssignmentInfo[]> {
    const url = `${this.armBase}${scope}/providers/Microsoft.Authorization/roleAssignments?api-version=${API.authorization}&$filter=atScope()`;
    return this.call({ operation: `list role assignments at ${scope}`, scope, requiredRole: 'Reader' }, async () => {
      const response = await this.arm.send<{ value?: ArmRoleAssignment[] }>('GET', url);
      return (response.body.value ?? []).map(toRoleAssignment);
    });
  }

  // ---------------------------------------------------------------- Managed HSM data plane (REST)

  downloadSecurityDomain(hsmUrl: string, certificates: SecurityDomainCertificate[], quorum: number): Promise<string> {
    const base = hsmUrl.replace(/\/$/, '');
    return this.call({ operation: `download the security domain of ${base}`, scope: base, requiredRole: 'Managed HSM Administrator (an initial administrator)' }, async () => {
      const started = await this.dataPlane.send<{ value?: string }>('POST', `${base}/securitydomain/download?api-version=${API.hsmDataPlane}`, { certificates, required: quorum });
      const value = started.body?.value;
      for (;;) {
        const status = await this.dataPlane.send<{ status?: string; status_details?: string }>('GET', `${base}/securitydomain/download/pending?api-version=${API.hsmDataPlane}`);
        if (status.body.status === 'Success') break;
        if (status.body.status === 'Failed') throw new Error(`security domain download failed: ${status.body.status_details ?? 'no detail'}`);
        await delay(this.pollIntervalMs);
      }
      if (!value) throw new Error('the security domain download returned no value');
      return value;
    });
  }

  createHsmRoleAssignment(hsmUrl: string, scope: string, assignmentName: string, roleDefinitionId: string, principalId: string): Promise<RoleAssignmentInfo> {
    const base = hsmUrl.replace(/\/$/, '');
    const scopePath = scope === '/' ? '' : scope.replace(/\/$/, '');
    const definition = roleDefinitionId.startsWith('/') ? roleDefinitionId : `Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/${roleDefinitionId}`;
    return this.call(
      {
        operation: `assign HSM role ${roleDefinitionId} to ${principalId} at ${scope}`,
        scope: `${base}${scope}`,
        requiredRole: 'Managed HSM Administrator or Policy Administrator',
      },
      async () => {
        const response = await this.dataPlane.send<ArmRoleAssignment>(
          'PUT',
          `${base}${scopePath}/providers/Microsoft.Authorization/roleAssignments/${assignmentName}?api-version=${API.hsmDataPlane}`,
          {
            properties: { roleDefinitionId: definition, principalId },
          },
        );
        return toRoleAssignment(response.body);
      },
    );
  }

  /** `DELETE {hsm}{scope}/providers/Microsoft.Authorization/roleAssignments/{name}` (Managed HSM RBAC 7.5). */
  deleteHsmRoleAssignment(hsmUrl: string, scope: string, assignmentName: string): Promise<void> {
    const base = hsmUrl.replace(/\/$/, '');
    const scopePath = scope === '/' ? '' : scope.replace(/\/$/, '');
    return this.call(
      { operation: `remove HSM role assignment ${assignmentName} at ${scope}`, scope: `${base}${scope}`, requiredRole: 'Managed HSM Administrator or Policy Administrator' },
      async () => {
        await this.dataPlane.send('DELETE', `${base}${scopePath}/providers/Microsoft.Authorization/roleAssignments/${assignmentName}?api-version=${API.hsmDataPlane}`);
      },
    );
  }

  /** `PUT {hsm}/providers/Microsoft.Authorization/roleDefinitions/{name}` with one permission block (Managed HSM RBAC 7.5). */
  putHsmRoleDefinition(hsmUrl: string, definition: HsmCustomRoleDefinition): Promise<void> {
    const base = hsmUrl.replace(/\/$/, '');
    return this.call({ operation: `create HSM custom role ${definition.roleName}`, scope: `${base}/`, requiredRole: 'Managed HSM Administrator' }, async () => {
      await this.dataPlane.send('PUT', `${base}/providers/Microsoft.Authorization/roleDefinitions/${definition.name}?api-version=${API.hsmDataPlane}`, {
        properties: {
          roleName: definition.roleName,
          description: definition.description,
          type: 'CustomRole',
          permissions: [{ actions: [], notActions: [], dataActions: definition.dataActions, notDataActions: [] }],
          assignableScopes: ['/'],
        },
      });
    });
  }

  listHsmRoleAssignments(hsmUrl: string, scope: string): Promise<RoleAssignmentInfo[]> {
    const base = hsmUrl.replace(/\/$/, '');
    const scopePath = scope === '/' ? '' : scope.replace(/\/$/, '');
    return this.call({ operation: `list HSM role assignments at ${scope}`, scope: `${base}${scope}`, requiredRole: 'Managed HSM Crypto Auditor' }, async () => {
      const response = await this.dataPlane.send<{ value?: ArmRoleAssignment[] }>(
        'GET',
        `${base}${scopePath}/providers/Microsoft.Authorization/roleAssignments?api-version=${API.hsmDataPlane}`,
      );
      return (response.body.value ?? []).map(toRoleAssignment);
    });
  }

  // ---------------------------------------------------------------- keys (vaults and HSMs)

  getKey(containerUrl: string, name: string, version?: string): Promise<KeyInfo | undefined> {
    return this.call(
      { operation: `read key ${name}${version ? ` version ${version}` : ''}`, scope: containerUrl, requiredRole: 'Key Vault Crypto Officer / Managed HSM Crypto User (keys get)' },
      async () => {
        const key = await undefinedIfNotFound(() => this.keyClient(containerUrl).getKey(name, version ? { version } : {}));
        return key && toKeyInfo(key);
      },
    );
  }

  listKeyVersions(containerUrl: string, name: string): Promise<KeyInfo[]> {
    return this.call(
      { operation: `list versions of key ${name}`, scope: containerUrl, requiredRole: 'Key Vault Crypto Officer / Managed HSM Crypto User (keys list)' },
      async () => {
        const client = this.keyClient(containerUrl);
        const out: KeyInfo[] = [];
        for await (const properties of client.listPropertiesOfKeyVersions(name)) {
          out.push({
            id: properties.id ?? '',
            name: properties.name,
            version: properties.version ?? '',
            keyType: '',
            keyOps: [],
            enabled: properties.enabled ?? true,
            expiresOn: properties.expiresOn?.toISOString(),
            notBefore: properties.notBefore?.toISOString(),
            createdOn: properties.createdOn?.toISOString(),
            recoveryLevel: properties.recoveryLevel,
            recoverableDays: properties.recoverableDays,
            hsmPlatform: properties.hsmPlatform,
            tags: properties.tags ?? {},
          });
        }
        return out;
      },
    );
  }

  createKey(p: KeyCreateParameters): Promise<KeyInfo> {
    return this.call({ operation: `create key ${p.name}`, scope: p.containerUrl, requiredRole: 'Key Vault Crypto Officer / Managed HSM Crypto User (keys create)' }, async () => {
      const key = await this.keyClient(p.containerUrl).createRsaKey(p.name, {
        hsm: p.keyType === 'RSA-HSM',
        keySize: p.keySize,
        keyOps: p.keyOps as never[],
        tags: p.tags,
      });
      return toKeyInfo(key);
    });
  }

  backupKey(containerUrl: string, name: string): Promise<Buffer> {
    return this.call({ operation: `back up key ${name}`, scope: containerUrl, requiredRole: 'Key Vault Crypto Officer / Managed HSM Backup (keys backup)' }, async () => {
      const blob = await this.keyClient(containerUrl).backupKey(name);
      if (!blob) throw new Error('the backup returned no data');
      return Buffer.from(blob);
    });
  }

  // ---------------------------------------------------------------- Graph

  /**
   * `GET {graph}/v1.0/subscribedSkus?$select=…` — the tenant's licences. Needs the Graph application
   * permission LicenseAssignment.Read.All (least privileged per the subscribedSku list page).
   */
  subscribedSkus(): Promise<SubscribedSku[]> {
    const url = `${this.options.graphEndpoint.replace(/\/$/, '')}/v1.0/subscribedSkus?$select=skuId,skuPartNumber,capabilityStatus,prepaidUnits,consumedUnits,servicePlans`;
    return this.call(
      { operation: "read the tenant's subscribed licences", scope: 'Microsoft Graph', requiredRole: 'LicenseAssignment.Read.All (Graph application permission)' },
      async () => {
        type Sku = {
          skuId?: string;
          skuPartNumber?: string;
          capabilityStatus?: string;
          consumedUnits?: number;
          prepaidUnits?: { enabled?: number };
          servicePlans?: Array<{ servicePlanId?: string; servicePlanName?: string }>;
        };
        const response = await this.graph.send<{ value?: Sku[] }>('GET', url);
        return (response.body.value ?? []).map((s) => ({
          skuId: s.skuId ?? '',
          skuPartNumber: s.skuPartNumber ?? '',
          capabilityStatus: s.capabilityStatus ?? '',
          enabledUnits: s.prepaidUnits?.enabled ?? 0,
          consumedUnits: s.consumedUnits ?? 0,
          servicePlans: (s.servicePlans ?? []).map((p) => ({ servicePlanId: p.servicePlanId ?? '', servicePlanName: p.servicePlanName ?? '' })),
        }));
      },
    );
  }

  servicePrincipalObjectId(appId: string): Promise<string | undefined> {
    const url = `${this.options.graphEndpoint.replace(/\/$/, '')}/v1.0/servicePrincipals(appId='${encodeURIComponent(appId)}')?$select=id,appId,displayName`;
    return this.call(
      { operation: `look up the service principal of app ${appId}`, scope: 'Microsoft Graph', requiredRole: 'Application.Read.All (Graph application permission)' },
      async () => {
        const response = await undefinedIfNotFound(() => this.graph.send<{ id?: string }>('GET', url));
        return response?.body.id;
      },
    );
  }

  // ---------------------------------------------------------------- plumbing

  private kvClient(subscriptionId: string): KeyVaultManagementClient {
    let client = this.kv.get(subscriptionId);
    if (!client) {
      client = new KeyVaultManagementClient(this.options.credential, subscriptionId, {
        endpoint: this.armBase,
        credentials: { scopes: [ARM_SCOPE] },
        additionalPolicies: this.policies,
        ...this.retryOptions(),
      });
      this.kv.set(subscriptionId, client);
    }
    return client;
  }

  private keyClient(containerUrl: string): KeyClient {
    const key = containerUrl.replace(/\/$/, '').toLowerCase();
    let client = this.keyClients.get(key);
    if (!client) {
      client = new KeyClient(containerUrl, this.options.credential, { additionalPolicies: this.policies, ...this.retryOptions() });
      this.keyClients.set(key, client);
    }
    return client;
  }

  private retryOptions(): { retryOptions?: RestRetryOptions } {
    return this.options.retry ? { retryOptions: this.options.retry } : {};
  }

  private async call<T>(context: AzureCallContext, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      const result = await fn();
      this.options.logger.debug({ operation: context.operation, ms: Date.now() - started }, 'azure call');
      return result;
    } catch (error) {
      const mapped = mapAzureError(error, context);
      this.options.logger.warn(
        { operation: context.operation, code: mapped.code, status: mapped.details.status, azureCode: mapped.details.azureCode, ms: Date.now() - started },
        'azure call failed',
      );
      throw mapped;
    }
  }
}

interface DeletedProperties {
  location?: string;
  deletionDate?: Date;
  scheduledPurgeDate?: Date;
  purgeProtectionEnabled?: boolean;
  tags?: Record<string, string>;
}

function toDeletedContainer(name: string, p: DeletedProperties | undefined, resourceId: string | undefined): DeletedContainer {
  return {
    name,
    location: p?.location,
    deletionDate: p?.deletionDate?.toISOString(),
    scheduledPurgeDate: p?.scheduledPurgeDate?.toISOString(),
    purgeProtectionEnabled: p?.purgeProtectionEnabled,
    resourceId,
    tags: p?.tags,
  };
}

/** A read whose 404 means "there is none", not a failure. */
async function undefinedIfNotFound<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

interface ArmRoleAssignment {
  id?: string;
  name?: string;
  properties?: { scope?: string; roleDefinitionId?: string; principalId?: string };
}

function toRoleAssignment(a: ArmRoleAssignment): RoleAssignmentInfo {
  return {
    id: a.id ?? '',
    name: a.name ?? '',
    scope: a.properties?.scope ?? '',
    roleDefinitionId: a.properties?.roleDefinitionId ?? '',
    principalId: a.properties?.principalId ?? '',
  };
}

function toVaultInfo(vault: Vault): VaultInfo {
  const p = vault.properties;
  return {
    id: vault.id ?? '',
    name: vault.name ?? '',
    location: vault.location ?? '',
    vaultUri: p.vaultUri ?? '',
    sku: p.sku?.name ?? '',
    tenantId: p.tenantId,
    softDeleteEnabled: p.enableSoftDelete !== false,
    softDeleteRetentionDays: p.softDeleteRetentionInDays ?? 90,
    purgeProtectionEnabled: p.enablePurgeProtection === true,
    rbacAuthorization: p.enableRbacAuthorization === true,
    accessPolicies: (p.accessPolicies ?? []).map((a) => ({ objectId: a.objectId, tenantId: a.tenantId, keys: (a.permissions.keys ?? []).map(String) })),
    provisioningState: p.provisioningState,
    tags: vault.tags ?? {},
  };
}

function toHsmInfo(hsm: ManagedHsm): ManagedHsmInfo {
  const p = hsm.properties ?? {};
  return {
    id: hsm.id ?? '',
    name: hsm.name ?? '',
    location: hsm.location ?? '',
    hsmUri: p.hsmUri ?? '',
    tenantId: p.tenantId,
    initialAdminObjectIds: p.initialAdminObjectIds ?? [],
    softDeleteRetentionDays: p.softDeleteRetentionInDays ?? 90,
    purgeProtectionEnabled: p.enablePurgeProtection === true,
    provisioningState: p.provisioningState,
    statusMessage: p.statusMessage,
    activationStatus: p.securityDomainProperties?.activationStatus,
    tags: hsm.tags ?? {},
  };
}

function toKeyInfo(key: KeyVaultKey): KeyInfo {
  const props = key.properties;
  const n = key.key?.n;
  return {
    id: key.id ?? '',
    name: key.name,
    version: props.version ?? '',
    keyType: key.keyType ?? '',
    keyOps: (key.keyOperations ?? []).map(String),
    enabled: props.enabled ?? true,
    expiresOn: props.expiresOn?.toISOString(),
    notBefore: props.notBefore?.toISOString(),
    createdOn: props.createdOn?.toISOString(),
    recoveryLevel: props.recoveryLevel,
    recoverableDays: props.recoverableDays,
    hsmPlatform: props.hsmPlatform,
    tags: props.tags ?? {},
    keySize: n ? stripLeadingZero(n).length * 8 : undefined,
  };
}

function stripLeadingZero(bytes: Uint8Array): Uint8Array {
  return bytes[0] === 0 ? bytes.subarray(1) : bytes;
}

/** ARM action matching with `*` wildcards, case-insensitive (Microsoft.Authorization semantics). */
function allows(patterns: readonly string[], action: string): boolean {
  return patterns.some((pattern) => new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`, 'i').test(action));
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export { assignmentNameFor } from './assignmentNames';
