import { appError, say, sentences } from '../../core';
import type { KeyInfo } from '../../azure/ports';
import { keywardTags, parseKeyIdentifier, type RollKeyStep } from '../../customerKey';
import type { StepContext, StepHandler } from '../stepHandler';
import type { StepOutput } from '../runTypes';
import { containerId, REQUEST_TAG, where } from './keyStep';

/**
 * rollKey: a NEW version of an existing key (same name), RSA-HSM, wrapKey/unwrapKey only, no
 * expiry, tagged `keyward-request=<request id>`. Older versions are never touched: data wrapped
 * with them must stay readable (the plan's `disableOldVersions` is always false).
 *
 * Check: GET the newest version (keys get). Tagged with this request → done (a retry or a resumed
 * run never makes a second version); otherwise look through the versions for ours (someone may have
 * added one since); a key that does not exist stops the run (a roll is not a setup). Apply: one
 * POST create under the same name (keys create / Key Vault Crypto Officer / Managed HSM Crypto
 * User); verify from its response. Requests: 3 (GET, list versions, POST) on the first attempt.
 */
export const rollKeyStep: StepHandler<RollKeyStep> = {
  kind: 'rollKey',
  describe: (step) =>
    say('run.do.roll', `Making a new version of key ${step.params.keyName} in ${where(step.params.container).text}`, {
      key: step.params.keyName,
      where: where(step.params.container),
    }),
  target: (step) => `${containerId(step.params.container)}/keys/${step.params.keyName}`,
  async check(step, context) {
    const p = step.params;
    if (p.disableOldVersions !== false) throw appError('ValidationFailed', 'A key roll never disables old versions; this plan asks for it and is refused.');
    const url = await context.containers.url(p.container);
    const latest = await context.azure.getKey(url, p.keyName);
    if (!latest)
      throw appError('AzureNotFound', `Key ${p.keyName} does not exist in ${where(p.container).text}: a roll makes a new version of an existing key. Nothing was created.`, {
        key: p.keyName,
      });
    if (latest.tags[REQUEST_TAG] === context.run.requestId) {
      const previous = await previousVersionOf(context, url, p.keyName, latest.version);
      return {
        state: 'done',
        output: outputOf(latest, url, previous, false, context.settings.keyUriOptions),
        note: say('run.note.rollReused', `Version ${latest.version} of ${p.keyName} was already made by this request; reused, no second version.`, {
          key: p.keyName,
          version: latest.version,
        }),
      };
    }
    const versions = await context.azure.listKeyVersions(url, p.keyName);
    const ours = versions.find((v) => v.tags[REQUEST_TAG] === context.run.requestId);
    if (ours) {
      const full = (await context.azure.getKey(url, p.keyName, ours.version)) ?? ours;
      return {
        state: 'done',
        output: outputOf(full, url, latest.version, false, context.settings.keyUriOptions),
        note: say('run.note.rollReused', `Version ${full.version} of ${p.keyName} was already made by this request; reused, no second version.`, {
          key: p.keyName,
          version: full.version,
        }),
      };
    }
    return { state: 'todo', resume: { previousVersion: latest.version } };
  },
  async apply(step, context, resume) {
    const p = step.params;
    const url = await context.containers.url(p.container);
    const key = await context.azure.createKey({
      containerUrl: url,
      name: p.keyName,
      keyType: p.kty,
      keySize: p.keySize,
      keyOps: [...p.keyOps],
      tags: keywardTags({ [REQUEST_TAG]: context.run.requestId }),
    });
    const problems: string[] = [];
    if (!key.enabled) problems.push('the new version is disabled');
    if (key.expiresOn) problems.push(`the new version expires on ${key.expiresOn}`);
    const ops = [...key.keyOps]
      .map((o) => o.toLowerCase())
      .sort()
      .join(',');
    if (
      ops !==
      [...p.keyOps]
        .map((o) => o.toLowerCase())
        .sort()
        .join(',')
    )
      problems.push(`it allows ${key.keyOps.join(', ')}`);
    if (problems.length > 0) throw appError('AzureFailed', `Azure made version ${key.version} of ${p.keyName}, but ${problems.join('; ')}.`, { problems });
    const previous = typeof resume?.previousVersion === 'string' ? resume.previousVersion : undefined;
    return outputOf(key, url, previous, true, context.settings.keyUriOptions);
  },
  async verify(step, _context, output) {
    const made = say('run.note.rolled', `Made version ${String(output.version)} of key ${step.params.keyName} (RSA-HSM ${step.params.keySize}, wrapKey/unwrapKey, no expiry).`, {
      key: step.params.keyName,
      size: step.params.keySize,
      version: String(output.version),
    });
    const previous =
      typeof output.previousVersion === 'string'
        ? say('run.note.previousStays', `Version ${output.previousVersion} stays enabled (it still wraps older data).`, { version: output.previousVersion })
        : undefined;
    return { output, note: sentences(made, previous) };
  },
};

async function previousVersionOf(context: StepContext, url: string, keyName: string, current: string): Promise<string | undefined> {
  const versions = await context.azure.listKeyVersions(url, keyName);
  const older = versions.filter((v) => v.version !== current).sort((a, b) => (b.createdOn ?? '').localeCompare(a.createdOn ?? ''));
  return older[0]?.version;
}

function outputOf(key: KeyInfo, containerUrl: string, previousVersion: string | undefined, created: boolean, options: Parameters<typeof parseKeyIdentifier>[1]): StepOutput {
  const parsed = parseKeyIdentifier(key.id, options);
  return {
    keyName: key.name,
    keyId: key.id,
    version: key.version,
    previousVersion: previousVersion ?? null,
    versionlessUri: parsed.ok ? parsed.key.versionlessUri : null,
    containerUrl,
    created,
  };
}
