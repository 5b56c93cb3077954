/**
 * `KeyRef`: where one Customer Key key lives. Plans, preflight, readiness, key roll, teardown and
 * DEP scripts all talk about keys through this one shape.
 */
import { versionlessKeyUri, type KeyContainerKind } from './keyUris';
import type { CustomerKeySpec, SiteId } from './spec';
import type { Workload } from './workloads';

export interface KeyRef {
  readonly site: SiteId;
  readonly workload: Workload;
  readonly containerKind: KeyContainerKind;
  /** Vault name (Premium) or HSM name. */
  readonly containerName: string;
  readonly keyName: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly region: string;
  /** `https://<container>.<vault|managedhsm>.azure.net/keys/<key>`. */
  readonly versionlessUri: string;
}

/** All keys of a spec, grouped by workload (site A then site B), in canonical workload order. */
export function keyRefsOf(spec: CustomerKeySpec): KeyRef[] {
  const refs: KeyRef[] = [];
  for (const workload of spec.workloads) {
    for (const site of ['A', 'B'] as const) {
      const s = spec.sites[site];
      let containerKind: KeyContainerKind;
      let containerName: string;
      let keyName: string;
      if (spec.protection === 'keyVaultPremium') {
        const vault = spec.sites[site].vaults.find((v) => v.workload === workload);
        if (!vault) continue;
        containerKind = 'vault';
        containerName = vault.vaultName;
        keyName = vault.keyName;
      } else {
        const key = spec.sites[site].keys.find((k) => k.workload === workload);
        if (!key) continue;
        containerKind = 'managedHsm';
        containerName = spec.sites[site].hsmName;
        keyName = key.keyName;
      }
      refs.push({
        site,
        workload,
        containerKind,
        containerName,
        keyName,
        subscriptionId: s.subscriptionId,
        resourceGroup: s.resourceGroup,
        region: s.region,
        versionlessUri: versionlessKeyUri(containerKind, containerName, keyName),
      });
    }
  }
  return refs;
}

/** The pair of keys (A, B) for one workload, if both exist. */
export function keyPairFor(refs: readonly KeyRef[], workload: Workload): { A: KeyRef; B: KeyRef } | undefined {
  const A = refs.find((r) => r.workload === workload && r.site === 'A');
  const B = refs.find((r) => r.workload === workload && r.site === 'B');
  return A && B ? { A, B } : undefined;
}

/** ARM id of the vault or HSM that holds a key. */
export function containerResourceId(ref: Pick<KeyRef, 'containerKind' | 'containerName' | 'subscriptionId' | 'resourceGroup'>): string {
  const type = ref.containerKind === 'vault' ? 'vaults' : 'managedHSMs';
  return `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.KeyVault/${type}/${ref.containerName}`;
}
