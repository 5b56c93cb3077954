import { appError } from '../../core';
import type { PlanStep } from '../../customerKey';
import type { StepHandler } from '../stepHandler';

const WHAT: Partial<Record<PlanStep['kind'], string>> = {
  rollKey: 'key roll',
  refreshDep: 'Data Encryption Policy refresh',
  applyDep: 'Data Encryption Policy',
  recordDep: 'Data Encryption Policy record',
  deleteVault: 'vault deletion',
  purgeVault: 'vault purge',
  deleteManagedHsm: 'Managed HSM deletion',
  purgeManagedHsm: 'Managed HSM purge',
};

/**
 * Step kinds of key-roll, DEP and teardown plans, which this executor does not run yet. The check
 * refuses before anything happens in Azure; the run stops with Retry offered, so a Keyward that
 * can run them may still do so inside the approval's execution window.
 */
export function notYetSupportedStep<S extends PlanStep>(kind: S['kind']): StepHandler<S> {
  const what = WHAT[kind] ?? kind;
  return {
    kind,
    describe: () => `${what} (not supported by this Keyward version)`,
    target: (step) => step.id,
    async check() {
      throw appError('RunFailed', `This Keyward version cannot run ${what} steps yet (${kind}); nothing was changed in Azure for this step. Run it with a Keyward version that supports it before the approval's execution window closes, or submit the plan again later.`, { kind });
    },
    async apply() {
      throw appError('Internal', `${kind} cannot be applied.`);
    },
    async verify() {
      throw appError('Internal', `${kind} cannot be verified.`);
    },
  };
}
