import type { StepHandlers } from './stepHandler';
import { backupStep } from './steps/backupStep';
import { hsmRoleStep } from './steps/hsmRoleStep';
import { keyAccessStep } from './steps/keyAccessStep';
import { keyStep } from './steps/keyStep';
import { managedHsmStep } from './steps/managedHsmStep';
import { notYetSupportedStep } from './steps/notYetSupportedStep';
import { readinessStep } from './steps/readinessStep';
import { resourceGroupStep } from './steps/resourceGroupStep';
import { securityDomainStep } from './steps/securityDomainStep';
import { vaultStep } from './steps/vaultStep';

/** One handler per plan step kind; the compiler checks none is missing. */
export const STEP_HANDLERS: StepHandlers = {
  ensureResourceGroup: resourceGroupStep,
  ensureVault: vaultStep,
  grantKeyAccess: keyAccessStep,
  ensureKey: keyStep,
  backupKey: backupStep,
  ensureManagedHsm: managedHsmStep,
  activateSecurityDomain: securityDomainStep,
  assignHsmRole: hsmRoleStep,
  verifyReadiness: readinessStep,
  rollKey: notYetSupportedStep('rollKey'),
  refreshDep: notYetSupportedStep('refreshDep'),
  applyDep: notYetSupportedStep('applyDep'),
  recordDep: notYetSupportedStep('recordDep'),
  deleteVault: notYetSupportedStep('deleteVault'),
  purgeVault: notYetSupportedStep('purgeVault'),
  deleteManagedHsm: notYetSupportedStep('deleteManagedHsm'),
  purgeManagedHsm: notYetSupportedStep('purgeManagedHsm'),
};
