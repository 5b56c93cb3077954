import { appError, sha256Hex, say } from '../../core';
import {
  buildDepRefreshScript,
  depPolicyUsesKeys,
  parseDataEncryptionPolicies,
  parseM365DataAtRestEncryptionPolicies,
  type ApplyDepStep,
  type DepRef,
  type RecordDepStep,
  type RefreshDepStep,
} from '../../customerKey';
import type { CheckResult, StepContext, StepHandler } from '../stepHandler';
import type { JsonValue, StepOutput } from '../runTypes';
import type { ExchangeAppOnlySettings } from './powershellRunner';

/**
 * DEP steps. Keyward never runs SharePoint cmdlets, and runs the multi-workload and Exchange ones
 * only when Exchange app-only is configured and the approved plan says `runner: 'executor'`.
 *
 * - applyDep (DEP plans): operator-run → nothing to do here (the journey hands the script out);
 *   executor-run → the exact approved script (SHA-256 checked) through `pwsh`, whose last command
 *   prints the policy; Keyward parses it. The script is idempotent (it creates the policy only if
 *   `Get-…` does not find it), so a retry after a lost answer is safe.
 * - refreshDep (key-roll plans): the refresh script for one DEP, made from the new version the
 *   rollKey step produced (SharePoint needs the version); operator-run → the script is the output
 *   (the roll card shows it with a download link); executor-run → run it.
 * - recordDep: collects what executor-run steps parsed; for operator-run steps the evidence is the
 *   Get- output the operator pastes on the card.
 *
 * Outputs: applyDep {runner, scriptSha256, exitCode?, depState?, summary?}; refreshDep {runner,
 * dep, title, fileName, script, scriptSha256, verifyCommands, newKeyUri?, depState?, summary?};
 * recordDep {deps, depState?, recordedBy}.
 */

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

function appOnly(context: StepContext): ExchangeAppOnlySettings {
  const settings = context.settings.exchangeAppOnly;
  if (!settings) {
    throw appError(
      'RunFailed',
      'This plan asks Keyward to run Exchange Online cmdlets itself, but Exchange app-only is not set up on this Keyward (KEYWARD_DEP_APP_ONLY). Nothing was run; run the script yourself, or enable app-only and Retry.',
    );
  }
  return settings;
}

async function runScript(script: string, settings: ExchangeAppOnlySettings, context: StepContext, what: string): Promise<{ stdout: string; exitCode: number }> {
  await context.progress(say('run.progress.depScript', `Running ${what} with Keyward's managed identity (Connect-ExchangeOnline -ManagedIdentity).`, { what }));
  const result = await settings.runner.run(script, { timeoutMs: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS });
  if (result.exitCode !== 0) {
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-6).join(' ').slice(0, 600);
    throw appError(
      'RunFailed',
      `PowerShell ended with exit code ${result.exitCode} while running ${what}: ${tail || 'no output'}. Nothing after the failing command ran; the script is safe to run again.`,
      { exitCode: result.exitCode },
    );
  }
  return { stdout: result.stdout, exitCode: result.exitCode };
}

function parsePolicy(scope: 'multiWorkload' | 'exchange', stdout: string, name: string | null, keyUris: readonly string[]): { depState: JsonValue; summary: string } {
  const parsed = scope === 'multiWorkload' ? parseM365DataAtRestEncryptionPolicies(stdout) : parseDataEncryptionPolicies(stdout);
  const policy = parsed.value.find((p) => (name ? p.name.toLowerCase() === name.toLowerCase() : true));
  if (!policy) return { depState: null, summary: `The script ran, but its output did not show policy ${name ?? ''}: ${parsed.problems.join(' ') || 'nothing readable'}.` };
  if (keyUris.length > 0 && !depPolicyUsesKeys(policy, keyUris))
    return { depState: null, summary: `Policy ${policy.name} shows other keys: ${policy.normalizedKeyUris.join(', ')}.` };
  return { depState: 'Registered', summary: `${policy.name} exists with its two keys${policy.enabled === false ? ' but is disabled' : ''}.` };
}

export const applyDepStep: StepHandler<ApplyDepStep> = {
  kind: 'applyDep',
  describe: (step) =>
    step.params.runner === 'executor'
      ? say('run.do.depRun', `Running ${step.params.title}`, { title: step.params.title })
      : say('run.do.depHand', `Handing ${step.params.title} to the operator`, { title: step.params.title }),
  target: (step) => `dep/${step.params.scope}/${step.params.fileName}`,
  async check(step, context) {
    const p = step.params;
    if (sha256Hex(p.script) !== p.scriptSha256) throw appError('PlanChanged', 'The script in the plan does not match the SHA-256 the approvers approved; nothing was run.');
    if (p.runner === 'operator') {
      return {
        state: 'done',
        output: { runner: 'operator', scriptSha256: p.scriptSha256 },
        note: say('run.note.depOperator', 'The operator runs this script; Keyward records the state from the Get- output pasted on the card.'),
      };
    }
    if (p.scope === 'sharePoint') throw appError('ValidationFailed', 'Keyward never runs SharePoint cmdlets (app-only SharePoint access is not confirmed).');
    appOnly(context);
    return { state: 'todo' };
  },
  async apply(step, context) {
    const p = step.params;
    const settings = appOnly(context);
    const { stdout, exitCode } = await runScript(p.script, settings, context, p.title);
    const name = /-Name '((?:[^']|'')+)'/.exec(p.script)?.[1]?.replace(/''/g, "'") ?? null;
    const keyUris = context.run.plan.keys.map((k) => k.versionlessUri);
    const read = parsePolicy(p.scope as 'multiWorkload' | 'exchange', stdout, name, keyUris);
    return { runner: 'executor', scriptSha256: p.scriptSha256, exitCode, depState: read.depState, summary: read.summary };
  },
  async verify(_step, _context, output) {
    if (output.depState !== 'Registered') throw appError('RunFailed', `${String(output.summary)} Check the policy in Exchange Online PowerShell.`);
    return { output, note: String(output.summary) };
  },
};

function depRefOf(step: RefreshDepStep): DepRef {
  const p = step.params;
  return p.scope === 'sharePoint' ? { scope: 'sharePoint', adminUrl: p.adminUrl ?? '' } : { scope: p.scope, policyName: p.policyName ?? '' };
}

function refreshScript(step: RefreshDepStep, context: StepContext, appOnlySettings?: { organization: string; accountId?: string }) {
  const p = step.params;
  const rolled = context.run.steps.find((s) => s.kind === 'rollKey' && s.status === 'done' && typeof s.output?.version === 'string');
  const version = rolled?.output?.version as string | undefined;
  if (p.scope === 'sharePoint') {
    if (!version) throw appError('RunFailed', 'The new key version is not known (the rollKey step has not finished), so the SharePoint refresh cannot be written.');
    return {
      script: buildDepRefreshScript({
        dep: { scope: 'sharePoint', adminUrl: p.adminUrl ?? '' },
        newKeyUri: `${p.key.versionlessUri}/${version}`,
        keyType: p.sharePointKeyType ?? (p.key.site === 'A' ? 'Primary' : 'Secondary'),
      }),
      newKeyUri: `${p.key.versionlessUri}/${version}`,
    };
  }
  return {
    script: buildDepRefreshScript({
      dep: { scope: p.scope, policyName: p.policyName ?? '' },
      ...(appOnlySettings ? { connection: { kind: 'managedIdentity' as const, organization: appOnlySettings.organization, accountId: appOnlySettings.accountId } } : {}),
    }),
    newKeyUri: version ? `${p.key.versionlessUri}/${version}` : null,
  };
}

function refreshOutput(step: RefreshDepStep, made: ReturnType<typeof refreshScript>, runner: 'operator' | 'executor'): StepOutput {
  const dep = depRefOf(step);
  return {
    runner,
    dep: JSON.parse(JSON.stringify(dep)) as JsonValue,
    title: made.script.title.text,
    fileName: made.script.fileName,
    script: made.script.script,
    scriptSha256: made.script.sha256,
    verifyCommands: [...made.script.verifyCommands],
    newKeyUri: made.newKeyUri,
  };
}

export const refreshDepStep: StepHandler<RefreshDepStep> = {
  kind: 'refreshDep',
  describe: (step) =>
    `${step.params.runner === 'executor' ? 'Refreshing' : 'Writing the refresh script for'} the ${step.params.scope === 'sharePoint' ? `SharePoint DEP of ${step.params.adminUrl}` : `DEP ${step.params.policyName}`}`,
  target: (step) => `dep/${step.params.scope}/${step.params.policyName ?? step.params.adminUrl}`,
  async check(step, context) {
    if (step.params.runner === 'operator' || step.params.scope === 'sharePoint') {
      const made = refreshScript(step, context);
      return {
        state: 'done',
        output: refreshOutput(step, made, 'operator'),
        note: say(
          'run.note.refreshOperator',
          `Refresh script for the operator (SHA-256 ${made.script.sha256.slice(0, 12)}…): ${made.script.title.text}. The key-roll card shows it and asks for the Get- output.`,
          { sha: `${made.script.sha256.slice(0, 12)}…`, title: made.script.title },
        ),
      };
    }
    appOnly(context);
    return { state: 'todo' };
  },
  async apply(step, context) {
    const settings = appOnly(context);
    const made = refreshScript(step, context, settings);
    const { stdout } = await runScript(made.script.script, settings, context, made.script.title.text);
    const read = parsePolicy(step.params.scope as 'multiWorkload' | 'exchange', stdout, step.params.policyName, []);
    return { ...refreshOutput(step, made, 'executor'), depState: read.depState, summary: read.summary };
  },
  async verify(_step, _context, output) {
    if (output.runner === 'executor' && output.depState !== 'Registered') throw appError('RunFailed', `${String(output.summary)} Check the policy in Exchange Online PowerShell.`);
    return { output, note: String(output.summary ?? output.title) };
  },
};

export const recordDepStep: StepHandler<RecordDepStep> = {
  kind: 'recordDep',
  describe: () => say('run.do.record', 'Recording the policy state'),
  target: (step) => `dep/${step.params.scope}/${step.params.policyName ?? step.params.adminUrls.join(',')}`,
  async check(step, context): Promise<CheckResult> {
    const p = step.params;
    const deps: DepRef[] = p.scope === 'sharePoint' ? p.adminUrls.map((adminUrl) => ({ scope: 'sharePoint', adminUrl })) : [{ scope: p.scope, policyName: p.policyName ?? '' }];
    const ran = context.run.steps.filter((s) => (s.kind === 'applyDep' || s.kind === 'refreshDep') && s.status === 'done' && s.output?.runner === 'executor');
    const states = ran.map((s) => s.output?.depState).filter((x): x is string => typeof x === 'string');
    if (ran.length > 0 && states.length === ran.length) {
      const output: StepOutput = {
        deps: JSON.parse(JSON.stringify(deps)) as JsonValue,
        depState: states.every((s) => s === 'Registered') ? 'Registered' : states[0]!,
        recordedBy: 'executor',
      };
      return { state: 'done', output, note: say('run.note.recordedOwn', `Recorded from Keyward's own run: ${states.join(', ')}.`, { states: states.join(', ') }) };
    }
    const output: StepOutput = { deps: JSON.parse(JSON.stringify(deps)) as JsonValue, recordedBy: 'operator' };
    return {
      state: 'done',
      output,
      note: say('run.note.recordOperator', `The operator pastes the output of ${p.evidenceCommands.join(' and ')} on the card; Keyward records the state from it.`, {
        commands: p.evidenceCommands.join(' and '),
      }),
    };
  },
  async apply() {
    throw appError('Internal', 'recordDep has nothing to apply.');
  },
  async verify(_step, _context, output) {
    return { output, note: say('run.note.recorded', 'Recorded.') };
  },
};
