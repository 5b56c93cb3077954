import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { appError, say } from '../../core';
import type { BackupKeyStep } from '../../customerKey';
import { writePrivateFile } from '../privateFiles';
import type { StepContext, StepHandler } from '../stepHandler';
import { containerId, propagationPossible, where } from './keyStep';

/**
 * backupKey: the opaque, integrity-protected backup blob Key Vault / Managed HSM returns, written
 * to the configured backup directory (`<dir>/<vault>/<key>/<version>.keybackup`, mode 0600), never
 * to chat. Check: Keyward's own record of a backup of the current version whose file is still
 * there and unchanged — no request. Apply: one POST backup (keys backup / Crypto Officer / Managed
 * HSM Crypto User); the file is written before the record, and verified by reading it back.
 */
export const backupStep: StepHandler<BackupKeyStep> = {
  kind: 'backupKey',
  describe: (step) =>
    say('run.do.backup', `Backing up key ${step.params.keyName} of ${where(step.params.container).text}`, { key: step.params.keyName, where: where(step.params.container) }),
  target: (step) => `${containerId(step.params.container)}/keys/${step.params.keyName}`,
  forbiddenMayBePropagation: (step, run) => propagationPossible(step.params.container, run.plan),
  async check(step, context) {
    const version = await currentVersion(step, context);
    const record = await context.artifacts.latestBackup(step.params.container.name, step.params.keyName);
    if (record && record.keyVersion === version && digestOf(record.file) === record.sha256) {
      return {
        state: 'done',
        output: { file: record.file, sha256: record.sha256, bytes: record.bytes, keyVersion: version },
        note: say('run.note.backupExists', `Key ${step.params.keyName} version ${version} is already backed up to ${record.file}.`, {
          key: step.params.keyName,
          version,
          file: record.file,
        }),
      };
    }
    return { state: 'todo', resume: { keyVersion: version } };
  },
  async apply(step, context, resume) {
    const p = step.params;
    const version = typeof resume?.keyVersion === 'string' ? resume.keyVersion : await currentVersion(step, context);
    const url = await context.containers.url(p.container);
    const blob = await context.azure.backupKey(url, p.keyName);
    const file = path.join(context.settings.backupDir, safe(p.container.name.toLowerCase()), safe(p.keyName), `${safe(version)}.keybackup`);
    writePrivateFile(file, blob);
    const sha256 = createHash('sha256').update(blob).digest('hex');
    const takenAt = context.clock.now().toISOString();
    await context.artifacts.recordBackup({
      requestId: context.run.requestId,
      containerName: p.container.name,
      keyName: p.keyName,
      keyVersion: version,
      file,
      sha256,
      bytes: blob.length,
      takenAt,
    });
    await context.audit('execution.backup.written', `${containerId(p.container)}/keys/${p.keyName}`, { keyVersion: version, file, sha256, bytes: blob.length }, 'info');
    return { file, sha256, bytes: blob.length, keyVersion: version };
  },
  async verify(step, _context, output) {
    const file = String(output.file);
    if (digestOf(file) !== output.sha256) throw appError('Internal', `The backup file ${file} does not read back as written.`, { file });
    return {
      output,
      note: say('run.note.backedUp', `Backed up key ${step.params.keyName} (version ${String(output.keyVersion)}) to ${file}.`, {
        key: step.params.keyName,
        version: String(output.keyVersion),
        file,
      }),
    };
  },
};

/** The key version to back up: the one the ensureKey step of this run made or found. */
async function currentVersion(step: BackupKeyStep, context: StepContext): Promise<string> {
  const p = step.params;
  for (const s of context.run.steps) {
    if (s.kind !== 'ensureKey' || s.status !== 'done' || !s.output) continue;
    const planned = context.run.plan.steps[s.index];
    if (
      planned?.kind === 'ensureKey' &&
      planned.params.keyName.toLowerCase() === p.keyName.toLowerCase() &&
      planned.params.container.name.toLowerCase() === p.container.name.toLowerCase() &&
      typeof s.output.version === 'string'
    ) {
      return s.output.version;
    }
  }
  const key = await context.azure.getKey(await context.containers.url(p.container), p.keyName);
  if (!key) throw appError('AzureNotFound', `Key ${p.keyName} does not exist in ${where(p.container).text}, so it cannot be backed up.`);
  return key.version;
}

function digestOf(file: string): string | undefined {
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

function safe(value: string): string {
  return value.replace(/[^A-Za-z0-9_.-]/g, '_');
}
