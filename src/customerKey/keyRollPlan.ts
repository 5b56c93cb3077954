/**
 * `buildKeyRollPlan`: a new version of ONE key (key A or key B of one workload), its backup, a
 * readiness check, then the refresh of every DEP that uses it and the recorded evidence. One key
 * at a time is a Customer Key rule (SharePoint must finish rolling before the other key moves), so
 * the input type only holds one key. Old versions are never disabled or deleted: inactive
 * mailboxes and SharePoint backups are still wrapped with them (facts §1.9, §2.4).
 */
import { appError, isGuid } from '../core';
import { describeDep, type DepRef, type DepRunner } from './depTypes';
import type { KeyRef } from './keyRefs';
import { assemblePlan, STEP_ESTIMATES, type Plan, type StepDraft } from './plan';
import { CUSTOMER_KEY_KEY_OPS } from './roles';
import { containerOf } from './setupPlan';
import type { KeySize } from './spec';
import { ROLL_VAULT_COST, rollTitle, withSummary } from './planText';
import { servicePrincipalFor, WORKLOAD_INFO } from './workloads';

export interface KeyRollInput {
  readonly tenantId: string;
  /** The one key to roll. */
  readonly key: KeyRef;
  readonly keySize: KeySize;
  /** Every DEP that uses this key; each gets its refresh cmdlet. Must match the key's workload. */
  readonly depsToRefresh: readonly DepRef[];
  /** Object id of the workload's Microsoft 365 service principal (for the readiness check). */
  readonly servicePrincipalObjectId: string;
  /**
   * Who runs the multi-workload/Exchange refresh; SharePoint is always the operator
   * (default `operator`).
   */
  readonly exchangeRunner?: DepRunner;
}

/**
 * @throws AppError `ValidationFailed` for a DEP of another workload than the key's, or malformed ids.
 */
export function buildKeyRollPlan(input: KeyRollInput): Plan {
  const { key } = input;
  if (!isGuid(input.tenantId)) throw appError('ValidationFailed', 'The tenant id is not a GUID.', { field: 'tenantId' });
  if (!isGuid(input.servicePrincipalObjectId)) {
    throw appError('ValidationFailed', 'The service principal object id is not a GUID.', { field: 'servicePrincipalObjectId' });
  }
  for (const dep of input.depsToRefresh) {
    if (dep.scope !== key.workload) {
      throw appError(
        'ValidationFailed',
        `The ${describeDep(dep).text} belongs to ${WORKLOAD_INFO[dep.scope].displayName}, but key ${key.keyName} is a ${WORKLOAD_INFO[key.workload].displayName} key.`,
        { field: 'depsToRefresh' },
      );
    }
  }
  const container = containerOf(key);
  const steps: StepDraft[] = [
    withSummary('keyRoll', {
      id: `rollKey:${key.site}:${key.workload}`,
      kind: 'rollKey',
      site: key.site,
      params: {
        container,
        keyName: key.keyName,
        kty: 'RSA-HSM',
        keySize: input.keySize,
        keyOps: [...CUSTOMER_KEY_KEY_OPS],
        expires: null,
        tagWithRequestId: true,
        disableOldVersions: false,
      },
      irreversible: false,
      estimatedSeconds: STEP_ESTIMATES.rollKey,
    }),
    withSummary('keyRoll', {
      id: `backupKey:${key.site}:${key.workload}`,
      kind: 'backupKey',
      site: key.site,
      params: { container, keyName: key.keyName, destination: 'configuredBackupLocation' },
      irreversible: false,
      estimatedSeconds: STEP_ESTIMATES.backupKey,
    }),
    withSummary('keyRoll', {
      id: `verifyReadiness:${key.site}:${key.workload}`,
      kind: 'verifyReadiness',
      site: key.site,
      params: {
        keys: [key],
        principals: [{ workload: key.workload, appId: servicePrincipalFor(key.workload).appId, objectId: input.servicePrincipalObjectId.toLowerCase() }],
      },
      irreversible: false,
      estimatedSeconds: STEP_ESTIMATES.verifyReadiness,
    }),
  ];
  input.depsToRefresh.forEach((dep, i) => {
    const runner: DepRunner = dep.scope === 'sharePoint' ? 'operator' : (input.exchangeRunner ?? 'operator');
    steps.push(
      withSummary('keyRoll', {
        id: `refreshDep:${key.site}:${key.workload}:${i}`,
        kind: 'refreshDep',
        site: key.site,
        params: {
          scope: dep.scope,
          policyName: dep.scope === 'sharePoint' ? null : dep.policyName,
          adminUrl: dep.scope === 'sharePoint' ? dep.adminUrl : null,
          sharePointKeyType: dep.scope === 'sharePoint' ? (key.site === 'A' ? 'Primary' : 'Secondary') : null,
          key,
          runner,
        },
        irreversible: false,
        estimatedSeconds: STEP_ESTIMATES.refreshDep,
      }),
    );
  });
  if (input.depsToRefresh.length > 0) {
    steps.push(
      withSummary('keyRoll', {
        id: `recordDep:${key.site}:${key.workload}`,
        kind: 'recordDep',
        site: key.site,
        params: {
          scope: key.workload,
          policyName: input.depsToRefresh.map((d) => (d.scope === 'sharePoint' ? null : d.policyName)).find((n) => n !== null) ?? null,
          adminUrls: input.depsToRefresh.flatMap((d) => (d.scope === 'sharePoint' ? [d.adminUrl] : [])),
          evidenceCommands: [
            key.workload === 'multiWorkload'
              ? 'Get-M365DataAtRestEncryptionPolicy | Format-List'
              : key.workload === 'exchange'
                ? 'Get-DataEncryptionPolicy | Format-List'
                : 'Get-SPODataEncryptionPolicy | Format-List',
          ],
        },
        irreversible: false,
        estimatedSeconds: STEP_ESTIMATES.recordDep,
      }),
    );
  }
  return assemblePlan(
    {
      kind: 'keyRoll',
      operationClass: 'keyRoll',
      tenantId: input.tenantId.toLowerCase(),
      protection: key.containerKind === 'vault' ? 'keyVaultPremium' : 'managedHsm',
      title: rollTitle(key).text,
      irreversible: [],
      costNotes: key.containerKind === 'vault' ? [ROLL_VAULT_COST.text] : [],
      keys: [key],
    },
    steps,
  );
}
