import { type AppError, appError, isAppError, say, type Message } from '../../core';
import type { KeyInfo } from '../../azure/ports';
import { parseKeyIdentifier, type EnsureKeyStep, type KeyContainerRef, type Plan } from '../../customerKey';
import type { StepHandler } from '../stepHandler';
import type { StepOutput } from '../runTypes';

/** The tag that binds a key version to the approval request that created it. */
export const REQUEST_TAG = 'keyward-request';

/**
 * ensureKey: RSA-HSM, wrapKey/unwrapKey only, no expiry, tagged `keyward-request=<request id>`.
 * Check: GET the key's newest version (keys get). The version this request made (found by its tag)
 * is reused, so a retry or a resumed run never makes a second version; an existing key that already
 * meets the plan is reused as it is; any other existing key stops the run (a setup never adds a
 * version to someone's key — that is a key roll). Apply: one POST create (keys create / Crypto
 * Officer / Managed HSM Crypto User); verify from its response. Requests: 2 to create, 1 to reuse
 * (plus the data plane's one-time 401 challenge per vault or HSM).
 */
export const keyStep: StepHandler<EnsureKeyStep> = {
  kind: 'ensureKey',
  describe: (step) =>
    say('run.do.key', `Creating key ${step.params.keyName} in ${where(step.params.container).text}`, { key: step.params.keyName, where: where(step.params.container) }),
  target: (step) => `${containerId(step.params.container)}/keys/${step.params.keyName}`,
  forbiddenMayBePropagation: (step, run) => propagationPossible(step.params.container, run.plan),
  async check(step, context) {
    const p = step.params;
    const url = await context.containers.url(p.container);
    const latest = await context.azure.getKey(url, p.keyName);
    if (!latest) return { state: 'todo' };
    if (latest.tags[REQUEST_TAG] === context.run.requestId)
      return {
        state: 'done',
        output: outputOf(latest, url, false),
        note: say('run.note.keyReused', `Key ${p.keyName} version ${latest.version} was already made by this request; reused.`, { key: p.keyName, version: latest.version }),
      };
    // Ours may exist under a newer version someone added since (rare): look through the versions.
    const versions = await context.azure.listKeyVersions(url, p.keyName);
    const ours = versions.find((version) => version.tags[REQUEST_TAG] === context.run.requestId);
    if (ours) {
      const full = await context.azure.getKey(url, p.keyName, ours.version);
      if (full)
        return {
          state: 'done',
          output: outputOf(full, url, false),
          note: say('run.note.keyReused', `Key ${p.keyName} version ${full.version} was already made by this request; reused.`, { key: p.keyName, version: full.version }),
        };
    }
    const problems = differences(step, latest);
    if (problems.length > 0) {
      throw appError(
        'AzureConflict',
        `Key ${p.keyName} already exists in ${where(p.container).text} and ${problems.join('; ')}. A setup never adds a version to an existing key (that is a key roll); choose another key name in a new plan, or roll the key.`,
        { key: p.keyName, problems },
      );
    }
    const by = latest.tags[REQUEST_TAG];
    return {
      state: 'done',
      output: outputOf(latest, url, false),
      note: by
        ? say('run.note.keyExistsBy', `Key ${p.keyName} already exists and meets the plan (made by request ${by}); reused, no new version.`, { key: p.keyName, request: by })
        : say('run.note.keyExists', `Key ${p.keyName} already exists and meets the plan; reused, no new version.`, { key: p.keyName }),
    };
  },
  async apply(step, context) {
    const p = step.params;
    const url = await context.containers.url(p.container);
    let key: KeyInfo;
    try {
      key = await context.azure.createKey({
        containerUrl: url,
        name: p.keyName,
        keyType: p.kty,
        keySize: p.keySize,
        keyOps: [...p.keyOps],
        tags: { ...p.tags, [REQUEST_TAG]: context.run.requestId },
      });
    } catch (error) {
      if (isAppError(error, 'AzureConflict') && error.details.innerCode === 'ObjectIsDeletedButRecoverable') throw softDeleted(step, error);
      throw error;
    }
    const problems = differences(step, key);
    if (problems.length > 0) throw appError('AzureFailed', `Azure created key ${p.keyName}, but ${problems.join('; ')}.`, { problems });
    return outputOf(key, url, true);
  },
  async verify(step, context, output) {
    const parsed = typeof output.keyId === 'string' ? parseKeyIdentifier(output.keyId, context.settings.keyUriOptions) : undefined;
    const versionless = parsed?.ok ? parsed.key.versionlessUri : output.keyId;
    return {
      output: { ...output, versionlessUri: versionless ?? null },
      note: say('run.note.keyCreated', `Created key ${step.params.keyName} (RSA-HSM ${step.params.keySize}, wrapKey/unwrapKey, no expiry), version ${String(output.version)}.`, {
        key: step.params.keyName,
        size: step.params.keySize,
        version: String(output.version),
      }),
    };
  },
};

function outputOf(key: KeyInfo, containerUrl: string, created: boolean): StepOutput {
  return { keyName: key.name, keyId: key.id, version: key.version, containerUrl, created, keyType: key.keyType };
}

/** How the key differs from the plan (type, size, operations, enabled, expiry). */
function differences(step: EnsureKeyStep, key: KeyInfo): string[] {
  const p = step.params;
  const problems: string[] = [];
  if (key.keyType !== 'RSA-HSM' && !(p.container.kind === 'managedHsm' && key.keyType === 'RSA')) problems.push(`it is ${key.keyType || 'of an unknown type'}, not RSA-HSM`);
  if (key.keySize !== undefined && key.keySize !== p.keySize) problems.push(`it has ${key.keySize} bits, not ${p.keySize}`);
  const ops = [...key.keyOps].map((op) => op.toLowerCase()).sort();
  const wanted = [...p.keyOps].map((op) => op.toLowerCase()).sort();
  if (ops.join(',') !== wanted.join(',')) problems.push(`it allows ${key.keyOps.join(', ') || 'no operations'}, not exactly ${p.keyOps.join(', ')}`);
  if (!key.enabled) problems.push('it is disabled');
  if (key.expiresOn) problems.push(`it expires on ${key.expiresOn}`);
  return problems;
}

/**
 * The key's name is held by a soft-deleted key (someone deleted it; Azure keeps it, recoverable,
 * for the retention period): a create cannot succeed until it is recovered or purged. Recovering
 * is the safe way, and a recovered key that meets the plan is then reused on Retry.
 */
function softDeleted(step: EnsureKeyStep, error: AppError): AppError {
  const p = step.params;
  const cli =
    p.container.kind === 'vault'
      ? `az keyvault key recover --vault-name ${p.container.name} --name ${p.keyName}`
      : `az keyvault key recover --hsm-name ${p.container.name} --name ${p.keyName}`;
  return appError(
    'AzureConflict',
    `Key ${p.keyName} in ${where(p.container).text} was deleted, and Azure still holds it as a soft-deleted, recoverable key, so no new key can take its name. Recover it (Azure portal → ${where(p.container).text} → Keys → Manage deleted keys → Recover, or ${cli}), then Retry: Keyward reuses a recovered key that meets the plan. Do not purge it unless you are sure it never protected data.`,
    { ...error.details, key: p.keyName },
    error,
  );
}

export function where(container: KeyContainerRef): Message {
  return container.kind === 'vault'
    ? say('run.where.vault', `vault ${container.name}`, { name: container.name })
    : say('run.where.hsm', `HSM ${container.name}`, { name: container.name });
}

export function containerId(container: KeyContainerRef): string {
  return `/subscriptions/${container.subscriptionId}/resourceGroups/${container.resourceGroup}/providers/Microsoft.KeyVault/${container.kind === 'vault' ? 'vaults' : 'managedHSMs'}/${container.name}`;
}

/**
 * True when Keyward's own data access to this container comes from a role assignment the plan
 * makes (RBAC vault, or HSM local RBAC): Azure may need minutes to apply it, so a 403 is retried.
 */
export function propagationPossible(container: KeyContainerRef, plan: Plan): boolean {
  if (container.kind === 'managedHsm') return true;
  return plan.steps.some(
    (s) =>
      s.kind === 'grantKeyAccess' && s.params.principal.kind === 'keyward' && s.params.grant.mode === 'rbac' && s.params.vaultName.toLowerCase() === container.name.toLowerCase(),
  );
}
