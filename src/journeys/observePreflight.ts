import { toAppError } from '../core';
import type { AzureReader } from '../azure/ports';
import type { NameObservation, NameTarget, Observed, PreflightObservations, PreflightTargets } from '../customerKey';

/**
 * Gathers, read-only and in parallel, exactly what `preflightTargets(spec)` asks for. Every lookup
 * that fails becomes an `{ ok: false }` observation with its reason, which the domain shows as an
 * unknown line — a failed check is never green.
 */
export async function observePreflight(
  reader: AzureReader,
  targets: PreflightTargets,
  options: { servicePrincipalOverrides?: Readonly<Record<string, string>> } = {},
): Promise<PreflightObservations> {
  const subscriptions: Record<string, Observed<{ state: string; tenantId?: string; displayName?: string; quotaId?: string }>> = {};
  const mandatoryRetention: Record<string, Observed<{ state: string }>> = {};
  const resourceGroups: Record<string, Observed<{ exists: boolean }>> = {};
  const names: Record<string, Observed<NameObservation>> = {};
  const hsmCounts: Record<string, Observed<{ active: number; softDeleted?: number }>> = {};
  const hsmLocations: Record<string, Observed<{ locations: readonly string[] }>> = {};
  const permissions: Record<string, Observed<{ missingActions: readonly string[] }>> = {};
  const servicePrincipals: Record<string, Observed<{ objectId: string } | { missing: true }>> = {};

  const tasks: Array<Promise<void>> = [];
  const observe = <T>(into: Record<string, Observed<T>>, key: string, fn: () => Promise<T>) => {
    tasks.push(
      fn().then(
        (value) => {
          into[key] = { ok: true, value };
        },
        (error: unknown) => {
          const appErr = toAppError(error);
          into[key] = { ok: false, error: { code: appErr.code, message: appErr.message } };
        },
      ),
    );
  };

  for (const t of unique(targets.subscriptions, (t) => t.subscriptionId)) observe(subscriptions, t.subscriptionId, () => reader.getSubscription(t.subscriptionId));
  for (const t of unique(targets.mandatoryRetention, (t) => t.subscriptionId)) {
    observe(mandatoryRetention, t.subscriptionId, async () => ({ state: await reader.getFeatureState(t.subscriptionId, t.providerNamespace, t.featureName) }));
  }
  for (const t of unique(targets.resourceGroups, (t) => t.key))
    observe(resourceGroups, t.key, async () => ({ exists: await reader.resourceGroupExists(t.subscriptionId, t.resourceGroup) }));
  const subscriptionIds = unique(targets.subscriptions, (t) => t.subscriptionId).map((t) => t.subscriptionId);
  for (const t of unique(targets.names, (t) => t.key)) observe(names, t.key, () => observeName(reader, t, subscriptionIds));
  for (const t of unique(targets.hsmQuotas, (t) => t.key)) {
    observe(hsmCounts, t.key, async () => {
      const [active, deleted] = await Promise.all([reader.listManagedHsms(t.subscriptionId), reader.listDeletedManagedHsms(t.subscriptionId).catch(() => undefined)]);
      const here = (location: string | undefined) => (location ?? '').replace(/\s/g, '').toLowerCase() === t.region.replace(/\s/g, '').toLowerCase();
      return { active: active.filter((h) => here(h.location)).length, softDeleted: deleted?.filter((h) => here(h.location)).length };
    });
  }
  for (const t of unique(targets.hsmLocations, (t) => t.subscriptionId)) {
    observe(hsmLocations, t.subscriptionId, async () => ({ locations: await reader.providerLocations(t.subscriptionId, 'Microsoft.KeyVault', 'managedHSMs') }));
  }
  for (const requirement of targets.permissions) {
    observe(permissions, requirement.id, async () => {
      try {
        return { missingActions: await reader.missingActions(requirement.scope, requirement.actions) };
      } catch (error) {
        // A resource group that does not exist yet has no permissions of its own: what Keyward
        // will hold there is what it holds at the subscription, where the group will be created.
        const subscriptionScope = /^\/subscriptions\/[^/]+/i.exec(requirement.scope)?.[0];
        if (toAppError(error).code !== 'AzureNotFound' || !subscriptionScope || subscriptionScope === requirement.scope) throw error;
        return { missingActions: await reader.missingActions(subscriptionScope, requirement.actions) };
      }
    });
  }
  for (const sp of targets.servicePrincipals) {
    observe(servicePrincipals, sp.appId, async () => {
      const configured = options.servicePrincipalOverrides?.[sp.appId.toLowerCase()];
      if (configured) return { objectId: configured };
      const objectId = await reader.servicePrincipalObjectId(sp.appId);
      return objectId ? { objectId } : { missing: true as const };
    });
  }
  let licences: PreflightObservations['licences'];
  tasks.push(
    reader.subscribedSkus().then(
      (skus) => {
        licences = {
          ok: true,
          value: skus.map((s) => ({
            skuId: s.skuId,
            skuPartNumber: s.skuPartNumber,
            capabilityStatus: s.capabilityStatus,
            enabledUnits: s.enabledUnits,
            consumedUnits: s.consumedUnits,
            servicePlanNames: s.servicePlans.map((p) => p.servicePlanName),
            servicePlanIds: s.servicePlans.map((p) => p.servicePlanId),
          })),
        };
      },
      (error: unknown) => {
        const appErr = toAppError(error);
        licences = { ok: false, error: { code: appErr.code, message: appErr.message } };
      },
    ),
  );
  await Promise.all(tasks);
  return { subscriptions, mandatoryRetention, resourceGroups, names, hsmCounts, hsmLocations, permissions, servicePrincipals, ...(licences ? { licences } : {}) };
}

/**
 * Name availability as the domain wants it. checkNameAvailability says only "taken"; whether the
 * taker is a soft-deleted resource (visible in our subscriptions' deleted lists) or Keyward's own
 * earlier attempt (present in the planned resource group) is looked up after.
 */
async function observeName(reader: AzureReader, target: NameTarget, subscriptionIds: readonly string[]): Promise<NameObservation> {
  const subscriptionId = /\/subscriptions\/([^/]+)/i.exec(target.expectedResourceId)?.[1] ?? subscriptionIds[0] ?? '';
  const check = target.kind === 'vault' ? await reader.checkVaultName(subscriptionId, target.name) : await reader.checkManagedHsmName(subscriptionId, target.name);
  if (check.available) return { status: 'available' };
  if (check.reason && /invalid/i.test(check.reason)) return { status: 'invalid', message: check.message };
  for (const sub of subscriptionIds) {
    const deleted = target.kind === 'vault' ? await reader.listDeletedVaults(sub).catch(() => []) : await reader.listDeletedManagedHsms(sub).catch(() => []);
    const match = deleted.find((d) => d.name.toLowerCase() === target.name.toLowerCase());
    if (match) return { status: 'softDeleted', location: match.location, scheduledPurgeDate: match.scheduledPurgeDate, purgeProtectionEnabled: match.purgeProtectionEnabled };
  }
  const resourceGroup = /\/resourceGroups\/([^/]+)/i.exec(target.expectedResourceId)?.[1];
  if (resourceGroup) {
    const existing =
      target.kind === 'vault'
        ? await reader.getVault(subscriptionId, resourceGroup, target.name).catch(() => undefined)
        : await reader.getManagedHsm(subscriptionId, resourceGroup, target.name).catch(() => undefined);
    if (existing) return { status: 'taken', resourceId: existing.id };
  }
  return { status: 'taken' };
}

function unique<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item).toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
