import type { StepHandlers } from './stepHandler';
import { backupStep } from './steps/backupStep';
import { hsmRoleStep, revokeHsmRoleStep } from './steps/hsmRoleStep';
import { keyAccessStep } from './steps/keyAccessStep';
import { keyStep } from './steps/keyStep';
import { managedHsmStep } from './steps/managedHsmStep';
import { readinessStep } from './steps/readinessStep';
import { resourceGroupStep } from './steps/resourceGroupStep';
import { securityDomainStep } from './steps/securityDomainStep';
import { vaultStep } from './steps/vaultStep';
import { rollKeyStep } from './steps/rollKeyStep';
import { applyDepStep, recordDepStep, refreshDepStep } from './steps/depSteps';
import { deleteManagedHsmStep, deleteVaultStep, purgeManagedHsmStep, purgeVaultStep } from './steps/teardownSteps';

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
  revokeHsmRole: revokeHsmRoleStep,
  verifyReadiness: readinessStep,
  rollKey: rollKeyStep,
  refreshDep: refreshDepStep,
  applyDep: applyDepStep,
  recordDep: recordDepStep,
  deleteVault: deleteVaultStep,
  purgeVault: purgeVaultStep,
  deleteManagedHsm: deleteManagedHsmStep,
  purgeManagedHsm: purgeManagedHsmStep,
};
