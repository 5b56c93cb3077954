import { appError, say } from '../../core';
import type { VaultInfo } from '../../azure/ports';
import type { EnsureVaultStep } from '../../customerKey';
import type { StepHandler } from '../stepHandler';
import type { StepOutput } from '../runTypes';

/**
 * ensureVault: Key Vault Premium, soft delete with the plan's retention, purge protection, the
 * chosen access model. Check: GET the vault (Reader). An existing vault with exactly these
 * settings is reused; one with other settings is never changed (a PUT would also replace its
 * access policies) — the run stops and says what differs. Apply: one PUT (Key Vault Contributor);
 * verify from the PUT's own response. Requests: 2 to create, 1 to reuse.
 */
export const vaultStep: StepHandler<EnsureVaultStep> = {
  kind: 'ensureVault',
  describe: (step) => say('run.do.vault', `Creating vault ${step.params.vaultName}`, { vault: step.params.vaultName }),
  target: (step) => `/subscriptions/${step.params.subscriptionId}/resourceGroups/${step.params.resourceGroup}/providers/Microsoft.KeyVault/vaults/${step.params.vaultName}`,
  async check(step, context) {
    const { subscriptionId, resourceGroup, vaultName } = step.params;
    const vault = await context.azure.getVault(subscriptionId, resourceGroup, vaultName);
    if (!vault) return { state: 'todo' };
    const problems = differences(step, vault);
    if (problems.length > 0) {
      throw appError(
        'AzureConflict',
        `Vault ${vaultName} already exists, but ${problems.join('; ')}. Keyward does not change an existing vault (that would also replace its access policies). Fix the vault or choose another name in a new plan.`,
        { vault: vaultName, problems },
      );
    }
    context.containers.remember('vault', vaultName, vault.vaultUri);
    return {
      state: 'done',
      output: outputOf(vault, false),
      note: say('run.note.vaultReused', `Vault ${vaultName} already exists with the planned settings; reused.`, { vault: vaultName }),
    };
  },
  async apply(step, context) {
    const p = step.params;
    const vault = await context.azure.createVault({
      subscriptionId: p.subscriptionId,
      resourceGroup: p.resourceGroup,
      name: p.vaultName,
      location: p.region,
      tenantId: p.tenantId,
      sku: p.sku,
      softDeleteRetentionDays: p.softDeleteRetentionInDays,
      purgeProtection: p.enablePurgeProtection,
      rbacAuthorization: p.enableRbacAuthorization,
      accessPolicies: p.accessPolicies.map((policy) => ({ objectId: policy.objectId, tenantId: p.tenantId, keys: [...policy.keyPermissions] })),
      tags: { ...p.tags },
    });
    context.containers.remember('vault', p.vaultName, vault.vaultUri);
    const problems = differences(step, vault);
    if (problems.length > 0) throw appError('AzureFailed', `Azure created vault ${p.vaultName}, but ${problems.join('; ')}.`, { problems });
    return outputOf(vault, true);
  },
  async verify(step, _context, output) {
    const p = step.params;
    return {
      output,
      note: say(
        'run.note.vaultCreated',
        `Created vault ${p.vaultName} (Premium, ${p.region}, soft delete ${p.softDeleteRetentionInDays} days, purge protection, ${p.enableRbacAuthorization ? 'Azure RBAC' : 'access policies'}).`,
        { vault: p.vaultName, region: p.region, days: p.softDeleteRetentionInDays, model: p.enableRbacAuthorization ? 'rbac' : 'accessPolicy' },
      ),
    };
  },
};

function outputOf(vault: VaultInfo, created: boolean): StepOutput {
  return { vaultName: vault.name, vaultUri: vault.vaultUri, vaultId: vault.id, created };
}

/** What differs between the vault Azure has and the one the plan asks for. */
function differences(step: EnsureVaultStep, vault: VaultInfo): string[] {
  const p = step.params;
  const problems: string[] = [];
  if (vault.sku.toLowerCase() !== p.sku) problems.push(`its SKU is ${vault.sku}, not ${p.sku}`);
  if (!vault.softDeleteEnabled) problems.push('soft delete is off');
  if (vault.softDeleteRetentionDays !== p.softDeleteRetentionInDays)
    problems.push(`its soft-delete retention is ${vault.softDeleteRetentionDays} days, not ${p.softDeleteRetentionInDays}`);
  if (!vault.purgeProtectionEnabled) problems.push('purge protection is off');
  if (vault.rbacAuthorization !== p.enableRbacAuthorization)
    problems.push(`it uses ${vault.rbacAuthorization ? 'Azure RBAC' : 'access policies'}, not ${p.enableRbacAuthorization ? 'Azure RBAC' : 'access policies'}`);
  if (normalizeRegion(vault.location) !== normalizeRegion(p.region)) problems.push(`it is in ${vault.location}, not ${p.region}`);
  if (vault.tenantId && vault.tenantId.toLowerCase() !== p.tenantId.toLowerCase()) problems.push(`it belongs to tenant ${vault.tenantId}`);
  return problems;
}

function normalizeRegion(region: string): string {
  return region.replace(/\s+/g, '').toLowerCase();
}
