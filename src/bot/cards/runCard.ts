import { parseKeyIdentifier, WORKLOAD_INFO, type KeyRef, type KeyUriOptions, type Workload } from '../../customerKey';
import { currentStep, doneCount, progressBar } from '../../executor/runProgress';
import type { Run, StepState } from '../../executor/runTypes';
import { actionSet, card, container, executeAction, facts, heading, notice, text, textInput, type AdaptiveCardJson, type CardElement } from './adaptiveCard';
import { formatUtc } from './approvalCard';
import { runActionData } from './runCardData';
import { VERBS } from './verbs';

export interface CeremonyOfficerView {
  name: string;
  submitted: boolean;
  thumbprint?: string;
}

export interface RunCardView {
  run: Run;
  now: Date;
  /** The security-domain officers and who has handed in a certificate (HSM runs). */
  officers?: readonly CeremonyOfficerView[];
  /** A refusal or confirmation for the person who clicked, shown at the top. */
  notice?: { kind: 'error' | 'warning' | 'info' | 'success'; text: string };
  /** Key hosts accepted besides Azure's (the local emulator's). */
  keyUriOptions?: KeyUriOptions;
}

const MAX_STEP_LINES = 40;

/**
 * The run card: where an approved plan stands, step by step, with a progress bar; what it waits
 * for (the officers' certificates, with the input to hand one in); why it stopped (with Retry
 * while the execution window is open); and when done, the key URIs in the form the DEP cmdlets
 * take and what to do next. A pure function of the view; schema 1.5, words for every status.
 */
export function renderRunCard(view: RunCardView): AdaptiveCardJson {
  const { run } = view;
  const body: CardElement[] = [];
  if (view.notice) body.push(notice(view.notice.kind, view.notice.text));
  body.push(text('Keyward run', { subtle: true, size: 'Small' }), heading(`${headline(run)}: ${run.title}`, 'Medium'));
  body.push(statusNotice(run, view.now, view.officers));
  const done = doneCount(run);
  body.push({ type: 'TextBlock', text: `${progressBar(done, run.steps.length)}  ${done} of ${run.steps.length} steps done`, wrap: true, fontType: 'Monospace' });
  body.push(
    facts([
      ['Request', run.requestId],
      ['Run', `${run.id} (attempt ${run.attempt})`],
      ['Plan hash', `${run.planHash.slice(0, 12)}…`],
      ['Started', formatUtc(run.createdAt)],
      ...(run.finishedAt ? ([['Finished', formatUtc(run.finishedAt)]] as Array<[string, string]>) : []),
    ]),
  );
  const actions = [];
  if (run.status === 'waitingForInput' && view.officers) body.push(...ceremonySection(run, view.officers));
  if (run.status === 'stopped') {
    body.push(...stoppedSection(run));
    if (!run.retryUntil || view.now.getTime() < Date.parse(run.retryUntil)) actions.push(executeAction('Retry from the failed step', VERBS.runRetry, runActionData(run, VERBS.runRetry), { style: 'positive', associatedInputs: 'none' }));
  }
  if (run.status === 'succeeded') body.push(...resultSection(run, view.keyUriOptions ?? {}));
  body.push(container([text('**Steps**'), text(stepLines(run).join('\n'), { size: 'Small' })], { separator: true }));
  actions.push(executeAction('Refresh', VERBS.runView, runActionData(run, VERBS.runView), { associatedInputs: 'none' }));
  body.push(actionSet(actions));
  return card(body, { fallbackText: `Keyward run ${run.id} for request ${run.requestId}: ${headline(run)}.` });
}

function headline(run: Run): string {
  switch (run.status) {
    case 'running':
      return 'Running';
    case 'waitingForInput':
      return 'Waiting for people';
    case 'stopped':
      return 'Stopped';
    case 'succeeded':
      return 'Done';
    case 'failed':
      return 'Failed';
  }
}

function statusNotice(run: Run, now: Date, officers?: readonly CeremonyOfficerView[]): CardElement {
  const step = currentStep(run);
  const where = step ? `Step ${step.index + 1} of ${run.steps.length}` : '';
  switch (run.status) {
    case 'running':
      return notice('info', `${where}: ${step?.note ?? describe(run, step)}`);
    case 'waitingForInput': {
      // The officers' list is read fresh from the store; run.waitingFor was written when the wait began.
      const missing = officers?.filter((o) => !o.submitted) ?? [];
      const waitingFor = officers
        ? missing.length === 0
          ? 'All security-domain officers have handed in their certificate; Keyward activates the HSM now.'
          : `${officers.length - missing.length} of ${officers.length} security-domain officers have handed in their public certificate; waiting for ${missing.map((o) => o.name).join(', ')}.`
        : run.waitingFor ?? 'waiting for input';
      return notice('warning', `${where}: ${waitingFor}`);
    }
    case 'stopped': {
      const until = run.retryUntil ? (now.getTime() < Date.parse(run.retryUntil) ? ` Retry is possible until ${formatUtc(run.retryUntil)}.` : ' The execution window has closed; submit the plan again.') : '';
      return notice('error', `${where} failed: ${run.lastError?.message ?? 'see below'}${until}`);
    }
    case 'succeeded':
      return notice('success', `All ${run.steps.length} steps done and verified. Nothing is left to do in Azure for this plan.`);
    case 'failed':
      return notice('error', `The run was closed as failed${run.lastError ? ` after ${run.lastError.code}: ${run.lastError.message}` : ''}. What was done stays in Azure; submit the plan again to finish it.`);
  }
}

function describe(run: Run, step: StepState | undefined): string {
  if (!step) return 'starting';
  return run.plan.steps[step.index]?.summary ?? step.id;
}

function stepLines(run: Run): string[] {
  const word: Record<StepState['status'], string> = { done: 'Done', running: 'Now', waiting: 'Waiting', failed: 'Failed', pending: 'Next' };
  const lines = run.steps.slice(0, MAX_STEP_LINES).map((step) => {
    const planned = run.plan.steps[step.index];
    const what = step.status === 'done' || step.status === 'failed' || step.status === 'waiting' ? (step.note ?? planned?.summary ?? step.id) : (planned?.summary ?? step.id);
    return `- **${word[step.status]}** ${step.index + 1}. ${what}`;
  });
  if (run.steps.length > MAX_STEP_LINES) lines.push(`- …and ${run.steps.length - MAX_STEP_LINES} more steps`);
  return lines;
}

function stoppedSection(run: Run): CardElement[] {
  const error = run.lastError;
  if (!error) return [];
  const rows: Array<[string, string]> = [['Error', error.code]];
  if (error.azure?.status !== undefined) rows.push(['Azure answered', `${error.azure.status}${error.azure.azureCode ? ` ${error.azure.azureCode}` : ''}${error.azure.innerCode ? ` (${error.azure.innerCode})` : ''}`]);
  if (error.azure?.operation) rows.push(['While trying to', error.azure.operation]);
  if (error.azure?.requiredRole) rows.push(['Role needed', error.azure.requiredRole]);
  if (error.azure?.scope) rows.push(['At scope', error.azure.scope]);
  return [
    container(
      [
        text('**Why it stopped**', { color: 'Attention' }),
        text(error.message, { size: 'Small' }),
        facts(rows),
        text('Everything done before this step stays as it is. Fix the cause, then Retry: Keyward checks what exists first, so nothing is created twice. A changed plan needs a new approval.', { size: 'Small', subtle: true }),
      ],
      { separator: true, style: 'attention' },
    ),
  ];
}

function ceremonySection(run: Run, officers: readonly CeremonyOfficerView[]): CardElement[] {
  const lines = officers.map((o) => `- ${o.name}: ${o.submitted ? `handed in (thumbprint ${o.thumbprint?.slice(0, 16) ?? ''}…)` : '**waiting**'}`);
  return [
    container(
      [
        text('**Security-domain ceremony**'),
        text(
          'Each officer hands in the PUBLIC certificate of a key pair they keep offline. Never paste a private key: Keyward refuses it. The certificate counts for every HSM of this plan.',
          { size: 'Small' },
        ),
        text(lines.join('\n'), { size: 'Small' }),
        text('Make a key pair on an offline machine, for example:', { size: 'Small' }),
        { type: 'TextBlock', text: 'openssl req -x509 -newkey rsa:3072 -keyout officer.key -out officer.cer -days 730 -subj "/CN=<your name>"', wrap: true, fontType: 'Monospace', size: 'Small' },
        text('Keep officer.key (and its passphrase) offline; paste only the contents of officer.cer.', { size: 'Small' }),
        textInput('certificatePem', 'Your certificate (PEM, -----BEGIN CERTIFICATE----- …)', { isMultiline: true, maxLength: 16_000, placeholder: '-----BEGIN CERTIFICATE-----' }),
        actionSet([executeAction('Hand in my certificate', VERBS.runCertificate, runActionData(run, VERBS.runCertificate), { style: 'positive', associatedInputs: 'auto' })]),
      ],
      { separator: true, style: 'emphasis' },
    ),
  ];
}

function resultSection(run: Run, keyUriOptions: KeyUriOptions): CardElement[] {
  const keys = createdKeys(run, keyUriOptions);
  const body: CardElement[] = [text('**Key URIs** (versionless, the form the Exchange and multi-workload DEP cmdlets take)', { spacing: 'Medium' })];
  for (const key of keys) {
    body.push(text(`${WORKLOAD_INFO[key.ref.workload].displayName}, key ${key.ref.site}:`, { size: 'Small' }));
    body.push({ type: 'TextBlock', text: key.versionlessUri, wrap: true, fontType: 'Monospace', size: 'Small', spacing: 'None' });
  }
  const files = run.steps.filter((s) => s.kind === 'backupKey' && typeof s.output?.file === 'string').map((s) => `- ${String(s.output?.file)}`);
  if (files.length > 0) body.push(text(`**Backups** (on the Keyward host, never in chat; keep an offline copy)\n${files.join('\n')}`, { size: 'Small' }));
  const domains = run.steps.filter((s) => s.kind === 'activateSecurityDomain' && typeof s.output?.file === 'string').map((s) => `- ${String(s.output?.file)} (quorum ${String(s.output?.quorum)}; shares: ${((s.output?.officers as string[] | undefined) ?? []).join(', ')})`);
  if (domains.length > 0) body.push(text(`**Security domains** (encrypted at rest on the Keyward host)\n${domains.join('\n')}`, { size: 'Small' }));
  body.push(container([text('**Next: a Data Encryption Policy**'), text(nextSteps(keys).join('\n'), { size: 'Small' })], { separator: true }));
  return [container(body, { separator: true })];
}

interface CreatedKey {
  ref: KeyRef;
  versionlessUri: string;
  version: string;
}

function createdKeys(run: Run, options: KeyUriOptions): CreatedKey[] {
  const out: CreatedKey[] = [];
  for (const ref of run.plan.keys) {
    const state = run.steps.find((s) => {
      const planned = run.plan.steps[s.index];
      return planned?.kind === 'ensureKey' && planned.params.keyName === ref.keyName && planned.params.container.name === ref.containerName;
    });
    const keyId = typeof state?.output?.keyId === 'string' ? state.output.keyId : undefined;
    const parsed = keyId ? parseKeyIdentifier(keyId, options) : undefined;
    out.push({ ref, versionlessUri: parsed?.ok ? parsed.key.versionlessUri : ref.versionlessUri, version: parsed?.ok ? (parsed.key.version ?? '') : String(state?.output?.version ?? '') });
  }
  return out;
}

function nextSteps(keys: readonly CreatedKey[]): string[] {
  const byWorkload = new Map<Workload, CreatedKey[]>();
  for (const key of keys) byWorkload.set(key.ref.workload, [...(byWorkload.get(key.ref.workload) ?? []), key]);
  const lines = ['1. Validate the keys with Microsoft first: New-CustomerKeyOnboardingRequest … -OnboardingMode Validate (module M365CustomerKeyOnboarding).'];
  let n = 2;
  for (const [workload, pair] of byWorkload) {
    const a = pair.find((k) => k.ref.site === 'A');
    const b = pair.find((k) => k.ref.site === 'B');
    if (!a || !b) continue;
    if (workload === 'multiWorkload') lines.push(`${n}. Multi-workload (Exchange Online PowerShell, Compliance Administrator): New-M365DataAtRestEncryptionPolicy -Name <policy> -AzureKeyIDs ${a.versionlessUri},${b.versionlessUri}; then Set-M365DataAtRestEncryptionPolicyAssignment -DataEncryptionPolicy <policy>.`);
    if (workload === 'exchange') lines.push(`${n}. Exchange mailboxes (Exchange Online PowerShell): New-DataEncryptionPolicy -Name <policy> -AzureKeyIDs ${a.versionlessUri},${b.versionlessUri}; then Set-Mailbox -Identity <mailbox> -DataEncryptionPolicy <policy>.`);
    if (workload === 'sharePoint') lines.push(`${n}. SharePoint, OneDrive and Teams files (SharePoint Online Management Shell): Register-SPODataEncryptionPolicy -PrimaryKeyVaultName ${a.ref.containerName} -PrimaryKeyName ${a.ref.keyName} -PrimaryKeyVersion ${a.version} -SecondaryKeyVaultName ${b.ref.containerName} -SecondaryKeyName ${b.ref.keyName} -SecondaryKeyVersion ${b.version}.`);
    n += 1;
  }
  lines.push(`${n}. Never disable or delete these keys or any version a policy has used. Type "verify" any time to check them again.`);
  return lines;
}
