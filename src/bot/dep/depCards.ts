import {
  APP_ONLY_LEAVES_OUT_ONBOARDING,
  DOC_LINKS,
  mandatoryRetentionCommands,
  mandatoryRetentionWait,
  ONBOARDING_COVERAGE,
  onboardingFallback,
  summarizeChecklist,
  WORKLOADS,
  type DepScope,
} from '../../customerKey';
import type { InventoryDep, KeyPair } from '../../inventory/inventoryTypes';
import type { DepJourney, DepStage } from '../../journeys/depJourney';
import { localizer, type Localizer } from '../i18n/localizer';
import {
  actionSet,
  card,
  choiceInput,
  container,
  details,
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
import { checklistElements, workloadName } from '../setup/setupCards';
import { codeBlock, describePair, fieldMessages, journeyNotices, scriptElements, small, withMessages } from '../inventory/opsCards';
import { DEP_VERBS } from './depVerbs';

export interface DepCardContext {
  /** Key pairs Keyward knows (offered on the first card). */
  pairs: readonly KeyPair[];
  /** The inventory records of this journey's DEPs. */
  deps: readonly InventoryDep[];
  /** Exchange app-only is configured: offer "Keyward runs it" for multi-workload and Exchange. */
  appOnly: boolean;
  now: Date;
  /** The activity's locale (BCP 47); English when absent or unknown. */
  locale?: string;
}

const STEP_OF: Record<DepStage, number> = { scope: 1, onboarding: 2, details: 2, review: 3, evidence: 4, recorded: 4, submitted: 3 };

const stageTitle = (l: Localizer, stage: DepStage) => l.t(`dep.stage.${stage}`);

const addr = (journey: DepJourney, extra: Record<string, unknown> = {}) => ({ journeyId: journey.id, v: journey.version, ...extra });

/** The card for the DEP journey's current stage. Pure: same journey and context, same card. */
export function renderDepCard(journey: DepJourney, context: DepCardContext): AdaptiveCardJson {
  const l = localizer(context.locale);
  if (journey.status === 'cancelled') {
    return card([text(l.t('dep.kicker'), { subtle: true, size: 'Small' }), heading(l.t('dep.closed.title'), 'Medium'), notice(l, 'info', l.t('dep.closed.notice'))], {
      actions: [executeAction(l.t('dep.action.another'), DEP_VERBS.start, {}, { associatedInputs: 'none' })],
      fallbackText: l.t('dep.closed.fallback'),
    });
  }
  const body: CardElement[] = [
    text(l.t('dep.step', { n: STEP_OF[journey.stage] }), { subtle: true, size: 'Small' }),
    heading(stageTitle(l, journey.stage), 'Medium'),
    ...journeyNotices(l, journey),
  ];
  let actions: CardAction[] = [];
  switch (journey.stage) {
    case 'scope':
      body.push(...scopeBody(l, journey, context));
      actions = [executeAction(l.t('dep.action.checkKeys'), DEP_VERBS.submitScope, addr(journey), { style: 'positive' })];
      break;
    case 'onboarding':
      body.push(...onboardingBody(l, journey, context));
      // Back to the keys is the scope card's own Back; three buttons at most side by side.
      actions = [
        executeAction(l.t('dep.action.recordOnboarding'), DEP_VERBS.onboardingOutput, addr(journey), { style: 'positive' }),
        executeAction(l.t('dep.action.recheck'), DEP_VERBS.onboardingRecheck, addr(journey)),
      ];
      break;
    case 'details':
      body.push(...detailsBody(l, journey));
      actions = [
        executeAction(l.t('dep.action.generate'), DEP_VERBS.submitDetails, addr(journey), { style: 'positive' }),
        executeAction(l.t('common.back'), DEP_VERBS.back, addr(journey), { associatedInputs: 'none' }),
      ];
      break;
    case 'review':
      body.push(...reviewBody(l, journey, context));
      actions = [
        executeAction(l.t('dep.action.ranIt'), DEP_VERBS.ranIt, addr(journey), { style: 'positive', associatedInputs: 'none' }),
        executeAction(l.t('common.back'), DEP_VERBS.back, addr(journey), { associatedInputs: 'none' }),
      ];
      break;
    case 'evidence':
      body.push(...evidenceBody(l, journey, context));
      actions = [
        executeAction(l.t('dep.action.record'), DEP_VERBS.evidence, addr(journey), { style: 'positive' }),
        executeAction(l.t('dep.action.backToScript'), DEP_VERBS.back, addr(journey), { associatedInputs: 'none' }),
      ];
      break;
    case 'recorded':
      body.push(...recordedBody(l, journey, context));
      actions = [
        executeAction(l.t('dep.action.pasteNewer'), DEP_VERBS.ranIt, addr(journey), { associatedInputs: 'none' }),
        executeAction(l.t('dep.action.another'), DEP_VERBS.start, {}, { associatedInputs: 'none' }),
      ];
      break;
    case 'submitted':
      body.push(notice(l, 'info', l.t('dep.submitted', { requestId: journey.requestId ?? '', connect: 'Connect-ExchangeOnline -ManagedIdentity' })));
      body.push(facts(l, [[l.t('common.planHash'), journey.planHash ?? '']]));
      break;
  }
  if (journey.status === 'open' && journey.stage !== 'recorded')
    actions.push(executeAction(l.t('common.cancel'), DEP_VERBS.cancel, addr(journey), { style: 'destructive', associatedInputs: 'none' }));
  return card(body, { actions, fallbackText: l.t('dep.fallback', { title: stageTitle(l, journey.stage) }) });
}

// ------------------------------------------------------------------------------------------ onboarding

/** The onboarding step (issue 11 item 8): state, the mandatory retention period, the script, the paste, the fallback. */
function onboardingBody(l: Localizer, journey: DepJourney, context: DepCardContext): CardElement[] {
  const scope: DepScope = journey.scope ?? 'multiWorkload';
  const onboarding = journey.onboarding;
  const record = onboarding?.record;
  const coverage = ONBOARDING_COVERAGE[scope];
  const body: CardElement[] = [
    text(l.t('dep.onboarding.intro', { workload: workloadName(l, scope), cmdlets: 'New-M365DataAtRestEncryptionPolicy / New-DataEncryptionPolicy' })),
    facts(l, [
      [l.t('dep.onboarding.workload'), workloadName(l, scope)],
      [l.t('dep.onboarding.state'), l.t(`dep.onboarding.state.${record?.state ?? 'notStarted'}`)],
      ...(record?.requestId ? ([[l.t('dep.onboarding.request'), record.requestId]] as Array<[string, string]>) : []),
      ...(record ? ([[l.t('dep.onboarding.recorded'), l.dateTime(record.updatedAt)]] as Array<[string, string]>) : []),
    ]),
  ];
  for (const problem of record?.problems ?? []) body.push(notice(l, 'warning', l.say(problem)));
  const script = onboarding?.script;
  const statusCommand = script?.verifyCommands[0] ?? 'Get-CustomerKeyOnboardingRequest';
  // The decision first: paste the output (the script and the checks open in place below).
  body.push(
    text(l.t('dep.onboarding.paste', { command: statusCommand }), { size: 'Small' }),
    ...withMessages(
      l,
      journey,
      textInput('onboardingOutput', l.t('dep.onboarding.output', { cmdlet: 'Get-CustomerKeyOnboardingRequest' }), {
        value: journey.draft.onboardingOutput ?? '',
        isMultiline: true,
        maxLength: 30_000,
      }),
    ),
  );
  if (script) {
    body.push(
      ...details(
        `dep.onboarding.script.${journey.id}`,
        l.t('dep.review.scriptToggle'),
        [
          text(l.t('dep.onboarding.runScript'), { size: 'Small' }),
          ...scriptElements(l, script.script),
          small(`${l.t('dep.onboarding.scriptHash', { hash: script.sha256 })} ${script.unconfirmed.map((u) => l.say(u)).join(' ')}`, { subtle: true }),
          ...withMessages(
            l,
            journey,
            textInput('onboardingScenario', l.t('dep.onboarding.scenario', { parameter: '-Scenario', covered: coverage.covered, scenario: coverage.scenario }), {
              value: journey.draft.onboardingScenario ?? coverage.scenario,
              maxLength: 40,
            }),
          ),
        ],
        { separator: true },
      ),
    );
  }
  // The mandatory retention period: Microsoft confirms it; the card never waits on it silently.
  const mrp: CardElement[] = [text(l.t('dep.onboarding.mrpTitle'), { size: 'Small' })];
  for (const check of onboarding?.mrp ?? []) {
    const where = { site: check.site, subscription: check.subscriptionId };
    if (check.state === 'Registered') mrp.push(text(`✅ ${l.t('dep.onboarding.mrpRegistered', where)}`, { size: 'Small' }));
    else if (check.state === 'Registering' || check.state === 'Pending') {
      const wait = mandatoryRetentionWait(check.subscriptionId, check.state, new Date(check.pendingSince ?? check.checkedAt), context.now);
      mrp.push(
        notice(l, wait.escalate ? 'warning' : 'info', l.say(wait.advice)),
        small(`${l.say(wait.recheckHint)} ${l.t('dep.onboarding.mrpCheckedAt', { time: l.dateTime(check.checkedAt) })}`, { subtle: true }),
      );
    } else if (check.state) {
      mrp.push(
        notice(l, 'warning', l.t('dep.onboarding.mrpOther', { ...where, state: check.state })),
        codeBlock(mandatoryRetentionCommands(check.subscriptionId).find((c) => c.shell === 'powershell')?.script ?? ''),
      );
    } else {
      mrp.push(
        notice(
          l,
          'warning',
          l.t('dep.onboarding.mrpUnknown', {
            ...where,
            error: l.say(check.error ?? ''),
            command: 'Get-AzProviderFeature -FeatureName mandatoryRetentionPeriodEnabled -ProviderNamespace Microsoft.Resources',
          }),
        ),
      );
    }
  }
  body.push(container(mrp, { separator: true }));
  body.push(
    ...details(
      `dep.onboarding.fallback.${journey.id}`,
      l.t('dep.onboarding.notCovered'),
      [
        text(l.say(onboardingFallback(scope)), { size: 'Small' }),
        ...withMessages(l, journey, textInput('onboardingReference', l.t('dep.onboarding.reference'), { value: journey.draft.onboardingReference ?? '', maxLength: 300 })),
        actionSet([executeAction(l.t('dep.onboarding.confirm'), DEP_VERBS.onboardingConfirm, addr(journey))]),
      ],
      { separator: true, open: journey.errors.onboardingReference !== undefined },
    ),
    small(`[${l.t('doc.customerKeySetUp')}](${DOC_LINKS.customerKeySetUp.url})`, { subtle: true }),
  );
  return body;
}

// ------------------------------------------------------------------------------------------ scope

function scopeBody(l: Localizer, journey: DepJourney, context: DepCardContext): CardElement[] {
  const d = journey.draft;
  const source = d.source ?? (context.pairs.length > 0 ? 'inventory' : 'uri');
  const body: CardElement[] = [
    text(l.t('dep.scope.intro')),
    ...withMessages(
      l,
      journey,
      choiceInput(
        'scope',
        l.t('dep.scope.policy'),
        WORKLOADS.map((w) => ({ title: workloadName(l, w), value: w })),
        { value: d.scope ?? '', style: 'expanded' },
      ),
    ),
    ...details('dep.scope.covers', l.t('setup.choice.coversToggle'), [
      text(WORKLOADS.map((w) => `**${workloadName(l, w)}:** ${l.t(`workload.${w}.covers`)}`).join('\n\n'), { size: 'Small' }),
    ]),
    ...withMessages(
      l,
      journey,
      choiceInput(
        'source',
        l.t('dep.scope.keys'),
        [
          { title: l.t('dep.scope.fromInventory', { count: context.pairs.length }), value: 'inventory' },
          { title: l.t('dep.scope.byUri'), value: 'uri' },
        ],
        { value: source, style: 'expanded' },
      ),
    ),
  ];
  if (context.pairs.length > 0) {
    body.push(
      ...withMessages(
        l,
        journey,
        choiceInput(
          'pairId',
          l.t('dep.scope.pair'),
          context.pairs.map((p) => ({ title: describePair(l, p), value: p.pairId })),
          { value: d.pairId ?? context.pairs[0]!.pairId, style: 'compact' },
        ),
      ),
    );
  } else {
    body.push(text(l.t('dep.scope.noPairs'), { size: 'Small', subtle: true }));
  }
  const uriInputs: CardElement[] = [];
  let uriErrors = false;
  for (const site of ['A', 'B'] as const) {
    const k = site === 'A' ? (d.keyA ?? {}) : (d.keyB ?? {});
    for (const suffix of ['uri', 'subscriptionId', 'resourceGroup']) if (journey.errors[`key${site}.${suffix}`] || journey.warnings[`key${site}.${suffix}`]) uriErrors = true;
    uriInputs.push(
      container(
        [
          text(`**${l.t('common.keySite', { site })}**`, { size: 'Small' }),
          ...withMessages(
            l,
            journey,
            textInput(`key${site}.uri`, l.t('dep.scope.uri', { site }), {
              value: k.uri ?? '',
              placeholder: 'https://<vault>.vault.azure.net/keys/<key>[/<version>]',
              maxLength: 2000,
            }),
          ),
          ...withMessages(
            l,
            journey,
            textInput(`key${site}.subscriptionId`, l.t('dep.scope.subscription', { site }), { value: k.subscriptionId ?? '', placeholder: '00000000-0000-0000-0000-000000000000' }),
          ),
          ...withMessages(l, journey, textInput(`key${site}.resourceGroup`, l.t('dep.scope.resourceGroup', { site }), { value: k.resourceGroup ?? '' })),
        ],
        { separator: true, spacing: 'Small' },
      ),
    );
  }
  body.push(...details('dep.scope.existing', l.t('dep.scope.existingToggle'), uriInputs, { open: source === 'uri' || uriErrors }));
  body.push(...fieldMessages(l, journey, 'keys'));
  if (journey.verification) body.push(...verificationElements(l, journey));
  return body;
}

function verificationElements(l: Localizer, journey: DepJourney): CardElement[] {
  const v = journey.verification;
  if (!v) return [];
  const summary = summarizeChecklist(v.lines);
  return [
    text(l.t('dep.checks', { at: l.dateTime(v.at), pass: summary.pass, warn: summary.warn, fail: summary.fail, unknown: summary.unknown }), { spacing: 'Medium' }),
    ...checklistElements(
      l,
      v.lines.filter((line) => line.status !== 'pass'),
    ),
  ];
}

// ------------------------------------------------------------------------------------------ details

function keyFacts(l: Localizer, journey: DepJourney): CardElement {
  const keys = journey.keys ?? [];
  const versions = journey.versions ?? [];
  return facts(l, [
    [l.t('dep.policyType'), journey.scope ? workloadName(l, journey.scope) : ''],
    ...keys.map((k, i): [string, string] => [
      l.t('common.keySite', { site: k.site }),
      versions[i] ? l.t('dep.keyVersion', { uri: k.versionlessUri, version: versions[i]!.slice(0, 8) }) : k.versionlessUri,
    ]),
  ]);
}

function detailsBody(l: Localizer, journey: DepJourney): CardElement[] {
  const d = journey.draft;
  const scope = journey.scope as DepScope;
  const body: CardElement[] = [];
  const v = journey.verification;
  const checked = v ? [small(l.t('dep.details.checked', { at: l.dateTime(v.at), pass: summarizeChecklist(v.lines).pass }), { subtle: true })] : [];
  if (scope === 'sharePoint') {
    body.push(
      notice(l, 'warning', l.t('dep.details.sharePoint')),
      ...withMessages(
        l,
        journey,
        textInput('adminUrls', l.t('dep.details.adminUrls'), { value: d.adminUrls ?? '', placeholder: 'https://contoso-admin.sharepoint.com', isMultiline: true, maxLength: 4000 }),
      ),
    );
  } else {
    body.push(
      ...withMessages(
        l,
        journey,
        textInput('policyName', l.t('dep.details.policyName'), { value: d.policyName ?? '', placeholder: scope === 'exchange' ? 'Contoso-EX' : 'Contoso-MW', maxLength: 200 }),
      ),
      ...withMessages(l, journey, textInput('description', l.t('dep.details.description'), { value: d.description ?? '', maxLength: 600 })),
    );
    if (scope === 'exchange') {
      body.push(
        ...withMessages(
          l,
          journey,
          choiceInput(
            'mailboxScope',
            l.t('dep.details.mailboxes'),
            [
              { title: l.t('dep.details.allMailboxes', { command: 'SKUAssigned' }), value: 'all' },
              { title: l.t('dep.details.listedMailboxes'), value: 'list' },
            ],
            { value: d.mailboxScope ?? 'all', style: 'expanded' },
          ),
        ),
        ...withMessages(l, journey, textInput('mailboxes', l.t('dep.details.mailboxList'), { value: d.mailboxes ?? '', isMultiline: true, maxLength: 20_000 })),
        small(l.t('dep.details.exchangeNote'), { subtle: true }),
      );
    } else {
      body.push(small(l.t('dep.details.multiWorkloadNote'), { subtle: true }));
    }
  }
  body.push(
    ...withMessages(l, journey, toggleInput('validate', l.t('dep.details.validateLabel'), l.t('dep.details.validate'), { value: d.validate === 'false' ? 'false' : 'true' })),
  );
  body.push(...details('dep.details.keys', l.t('dep.details.keysToggle'), [keyFacts(l, journey), ...checked]), ...fieldMessages(l, journey, 'keys'));
  return body;
}

// ------------------------------------------------------------------------------------------ review

function reviewBody(l: Localizer, journey: DepJourney, context: DepCardContext): CardElement[] {
  const script = journey.script;
  if (!script) return [text(l.t('dep.review.notYet'))];
  const download = journey.download;
  const expired = download ? Date.parse(download.expiresAt) <= context.now.getTime() : true;
  const body: CardElement[] = [text(`**${l.say(script.title)}**`)];
  if (script.scope === 'sharePoint') body.push(notice(l, 'warning', l.t('dep.review.sharePoint')));
  if (download?.url && !expired) {
    body.push(
      container(
        [
          text(l.t('dep.review.download', { file: script.fileName, until: l.dateTime(download.expiresAt), command: `Get-FileHash ${script.fileName}` }), { size: 'Small' }),
          actionSet([openUrlAction(l.t('dep.review.downloadButton', { file: script.fileName }), download.url)]),
        ],
        { style: 'emphasis' },
      ),
    );
  } else {
    body.push(notice(l, 'info', download?.url ? l.t('dep.review.expired') : l.t('dep.review.noDownload')));
  }
  if (download?.url) body.push(actionSet([executeAction(l.t('dep.action.newLink'), DEP_VERBS.newLink, addr(journey), { associatedInputs: 'none' })]));
  body.push(text(l.t('dep.review.after', { commands: script.verifyCommands.join(' · '), url: DOC_LINKS.customerKeyManage.url }), { size: 'Small' }));
  body.push(
    ...details(`dep.review.script.${journey.id}`, l.t('dep.review.scriptToggle'), [text(l.t('dep.review.script'), { size: 'Small' }), ...scriptElements(l, script.script)], {
      separator: true,
    }),
  );
  const more: CardElement[] = [
    keyFacts(l, journey),
    facts(l, [
      [l.t('dep.review.modules'), script.modules.join(', ')],
      [l.t('dep.review.adminRole'), script.adminRoles.join('; ')],
      [l.t('dep.review.scriptHash'), script.sha256],
      ...(download ? ([[l.t('dep.review.fileHash'), l.t('dep.review.fileHashValue', { hash: download.fileSha256, bytes: download.bytes })]] as Array<[string, string]>) : []),
    ]),
  ];
  if (script.scope !== 'sharePoint')
    more.push(small(l.t('dep.review.keysStay', { scope: script.scope, removeCommand: 'Set-Mailbox -Identity <mailbox> -DataEncryptionPolicy $null' }), { subtle: true }));
  if (script.unconfirmed.length > 0)
    more.push(
      container([text(l.t('dep.review.unconfirmed'), { size: 'Small' }), text(script.unconfirmed.map((u) => `- ${l.say(u)}`).join('\n'), { size: 'Small' })], { style: 'warning' }),
    );
  body.push(...details(`dep.review.facts.${journey.id}`, l.t('dep.review.factsToggle'), more));
  const extra: CardAction[] = [];
  if (context.appOnly && script.scope !== 'sharePoint' && journey.status === 'open') {
    body.push(
      container(
        [
          text(l.t('dep.review.keywardRuns', { connect: 'Connect-ExchangeOnline -ManagedIdentity' }), { size: 'Small' }),
          small(l.t('dep.review.appOnlyLeavesOut', { why: l.say(APP_ONLY_LEAVES_OUT_ONBOARDING) }), { subtle: true }),
          textInput('reason', l.t('dep.review.reason'), { isMultiline: true, maxLength: 1000 }),
          actionSet([executeAction(l.t('dep.review.submit'), DEP_VERBS.keyward, addr(journey))]),
        ],
        { separator: true },
      ),
      ...fieldMessages(l, journey, 'reason'),
    );
  }
  if (journey.status === 'open') extra.push(executeAction(l.t('dep.review.withdraw'), DEP_VERBS.withdraw, addr(journey), { associatedInputs: 'none' }));
  if (extra.length > 0) body.push(actionSet(extra));
  return body;
}

// ------------------------------------------------------------------------------------------ evidence

function evidenceBody(l: Localizer, journey: DepJourney, context: DepCardContext): CardElement[] {
  const script = journey.script;
  const d = journey.draft;
  const body: CardElement[] = [text(l.t('dep.evidence.intro'))];
  if (journey.scope === 'sharePoint') {
    const deps = context.deps;
    (journey.depIds ?? []).forEach((id, i) => {
      const dep = deps.find((x) => x.id === id);
      const url = dep && dep.dep.scope === 'sharePoint' ? dep.dep.adminUrl : l.t('dep.evidence.geo', { n: i + 1 });
      body.push(codeBlock('Get-SPODataEncryptionPolicy | Format-List'));
      body.push(
        ...withMessages(
          l,
          journey,
          textInput(`evidence.${i}`, l.t('dep.evidence.outputFor', { what: url }), { value: d.evidence?.[`evidence.${i}`] ?? '', isMultiline: true, maxLength: 30_000 }),
        ),
      );
    });
  } else {
    body.push(codeBlock(script?.verifyCommands[0] ?? ''));
    body.push(
      ...withMessages(l, journey, textInput('evidence.policy', l.t('dep.evidence.policy'), { value: d.evidence?.['evidence.policy'] ?? '', isMultiline: true, maxLength: 30_000 })),
    );
    if (journey.scope === 'multiWorkload') {
      body.push(codeBlock('Get-M365DataAtRestEncryptionPolicyAssignment | Format-List'));
      body.push(
        ...withMessages(
          l,
          journey,
          textInput('evidence.assignment', l.t('dep.evidence.assignment'), { value: d.evidence?.['evidence.assignment'] ?? '', isMultiline: true, maxLength: 30_000 }),
        ),
      );
    }
  }
  body.push(small(l.t('dep.evidence.limit', { command: '$FormatEnumerationLimit = -1' }), { subtle: true }));
  body.push(...details('dep.evidence.more', l.t('dep.evidence.privacyToggle'), [text(l.t('dep.evidence.privacy'), { size: 'Small' })]));
  return body;
}

// ------------------------------------------------------------------------------------------ recorded

function recordedBody(l: Localizer, journey: DepJourney, context: DepCardContext): CardElement[] {
  const body: CardElement[] = [];
  for (const result of journey.recorded ?? []) {
    const dep = context.deps.find((d) => d.id === result.depId);
    const items: CardElement[] = [
      text(l.t('dep.recorded.state', { registered: result.state === 'Registered' ? 'yes' : 'no', state: result.state, summary: l.say(result.summary) })),
    ];
    if (dep?.assignment?.kind === 'mailboxes')
      items.push(
        small(
          dep.assignment.mailboxes === 'all'
            ? l.t('dep.recorded.allMailboxes', { command: 'Get-MailboxStatistics <mailbox> | fl DataEncryptionPolicyID' })
            : l.t('dep.recorded.mailboxes', { list: dep.assignment.mailboxes.join(', ') }),
        ),
      );
    for (const problem of result.problems) items.push(notice(l, 'warning', l.say(problem)));
    if (result.state === 'Registering' || result.state === 'Rolling') items.push(small(l.t('dep.recorded.stillWorking'), { subtle: true }));
    body.push(container(items, { separator: true }));
  }
  body.push(small(l.t('dep.recorded.next'), { subtle: true }));
  return body;
}

/** A short line for the status card. */
export function describeDepJourney(journey: DepJourney, locale?: string): string {
  const l = localizer(locale);
  const values = { scope: journey.scope ? workloadName(l, journey.scope) : l.t('dep.kicker'), stage: stageTitle(l, journey.stage) };
  return journey.draft.policyName ? l.t('dep.lineNamed', { ...values, name: journey.draft.policyName }) : l.t('dep.line', values);
}
