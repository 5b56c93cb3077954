import {
  APP_ONLY_LEAVES_OUT_ONBOARDING,
  DEP_OFFBOARDING,
  DOC_LINKS,
  mandatoryRetentionCommands,
  mandatoryRetentionWait,
  ONBOARDING_COVERAGE,
  onboardingFallback,
  summarizeChecklist,
  WORKLOAD_INFO,
  WORKLOADS,
  type DepScope,
  type OnboardingState,
} from '../../customerKey';
import type { InventoryDep, KeyPair } from '../../inventory/inventoryTypes';
import type { DepJourney, DepStage } from '../../journeys/depJourney';
import {
  actionSet,
  card,
  choiceInput,
  container,
  executeAction,
  facts,
  heading,
  notice,
  openUrlAction,
  text,
  textInput,
  toggleInput,
  type AdaptiveCardJson,
  type CardAction,
  type CardElement,
} from '../cards/adaptiveCard';
import { checklistElements } from '../setup/setupCards';
import { codeBlock, describePair, fieldMessages, journeyNotices, scriptElements, small, utc, withMessages } from '../inventory/opsCards';
import { DEP_VERBS } from './depVerbs';

export interface DepCardContext {
  /** Key pairs Keyward knows (offered on the first card). */
  pairs: readonly KeyPair[];
  /** The inventory records of this journey's DEPs. */
  deps: readonly InventoryDep[];
  /** Exchange app-only is configured: offer "Keyward runs it" for multi-workload and Exchange. */
  appOnly: boolean;
  now: Date;
}

const STAGE_TITLES: Record<DepStage, string> = {
  scope: 'Which policy, and which keys?',
  onboarding: 'Onboard the workload for Customer Key',
  details: 'Policy details',
  review: 'Your ready-to-run script',
  evidence: 'Paste what PowerShell printed',
  recorded: 'Policy state recorded',
  submitted: 'Waiting for approval',
};

const STEP_OF: Record<DepStage, number> = { scope: 1, onboarding: 2, details: 2, review: 3, evidence: 4, recorded: 4, submitted: 3 };

const SCOPE_CHOICES = WORKLOADS.map((w) => ({ title: `${WORKLOAD_INFO[w].displayName} — ${WORKLOAD_INFO[w].covers}`, value: w }));

const addr = (journey: DepJourney, extra: Record<string, unknown> = {}) => ({ journeyId: journey.id, v: journey.version, ...extra });

/** The card for the DEP journey's current stage. Pure: same journey and context, same card. */
export function renderDepCard(journey: DepJourney, context: DepCardContext): AdaptiveCardJson {
  if (journey.status === 'cancelled') {
    return card([text('Data Encryption Policy', { subtle: true, size: 'Small' }), heading('Closed', 'Medium'), notice('info', 'This DEP journey was closed. Nothing was changed in Microsoft 365 by Keyward.')], {
      actions: [executeAction('Start another DEP', DEP_VERBS.start, {}, { associatedInputs: 'none' })],
      fallbackText: 'Keyward: DEP journey closed.',
    });
  }
  const body: CardElement[] = [
    text(`Data Encryption Policy · step ${STEP_OF[journey.stage]} of 4`, { subtle: true, size: 'Small' }),
    heading(STAGE_TITLES[journey.stage], 'Medium'),
    ...journeyNotices(journey),
  ];
  let actions: CardAction[] = [];
  switch (journey.stage) {
    case 'scope':
      body.push(...scopeBody(journey, context));
      actions = [executeAction('Next: check the keys', DEP_VERBS.submitScope, addr(journey), { style: 'positive' })];
      break;
    case 'onboarding':
      body.push(...onboardingBody(journey, context));
      actions = [
        executeAction('Record the onboarding state', DEP_VERBS.onboardingOutput, addr(journey), { style: 'positive' }),
        executeAction('Re-check now', DEP_VERBS.onboardingRecheck, addr(journey)),
        executeAction('Back', DEP_VERBS.back, addr(journey), { associatedInputs: 'none' }),
      ];
      break;
    case 'details':
      body.push(...detailsBody(journey));
      actions = [executeAction('Generate the script', DEP_VERBS.submitDetails, addr(journey), { style: 'positive' }), executeAction('Back', DEP_VERBS.back, addr(journey), { associatedInputs: 'none' })];
      break;
    case 'review':
      body.push(...reviewBody(journey, context));
      actions = [
        executeAction('I ran it: paste the output', DEP_VERBS.ranIt, addr(journey), { style: 'positive', associatedInputs: 'none' }),
        executeAction('New download link', DEP_VERBS.newLink, addr(journey), { associatedInputs: 'none' }),
        executeAction('Back', DEP_VERBS.back, addr(journey), { associatedInputs: 'none' }),
      ];
      break;
    case 'evidence':
      body.push(...evidenceBody(journey, context));
      actions = [executeAction('Record the state', DEP_VERBS.evidence, addr(journey), { style: 'positive' }), executeAction('Back to the script', DEP_VERBS.back, addr(journey), { associatedInputs: 'none' })];
      break;
    case 'recorded':
      body.push(...recordedBody(journey, context));
      actions = [executeAction('Paste newer output', DEP_VERBS.ranIt, addr(journey), { associatedInputs: 'none' }), executeAction('Start another DEP', DEP_VERBS.start, {}, { associatedInputs: 'none' })];
      break;
    case 'submitted':
      body.push(notice('info', `Request ${journey.requestId ?? ''} is waiting for the approvers. Once approved, Keyward runs the script with its managed identity (Connect-ExchangeOnline -ManagedIdentity) and records the state from the Get- output.`));
      body.push(facts([['Plan hash', journey.planHash ?? '']]));
      break;
  }
  if (journey.status === 'open' && journey.stage !== 'recorded') actions.push(executeAction('Cancel', DEP_VERBS.cancel, addr(journey), { style: 'destructive', associatedInputs: 'none' }));
  return card(body, { actions, fallbackText: `Keyward DEP: ${STAGE_TITLES[journey.stage]}` });
}

// ------------------------------------------------------------------------------------------ onboarding

/** What each onboarding state means, in words. */
export const ONBOARDING_STATE_TEXT: Readonly<Record<OnboardingState, string>> = {
  notStarted: 'Not onboarded yet: nothing recorded.',
  validated: "Microsoft's validation passed; the onboarding request itself is not recorded yet.",
  requested: 'Requested: Microsoft has not reported it done yet. Paste newer output later.',
  failed: 'The onboarding service reported a failure.',
  onboarded: 'Onboarded: Microsoft reports the request done.',
  confirmedByMicrosoft: 'Onboarded: Microsoft confirmed it outside the module.',
};

function onboardingBody(journey: DepJourney, context: DepCardContext): CardElement[] {
  const scope = journey.scope ?? 'multiWorkload';
  const onboarding = journey.onboarding;
  const record = onboarding?.record;
  const coverage = ONBOARDING_COVERAGE[scope];
  const body: CardElement[] = [
    text(`Before the first ${WORKLOAD_INFO[scope].displayName} policy, Microsoft must onboard your tenant for Customer Key; until then New-M365DataAtRestEncryptionPolicy / New-DataEncryptionPolicy fail. Keyward checks this before every policy.`),
    facts([
      ['Workload', WORKLOAD_INFO[scope].displayName],
      ['State', ONBOARDING_STATE_TEXT[record?.state ?? 'notStarted']],
      ...(record?.requestId ? ([['Request', record.requestId]] as Array<[string, string]>) : []),
      ...(record ? ([['Recorded', utc(record.updatedAt)]] as Array<[string, string]>) : []),
    ]),
  ];
  for (const problem of record?.problems ?? []) body.push(notice('warning', problem));
  // The mandatory retention period: Microsoft confirms it; never wait on it silently.
  const mrpItems: CardElement[] = [text('**Mandatory retention period of both key subscriptions** (the onboarding validation checks it)', { size: 'Small' })];
  for (const check of onboarding?.mrp ?? []) {
    if (check.state === 'Registered') mrpItems.push(text(`✅ Subscription ${check.site} (${check.subscriptionId}): Registered.`, { size: 'Small' }));
    else if (check.state === 'Registering' || check.state === 'Pending') {
      const wait = mandatoryRetentionWait(check.subscriptionId, check.state, new Date(check.pendingSince ?? check.checkedAt), context.now);
      mrpItems.push(notice(wait.escalate ? 'warning' : 'info', `⏳ Subscription ${check.site}: ${wait.advice}`), small(`${wait.recheckHint} Last checked ${utc(check.checkedAt)}.`, { subtle: true }));
    } else if (check.state) {
      mrpItems.push(notice('warning', `Subscription ${check.site} (${check.subscriptionId}): ${check.state}. Register it as an Owner of the subscription, then press "Re-check now":`), codeBlock(mandatoryRetentionCommands(check.subscriptionId).find((c) => c.shell === 'powershell')?.script ?? ''));
    } else {
      mrpItems.push(notice('warning', `Subscription ${check.site} (${check.subscriptionId}): not checked (${check.error ?? 'no answer'}). Run Get-AzProviderFeature -FeatureName mandatoryRetentionPeriodEnabled -ProviderNamespace Microsoft.Resources on it, or give Keyward's reader identity Reader.`));
    }
  }
  body.push(container(mrpItems, { separator: true }));
  const script = onboarding?.script;
  if (script) {
    body.push(
      text('**1. Run the onboarding script** (validates first; files the request only if the validation reports Success):', { spacing: 'Medium' }),
      ...scriptElements(script.script),
      small(`Script SHA-256 ${script.sha256}. ${script.unconfirmed.join(' ')}`, { subtle: true }),
    );
  }
  body.push(
    ...withMessages(journey, textInput('onboardingScenario', `-Scenario value (${coverage.covered === 'yes' ? 'MDEP for the multi-workload policy' : `UNCONFIRMED for this workload; Keyward uses ${coverage.scenario}`})`, { value: journey.draft.onboardingScenario ?? coverage.scenario, maxLength: 40 })),
    text(`**2. Paste the output** of ${script?.verifyCommands[0] ?? 'Get-CustomerKeyOnboardingRequest'}, now and again later until Microsoft reports it done:`, { size: 'Small' }),
    ...withMessages(journey, textInput('onboardingOutput', 'Get-CustomerKeyOnboardingRequest output', { value: journey.draft.onboardingOutput ?? '', isMultiline: true, maxLength: 30_000 })),
    container(
      [
        text(`**Not covered by the module?** ${onboardingFallback(scope)}`, { size: 'Small' }),
        ...withMessages(journey, textInput('onboardingReference', "Microsoft's reference (support request number)", { value: journey.draft.onboardingReference ?? '', maxLength: 300 })),
        actionSet([executeAction('Microsoft confirmed onboarding', DEP_VERBS.onboardingConfirm, addr(journey))]),
      ],
      { separator: true },
    ),
    small(`[${DOC_LINKS.customerKeySetUp.title}](${DOC_LINKS.customerKeySetUp.url})`, { subtle: true }),
  );
  return body;
}

// ------------------------------------------------------------------------------------------ scope

function scopeBody(journey: DepJourney, context: DepCardContext): CardElement[] {
  const d = journey.draft;
  const body: CardElement[] = [
    text('A Data Encryption Policy (DEP) tells Microsoft 365 which two keys protect a workload. Keyward checks the keys in Azure, writes the exact PowerShell (Microsoft\'s onboarding validation first), and records the state you paste back. It does not run Microsoft 365 cmdlets itself unless Exchange app-only is set up.'),
    ...withMessages(journey, choiceInput('scope', 'Policy', SCOPE_CHOICES, { value: d.scope ?? '', style: 'expanded' })),
    ...withMessages(
      journey,
      choiceInput(
        'source',
        'Keys',
        [
          { title: `A key pair Keyward created (${context.pairs.length} known)`, value: 'inventory' },
          { title: 'Existing keys, by URI (Keyward checks them in Azure first)', value: 'uri' },
        ],
        { value: d.source ?? (context.pairs.length > 0 ? 'inventory' : 'uri'), style: 'expanded' },
      ),
    ),
  ];
  if (context.pairs.length > 0) {
    body.push(...withMessages(journey, choiceInput('pairId', 'Key pair (when "a key pair Keyward created")', context.pairs.map((p) => ({ title: describePair(p), value: p.pairId })), { value: d.pairId ?? context.pairs[0]!.pairId, style: 'compact' })));
  } else {
    body.push(text('Keyward knows no finished key pair yet ("setup" makes one); give existing keys by URI below.', { size: 'Small', subtle: true }));
  }
  for (const site of ['A', 'B'] as const) {
    const k = site === 'A' ? d.keyA ?? {} : d.keyB ?? {};
    body.push(
      container(
        [
          text(`**Existing key ${site}** (only for "existing keys, by URI")`, { size: 'Small' }),
          ...withMessages(journey, textInput(`key${site}.uri`, `Key ${site} identifier`, { value: k.uri ?? '', placeholder: 'https://<vault>.vault.azure.net/keys/<key>[/<version>]', maxLength: 2000 })),
          ...withMessages(journey, textInput(`key${site}.subscriptionId`, `Subscription of key ${site}`, { value: k.subscriptionId ?? '', placeholder: '00000000-0000-0000-0000-000000000000' })),
          ...withMessages(journey, textInput(`key${site}.resourceGroup`, `Resource group of key ${site}'s vault or HSM`, { value: k.resourceGroup ?? '' })),
        ],
        { separator: true, spacing: 'Small' },
      ),
    );
  }
  body.push(...fieldMessages(journey, 'keys'));
  if (journey.verification) body.push(...verificationElements(journey));
  return body;
}

function verificationElements(journey: DepJourney): CardElement[] {
  const v = journey.verification;
  if (!v) return [];
  const summary = summarizeChecklist(v.lines);
  return [
    text(`**Key checks** (${utc(v.at)}): ${summary.pass} green, ${summary.warn} warnings, ${summary.fail} red, ${summary.unknown} not checked.`, { spacing: 'Medium' }),
    ...checklistElements(v.lines.filter((l) => l.status !== 'pass')),
  ];
}

// ------------------------------------------------------------------------------------------ details

function keyFacts(journey: DepJourney): CardElement {
  const keys = journey.keys ?? [];
  const versions = journey.versions ?? [];
  return facts([
    ['Policy type', journey.scope ? WORKLOAD_INFO[journey.scope].displayName : ''],
    ...keys.map((k, i): [string, string] => [`Key ${k.site}`, `${k.versionlessUri}${versions[i] ? ` (version ${versions[i]!.slice(0, 8)}…)` : ''}`]),
  ]);
}

function detailsBody(journey: DepJourney): CardElement[] {
  const d = journey.draft;
  const scope = journey.scope as DepScope;
  const body: CardElement[] = [keyFacts(journey), ...fieldMessages(journey, 'keys')];
  const v = journey.verification;
  if (v) body.push(small(`Both keys checked in Azure ${utc(v.at)}: ${summarizeChecklist(v.lines).pass} checks green.`, { subtle: true }));
  if (scope === 'sharePoint') {
    body.push(
      text('SharePoint, OneDrive and Teams files have **one policy per geo**. Registering starts encrypting the geo and **cannot be rolled back** to Microsoft-managed keys. SharePoint takes the vault name, key name and key version (not a URI); Keyward fills them in from the keys above.'),
      ...withMessages(journey, textInput('adminUrls', 'SharePoint admin URL of each geo (one per line)', { value: d.adminUrls ?? '', placeholder: 'https://contoso-admin.sharepoint.com', isMultiline: true, maxLength: 4000 })),
    );
  } else {
    body.push(
      ...withMessages(journey, textInput('policyName', 'Policy name (letters, digits, . _ -; no spaces)', { value: d.policyName ?? '', placeholder: scope === 'exchange' ? 'Contoso-EX' : 'Contoso-MW', maxLength: 200 })),
      ...withMessages(journey, textInput('description', 'Description (optional)', { value: d.description ?? '', maxLength: 600 })),
    );
    if (scope === 'exchange') {
      body.push(
        ...withMessages(
          journey,
          choiceInput(
            'mailboxScope',
            'Mailboxes',
            [
              { title: 'All eligible mailboxes (licensed user mailboxes and shared mailboxes; unlicensed ones are skipped and listed)', value: 'all' },
              { title: 'Only the mailboxes listed below', value: 'list' },
            ],
            { value: d.mailboxScope ?? 'all', style: 'expanded' },
          ),
        ),
        ...withMessages(journey, textInput('mailboxes', 'Mailboxes: primary e-mail addresses, one per line', { value: d.mailboxes ?? '', isMultiline: true, maxLength: 20_000 })),
        small('Each mailbox needs an appropriate licence; a mailbox has one DEP at a time; a tenant has at most 50 mailbox DEPs.', { subtle: true }),
      );
    } else {
      body.push(small('Only one multi-workload policy is assigned to the tenant at a time; the script assigns this one. It covers Teams chats and media, Exchange signal data, mailboxes without a mailbox DEP and Purview data — not SharePoint, OneDrive or Teams files.', { subtle: true }));
    }
  }
  body.push(...withMessages(journey, toggleInput('validate', 'Onboarding validation', 'Run Microsoft\'s Customer Key onboarding validation first (recommended; the script stops if it fails)', { value: d.validate === 'false' ? 'false' : 'true' })));
  return body;
}

// ------------------------------------------------------------------------------------------ review

function reviewBody(journey: DepJourney, context: DepCardContext): CardElement[] {
  const script = journey.script;
  if (!script) return [text('The script is not generated yet.')];
  const download = journey.download;
  const expired = download ? Date.parse(download.expiresAt) <= context.now.getTime() : true;
  const body: CardElement[] = [
    text(`**${script.title}**`),
    keyFacts(journey),
    facts([
      ['Modules', script.modules.join(', ')],
      ['Admin role', script.adminRoles.join('; ')],
      ['Script SHA-256', script.sha256],
      ...(download ? ([['File SHA-256', `${download.fileSha256} (UTF-8 with BOM, ${download.bytes} bytes)`]] as Array<[string, string]>) : []),
    ]),
  ];
  if (script.scope === 'sharePoint') body.push(notice('warning', DEP_OFFBOARDING.sharePoint));
  else body.push(small(DEP_OFFBOARDING[script.scope], { subtle: true }));
  if (download?.url && !expired) {
    body.push(
      container(
        [
          text(`**Download** ${script.fileName} — the link works until ${utc(download.expiresAt)} and only a few times. Check the file before you run it: Get-FileHash ${script.fileName} must print the File SHA-256 above.`, { size: 'Small' }),
          actionSet([openUrlAction(`Download ${script.fileName}`, download.url)]),
        ],
        { style: 'emphasis' },
      ),
    );
  } else {
    body.push(notice('info', download?.url ? 'The download link has expired; press "New download link".' : 'Keyward has no public address for downloads here; copy the script below into a .ps1 file (save it as UTF-8 with BOM for Windows PowerShell 5.1).'));
  }
  if (script.unconfirmed.length > 0) {
    body.push(container([text('**Rests on facts Microsoft has not confirmed**', { size: 'Small' }), text(script.unconfirmed.map((u) => `- ${u}`).join('\n'), { size: 'Small' })], { style: 'warning' }));
  }
  body.push(text('**The script** (every value a single-quoted literal; copy it whole):', { spacing: 'Medium' }), ...scriptElements(script.script));
  body.push(text(`After it has run, press "I ran it" and paste the output of: ${script.verifyCommands.join(' and ')}. [Manage Customer Key](${DOC_LINKS.customerKeyManage.url})`, { size: 'Small' }));
  const extra: CardAction[] = [];
  if (context.appOnly && script.scope !== 'sharePoint' && journey.status === 'open') {
    body.push(
      container(
        [
          text('**Or let Keyward run it** with its managed identity (Connect-ExchangeOnline -ManagedIdentity), after approval under the approval policy.', { size: 'Small' }),
          small(APP_ONLY_LEAVES_OUT_ONBOARDING, { subtle: true }),
          textInput('reason', 'Why is this policy needed? (shown to approvers)', { isMultiline: true, maxLength: 1000 }),
          actionSet([executeAction('Submit for approval: Keyward runs it', DEP_VERBS.keyward, addr(journey))]),
        ],
        { separator: true },
      ),
      ...fieldMessages(journey, 'reason'),
    );
  }
  if (journey.status === 'open') extra.push(executeAction('I did not run it: withdraw', DEP_VERBS.withdraw, addr(journey), { associatedInputs: 'none' }));
  if (extra.length > 0) body.push(actionSet(extra));
  return body;
}

// ------------------------------------------------------------------------------------------ evidence

function evidenceBody(journey: DepJourney, context: DepCardContext): CardElement[] {
  const script = journey.script;
  const d = journey.draft;
  const body: CardElement[] = [
    text('Paste what PowerShell printed, as it is (Format-List text or ConvertTo-Json both work). Keyward reads the policy name, its two keys and its state; it keeps only what it read and a SHA-256 of the text, never the text itself.'),
  ];
  if (journey.scope === 'sharePoint') {
    const deps = context.deps;
    (journey.depIds ?? []).forEach((id, i) => {
      const dep = deps.find((x) => x.id === id);
      const url = dep && dep.dep.scope === 'sharePoint' ? dep.dep.adminUrl : `geo ${i + 1}`;
      body.push(codeBlock('Get-SPODataEncryptionPolicy | Format-List'));
      body.push(...withMessages(journey, textInput(`evidence.${i}`, `Output for ${url}`, { value: d.evidence?.[`evidence.${i}`] ?? '', isMultiline: true, maxLength: 30_000 })));
    });
  } else {
    body.push(codeBlock(script?.verifyCommands[0] ?? ''));
    body.push(...withMessages(journey, textInput('evidence.policy', 'Output of the policy command', { value: d.evidence?.['evidence.policy'] ?? '', isMultiline: true, maxLength: 30_000 })));
    if (journey.scope === 'multiWorkload') {
      body.push(codeBlock('Get-M365DataAtRestEncryptionPolicyAssignment | Format-List'));
      body.push(...withMessages(journey, textInput('evidence.assignment', 'Output of the assignment command (recommended)', { value: d.evidence?.['evidence.assignment'] ?? '', isMultiline: true, maxLength: 30_000 })));
    }
  }
  body.push(small('If PowerShell shortened a list with "...", run $FormatEnumerationLimit = -1 and the command again.', { subtle: true }));
  return body;
}

// ------------------------------------------------------------------------------------------ recorded

function recordedBody(journey: DepJourney, context: DepCardContext): CardElement[] {
  const body: CardElement[] = [];
  for (const result of journey.recorded ?? []) {
    const dep = context.deps.find((d) => d.id === result.depId);
    const items: CardElement[] = [text(`**${result.state === 'Registered' ? '✅' : '⏳'} ${result.state}** — ${result.summary}`)];
    if (dep?.assignment?.kind === 'mailboxes') items.push(small(`Mailboxes: ${dep.assignment.mailboxes === 'all' ? 'all (as the script assigned; Get-MailboxStatistics <mailbox> | fl DataEncryptionPolicyID shows it per mailbox once encrypted)' : dep.assignment.mailboxes.join(', ')}`));
    for (const problem of result.problems) items.push(notice('warning', problem));
    if (result.state === 'Registering' || result.state === 'Rolling') items.push(small('SharePoint is still working through the sites. Paste newer output later; Keyward records Registered when it shows.', { subtle: true }));
    body.push(container(items, { separator: true }));
  }
  body.push(small('Type "status" to see every policy, key and vault Keyward knows; "roll" rolls a key of this policy when your rotation policy says so.', { subtle: true }));
  return body;
}

/** A short line for the status card. */
export function describeDepJourney(journey: DepJourney): string {
  const scope = journey.scope ? WORKLOAD_INFO[journey.scope].displayName : 'DEP';
  return `DEP — ${scope}${journey.draft.policyName ? ` ${journey.draft.policyName}` : ''}: ${STAGE_TITLES[journey.stage].toLowerCase()}`;
}
