/**
 * `buildDepPlan`: a Data Encryption Policy as an approvable plan: check the keys' readiness, apply
 * the generated script (the exact text is part of the plan, so approvers approve what runs), then
 * record the state from the pasted Get- output. SharePoint is always run by an operator; the
 * multi-workload and Exchange scripts may run in the executor when Exchange Online app-only access
 * with a managed identity is configured.
 */
import { appError, isGuid } from '../core';
import { buildDepScript, DEP_OFFBOARDING } from './depScripts';
import { withSummary } from './planText';
import type { DepRequest, DepRunner } from './depTypes';
import type { KeyRef } from './keyRefs';
import { assemblePlan, STEP_ESTIMATES, type Plan, type StepDraft } from './plan';
import { servicePrincipalFor, WORKLOAD_INFO } from './workloads';

export interface DepPlanInput {
  readonly request: DepRequest;
  /** The keys the policy uses, checked for readiness first. */
  readonly keys: readonly KeyRef[];
  /** Object id of the workload's Microsoft 365 service principal. */
  readonly servicePrincipalObjectId: string;
  readonly runner: DepRunner;
}

/**
 * @throws AppError `ValidationFailed` for invalid request values (with `details.errors`), for an
 *   executor-run SharePoint DEP, or for keys of another workload.
 */
export function buildDepPlan(input: DepPlanInput): Plan {
  const { request } = input;
  if (request.scope === 'sharePoint' && input.runner === 'executor') {
    throw appError('ValidationFailed', 'SharePoint DEPs are run by an operator: app-only access for the SharePoint cmdlets is not confirmed.', { field: 'runner' });
  }
  if (!isGuid(input.servicePrincipalObjectId)) throw appError('ValidationFailed', 'The service principal object id is not a GUID.', { field: 'servicePrincipalObjectId' });
  const wrong = input.keys.find((k) => k.workload !== request.scope);
  if (wrong)
    throw appError('ValidationFailed', `Key ${wrong.keyName} serves ${WORKLOAD_INFO[wrong.workload].displayName}, not ${WORKLOAD_INFO[request.scope].displayName}.`, {
      field: 'keys',
    });
  const script = buildDepScript(request);
  const policyName = request.scope === 'sharePoint' ? null : request.policyName.trim();
  const adminUrls = request.scope === 'sharePoint' ? request.geos.map((g) => g.adminUrl.trim().replace(/\/$/, '')) : [];
  const steps: StepDraft[] = [];
  if (input.keys.length > 0) {
    steps.push(
      withSummary('dep', {
        id: `verifyReadiness:dep:${request.scope}`,
        kind: 'verifyReadiness',
        site: null,
        params: {
          keys: input.keys,
          principals: [{ workload: request.scope, appId: servicePrincipalFor(request.scope).appId, objectId: input.servicePrincipalObjectId.toLowerCase() }],
        },
        irreversible: false,
        estimatedSeconds: STEP_ESTIMATES.verifyReadiness,
      }),
    );
  }
  steps.push(
    withSummary(
      'dep',
      {
        id: `applyDep:${request.scope}`,
        kind: 'applyDep',
        site: null,
        params: { scope: request.scope, runner: input.runner, title: script.title.text, script: script.script, scriptSha256: script.sha256, fileName: script.fileName },
        irreversible: request.scope === 'sharePoint',
        estimatedSeconds: STEP_ESTIMATES.applyDep,
      },
      { apply: { title: script.title, leftOut: script.leftOut, onboardingFirst: script.modules.includes('M365CustomerKeyOnboarding') } },
    ),
  );
  steps.push(
    withSummary('dep', {
      id: `recordDep:${request.scope}`,
      kind: 'recordDep',
      site: null,
      params: { scope: request.scope, policyName, adminUrls, evidenceCommands: [...script.verifyCommands] },
      irreversible: false,
      estimatedSeconds: STEP_ESTIMATES.recordDep,
    }),
  );
  const protection =
    input.keys.length === 0
      ? null
      : input.keys.every((k) => k.containerKind === 'vault')
        ? 'keyVaultPremium'
        : input.keys.every((k) => k.containerKind === 'managedHsm')
          ? 'managedHsm'
          : null;
  return assemblePlan(
    {
      kind: 'dep',
      operationClass: 'create',
      tenantId: request.tenantId.trim().toLowerCase(),
      protection,
      title: script.title.text,
      irreversible: [DEP_OFFBOARDING[request.scope].text],
      costNotes: [],
      keys: input.keys,
    },
    steps,
  );
}
