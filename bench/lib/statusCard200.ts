import { performance } from 'node:perf_hooks';
import type { InventoryContainer, InventoryKey } from '../../src/inventory/inventoryTypes';
import { inventorySections } from '../../src/bot/inventory/inventoryCards';
import { renderJourneyListCard } from '../../src/bot/setup/setupCards';

/** The `status` card for an inventory of `keys` keys (two per vault pair), its size and render time. */
export function renderStatusCardForBench(keys: number): { keys: number; bytes: number; underLimit: boolean; renderMs: number; rowsShown: number } {
  const containers: InventoryContainer[] = [];
  const inventory: InventoryKey[] = [];
  for (let i = 0; i < keys; i += 1) {
    const site = i % 2 === 0 ? 'A' : 'B';
    const name = `kv-contoso-${site.toLowerCase()}-${String(Math.floor(i / 2)).padStart(3, '0')}`;
    containers.push({
      id: `vault:${name}`,
      kind: 'vault',
      name,
      subscriptionId: '00000000-0000-4000-8000-00000000000' + (i % 2),
      resourceGroup: `rg-ck-${site.toLowerCase()}`,
      region: site === 'A' ? 'westeurope' : 'northeurope',
      status: 'active',
      source: 'setup',
      purgeProtectionEnabled: true,
      softDeleteRetentionDays: 90,
      updatedAt: '2026-12-01T00:00:00.000Z',
    } as InventoryContainer);
    inventory.push({
      id: `https://${name}.vault.azure.net/keys/ck-exchange-${site.toLowerCase()}`,
      ref: {
        site,
        workload: 'exchange',
        containerKind: 'vault',
        containerName: name,
        keyName: `ck-exchange-${site.toLowerCase()}`,
        subscriptionId: '00000000-0000-4000-8000-000000000000',
        resourceGroup: `rg-ck-${site.toLowerCase()}`,
        region: 'westeurope',
        versionlessUri: `https://${name}.vault.azure.net/keys/ck-exchange-${site.toLowerCase()}`,
      },
      pairId: `pair-${Math.floor(i / 2)}`,
      keySize: 3072,
      versions: [{ version: 'a'.repeat(32), recordedAt: '2026-12-01T00:00:00.000Z', how: 'setup' }],
      status: 'active',
      updatedAt: '2026-12-01T00:00:00.000Z',
    } as InventoryKey);
  }
  const started = performance.now();
  const card = renderJourneyListCard([], {
    sections: inventorySections({ containers, keys: inventory, deps: [], health: () => undefined, journeys: [], now: new Date(), locale: 'en' }),
  });
  const renderMs = performance.now() - started;
  const json = JSON.stringify(card);
  return { keys, bytes: json.length, underLimit: json.length < 28_000, renderMs: Number(renderMs.toFixed(2)), rowsShown: (json.match(/ck-exchange-/g) ?? []).length };
}
