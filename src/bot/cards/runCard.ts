import type { Text } from '../../core';
import { parseKeyIdentifier, type KeyRef, type KeyUriOptions, type Workload } from '../../customerKey';
import { currentStep, doneCount, progressBar } from '../../executor/runProgress';
import type { Run, StepState } from '../../executor/runTypes';
import { errorDetails, errorSentence } from '../i18n/errorWords';
import { localizer, type Localizer } from '../i18n/localizer';
import { planWords } from '../i18n/planWords';
import { workloadName } from '../setup/setupCards';
import { actionSet, card, container, details, executeAction, facts, heading, notice, text, textInput, type AdaptiveCardJson, type CardElement } from './adaptiveCard';
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
  notice?: { kind: 'error' | 'warning' | 'info' | 'success'; text: Text };
  /** Key hosts accepted besides Azure's (the local emulator's). */
  keyUriOptions?: KeyUriOptions;
  /** The locale of the person or conversation the card is drawn for (BCP 47); English by default. */
  locale?: string;
}

const MAX_STEP_LINES = 40;

/**
 * The run card: where an approved plan stands, with a progress bar; what it waits for (the
 * officers' certificates, with the input to hand one in); why it stopped (with Retry while the
 * execution window is open); and when done, the key URIs in the form the DEP cmdlets take. The
 * step list, the ids and what to do next open in place. Pure; schema 1.5, words for every status.
 */
export function renderRunCard(view: RunCardView): AdaptiveCardJson {
  const l = localizer(view.locale);
  const { run } = view;
  const body: CardElement[] = [];
  if (view.notice) body.push(notice(l, view.notice.kind, l.say(view.notice.text)));
  body.push(text(l.t('run.kicker'), { subtle: true, size: 'Small' }), heading(l.t('run.heading', { headline: headline(l, run), title: runTitle(l, run) }), 'Medium'));
  body.push(statusNotice(l, run, view.now, view.officers));
  const done = doneCount(run);
  body.push({ type: 'TextBlock', text: `${progressBar(done, run.steps.length)}  ${l.t('run.progress', { done, total: run.steps.length })}`, wrap: true, fontType: 'Monospace' });
  const actions = [];
  if (run.status === 'waitingForInput' && view.officers) body.push(...ceremonySection(l, run, view.officers));
  if (run.status === 'stopped') {
    body.push(...stoppedSection(l, run));
    if (!run.retryUntil || view.now.getTime() < Date.parse(run.retryUntil))
      actions.push(executeAction(l.t('run.retry'), VERBS.runRetry, runActionData(run, VERBS.runRetry), { style: 'positive', associatedInputs: 'none' }));
  }
  if (run.status === 'succeeded') body.push(...resultSection(l, run, view.keyUriOptions ?? {}));
  actions.push(executeAction(l.t('common.refresh'), VERBS.runView, runActionData(run, VERBS.runView), { associatedInputs: 'none' }));
  body.push(actionSet(actions));
  body.push(
    ...details(
      `run.steps.${run.id}`,
      l.t('run.showSteps', { count: run.steps.length }),
      [
        text(stepLines(l, run).join('\n'), { size: 'Small' }),
        facts(l, [
          [l.t('common.request'), run.requestId],
          [l.t('run.run'), l.t('run.attempt', { id: run.id, attempt: run.attempt })],
          [l.t('common.planHash'), `${run.planHash.slice(0, 12)}…`],
          [l.t('run.started'), l.dateTime(run.createdAt)],
          ...(run.finishedAt ? ([[l.t('run.finished'), l.dateTime(run.finishedAt)]] as Array<[string, string]>) : []),
        ]),
      ],
      { separator: true },
    ),
  );
  return card(body, { fallbackText: l.t('run.fallback', { id: run.id, requestId: run.requestId, headline: headline(l, run) }) });
}

function headline(l: Localizer, run: Run): string {
  return l.t(`run.headline.${run.status}`);
}

function statusNotice(l: Localizer, run: Run, now: Date, officers?: readonly CeremonyOfficerView[]): CardElement {
  const step = currentStep(run);
  const where = step ? l.t('run.where', { n: step.index + 1, total: run.steps.length }) : '';
  switch (run.status) {
    case 'running':
      return notice(l, 'info', l.t('run.status.running', { where, what: step?.note ? l.say(step.note) : describe(l, run, step) }));
    case 'waitingForInput': {
      // The officers' list is read fresh from the store; run.waitingFor was written when the wait began.
      const missing = officers?.filter((o) => !o.submitted) ?? [];
      const waitingFor = officers
        ? missing.length === 0
          ? l.t('run.status.allOfficers')
          : l.t('run.status.officers', { given: officers.length - missing.length, total: officers.length, missing: l.list(missing.map((o) => o.name)) })
        : run.waitingFor
          ? l.say(run.waitingFor)
          : l.t('run.status.waitingInput');
      return notice(l, 'warning', l.t('run.status.waiting', { where, what: waitingFor }));
    }
    case 'stopped': {
      const until = run.retryUntil
        ? now.getTime() < Date.parse(run.retryUntil)
          ? l.t('run.status.retryUntil', { at: l.dateTime(run.retryUntil) })
          : l.t('run.status.windowClosed')
        : '';
      return notice(
        l,
        'error',
        `${l.t('run.status.stopped', { where, message: run.lastError ? errorSentence(l, run.lastError) : l.t('run.status.seeBelow') })}${until ? ` ${until}` : ''}`,
      );
    }
    case 'succeeded':
      return notice(l, 'success', l.t('run.status.succeeded', { count: run.steps.length }));
    case 'failed':
      return notice(l, 'error', run.lastError ? l.t('run.status.failedError', { code: run.lastError.code, message: errorSentence(l, run.lastError) }) : l.t('run.status.failed'));
  }
}

/** A run's title: its plan's, in the reader's language. */
export function runTitle(l: Localizer, run: Pick<Run, 'title' | 'plan'>): string {
  return run.title === run.plan.title ? planWords(l, run.plan).title : l.say(run.title);
}

function describe(l: Localizer, run: Run, step: StepState | undefined): string {
  if (!step) return l.t('run.starting');
  return planWords(l, run.plan).steps[step.index] ?? step.id;
}

function stepLines(l: Localizer, run: Run): string[] {
  const planned = planWords(l, run.plan).steps;
  const lines = run.steps.slice(0, MAX_STEP_LINES).map((step) => {
    const reported = step.status === 'done' || step.status === 'failed' || step.status === 'waiting' ? step.note : undefined;
    const what = reported !== undefined ? l.say(reported) : (planned[step.index] ?? step.id);
    return `- ${l.t('run.stepLine', { status: step.status, n: step.index + 1, what })}`;
  });
  if (run.steps.length > MAX_STEP_LINES) lines.push(`- ${l.t('run.moreSteps', { count: run.steps.length - MAX_STEP_LINES })}`);
  return lines;
}

function stoppedSection(l: Localizer, run: Run): CardElement[] {
  const error = run.lastError;
  if (!error) return [];
  const rows: Array<[string, string]> = [[l.t('run.error.code'), error.code]];
  if (error.azure?.status !== undefined)
    rows.push([
      l.t('run.error.azure'),
      `${error.azure.status}${error.azure.azureCode ? ` ${error.azure.azureCode}` : ''}${error.azure.innerCode ? ` (${error.azure.innerCode})` : ''}`,
    ]);
  if (error.azure?.operation) rows.push([l.t('run.error.operation'), error.azure.operation]);
  if (error.azure?.requiredRole) rows.push([l.t('run.error.role'), error.azure.requiredRole]);
  if (error.azure?.scope) rows.push([l.t('run.error.scope'), error.azure.scope]);
  return [
    container(
      [text(l.t('run.error.title'), { color: 'Attention' }), facts(l, rows), ...errorDetailsBlock(l, error), text(l.t('run.error.retry'), { size: 'Small', subtle: true })],
      { separator: true, style: 'attention' },
    ),
  ];
}

function ceremonySection(l: Localizer, run: Run, officers: readonly CeremonyOfficerView[]): CardElement[] {
  const lines = officers.map(
    (o) => `- ${o.submitted ? l.t('run.ceremony.handedIn', { name: o.name, thumbprint: o.thumbprint?.slice(0, 16) ?? '' }) : l.t('run.ceremony.waiting', { name: o.name })}`,
  );
  return [
    container(
      [
        text(l.t('run.ceremony.title')),
        text(l.t('run.ceremony.public'), { size: 'Small' }),
        text(lines.join('\n'), { size: 'Small' }),
        textInput('certificatePem', l.t('run.ceremony.input'), { isMultiline: true, maxLength: 16_000, placeholder: '-----BEGIN CERTIFICATE-----' }),
        actionSet([executeAction(l.t('run.ceremony.handIn'), VERBS.runCertificate, runActionData(run, VERBS.runCertificate), { style: 'positive', associatedInputs: 'auto' })]),
        ...details(`run.ceremony.${run.id}`, l.t('run.ceremony.howToggle'), [
          text(l.t('run.ceremony.example'), { size: 'Small' }),
          {
            type: 'TextBlock',
            text: 'openssl req -x509 -newkey rsa:3072 -keyout officer.key -out officer.cer -days 730 -subj "/CN=<your name>"',
            wrap: true,
            fontType: 'Monospace',
            size: 'Small',
          },
          text(l.t('run.ceremony.keep', { key: 'officer.key', cer: 'officer.cer' }), { size: 'Small' }),
        ]),
      ],
      { separator: true, style: 'emphasis' },
    ),
  ];
}

function resultSection(l: Localizer, run: Run, keyUriOptions: KeyUriOptions): CardElement[] {
  const keys = createdKeys(run, keyUriOptions);
  const body: CardElement[] = [text(l.t('run.result.uris'), { spacing: 'Medium' })];
  for (const key of keys) {
    body.push(text(l.t('run.result.key', { workload: workloadName(l, key.ref.workload), site: key.ref.site }), { size: 'Small' }));
    body.push({ type: 'TextBlock', text: key.versionlessUri, wrap: true, fontType: 'Monospace', size: 'Small', spacing: 'None' });
  }
  const more: CardElement[] = [text(l.t('run.next.title')), text(nextSteps(l, keys).join('\n'), { size: 'Small' })];
  const files = run.steps.filter((s) => s.kind === 'backupKey' && typeof s.output?.file === 'string').map((s) => `- ${String(s.output?.file)}`);
  if (files.length > 0) more.push(text(`${l.t('run.result.backups')}\n${files.join('\n')}`, { size: 'Small' }));
  const domains = run.steps
    .filter((s) => s.kind === 'activateSecurityDomain' && typeof s.output?.file === 'string')
    .map(
      (s) =>
        `- ${l.t('run.result.domain', { file: String(s.output?.file), quorum: String(s.output?.quorum), officers: ((s.output?.officers as string[] | undefined) ?? []).join(', ') })}`,
    );
  if (domains.length > 0) more.push(text(`${l.t('run.result.domains')}\n${domains.join('\n')}`, { size: 'Small' }));
  return [container([...body, ...details(`run.next.${run.id}`, l.t('run.next.toggle'), more)], { separator: true })];
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
    out.push({
      ref,
      versionlessUri: parsed?.ok ? parsed.key.versionlessUri : ref.versionlessUri,
      version: parsed?.ok ? (parsed.key.version ?? '') : String(state?.output?.version ?? ''),
    });
  }
  return out;
}

function nextSteps(l: Localizer, keys: readonly CreatedKey[]): string[] {
  const byWorkload = new Map<Workload, CreatedKey[]>();
  for (const key of keys) byWorkload.set(key.ref.workload, [...(byWorkload.get(key.ref.workload) ?? []), key]);
  const lines = [`1. ${l.t('run.next.validate', { command: 'New-CustomerKeyOnboardingRequest … -OnboardingMode Validate', module: 'M365CustomerKeyOnboarding' })}`];
  let n = 2;
  for (const [workload, pair] of byWorkload) {
    const a = pair.find((k) => k.ref.site === 'A');
    const b = pair.find((k) => k.ref.site === 'B');
    if (!a || !b) continue;
    if (workload === 'multiWorkload')
      lines.push(
        `${n}. ${l.t('run.next.multiWorkload', { create: `New-M365DataAtRestEncryptionPolicy -Name <policy> -AzureKeyIDs ${a.versionlessUri},${b.versionlessUri}`, assign: 'Set-M365DataAtRestEncryptionPolicyAssignment -DataEncryptionPolicy <policy>' })}`,
      );
    if (workload === 'exchange')
      lines.push(
        `${n}. ${l.t('run.next.exchange', { create: `New-DataEncryptionPolicy -Name <policy> -AzureKeyIDs ${a.versionlessUri},${b.versionlessUri}`, assign: 'Set-Mailbox -Identity <mailbox> -DataEncryptionPolicy <policy>' })}`,
      );
    if (workload === 'sharePoint')
      lines.push(
        `${n}. ${l.t('run.next.sharePoint', { register: `Register-SPODataEncryptionPolicy -PrimaryKeyVaultName ${a.ref.containerName} -PrimaryKeyName ${a.ref.keyName} -PrimaryKeyVersion ${a.version} -SecondaryKeyVaultName ${b.ref.containerName} -SecondaryKeyName ${b.ref.keyName} -SecondaryKeyVersion ${b.version}` })}`,
      );
    n += 1;
  }
  lines.push(`${n}. ${l.t('run.next.never')}`);
  return lines;
}

/** Azure's own words (and the operation around them) as Keyward logged them: data, shown as it is. */
export function errorDetailsBlock(l: Localizer, error: { readonly message: string; readonly said?: Text }): CardElement[] {
  const english = errorDetails({ message: error.message, ...(error.said && typeof error.said !== 'string' ? { said: error.said } : {}) });
  if (!english) return [];
  return [
    text(l.t('run.error.details'), { size: 'Small', spacing: 'Small' }),
    { type: 'TextBlock', text: english, wrap: true, fontType: 'Monospace', size: 'Small', spacing: 'None' },
  ];
}
