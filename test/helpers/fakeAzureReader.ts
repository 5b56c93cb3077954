import type { AzureReader, DeletedContainer, DirectoryUser, ManagedHsmInfo, NameAvailability, SubscribedSku, SubscriptionInfo, SubscriptionLocation } from '../../src/azure/ports';
import { LOCAL_M365_SERVICE_PRINCIPALS, LOCAL_PEOPLE } from '../../src/core';

/**
 * An in-process AzureReader for unit tests of the journey logic (the real SDK path is covered by
 * the contract and bot tests against the emulator). State is plain maps the test edits.
 */
export class FakeAzureReader implements AzureReader {
  subscriptions = new Map<string, SubscriptionInfo>();
  features = new Map<string, string>();
  takenNames = new Set<string>();
  deletedVaults: DeletedContainer[] = [];
  missing: string[] = [];
  calls: string[] = [];
  /** The regions every subscription may use (ARM locations, with pairs). */
  locations: SubscriptionLocation[] = [
    { name: 'westeurope', displayName: 'West Europe', geography: 'Europe', pairedRegion: 'northeurope' },
    { name: 'northeurope', displayName: 'North Europe', geography: 'Europe', pairedRegion: 'westeurope' },
    { name: 'swedencentral', displayName: 'Sweden Central', geography: 'Europe', pairedRegion: 'swedensouth' },
    { name: 'germanywestcentral', displayName: 'Germany West Central', geography: 'Europe', pairedRegion: 'germanynorth' },
    { name: 'eastus2', displayName: 'East US 2', geography: 'US', pairedRegion: 'centralus' },
    { name: 'northcentralus', displayName: 'North Central US', geography: 'US', pairedRegion: 'southcentralus' },
  ];
  /** The directory: the playground people, unless a test changes it. */
  users = new Map<string, DirectoryUser>(
    Object.values(LOCAL_PEOPLE).map((p) => [p.objectId, { objectId: p.objectId, displayName: p.displayName, userPrincipalName: p.upn, accountEnabled: true }]),
  );
  /** Set to make listing subscriptions fail (the reader has no tenant-wide read). */
  listFailure?: Error;
  /** The tenant's licences: Microsoft 365 E5 with the Customer Key plan, unless a test changes it. */
  skus: SubscribedSku[] = [
    {
      skuId: '06ebc4ee-1bb5-47dd-8120-11324bc54e06',
      skuPartNumber: 'SPE_E5',
      capabilityStatus: 'Enabled',
      enabledUnits: 250,
      consumedUnits: 212,
      servicePlans: [{ servicePlanId: '6db1f1db-2b46-403f-be40-e39395f08dbb', servicePlanName: 'CUSTOMER_KEY' }],
    },
  ];

  constructor(subscriptionIds: string[]) {
    for (const id of subscriptionIds) {
      this.subscriptions.set(id, { subscriptionId: id, state: 'Enabled', displayName: `Sub ${id.slice(-4)}`, quotaId: 'EnterpriseAgreement_2014-09-01' });
      this.features.set(id, 'Registered');
    }
  }

  async getSubscription(id: string): Promise<SubscriptionInfo> {
    this.calls.push(`getSubscription ${id}`);
    const sub = this.subscriptions.get(id);
    if (!sub) throw Object.assign(new Error('SubscriptionNotFound'), { statusCode: 404 });
    return sub;
  }
  async listSubscriptions(): Promise<SubscriptionInfo[]> {
    this.calls.push('listSubscriptions');
    if (this.listFailure) throw this.listFailure;
    return [...this.subscriptions.values()];
  }
  async listLocations(id: string): Promise<SubscriptionLocation[]> {
    this.calls.push(`listLocations ${id}`);
    if (!this.subscriptions.has(id)) throw Object.assign(new Error('SubscriptionNotFound'), { statusCode: 404 });
    return this.locations;
  }
  async getUser(objectId: string): Promise<DirectoryUser | undefined> {
    this.calls.push(`getUser ${objectId}`);
    return this.users.get(objectId.toLowerCase());
  }
  async getFeatureState(id: string): Promise<string> {
    return this.features.get(id) ?? 'NotRegistered';
  }
  async resourceGroupExists(): Promise<boolean> {
    return false;
  }
  async checkVaultName(_sub: string, name: string): Promise<NameAvailability> {
    this.calls.push(`checkVaultName ${name}`);
    return this.takenNames.has(name.toLowerCase()) ? { available: false, reason: 'AlreadyExists', message: 'taken' } : { available: true };
  }
  async checkManagedHsmName(sub: string, name: string): Promise<NameAvailability> {
    return this.checkVaultName(sub, name);
  }
  async listDeletedVaults(): Promise<DeletedContainer[]> {
    return this.deletedVaults;
  }
  async listDeletedManagedHsms(): Promise<DeletedContainer[]> {
    return [];
  }
  async getDeletedManagedHsm(): Promise<DeletedContainer | undefined> {
    return undefined;
  }
  async getDeletedVault(): Promise<DeletedContainer | undefined> {
    return undefined;
  }
  async listManagedHsms(): Promise<ManagedHsmInfo[]> {
    return [];
  }
  async providerLocations(): Promise<string[]> {
    return ['westeurope', 'northeurope', 'eastus2', 'swedencentral'];
  }
  async missingActions(_scope: string, actions: readonly string[]): Promise<string[]> {
    return actions.filter((a) => this.missing.includes(a));
  }
  async subscribedSkus(): Promise<SubscribedSku[]> {
    this.calls.push('subscribedSkus');
    return this.skus;
  }
  async servicePrincipalObjectId(appId: string): Promise<string | undefined> {
    return LOCAL_M365_SERVICE_PRINCIPALS.find((sp) => sp.appId === appId)?.objectId;
  }
  async getVault(): Promise<undefined> {
    return undefined;
  }
  async getManagedHsm(): Promise<undefined> {
    return undefined;
  }
  async listRoleAssignments(): Promise<[]> {
    return [];
  }
  async listHsmRoleAssignments(): Promise<[]> {
    return [];
  }
  async getKey(): Promise<undefined> {
    return undefined;
  }
  async listKeyVersions(): Promise<[]> {
    return [];
  }
}
