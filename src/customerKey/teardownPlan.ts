/**
 * `buildTeardownPlan`: delete and purge vaults or Managed HSMs. Destructive class: the stronger
 * approval policy applies. Refused while any Data Encryption Policy still uses a key in them.
 *
 * Purge protection (which Keyward's setup always enables) makes Azure refuse a purge until the
 * retention period has passed; the purge step then waits for the scheduled purge date, when Azure
 * also purges on its own. A Managed HSM bills until the purge has completed, and a Disabled
 * subscription blocks the purge (a POST) while billing continues (facts §3.2, §3.8).
 */
import { appError, isGuid } from '../core';
import { COST_NOTES } from './facts';
import { describeDep, type DepKeyUsage } from './depTypes';
import type { KeyRef } from './keyRefs';
import { parseKeyIdentifier, versionlessKeyUri, type KeyContainerKind } from './keyUris';
import { assemblePlan, STEP_ESTIMATES, type Plan, type StepDraft } from './plan';
import { TEARDOWN_COST_NOTES, teardownHsmCost, teardownIrreversible, teardownTitle, withSummary } from './planText';
import type { SiteId } from './spec';
import type { Workload } from './workloads';

/** A vault or HSM to remove, as observed in Azure. */
export interface TeardownTarget {
  readonly site: SiteId;
  readonly containerKind: KeyContainerKind;
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly region: string;
  readonly purgeProtectionEnabled: boolean;
  readonly softDeleteRetentionDays: number;
  /** Keys in it, with the workload each served. */
  readonly keys: ReadonlyArray<{ readonly keyName: string; readonly workload: Workload }>;
}

export interface TeardownInput {
  readonly tenantId: string;
  readonly targets: readonly TeardownTarget[];
  /** Which keys each existing DEP uses (observed from the DEP cmdlets or Keyward's inventory). */
  readonly depUsages: readonly DepKeyUsage[];
}

/**
 * Refuses when a DEP still uses one of the keys.
 * @throws AppError `KeyInUseByDep` naming each DEP and key.
 */
export function assertNoDepUsesKeys(keyUris: readonly string[], usages: readonly DepKeyUsage[]): void {
  const wanted = new Set(keyUris.map((u) => u.toLowerCase()));
  const conflicts: string[] = [];
  for (const usage of usages) {
    for (const uri of usage.keyUris) {
      const parsed = parseKeyIdentifier(uri);
      const normal = (parsed.ok ? parsed.key.versionlessUri : uri).toLowerCase();
      if (wanted.has(normal)) conflicts.push(`${describeDep(usage.dep).text} uses ${normal}`);
    }
  }
  if (conflicts.length > 0) {
    throw appError(
      'KeyInUseByDep',
      `Keyward will not remove keys that a Data Encryption Policy still uses: ${conflicts.join('; ')}. Move the policy to other keys (or off Customer Key, where Microsoft supports it) first.`,
      { conflicts },
    );
  }
}

/**
 * @throws AppError `KeyInUseByDep` when a DEP still uses a key in a target; `ValidationFailed` for
 *   an empty or malformed input.
 */
export function buildTeardownPlan(input: TeardownInput): Plan {
  if (!isGuid(input.tenantId)) throw appError('ValidationFailed', 'The tenant id is not a GUID.', { field: 'tenantId' });
  if (input.targets.length === 0) throw appError('ValidationFailed', 'Choose at least one vault or HSM to remove.', { field: 'targets' });
  const keys: KeyRef[] = input.targets.flatMap((t) =>
    t.keys.map((k) => ({
      site: t.site,
      workload: k.workload,
      containerKind: t.containerKind,
      containerName: t.name,
      keyName: k.keyName,
      subscriptionId: t.subscriptionId.toLowerCase(),
      resourceGroup: t.resourceGroup,
      region: t.region,
      versionlessUri: versionlessKeyUri(t.containerKind, t.name, k.keyName),
    })),
  );
  assertNoDepUsesKeys(
    keys.map((k) => k.versionlessUri),
    input.depUsages,
  );
  const steps: StepDraft[] = [];
  const irreversible: string[] = [];
  const costNotes: string[] = [];
  let anyHsm = false;
  for (const t of input.targets) {
    const hsm = t.containerKind === 'managedHsm';
    anyHsm ||= hsm;
    const common = { subscriptionId: t.subscriptionId.toLowerCase(), region: t.region, name: t.name };
    const idPart = `${t.site}:${t.name.toLowerCase()}`;
    const deleteParams = { ...common, resourceGroup: t.resourceGroup, keyNames: t.keys.map((k) => k.keyName) };
    const retention = { retentionDays: t.softDeleteRetentionDays };
    const purgeParams = {
      ...common,
      purgeProtectionEnabled: t.purgeProtectionEnabled,
      softDeleteRetentionInDays: t.softDeleteRetentionDays,
      waitForScheduledPurgeDate: t.purgeProtectionEnabled,
      perLocationFallback: hsm,
    };
    if (hsm) {
      steps.push(
        withSummary(
          'teardown',
          {
            id: `deleteManagedHsm:${idPart}`,
            kind: 'deleteManagedHsm',
            site: t.site,
            params: deleteParams,
            irreversible: false,
            estimatedSeconds: STEP_ESTIMATES.deleteManagedHsm,
          },
          retention,
        ),
        withSummary('teardown', {
          id: `purgeManagedHsm:${idPart}`,
          kind: 'purgeManagedHsm',
          site: t.site,
          params: purgeParams,
          irreversible: true,
          estimatedSeconds: STEP_ESTIMATES.purgeManagedHsm,
        }),
      );
    } else {
      steps.push(
        withSummary(
          'teardown',
          { id: `deleteVault:${idPart}`, kind: 'deleteVault', site: t.site, params: deleteParams, irreversible: false, estimatedSeconds: STEP_ESTIMATES.deleteVault },
          retention,
        ),
        withSummary('teardown', {
          id: `purgeVault:${idPart}`,
          kind: 'purgeVault',
          site: t.site,
          params: purgeParams,
          irreversible: true,
          estimatedSeconds: STEP_ESTIMATES.purgeVault,
        }),
      );
    }
    irreversible.push(
      teardownIrreversible(
        t.containerKind,
        t.name,
        t.keys.map((k) => k.keyName),
      ).text,
    );
    if (hsm) costNotes.push(teardownHsmCost(t.name, t.purgeProtectionEnabled, t.softDeleteRetentionDays).text);
  }
  if (anyHsm) costNotes.push(COST_NOTES.teardownBillingUntilPurge.text);
  costNotes.push(...TEARDOWN_COST_NOTES.map((m) => m.text));
  const kinds = new Set(input.targets.map((t) => t.containerKind));
  return assemblePlan(
    {
      kind: 'teardown',
      operationClass: 'destructive',
      tenantId: input.tenantId.toLowerCase(),
      protection: kinds.size === 1 ? (kinds.has('vault') ? 'keyVaultPremium' : 'managedHsm') : null,
      title: teardownTitle(input.targets.map((t) => t.name)).text,
      irreversible,
      costNotes,
      keys,
    },
    steps,
  );
}
