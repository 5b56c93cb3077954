/**
 * Azure public regions, their pairs, and where Managed HSM can be placed.
 *
 * This list is DATA, compiled from general knowledge of Azure's public regions as of mid-2025
 * (REGION_DATA_AS_OF). Azure adds regions every year, so every function that uses it accepts a
 * caller-supplied catalogue instead (e.g. from `GET /subscriptions/{id}/locations`). Restricted
 * regions (Jio India, Germany North, Norway West, Switzerland West, UAE Central, Australia Central 2,
 * South Africa West, Korea South…) are included because a customer with access may use them.
 */
import { say, type Message } from '../core';

/** When the built-in region list was compiled. */
export const REGION_DATA_AS_OF = '2025-06';

export interface AzureRegion {
  /** ARM location name: lower case, no spaces (`westeurope`). */
  readonly name: string;
  /** Portal display name (`West Europe`). */
  readonly displayName: string;
  /** Azure geography (data residency boundary), e.g. `Europe`, `United States`. */
  readonly geography: string;
  /** The region's paired region, or null for regions without a pair. Pairs are not always symmetric. */
  readonly pairedRegion: string | null;
}

function r(name: string, displayName: string, geography: string, pairedRegion: string | null): AzureRegion {
  return { name, displayName, geography, pairedRegion };
}

/** Built-in catalogue of Azure public regions (see file comment for its limits). */
export const AZURE_REGIONS: readonly AzureRegion[] = [
  // Americas
  r('eastus', 'East US', 'United States', 'westus'),
  r('eastus2', 'East US 2', 'United States', 'centralus'),
  r('centralus', 'Central US', 'United States', 'eastus2'),
  r('northcentralus', 'North Central US', 'United States', 'southcentralus'),
  r('southcentralus', 'South Central US', 'United States', 'northcentralus'),
  r('westcentralus', 'West Central US', 'United States', 'westus2'),
  r('westus', 'West US', 'United States', 'eastus'),
  r('westus2', 'West US 2', 'United States', 'westcentralus'),
  r('westus3', 'West US 3', 'United States', 'eastus'),
  r('canadacentral', 'Canada Central', 'Canada', 'canadaeast'),
  r('canadaeast', 'Canada East', 'Canada', 'canadacentral'),
  r('brazilsouth', 'Brazil South', 'Brazil', 'southcentralus'),
  r('brazilsoutheast', 'Brazil Southeast', 'Brazil', 'brazilsouth'),
  r('mexicocentral', 'Mexico Central', 'Mexico', null),
  r('chilecentral', 'Chile Central', 'Chile', null),
  // Europe
  r('northeurope', 'North Europe', 'Europe', 'westeurope'),
  r('westeurope', 'West Europe', 'Europe', 'northeurope'),
  r('uksouth', 'UK South', 'United Kingdom', 'ukwest'),
  r('ukwest', 'UK West', 'United Kingdom', 'uksouth'),
  r('francecentral', 'France Central', 'France', 'francesouth'),
  r('francesouth', 'France South', 'France', 'francecentral'),
  r('germanywestcentral', 'Germany West Central', 'Germany', 'germanynorth'),
  r('germanynorth', 'Germany North', 'Germany', 'germanywestcentral'),
  r('switzerlandnorth', 'Switzerland North', 'Switzerland', 'switzerlandwest'),
  r('switzerlandwest', 'Switzerland West', 'Switzerland', 'switzerlandnorth'),
  r('norwayeast', 'Norway East', 'Norway', 'norwaywest'),
  r('norwaywest', 'Norway West', 'Norway', 'norwayeast'),
  r('swedencentral', 'Sweden Central', 'Sweden', 'swedensouth'),
  r('swedensouth', 'Sweden South', 'Sweden', 'swedencentral'),
  r('polandcentral', 'Poland Central', 'Poland', null),
  r('italynorth', 'Italy North', 'Italy', null),
  r('spaincentral', 'Spain Central', 'Spain', null),
  // Asia Pacific
  r('eastasia', 'East Asia', 'Asia Pacific', 'southeastasia'),
  r('southeastasia', 'Southeast Asia', 'Asia Pacific', 'eastasia'),
  r('australiaeast', 'Australia East', 'Australia', 'australiasoutheast'),
  r('australiasoutheast', 'Australia Southeast', 'Australia', 'australiaeast'),
  r('australiacentral', 'Australia Central', 'Australia', 'australiacentral2'),
  r('australiacentral2', 'Australia Central 2', 'Australia', 'australiacentral'),
  r('japaneast', 'Japan East', 'Japan', 'japanwest'),
  r('japanwest', 'Japan West', 'Japan', 'japaneast'),
  r('koreacentral', 'Korea Central', 'Korea', 'koreasouth'),
  r('koreasouth', 'Korea South', 'Korea', 'koreacentral'),
  r('centralindia', 'Central India', 'India', 'southindia'),
  r('southindia', 'South India', 'India', 'centralindia'),
  r('westindia', 'West India', 'India', 'southindia'),
  r('jioindiacentral', 'Jio India Central', 'India', 'jioindiawest'),
  r('jioindiawest', 'Jio India West', 'India', 'jioindiacentral'),
  r('indonesiacentral', 'Indonesia Central', 'Indonesia', null),
  r('malaysiawest', 'Malaysia West', 'Malaysia', null),
  r('newzealandnorth', 'New Zealand North', 'New Zealand', null),
  // Middle East and Africa
  r('uaenorth', 'UAE North', 'United Arab Emirates', 'uaecentral'),
  r('uaecentral', 'UAE Central', 'United Arab Emirates', 'uaenorth'),
  r('qatarcentral', 'Qatar Central', 'Qatar', null),
  r('israelcentral', 'Israel Central', 'Israel', null),
  r('southafricanorth', 'South Africa North', 'South Africa', 'southafricawest'),
  r('southafricawest', 'South Africa West', 'South Africa', 'southafricanorth'),
];

/**
 * Regions where Keyward offers Managed HSM without a caller-supplied list.
 *
 * UNCONFIRMED and deliberately conservative: Microsoft's product-by-region page could not be read
 * (facts §1.3). These are regions long documented or widely reported for Managed HSM. West US 3 is
 * left out because of reported capacity errors ("Pool creation is disabled in this region").
 * Callers should pass the authoritative list (the `locations` of resource type `managedHSMs` from
 * `GET /subscriptions/{id}/providers/Microsoft.KeyVault`) whenever they can.
 */
export const MANAGED_HSM_REGIONS_CONSERVATIVE: readonly string[] = [
  'eastus',
  'eastus2',
  'centralus',
  'northcentralus',
  'southcentralus',
  'westus',
  'westus2',
  'canadacentral',
  'canadaeast',
  'brazilsouth',
  'northeurope',
  'westeurope',
  'uksouth',
  'ukwest',
  'francecentral',
  'germanywestcentral',
  'switzerlandnorth',
  'swedencentral',
  'eastasia',
  'southeastasia',
  'australiaeast',
  'australiacentral',
  'japaneast',
  'koreacentral',
  'centralindia',
  'southafricanorth',
  'uaenorth',
  'qatarcentral',
];

/** Lower-cases and removes spaces, so `West Europe`, `westeurope` and ` WestEurope ` compare equal. */
export function normalizeRegionName(value: string): string {
  return value.trim().toLowerCase().replace(/\s+/g, '');
}

/**
 * Finds a region by ARM name or display name (case and spaces ignored).
 * @param catalogue defaults to the built-in list; pass the subscription's own list when known.
 */
export function findRegion(value: string, catalogue: readonly AzureRegion[] = AZURE_REGIONS): AzureRegion | undefined {
  const wanted = normalizeRegionName(value);
  if (wanted === '') return undefined;
  return catalogue.find((region) => region.name === wanted || normalizeRegionName(region.displayName) === wanted);
}

/**
 * How two regions relate for the "two keys in two regions" rule:
 * - `same`: the same region (allowed, with a warning: Microsoft recommends two regions "if possible");
 * - `paired`: an Azure region pair in either direction (allowed; Microsoft prefers non-paired);
 * - `unrelated`: different and not paired (preferred);
 * - `unknown`: at least one region is not in the catalogue.
 */
export type RegionRelation = 'same' | 'paired' | 'unrelated' | 'unknown';

export function regionRelation(a: string, b: string, catalogue: readonly AzureRegion[] = AZURE_REGIONS): RegionRelation {
  const ra = findRegion(a, catalogue);
  const rb = findRegion(b, catalogue);
  if (!ra || !rb) return normalizeRegionName(a) !== '' && normalizeRegionName(a) === normalizeRegionName(b) ? 'same' : 'unknown';
  if (ra.name === rb.name) return 'same';
  if (ra.pairedRegion === rb.name || rb.pairedRegion === ra.name) return 'paired';
  return 'unrelated';
}

/**
 * Whether Managed HSM can be placed in a region.
 * - `available`: listed (in the caller's authoritative list, or in the conservative built-in one);
 * - `unavailable`: the caller's authoritative list omits it;
 * - `unlisted`: no authoritative list and the region is not in the conservative one. It may still
 *   work: warn, don't block.
 */
export type ManagedHsmRegionStatus = 'available' | 'unavailable' | 'unlisted';

export function managedHsmRegionStatus(region: string, authoritative?: readonly string[]): ManagedHsmRegionStatus {
  const wanted = normalizeRegionName(region);
  if (authoritative) return authoritative.some((name) => normalizeRegionName(name) === wanted) ? 'available' : 'unavailable';
  return MANAGED_HSM_REGIONS_CONSERVATIVE.includes(wanted) ? 'available' : 'unlisted';
}

/**
 * Why one region for both keys is allowed but not preferred: Microsoft recommends two regions near
 * the Microsoft 365 data, not paired "if possible"; it does not require them.
 */
export function sameRegionAdvice(regionDisplayName: string): Message {
  return say(
    'region.sameAdvice',
    `Both keys are in ${regionDisplayName}. Two regions are not required, but Microsoft recommends them (near your Microsoft 365 data, not paired if possible) so that one regional outage cannot reach both keys. If your country has a single Azure region, keep both keys there in the two subscriptions; otherwise choose a second region for key B.`,
    { region: regionDisplayName },
  );
}
