import { appError, isAppError, say, sentences, type Message } from '../../core';
import type { DeletedContainer } from '../../azure/ports';
import type { DeleteManagedHsmStep, DeleteVaultStep, PurgeManagedHsmStep, PurgeVaultStep } from '../../customerKey';
import type { StepContext, StepHandler } from '../stepHandler';
import type { StepOutput } from '../runTypes';

/**
 * Teardown steps: delete, then purge, a vault or a Managed HSM.
 *
 * - delete: first the subscription's state (Reader, one GET): a Disabled subscription accepts the
 *   DELETE but refuses the purge (a POST), which would leave a soft-deleted HSM billing with no way
 *   to purge it — so Keyward does not delete there. Then the resource: present → DELETE
 *   (Key Vault Contributor / Managed HSM Contributor; the HSM delete is a long-running operation);
 *   already soft-deleted or gone → done without a request.
 * - purge: the deleted resource is looked up (vault: GET by location; HSM: the deletedManagedHSMs
 *   list, retried, then the per-location GET when the list fails with the ProviderError). Gone →
 *   done. Purge protection with the scheduled purge date ahead → done as "scheduled": Azure refuses
 *   an earlier purge and purges it by itself on that date (Keyward watches it after the run).
 *   Otherwise POST purge (long-running); a refusal because of purge protection (clocks differ) is
 *   the same "scheduled" outcome. A Disabled subscription's refusal stops the run
 *   (SubscriptionNotEnabled, not retried: people must re-enable it).
 *
 * Outputs: delete {name, state: 'softDeleted' | 'gone', deletionDate?, scheduledPurgeDate?,
 * purgeProtectionEnabled?}; purge {name, state: 'purged' | 'scheduled', purgedAt?,
 * scheduledPurgeDate?, lookedUpBy: 'list' | 'perLocation' | 'get'}.
 */

type DeleteStep = DeleteVaultStep | DeleteManagedHsmStep;
type PurgeStep = PurgeVaultStep | PurgeManagedHsmStep;

const hsm = (step: DeleteStep | PurgeStep) => step.kind === 'deleteManagedHsm' || step.kind === 'purgeManagedHsm';
const label = (step: DeleteStep | PurgeStep) =>
  say('run.label.container', `${hsm(step) ? 'Managed HSM' : 'vault'} ${step.params.name}`, { kind: hsm(step) ? 'managedHsm' : 'vault', name: step.params.name });
const resourceId = (step: DeleteStep) =>
  `/subscriptions/${step.params.subscriptionId}/resourceGroups/${step.params.resourceGroup}/providers/Microsoft.KeyVault/${hsm(step) ? 'managedHSMs' : 'vaults'}/${step.params.name}`;

/** States in which Azure still accepts the purge that must follow a delete. */
const WRITABLE_STATES = new Set(['Enabled', 'Warned', 'PastDue']);

async function assertPurgeWillBeAccepted(step: DeleteStep | PurgeStep, context: StepContext): Promise<void> {
  const subscription = await context.azure.getSubscription(step.params.subscriptionId);
  if (!WRITABLE_STATES.has(subscription.state)) {
    throw appError(
      'SubscriptionNotEnabled',
      say(
        'run.error.subscriptionNotWritable',
        `Subscription ${subscription.displayName ? `${subscription.displayName} (${step.params.subscriptionId})` : step.params.subscriptionId} is ${subscription.state}. Azure accepts a delete there but refuses the purge${hsm(step) ? ', and a soft-deleted Managed HSM keeps billing until it is purged' : ''}, so Keyward does not go on. Re-enable the subscription (Azure portal → Subscriptions → Reactivate, or settle the billing problem), then Retry.`,
        {
          subscription: subscription.displayName ? `${subscription.displayName} (${step.params.subscriptionId})` : step.params.subscriptionId,
          state: subscription.state,
          billing: hsm(step) ? 'hsm' : 'none',
        },
      ),
      { state: subscription.state, subscriptionId: step.params.subscriptionId },
    );
  }
}

async function findDeleted(step: DeleteStep | PurgeStep, context: StepContext): Promise<{ deleted: DeletedContainer | undefined; lookedUpBy: 'list' | 'perLocation' | 'get' }> {
  const p = step.params;
  if (!hsm(step)) return { deleted: await context.azure.getDeletedVault(p.subscriptionId, p.name, p.region), lookedUpBy: 'get' };
  const fallback = step.kind === 'purgeManagedHsm' ? step.params.perLocationFallback : true;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const all = await context.azure.listDeletedManagedHsms(p.subscriptionId);
      return { deleted: all.find((d) => d.name.toLowerCase() === p.name.toLowerCase()), lookedUpBy: 'list' };
    } catch (error) {
      if (!isAppError(error, 'ProviderCollectionError') || !fallback) throw error;
      if (attempt < 2) {
        await context.progress(
          say('run.progress.listRetry', 'Azure failed to list deleted Managed HSMs (the known deletedManagedHSMs ProviderError); trying the list once more.'),
          { fallback: false },
        );
        await context.sleep(Math.min(2_000, context.settings.retry.baseDelayMs));
        continue;
      }
      await context.progress(
        say('run.progress.listFallback', `The deletedManagedHSMs list failed again (ProviderError); looking ${p.name} up directly in ${p.region} instead.`, {
          name: p.name,
          region: p.region,
        }),
        { fallback: true },
      );
      await context.audit(
        'execution.fallback',
        `/subscriptions/${p.subscriptionId}/providers/Microsoft.KeyVault/locations/${p.region}/deletedManagedHSMs/${p.name}`,
        { reason: 'ProviderCollectionError', lookup: 'perLocation' },
        'info',
      );
      return { deleted: await context.azure.getDeletedManagedHsm(p.subscriptionId, p.name, p.region), lookedUpBy: 'perLocation' };
    }
  }
}

function deleteHandler<S extends DeleteStep>(kind: S['kind']): StepHandler<S> {
  return {
    kind,
    describe: (step) => say('run.do.delete', `Deleting ${label(step).text}`, { what: label(step) }),
    target: (step) => resourceId(step),
    async check(step, context) {
      const p = step.params;
      await assertPurgeWillBeAccepted(step, context);
      const present = hsm(step)
        ? await context.azure.getManagedHsm(p.subscriptionId, p.resourceGroup, p.name)
        : await context.azure.getVault(p.subscriptionId, p.resourceGroup, p.name);
      if (present) {
        if (hsm(step) && (present as { provisioningState?: string }).provisioningState === 'Deleting') return { state: 'todo', resume: { deleting: true } };
        return { state: 'todo' };
      }
      const { deleted } = await findDeleted(step, context);
      if (deleted)
        return {
          state: 'done',
          output: deletedOutput(step, deleted),
          note: deleted.scheduledPurgeDate
            ? say('run.note.alreadyDeletedUntil', `${label(step).text} is already deleted (soft-deleted, Azure purges it on ${deleted.scheduledPurgeDate}).`, {
                what: label(step),
                date: deleted.scheduledPurgeDate,
              })
            : say('run.note.alreadyDeleted', `${label(step).text} is already deleted (soft-deleted).`, { what: label(step) }),
        };
      return {
        state: 'done',
        output: { name: p.name, state: 'gone' },
        note: say('run.note.gone', `${label(step).text} no longer exists, not even as deleted (purged already).`, { what: label(step) }),
      };
    },
    async apply(step, context) {
      const p = step.params;
      if (hsm(step)) await context.azure.deleteManagedHsm(p.subscriptionId, p.resourceGroup, p.name);
      else await context.azure.deleteVault(p.subscriptionId, p.resourceGroup, p.name);
      const { deleted } = await findDeleted(step, context);
      if (!deleted) return { name: p.name, state: 'gone' };
      return deletedOutput(step, deleted);
    },
    async verify(step, _context, output) {
      const when =
        typeof output.scheduledPurgeDate === 'string'
          ? say('run.note.keptUntil', `Azure keeps it, recoverable, until ${output.scheduledPurgeDate}.`, { date: output.scheduledPurgeDate })
          : undefined;
      const bills = hsm(step) ? say('run.note.billsUntilPurge', 'It bills hourly until it is purged.') : undefined;
      return { output, note: sentences(say('run.note.deleted', `Deleted ${label(step).text} (soft-deleted).`, { what: label(step) }), when, bills) };
    },
  };
}

function deletedOutput(step: DeleteStep | PurgeStep, deleted: DeletedContainer): StepOutput {
  return {
    name: step.params.name,
    state: 'softDeleted',
    deletionDate: deleted.deletionDate ?? null,
    scheduledPurgeDate: deleted.scheduledPurgeDate ?? null,
    purgeProtectionEnabled: deleted.purgeProtectionEnabled ?? null,
  };
}

function purgeHandler<S extends PurgeStep>(kind: S['kind']): StepHandler<S> {
  return {
    kind,
    describe: (step) => say('run.do.purge', `Purging ${label(step).text}`, { what: label(step) }),
    target: (step) =>
      `/subscriptions/${step.params.subscriptionId}/providers/Microsoft.KeyVault/locations/${step.params.region}/${hsm(step) ? 'deletedManagedHSMs' : 'deletedVaults'}/${step.params.name}`,
    async check(step, context) {
      const p = step.params;
      const { deleted, lookedUpBy } = await findDeleted(step, context);
      if (!deleted) {
        // Not listed as deleted: purged — unless someone recovered it since the delete step.
        const del = context.run.plan.steps.find(
          (s): s is DeleteStep => (s.kind === 'deleteVault' || s.kind === 'deleteManagedHsm') && s.params.name.toLowerCase() === p.name.toLowerCase(),
        );
        if (del) {
          const g = del.params;
          const present = hsm(step)
            ? await context.azure.getManagedHsm(g.subscriptionId, g.resourceGroup, g.name)
            : await context.azure.getVault(g.subscriptionId, g.resourceGroup, g.name);
          if (present)
            throw appError(
              'AzureConflict',
              `${label(step)} exists again (recovered after Keyward deleted it?), so Keyward does not purge anything. Start a new teardown if it should still go.`,
            );
        }
        return {
          state: 'done',
          output: { name: p.name, state: 'purged', purgedAt: context.clock.now().toISOString(), lookedUpBy },
          note: say('run.note.purgedGone', `${label(step).text} is purged: Azure no longer lists it, not even as deleted.`, { what: label(step) }),
        };
      }
      const scheduled = deleted.scheduledPurgeDate;
      if ((deleted.purgeProtectionEnabled ?? p.purgeProtectionEnabled) && scheduled && Date.parse(scheduled) > context.clock.now().getTime()) {
        return { state: 'done', output: scheduledOutput(step, scheduled, lookedUpBy), note: scheduledNote(step, scheduled) };
      }
      await assertPurgeWillBeAccepted(step, context);
      return { state: 'todo', resume: { lookedUpBy, scheduledPurgeDate: scheduled ?? null } };
    },
    async apply(step, context, resume) {
      const p = step.params;
      const lookedUpBy = (typeof resume?.lookedUpBy === 'string' ? resume.lookedUpBy : 'get') as 'list' | 'perLocation' | 'get';
      try {
        if (hsm(step)) await context.azure.purgeDeletedManagedHsm(p.subscriptionId, p.name, p.region);
        else await context.azure.purgeDeletedVault(p.subscriptionId, p.name, p.region);
      } catch (error) {
        // Purge protection: Azure refuses until the scheduled date (its clock decides, not ours).
        if (isAppError(error, 'AzureConflict') && /purge protection/i.test(String(error.details.azureMessage ?? error.message))) {
          const scheduled = typeof resume?.scheduledPurgeDate === 'string' ? resume.scheduledPurgeDate : undefined;
          return scheduledOutput(step, scheduled, lookedUpBy);
        }
        throw error;
      }
      return { name: p.name, state: 'purged', purgedAt: context.clock.now().toISOString(), lookedUpBy };
    },
    async verify(step, context, output) {
      if (output.state === 'scheduled') return { output, note: scheduledNote(step, typeof output.scheduledPurgeDate === 'string' ? output.scheduledPurgeDate : undefined) };
      const { deleted } = await findDeleted(step, context);
      if (deleted) throw appError('AzureTransient', `Azure accepted the purge of ${label(step)}, but still lists it as deleted; checking again.`);
      return {
        output,
        note: say('run.note.purged', `Purged ${label(step).text}: it is gone for good${hsm(step) ? ', and its hourly billing has stopped' : ''}.`, {
          what: label(step),
          billing: hsm(step) ? 'stopped' : 'none',
        }),
      };
    },
  };
}

function scheduledOutput(step: PurgeStep, scheduledPurgeDate: string | undefined, lookedUpBy: string): StepOutput {
  return { name: step.params.name, state: 'scheduled', scheduledPurgeDate: scheduledPurgeDate ?? null, lookedUpBy };
}

function scheduledNote(step: PurgeStep, scheduled: string | undefined): Message {
  const billing = hsm(step) ? '; it bills hourly until that purge completes' : '';
  return scheduled
    ? say(
        'run.note.purgeScheduledOn',
        `Purge protection: Azure refuses to purge ${label(step).text} before ${scheduled} and purges it by itself then${billing}. Keyward keeps watching and reports when it is gone.`,
        { what: label(step), date: scheduled, billing: hsm(step) ? 'hourly' : 'none' },
      )
    : say(
        'run.note.purgeScheduled',
        `Purge protection: Azure refuses to purge ${label(step).text} before its scheduled purge date and purges it by itself then${billing}. Keyward keeps watching and reports when it is gone.`,
        { what: label(step), billing: hsm(step) ? 'hourly' : 'none' },
      );
}

export const deleteVaultStep = deleteHandler<DeleteVaultStep>('deleteVault');
export const deleteManagedHsmStep = deleteHandler<DeleteManagedHsmStep>('deleteManagedHsm');
export const purgeVaultStep = purgeHandler<PurgeVaultStep>('purgeVault');
export const purgeManagedHsmStep = purgeHandler<PurgeManagedHsmStep>('purgeManagedHsm');
