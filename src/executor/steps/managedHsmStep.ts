import { appError, say } from '../../core';
import type { ManagedHsmInfo } from '../../azure/ports';
import { STEP_ESTIMATES, type EnsureManagedHsmStep } from '../../customerKey';
import type { StepContext, StepHandler } from '../stepHandler';
import type { StepOutput } from '../runTypes';

const IN_PROGRESS = new Set(['provisioning', 'updating', 'restoring', 'securitydomainrestore']);

/**
 * ensureManagedHsm: long-running (Azure: "a few minutes", operators report 20+). Check: GET the HSM
 * (Reader). Not there → one PUT, then the SDK polls the operation Azure returns. Already there and
 * still provisioning (a resumed run, or a poll that failed) → poll GET on the HSM; never a second
 * PUT. There and done → compare with the plan. Failed → stop with Azure's status message.
 * Requests: GET + PUT + one poll per `pollIntervalMs` while Azure provisions (Managed HSM Contributor).
 */
export const managedHsmStep: StepHandler<EnsureManagedHsmStep> = {
  kind: 'ensureManagedHsm',
  describe: (step) => say('run.do.hsm', `Creating Managed HSM ${step.params.hsmName} (Azure takes up to ~25 min)`, { hsm: step.params.hsmName }),
  target: (step) => `/subscriptions/${step.params.subscriptionId}/resourceGroups/${step.params.resourceGroup}/providers/Microsoft.KeyVault/managedHSMs/${step.params.hsmName}`,
  async check(step, context) {
    const p = step.params;
    const hsm = await context.azure.getManagedHsm(p.subscriptionId, p.resourceGroup, p.hsmName);
    if (!hsm) return { state: 'todo' };
    const state = (hsm.provisioningState ?? '').toLowerCase();
    if (state === 'failed') throw failed(step, hsm);
    if (IN_PROGRESS.has(state) || !hsm.hsmUri) return { state: 'todo', resume: { poll: true } };
    return {
      state: 'done',
      output: finished(step, context, hsm, false),
      note: say('run.note.hsmReused', `Managed HSM ${p.hsmName} already exists with the planned settings; reused.`, { hsm: p.hsmName }),
    };
  },
  async apply(step, context, resume) {
    const p = step.params;
    const started = context.clock.now().getTime();
    const progress = () =>
      void context.progress(
        say(
          'run.progress.hsmProvisioning',
          `Managed HSM ${p.hsmName} is provisioning: ${minutes(context.clock.now().getTime() - started)} so far (Azure usually needs up to ${Math.round(STEP_ESTIMATES.ensureManagedHsm / 60)} min).`,
          { hsm: p.hsmName, elapsed: minutes(context.clock.now().getTime() - started), usual: Math.round(STEP_ESTIMATES.ensureManagedHsm / 60) },
        ),
        { elapsedMs: context.clock.now().getTime() - started },
      );
    if (resume?.poll === true) return finished(step, context, await pollUntilProvisioned(step, context, progress), false);
    const hsm = await context.azure.createManagedHsm(
      {
        subscriptionId: p.subscriptionId,
        resourceGroup: p.resourceGroup,
        name: p.hsmName,
        location: p.region,
        tenantId: p.tenantId,
        initialAdminObjectIds: [...p.initialAdminObjectIds],
        softDeleteRetentionDays: p.softDeleteRetentionInDays,
        purgeProtection: p.enablePurgeProtection,
        tags: { ...p.tags },
      },
      () => progress(),
    );
    if ((hsm.provisioningState ?? '').toLowerCase() === 'failed') throw failed(step, hsm);
    return finished(step, context, hsm, true);
  },
  async verify(step, _context, output) {
    const p = step.params;
    return {
      output,
      note: say(
        'run.note.hsmProvisioned',
        `Managed HSM ${p.hsmName} is provisioned in ${p.region} (soft delete ${p.softDeleteRetentionInDays} days, purge protection); hourly billing has started. Next: the security-domain ceremony.`,
        { hsm: p.hsmName, region: p.region, days: p.softDeleteRetentionInDays },
      ),
    };
  },
};

async function pollUntilProvisioned(step: EnsureManagedHsmStep, context: StepContext, progress: () => void): Promise<ManagedHsmInfo> {
  const p = step.params;
  // Four times Azure's usual duration; after that the run stops (Retry resumes polling).
  const deadline = context.clock.now().getTime() + STEP_ESTIMATES.ensureManagedHsm * 4 * 1000;
  for (;;) {
    progress();
    await context.sleep(context.settings.pollIntervalMs);
    const hsm = await context.azure.getManagedHsm(p.subscriptionId, p.resourceGroup, p.hsmName);
    if (!hsm) throw appError('AzureNotFound', `Managed HSM ${p.hsmName} disappeared while it was provisioning (deleted by someone?).`);
    const state = (hsm.provisioningState ?? '').toLowerCase();
    if (state === 'failed') throw failed(step, hsm);
    if (!IN_PROGRESS.has(state) && hsm.hsmUri) return hsm;
    if (context.clock.now().getTime() > deadline) {
      throw appError(
        'AzureTransient',
        `Managed HSM ${p.hsmName} is still provisioning after ${minutes(STEP_ESTIMATES.ensureManagedHsm * 4 * 1000)}. Azure has not failed it; Retry resumes waiting (no second create).`,
      );
    }
  }
}

function finished(step: EnsureManagedHsmStep, context: StepContext, hsm: ManagedHsmInfo, created: boolean): StepOutput {
  const p = step.params;
  const problems: string[] = [];
  if (hsm.softDeleteRetentionDays !== p.softDeleteRetentionInDays)
    problems.push(`its soft-delete retention is ${hsm.softDeleteRetentionDays} days, not ${p.softDeleteRetentionInDays}`);
  if (!hsm.purgeProtectionEnabled) problems.push('purge protection is off');
  if (hsm.location && hsm.location.replace(/\s+/g, '').toLowerCase() !== p.region.toLowerCase()) problems.push(`it is in ${hsm.location}, not ${p.region}`);
  const admins = hsm.initialAdminObjectIds.map((id) => id.toLowerCase());
  const missing = p.initialAdminObjectIds.filter((id) => !admins.includes(id.toLowerCase()));
  if (missing.length > 0) problems.push(`its initial administrators lack ${missing.join(', ')}`);
  if (problems.length > 0) {
    throw appError('AzureConflict', `Managed HSM ${p.hsmName} exists, but ${problems.join('; ')}. Keyward does not change an existing HSM; its settings are fixed at creation.`, {
      problems,
    });
  }
  context.containers.remember('managedHsm', p.hsmName, hsm.hsmUri);
  return { hsmName: hsm.name || p.hsmName, hsmUri: hsm.hsmUri, hsmId: hsm.id, activationStatus: hsm.activationStatus ?? null, created };
}

function failed(step: EnsureManagedHsmStep, hsm: ManagedHsmInfo): Error {
  return appError(
    'HsmProvisioningFailed',
    `Azure failed to provision Managed HSM ${step.params.hsmName}${hsm.statusMessage ? `: ${hsm.statusMessage}` : ''}. It is billed until deleted and purged; choose another region if capacity is the cause.`,
    { statusMessage: hsm.statusMessage ?? null },
  );
}

function minutes(ms: number): string {
  const m = Math.floor(ms / 60_000);
  return m < 1 ? 'under a minute' : `${m} min`;
}
