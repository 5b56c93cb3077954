import { badRequest } from './serviceError';

/**
 * Azure regions the emulator knows, by ARM name and display name. ARM accepts either spelling
 * ("West Europe" or "westeurope") and reports the normalised name.
 */
export const LOCATIONS: ReadonlyArray<{ name: string; displayName: string; pairedRegion: string }> = [
  { name: 'westeurope', displayName: 'West Europe', pairedRegion: 'northeurope' },
  { name: 'northeurope', displayName: 'North Europe', pairedRegion: 'westeurope' },
  { name: 'swedencentral', displayName: 'Sweden Central', pairedRegion: 'swedensouth' },
  { name: 'germanywestcentral', displayName: 'Germany West Central', pairedRegion: 'germanynorth' },
  { name: 'francecentral', displayName: 'France Central', pairedRegion: 'francesouth' },
  { name: 'switzerlandnorth', displayName: 'Switzerland North', pairedRegion: 'switzerlandwest' },
  { name: 'norwayeast', displayName: 'Norway East', pairedRegion: 'norwaywest' },
  { name: 'uksouth', displayName: 'UK South', pairedRegion: 'ukwest' },
  { name: 'ukwest', displayName: 'UK West', pairedRegion: 'uksouth' },
  { name: 'eastus', displayName: 'East US', pairedRegion: 'westus' },
  { name: 'eastus2', displayName: 'East US 2', pairedRegion: 'centralus' },
  { name: 'centralus', displayName: 'Central US', pairedRegion: 'eastus2' },
  { name: 'westus', displayName: 'West US', pairedRegion: 'eastus' },
  { name: 'westus2', displayName: 'West US 2', pairedRegion: 'westcentralus' },
  { name: 'westus3', displayName: 'West US 3', pairedRegion: 'eastus' },
  { name: 'southcentralus', displayName: 'South Central US', pairedRegion: 'northcentralus' },
  { name: 'northcentralus', displayName: 'North Central US', pairedRegion: 'southcentralus' },
  { name: 'canadacentral', displayName: 'Canada Central', pairedRegion: 'canadaeast' },
  { name: 'canadaeast', displayName: 'Canada East', pairedRegion: 'canadacentral' },
  { name: 'australiaeast', displayName: 'Australia East', pairedRegion: 'australiasoutheast' },
  { name: 'japaneast', displayName: 'Japan East', pairedRegion: 'japanwest' },
  { name: 'southeastasia', displayName: 'Southeast Asia', pairedRegion: 'eastasia' },
  { name: 'eastasia', displayName: 'East Asia', pairedRegion: 'southeastasia' },
  { name: 'centralindia', displayName: 'Central India', pairedRegion: 'southindia' },
  { name: 'brazilsouth', displayName: 'Brazil South', pairedRegion: 'southcentralus' },
];

const BY_KEY = new Map(
  LOCATIONS.flatMap((location) => [
    [squash(location.name), location.name],
    [squash(location.displayName), location.name],
  ]),
);

/** The normalised ARM name, or undefined for a region the emulator does not know. */
export function normalizeLocation(location: string): string | undefined {
  return BY_KEY.get(squash(location));
}

export function requireLocation(location: unknown, resourceType: string): string {
  if (typeof location !== 'string' || location.trim() === '') {
    throw badRequest('LocationRequired', 'The location property is required for this definition.');
  }
  const normalized = normalizeLocation(location);
  if (!normalized) {
    throw badRequest(
      'LocationNotAvailableForResourceType',
      `The provided location '${location}' is not available for resource type '${resourceType}'. List of available regions for the resource type is '${LOCATIONS.map((l) => l.name).join(',')}'.`,
    );
  }
  return normalized;
}

function squash(value: string): string {
  return value.toLowerCase().replace(/\s+/g, '');
}
