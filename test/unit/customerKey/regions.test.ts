import assert from 'node:assert/strict';
import { AZURE_REGIONS, findRegion, managedHsmRegionStatus, regionRelation, type AzureRegion } from '../../../src/customerKey';

describe('regions', () => {
  it('when a region is looked up by display name, ARM name or odd spacing, then the same region is found', () => {
    assert.equal(findRegion('West Europe')?.name, 'westeurope');
    assert.equal(findRegion(' WestEurope ')?.name, 'westeurope');
    assert.equal(findRegion('westeurope')?.displayName, 'West Europe');
    assert.equal(findRegion('Atlantis North'), undefined);
  });

  it('when every pair in the catalogue is followed, then it points at a region in the catalogue', () => {
    for (const region of AZURE_REGIONS) {
      if (region.pairedRegion) assert.ok(findRegion(region.pairedRegion), `${region.name} → ${region.pairedRegion}`);
    }
  });

  const relations: Array<[string, string, string]> = [
    ['westeurope', 'westeurope', 'same'],
    ['West Europe', 'northeurope', 'paired'],
    ['northeurope', 'westeurope', 'paired'],
    // Brazil South pairs with South Central US one way only; either direction counts.
    ['southcentralus', 'brazilsouth', 'paired'],
    ['westeurope', 'swedencentral', 'unrelated'],
    ['westeurope', 'atlantis', 'unknown'],
  ];
  for (const [a, b, expected] of relations) {
    it(`when comparing ${a} and ${b}, then they are ${expected}`, () => {
      assert.equal(regionRelation(a, b), expected);
    });
  }

  it('when the caller passes its own catalogue, then only that catalogue is used', () => {
    const catalogue: AzureRegion[] = [{ name: 'newregion', displayName: 'New Region', geography: 'Test', pairedRegion: null }];
    assert.equal(findRegion('New Region', catalogue)?.name, 'newregion');
    assert.equal(findRegion('westeurope', catalogue), undefined);
  });

  it('when no authoritative Managed HSM list is given, then the conservative list says available or unlisted', () => {
    assert.equal(managedHsmRegionStatus('westeurope'), 'available');
    assert.equal(managedHsmRegionStatus('westus3'), 'unlisted');
  });

  it('when an authoritative list is given (display names from ARM), then it decides alone', () => {
    assert.equal(managedHsmRegionStatus('westus3', ['West US 3', 'East US']), 'available');
    assert.equal(managedHsmRegionStatus('westeurope', ['West US 3', 'East US']), 'unavailable');
  });
});
