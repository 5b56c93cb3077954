import {
  AVAILABILITY_KEY,
  AZURE_REGIONS,
  DOC_LINKS,
  CUSTOMER_KEY_LIMITS,
  PROTECTION_COMPARISON,
  SPEC_DEFAULTS,
  WORKLOAD_INFO,
  WORKLOADS,
  fieldPaths,
  formValuesFromDraft,
  summarizeChecklist,
  type ChecklistLine,
  type SiteId,
  type Workload,
} from '../../customerKey';
import type { RegionChoice, SetupJourney, SetupStage, SubscriptionChoice } from '../../journeys/setupJourney';
import { stagesFor } from '../../journeys/setupJourneyService';
import { isMessageId, localizer, type Localizer } from '../i18n/localizer';
import { planWords } from '../i18n/planWords';
import {
  actionSet,
  card,
  PEOPLE_DATASET,
  choiceInput,
  container,
  details,
  executeAction,
  facts,
  heading,
  notice,
  numberInput,
  text,
  textInput,
  toggleInput,
  type AdaptiveCardJson,
  type CardAction,
  type CardElement,
} from '../cards/adaptiveCard';
import { SETUP_VERBS } from './setupVerbs';

export interface KnownPerson {
  objectId: string;
  name: string;
}

export interface SetupCardContext {
  /** People the approval policy knows: the static choices of the people pickers (HSM administrators and officers). */
  knownPeople: readonly KnownPerson[];
  /**
   * Members of the groups the policy names, who alone may be custodians (the custodians'
   * pickers list them; absent: `knownPeople`), and the groups' names for the card to say so.
   */
  custodianCandidates?: readonly KnownPerson[];
  custodianGroups?: readonly string[];
  /** Whether the policy demands named custodians for key A and key B. */
  custodiansRequired: boolean;
  /** The activity's locale (BCP 47); English when absent or unknown. */
  locale?: string;
}

/**
 * The rows of the domain's PROTECTION_COMPARISON, in its order, as catalogue keys
 * (`setup.compare.<topic>.*`). A unit test keeps the English catalogue equal to the domain facts.
 */
export const COMPARISON_TOPICS = ['tenancy', 'fips', 'billing', 'duties', 'needs', 'access', 'regions'] as const;

/** Workload names and what they cover, in the card's language. */
export function workloadName(l: Localizer, workload: Workload): string {
  return l.t(`workload.${workload}.name`);
}

const stageTitle = (l: Localizer, stage: SetupStage) => l.t(`setup.stage.${stage}`);

/** The card for the journey's current stage. Pure: same journey, same card. */
export function renderSetupCard(journey: SetupJourney, context: SetupCardContext): AdaptiveCardJson {
  const l = localizer(context.locale);
  if (journey.status === 'cancelled') return renderClosedCard(journey, l.t('setup.closed.cancelled'), context.locale);
  if (journey.status === 'submitted') return renderSubmittedCard(journey, context.locale);
  const body: CardElement[] = [...header(l, journey)];
  switch (journey.stage) {
    case 'choice':
      body.push(...choiceBody(l, journey));
      break;
    case 'sites':
      body.push(...sitesBody(l, journey));
      break;
    case 'names':
      body.push(...namesBody(l, journey));
      break;
    case 'hsm':
      body.push(...hsmBody(l, journey, context));
      break;
    case 'approvers':
      body.push(...approversBody(l, journey, context));
      break;
    case 'preflight':
      body.push(...preflightBody(l, journey));
      break;
    case 'preview':
      body.push(...previewBody(l, journey));
      break;
  }
  return card(body, { actions: actionsFor(l, journey), fallbackText: l.t('setup.fallback', { title: stageTitle(l, journey.stage) }) });
}

function header(l: Localizer, journey: SetupJourney): CardElement[] {
  const stages = stagesFor(journey.draft);
  const position = stages.indexOf(journey.stage) + 1;
  const out: CardElement[] = [text(l.t('setup.step', { position, count: stages.length }), { subtle: true, size: 'Small' }), heading(stageTitle(l, journey.stage), 'Medium')];
  if (journey.notice) out.push(notice(l, 'info', l.say(journey.notice)));
  const errorCount = Object.keys(journey.errors).length;
  if (errorCount > 0) out.push(notice(l, 'error', l.t('common.fieldsNeedAttention', { count: errorCount })));
  return out;
}

const addr = (journey: SetupJourney, extra: Record<string, unknown> = {}) => ({ journeyId: journey.id, v: journey.version, ...extra });

function actionsFor(l: Localizer, journey: SetupJourney): CardAction[] {
  const stage = journey.stage;
  const actions: CardAction[] = [];
  if (stage === 'preflight') {
    const ready = journey.preflight ? summarizeChecklist(journey.preflight.lines).ready : false;
    // At most three buttons side by side: once everything is green, "Continue" replaces "Run again".
    if (ready) actions.push(executeAction(l.t('setup.action.continue'), SETUP_VERBS.preview, addr(journey), { style: 'positive', associatedInputs: 'none' }));
    else actions.push(executeAction(l.t('setup.action.rerun'), SETUP_VERBS.rerunPreflight, addr(journey), { associatedInputs: 'none' }));
  } else if (stage === 'preview') {
    actions.push(executeAction(l.t('setup.action.submit'), SETUP_VERBS.submit, addr(journey), { style: 'positive' }));
  } else {
    actions.push(
      executeAction(stage === 'approvers' ? l.t('setup.action.checkEverything') : l.t('common.next'), SETUP_VERBS.submitStep, addr(journey, { step: stage }), {
        style: 'positive',
      }),
    );
  }
  if (stage !== 'choice')
    actions.push(executeAction(l.t('common.back'), SETUP_VERBS.back, addr(journey), { associatedInputs: stage === 'preflight' || stage === 'preview' ? 'none' : 'auto' }));
  actions.push(executeAction(l.t('setup.action.cancel'), SETUP_VERBS.cancel, addr(journey), { style: 'destructive', associatedInputs: 'none' }));
  return actions;
}

// ------------------------------------------------------------------------------------------ fields

/** An input with its error and warning right under it, in words (ids `<input>.error`, `<input>.warning`). */
function field(l: Localizer, journey: SetupJourney, input: CardElement): CardElement[] {
  const id = String(input.id);
  const out: CardElement[] = [input];
  const error = journey.errors[id];
  const warning = journey.warnings[id];
  if (error) out.push(notice(l, 'error', l.say(error), { id: `${id}.error` }));
  if (warning) out.push(notice(l, 'warning', l.say(warning), { id: `${id}.warning` }));
  return out;
}

function values(journey: SetupJourney): Readonly<Record<string, string>> {
  return formValuesFromDraft(journey.draft);
}

/** A Microsoft page's title in the card's language when the catalogue knows the page (by URL). */
export function docTitle(l: Localizer, link: { title: string; url: string }): string {
  const key = Object.entries(DOC_LINKS).find(([, known]) => known.url === link.url)?.[0];
  const id = key ? `doc.${key}` : '';
  return isMessageId(id) ? l.t(id) : l.say(link.title);
}

function links(l: Localizer, items: ReadonlyArray<{ title: string; url: string }>): string {
  return items.map((link) => `[${docTitle(l, link)}](${link.url})`).join(' · ');
}

// ------------------------------------------------------------------------------------------ choice

/**
 * The decision first: the two options, each with its short comparison in the option itself, then
 * the workloads; the seven-topic comparison and what each workload covers open in place.
 */
function choiceBody(l: Localizer, journey: SetupJourney): CardElement[] {
  const v = values(journey);
  const comparison = PROTECTION_COMPARISON.map((row, i) => {
    const topic = COMPARISON_TOPICS[i];
    if (!topic)
      return container(
        [
          text(`**${l.say(row.topic)}**`),
          text(l.t('setup.choice.premiumSays', { text: l.say(row.keyVaultPremium) }), { size: 'Small' }),
          text(l.t('setup.choice.hsmSays', { text: l.say(row.managedHsm) }), { size: 'Small' }),
        ],
        { separator: true, spacing: 'Small' },
      );
    return container(
      [
        text(`**${l.t(`setup.compare.${topic}.topic`)}**`),
        text(l.t('setup.choice.premiumSays', { text: l.t(`setup.compare.${topic}.premium`) }), { size: 'Small', spacing: 'Small' }),
        text(l.t('setup.choice.hsmSays', { text: l.t(`setup.compare.${topic}.hsm`) }), { size: 'Small', spacing: 'Small' }),
        text(links(l, row.links), { size: 'Small', subtle: true, spacing: 'Small' }),
      ],
      { separator: true, spacing: 'Small' },
    );
  });
  return [
    text(l.t('setup.choice.intro')),
    ...field(
      l,
      journey,
      choiceInput(
        fieldPaths.protection,
        l.t('setup.choice.protection'),
        [
          { title: l.t('setup.choice.premium'), value: 'keyVaultPremium' },
          { title: l.t('setup.choice.hsm'), value: 'managedHsm' },
        ],
        { value: v[fieldPaths.protection] ?? '', style: 'expanded' },
      ),
    ),
    ...field(
      l,
      journey,
      choiceInput(
        fieldPaths.workloads,
        l.t('setup.choice.workloads'),
        WORKLOADS.map((w) => ({ title: workloadName(l, w), value: w })),
        { value: v[fieldPaths.workloads] ?? '', isMultiSelect: true, style: 'expanded' },
      ),
    ),
    ...details('setup.choice.compare', l.t('setup.choice.compareToggle'), comparison, { separator: true }),
    ...details('setup.choice.covers', l.t('setup.choice.coversToggle'), [
      text(WORKLOADS.map((w) => `**${workloadName(l, w)}:** ${l.t(`workload.${w}.covers`)}`).join('\n\n'), { size: 'Small' }),
    ]),
    // Issue 11 item 10: what the availability key is, who holds and rolls it, when Microsoft uses it.
    ...details('setup.choice.availability', l.t('setup.choice.availabilityToggle'), [
      text(`${l.say(AVAILABILITY_KEY.what)} ${l.say(AVAILABILITY_KEY.whenUsed)} ${l.say(AVAILABILITY_KEY.roll)}`, { size: 'Small' }),
      text(links(l, [DOC_LINKS.availabilityKey]), { size: 'Small', subtle: true }),
    ]),
  ];
}

// ------------------------------------------------------------------------------------------ sites

const BUILT_IN_REGIONS: readonly RegionChoice[] = AZURE_REGIONS.map((r) => ({
  name: r.name,
  displayName: r.displayName,
  geography: r.geography,
  ...(r.pairedRegion ? { pairedRegion: r.pairedRegion } : {}),
}));

/** "West Europe (Europe) · pair: North Europe": the pair beside each region, to avoid choosing both. */
function regionChoices(l: Localizer, regions: readonly RegionChoice[]): Array<{ title: string; value: string }> {
  const byName = new Map(regions.map((r) => [r.name, r]));
  const pairName = (name: string) => byName.get(name)?.displayName ?? AZURE_REGIONS.find((r) => r.name === name)?.displayName ?? name;
  return [...regions]
    .sort((a, b) => a.displayName.localeCompare(b.displayName))
    .map((r) => {
      const values = { name: r.displayName, geography: r.geography ?? '—' };
      return {
        title: r.pairedRegion ? l.t('setup.sites.regionChoice', { ...values, pair: pairName(r.pairedRegion) }) : l.t('setup.sites.regionChoiceNoPair', values),
        value: r.name,
      };
    });
}

const RETENTION_WORD: Record<string, 'registered' | 'pending' | 'notRegistered'> = {
  registered: 'registered',
  registering: 'pending',
  pending: 'pending',
  notregistered: 'notRegistered',
  unregistered: 'notRegistered',
  unregistering: 'notRegistered',
};
const STATE_WORD: Record<string, 'enabled' | 'warned' | 'pastDue' | 'disabled'> = { enabled: 'enabled', warned: 'warned', pastdue: 'pastDue', disabled: 'disabled' };

/** "Contoso CK Primary · enabled · mandatory retention: registered · 0b1f…0001": what a subscription is, at a glance. */
function subscriptionChoices(l: Localizer, subscriptions: readonly SubscriptionChoice[]): Array<{ title: string; value: string }> {
  const rank = (s: SubscriptionChoice) => (s.state === 'Enabled' ? 0 : 2) + (s.retention === 'Registered' ? 0 : 1);
  return [...subscriptions]
    .sort((a, b) => rank(a) - rank(b) || a.displayName.localeCompare(b.displayName))
    .map((s) => ({
      title: l.t('setup.sites.subscriptionChoice', {
        name: s.displayName,
        state: l.t(`setup.sites.state.${STATE_WORD[s.state.toLowerCase()] ?? 'other'}`),
        retention: l.t(`setup.sites.retention.${RETENTION_WORD[s.retention.toLowerCase()] ?? 'unknown'}`),
        id: s.subscriptionId,
      }),
      value: s.subscriptionId,
    }));
}

function sitesBody(l: Localizer, journey: SetupJourney): CardElement[] {
  const v = values(journey);
  const choices = journey.choices;
  const subscriptions = choices?.subscriptions ?? [];
  const listed = new Set(subscriptions.map((s) => s.subscriptionId));
  // Regions: those the listed subscriptions may use (each site's own list is checked on Next); else the built-in list.
  const regions = new Map<string, RegionChoice>();
  for (const list of Object.values(choices?.regions ?? {})) for (const r of list) if (!regions.has(r.name)) regions.set(r.name, r);
  const regionList = regionChoices(l, regions.size > 0 ? [...regions.values()] : BUILT_IN_REGIONS);
  const eligible = [...subscriptions].filter((s) => s.state === 'Enabled' && s.retention === 'Registered').map((s) => s.subscriptionId);
  const body: CardElement[] = [
    text(l.t('setup.sites.intro')),
    ...details('setup.sites.more', l.t('setup.sites.moreToggle'), [text(l.t('setup.sites.more'), { size: 'Small' }), text(l.t('setup.sites.regionsNote'), { size: 'Small' })]),
  ];
  if (choices?.subscriptionsUnavailable) body.push(notice(l, 'warning', l.t('setup.sites.unlisted', { reason: l.say(choices.subscriptionsUnavailable) })));
  else if (choices?.subscriptions && subscriptions.length === 0) body.push(notice(l, 'warning', l.t('setup.sites.noneListed')));
  (['A', 'B'] as const).forEach((site, index) => {
    const path = fieldPaths.subscriptionId(site);
    const current = (v[path] ?? '').trim().toLowerCase();
    const items: CardElement[] = [text(`**${l.t('common.keySite', { site })}**`)];
    if (subscriptions.length > 0) {
      // Preselected: the subscriptions ready for Customer Key (enabled, retention registered), a different one per key.
      const picked = current !== '' ? (listed.has(current) ? current : '') : (eligible[index] ?? '');
      // Radio buttons while the list is short, so each subscription's state and retention are read in full (a
      // closed drop-down cuts them off on a phone); a long list stays a drop-down.
      const style = subscriptions.length <= 6 ? 'expanded' : 'compact';
      items.push(
        ...field(
          l,
          journey,
          choiceInput(path, l.t('setup.sites.subscriptionPick', { site }), subscriptionChoices(l, subscriptions), {
            value: picked,
            style,
            ...(style === 'compact' ? { placeholder: l.t('setup.sites.subscriptionPlaceholder') } : {}),
          }),
        ),
      );
      items.push(
        ...details(
          `setup.sites.typed.${site}`,
          l.t('setup.sites.typedToggle'),
          [
            textInput(fieldPaths.typed(path), l.t('setup.sites.subscriptionTyped', { site }), {
              value: current !== '' && !listed.has(current) ? (v[path] ?? '') : '',
              placeholder: '00000000-0000-0000-0000-000000000000',
            }),
          ],
          { open: current !== '' && !listed.has(current) },
        ),
      );
    } else {
      items.push(...field(l, journey, textInput(path, l.t('setup.sites.subscription', { site }), { value: v[path] ?? '', placeholder: '00000000-0000-0000-0000-000000000000' })));
    }
    items.push(
      ...field(
        l,
        journey,
        textInput(fieldPaths.resourceGroup(site), l.t('setup.sites.resourceGroup', { site }), {
          value: v[fieldPaths.resourceGroup(site)] ?? `rg-customer-key-${site.toLowerCase()}`,
        }),
      ),
      ...field(
        l,
        journey,
        choiceInput(fieldPaths.region(site), l.t('setup.sites.region', { site }), regionList, {
          value: v[fieldPaths.region(site)] ?? '',
          style: 'compact',
          placeholder: l.t('setup.sites.regionPlaceholder'),
        }),
      ),
    );
    body.push(container(items, { separator: true }));
  });
  return body;
}

// ------------------------------------------------------------------------------------------ names

function namesBody(l: Localizer, journey: SetupJourney): CardElement[] {
  const v = values(journey);
  const premium = journey.draft.protection !== 'managedHsm';
  const workloads = (journey.draft.workloads ?? []).filter((w): w is Workload => (WORKLOADS as readonly string[]).includes(w));
  const suffix = journey.id
    .slice(-4)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x');
  const shortName = (w: Workload) => WORKLOAD_INFO[w].shortName;
  const suggestions = journey.choices?.names ?? {};
  const checkedAt = journey.choices?.at ? l.dateTime(journey.choices.at) : '';
  // A container's name: what the operator typed, else the pattern's suggestion (checked free), else a fallback.
  const nameField = (path: string, label: string, fallback: string): CardElement[] => {
    const suggestion = suggestions[path];
    const typed = v[path];
    const out = field(l, journey, textInput(path, label, { value: typed ?? suggestion?.name ?? fallback, maxLength: 24 }));
    if (suggestion && (typed === undefined || typed === suggestion.name) && !journey.errors[path]) {
      const said =
        suggestion.available === true ? l.t('setup.names.free', { time: checkedAt }) : suggestion.available === false ? l.t('setup.names.takenAll') : l.t('setup.names.notChecked');
      out.push(text(said, { size: 'Small', subtle: suggestion.available === true, spacing: 'None', ...(suggestion.available === false ? { color: 'Warning' as const } : {}) }));
    }
    return out;
  };
  const body: CardElement[] = [text(premium ? l.t('setup.names.introPremium') : l.t('setup.names.introHsm'))];
  for (const site of ['A', 'B'] as const) {
    const items: CardElement[] = [text(`**${l.t('common.keySite', { site })}**`)];
    if (premium) {
      for (const w of workloads)
        items.push(
          ...nameField(fieldPaths.vaultName(site, w), l.t('setup.names.vault', { workload: workloadName(l, w), site }), `kv-ck-${shortName(w)}-${site.toLowerCase()}-${suffix}`),
        );
    } else {
      items.push(...nameField(fieldPaths.hsmName(site), l.t('setup.names.hsm', { site }), `hsm-ck-${site.toLowerCase()}-${suffix}`));
    }
    for (const w of workloads) {
      items.push(
        ...field(
          l,
          journey,
          textInput(fieldPaths.keyName(site, w), l.t('setup.names.key', { workload: workloadName(l, w), site }), {
            value: v[fieldPaths.keyName(site, w)] ?? `ck-${shortName(w)}-key-${site.toLowerCase()}`,
            maxLength: 127,
          }),
        ),
      );
    }
    body.push(container(items, { separator: true }));
  }
  body.push(
    ...field(
      l,
      journey,
      choiceInput(
        fieldPaths.keySize,
        l.t('setup.names.keySize'),
        [
          { title: l.t('setup.names.rsaRecommended', { bits: '3072' }), value: '3072' },
          { title: l.t('setup.names.rsa', { bits: '4096' }), value: '4096' },
          { title: l.t('setup.names.rsa', { bits: '2048' }), value: '2048' },
        ],
        { value: v[fieldPaths.keySize] ?? String(SPEC_DEFAULTS.keySize), style: 'compact' },
      ),
    ),
  );
  if (premium) {
    body.push(
      ...field(
        l,
        journey,
        choiceInput(
          fieldPaths.accessModel,
          l.t('setup.names.accessModel'),
          [
            { title: l.t('setup.names.rbac'), value: 'rbac' },
            { title: l.t('setup.names.accessPolicy'), value: 'accessPolicy' },
          ],
          { value: v[fieldPaths.accessModel] ?? SPEC_DEFAULTS.accessModel, style: 'expanded' },
        ),
      ),
    );
  }
  body.push(
    text(l.t('setup.names.noExpiry'), { size: 'Small' }),
    ...details('setup.names.rules', l.t('setup.names.rulesToggle'), [
      text(premium ? l.t('setup.names.rulesPremium') : l.t('setup.names.rulesHsm'), { size: 'Small' }),
      text(l.t('setup.names.noExpiryMore'), { size: 'Small' }),
    ]),
  );
  return body;
}

// ------------------------------------------------------------------------------------------ hsm

/**
 * A people picker: in Teams a search of the whole directory (`choices.data`, the value is the
 * person's Entra object id); where that is missing, the static list of the people the policy
 * names. Values not among the static choices (found by the search, or typed earlier) go to the
 * typed fallback below it, which opens in place.
 */
function peoplePicker(
  l: Localizer,
  journey: SetupJourney,
  path: string,
  label: string,
  people: readonly KnownPerson[],
  chosen: readonly string[],
  fallback: { toggle: string; label: string; id: string },
): CardElement[] {
  const listed = new Set(people.map((p) => p.objectId.toLowerCase()));
  const picked = chosen.filter((id) => listed.has(id.trim().toLowerCase()));
  const others = chosen.filter((id) => id.trim() !== '' && !listed.has(id.trim().toLowerCase()));
  const choices = people.map((p) => ({ title: p.name, value: p.objectId }));
  return [
    ...field(
      l,
      journey,
      choiceInput(path, label, choices, {
        value: picked.join(','),
        isMultiSelect: true,
        style: 'filtered',
        placeholder: l.t('setup.people.placeholder'),
        choicesData: { type: 'Data.Query', dataset: PEOPLE_DATASET },
      }),
    ),
    ...details(fallback.id, fallback.toggle, [textInput(fieldPaths.typed(path), fallback.label, { value: others.join(', '), isMultiline: true })], { open: others.length > 0 }),
  ];
}

function hsmBody(l: Localizer, journey: SetupJourney, context: SetupCardContext): CardElement[] {
  const v = values(journey);
  const hsm = journey.draft.hsm ?? {};
  const typedRows = Math.min(CUSTOMER_KEY_LIMITS.securityDomainMaxOfficers, Math.max(3, (hsm.officers?.length ?? 0) + 1));
  const officerRows: CardElement[] = [];
  for (let i = 0; i < typedRows; i += 1) {
    officerRows.push(
      container(
        [
          ...field(l, journey, textInput(fieldPaths.officerName(i), l.t('setup.hsm.officerName', { n: i + 1 }), { value: v[fieldPaths.officerName(i)] ?? '' })),
          ...field(l, journey, textInput(fieldPaths.officerObjectId(i), l.t('setup.hsm.officerId', { n: i + 1 }), { value: v[fieldPaths.officerObjectId(i)] ?? '' })),
        ],
        { spacing: 'Small' },
      ),
    );
  }
  const officersTyped = (hsm.officers ?? []).some((row) => (row.objectId ?? '').trim() !== '' || (row.displayName ?? '').trim() !== '');
  const body: CardElement[] = [
    container(
      [
        text(l.t('setup.hsm.cost'), { color: 'Warning' }),
        ...field(
          l,
          journey,
          toggleInput(fieldPaths.costAcknowledged, l.t('setup.hsm.costLabel'), l.t('setup.hsm.costAck'), { value: v[fieldPaths.costAcknowledged] === 'true' ? 'true' : 'false' }),
        ),
      ],
      { style: 'warning' },
    ),
    ...peoplePicker(l, journey, fieldPaths.initialAdminObjectIds, l.t('setup.hsm.adminsPick'), context.knownPeople, hsm.initialAdminObjectIds ?? [], {
      id: 'setup.hsm.adminsTyped',
      toggle: l.t('setup.people.typedToggle'),
      label: l.t('setup.hsm.admins'),
    }),
    ...details('setup.hsm.adminsMore', l.t('setup.hsm.adminsToggle'), [text(l.t('setup.hsm.adminsHelp'), { size: 'Small' })]),
    ...field(
      l,
      journey,
      numberInput(fieldPaths.softDeleteRetentionDays, l.t('setup.hsm.retention'), {
        value: Number(v[fieldPaths.softDeleteRetentionDays] ?? SPEC_DEFAULTS.softDeleteRetentionDays),
        min: 7,
        max: 90,
      }),
    ),
    text(l.t('setup.hsm.officers'), { spacing: 'Medium' }),
    ...details('setup.hsm.officersMore', l.t('setup.hsm.officersToggle'), [text(l.t('setup.hsm.officersHelp'), { size: 'Small' })]),
    // One picker per officer: every client can pick one person per picker (the official renderer
    // without Teams' directory search filters the static list as you type, one person at a time).
    ...Array.from({ length: Math.min(CUSTOMER_KEY_LIMITS.securityDomainMaxOfficers, Math.max(5, (hsm.officerIds?.length ?? 0) + 1)) }, (_, i) =>
      choiceInput(
        fieldPaths.officerPick(i),
        l.t('setup.hsm.officerPick', { n: i + 1 }),
        context.knownPeople.map((p) => ({ title: p.name, value: p.objectId })),
        { value: hsm.officerIds?.[i] ?? '', style: 'filtered', placeholder: l.t('setup.people.placeholder'), choicesData: { type: 'Data.Query', dataset: PEOPLE_DATASET } },
      ),
    ),
    ...(journey.errors[fieldPaths.officerIds] ? [notice(l, 'error', l.say(journey.errors[fieldPaths.officerIds]!), { id: `${fieldPaths.officerIds}.error` })] : []),
    ...(journey.warnings[fieldPaths.officerIds] ? [notice(l, 'warning', l.say(journey.warnings[fieldPaths.officerIds]!), { id: `${fieldPaths.officerIds}.warning` })] : []),
    ...details('setup.hsm.officersTyped', l.t('setup.hsm.officersTypedToggle'), officerRows, { open: officersTyped }),
  ];
  if (journey.errors[fieldPaths.officers]) body.push(notice(l, 'error', l.say(journey.errors[fieldPaths.officers]!), { id: `${fieldPaths.officers}.error` }));
  body.push(...field(l, journey, numberInput(fieldPaths.quorum, l.t('setup.hsm.quorum'), { value: Number(v[fieldPaths.quorum] ?? SPEC_DEFAULTS.quorum), min: 2, max: 10 })));
  return body;
}

// ------------------------------------------------------------------------------------------ approvers

function approversBody(l: Localizer, journey: SetupJourney, context: SetupCardContext): CardElement[] {
  const candidates = context.custodianCandidates ?? context.knownPeople;
  const body: CardElement[] = [text(`${l.t('setup.approvers.intro')} ${context.custodiansRequired ? l.t('setup.approvers.enforced') : l.t('setup.approvers.optional')}`)];
  if (context.custodianGroups && context.custodianGroups.length > 0)
    body.push(text(l.t('setup.approvers.fromPolicy', { groups: l.list([...context.custodianGroups]) }), { size: 'Small', subtle: true }));
  for (const site of ['A', 'B'] as const satisfies readonly SiteId[]) {
    const id = fieldPaths.approvers(site);
    body.push(
      ...peoplePicker(l, journey, id, l.t('setup.approvers.custodians', { site }), candidates, journey.draft.approvers?.[site] ?? [], {
        id: `setup.approvers.typed.${site}`,
        toggle: l.t('setup.people.typedToggle'),
        label: l.t('setup.approvers.custodiansIds', { site }),
      }),
    );
  }
  body.push(text(l.t('setup.approvers.next'), { subtle: true, size: 'Small' }));
  return body;
}

// ------------------------------------------------------------------------------------------ preflight

const STATUS_ORDER: Record<ChecklistLine['status'], number> = { fail: 0, unknown: 1, warn: 2, pass: 3 };

/**
 * Checklist lines, red first, each with its fix in words; the commands and links of a fix open in
 * place. With `greenInDetails`, the green lines open in place too (the card's first screen is for
 * what needs doing). `idPrefix` keeps element ids unique when a card shows several checklists.
 */
export function checklistElements(l: Localizer, lines: readonly ChecklistLine[], options: { greenInDetails?: string; idPrefix?: string } = {}): CardElement[] {
  const sorted = [...lines].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
  const prefix = options.idPrefix ?? options.greenInDetails ?? 'check';
  const element = (line: ChecklistLine) => {
    const status = l.t(`status.${line.status}`);
    const items: CardElement[] = [
      text(`${status}: **${l.say(line.title)}**`, line.status === 'fail' ? { color: 'Attention' } : line.status === 'warn' ? { color: 'Warning' } : {}),
      text(l.say(line.detail), { size: 'Small', spacing: 'None' }),
    ];
    if (line.fix && line.status !== 'pass') {
      items.push(text(l.t('status.fix', { text: l.say(line.fix.text) }), { size: 'Small', spacing: 'None' }));
      const how: CardElement[] = [];
      for (const command of line.fix.commands ?? []) {
        how.push({ type: 'TextBlock', text: command.script, wrap: true, fontType: 'Monospace', size: 'Small', spacing: 'Small' });
      }
      if (line.fix.links && line.fix.links.length > 0) how.push(text(links(l, line.fix.links), { size: 'Small', subtle: true, spacing: 'Small' }));
      if (how.length > 0) items.push(...details(`${prefix}.fix.${line.id}`, (line.fix.commands ?? []).length > 0 ? l.t('status.showCommands') : l.t('status.showLinks'), how));
    }
    return container(items, { separator: true, spacing: 'Small' });
  };
  // While something blocks (red or unchecked), warnings open in place with the green lines.
  const blocking = sorted.some((line) => line.status === 'fail' || line.status === 'unknown');
  const hidden = (line: ChecklistLine) => line.status === 'pass' || (blocking && line.status === 'warn');
  const folded = sorted.filter(hidden);
  if (!options.greenInDetails || folded.length === 0) return sorted.map(element);
  const rest = sorted.filter((line) => !hidden(line));
  const warnings = folded.filter((line) => line.status === 'warn').length;
  const title = warnings > 0 ? l.t('status.showOthers', { count: folded.length, warnings }) : l.t('status.showGreen', { count: folded.length });
  return [...rest.map(element), ...details(options.greenInDetails, title, folded.map(element), { separator: rest.length > 0 })];
}

function preflightBody(l: Localizer, journey: SetupJourney): CardElement[] {
  const preflight = journey.preflight;
  if (!preflight) return [text(l.t('setup.preflight.notRun'))];
  const summary = summarizeChecklist(preflight.lines);
  const verdict = summary.ready
    ? notice(l, 'success', l.t('setup.preflight.passed', { warnings: summary.warn }))
    : notice(l, 'error', l.t('setup.preflight.failed', { fail: summary.fail, unknown: summary.unknown }));
  return [
    verdict,
    text(l.t('setup.preflight.checked', { at: l.dateTime(preflight.at) }), { subtle: true, size: 'Small' }),
    ...checklistElements(l, preflight.lines, { greenInDetails: 'setup.preflight.green' }),
  ];
}

// ------------------------------------------------------------------------------------------ preview

function previewBody(l: Localizer, journey: SetupJourney): CardElement[] {
  const plan = journey.plan;
  if (!plan || !journey.planHash) return [text(l.t('common.notBuiltYet'))];
  const minutes = Math.max(1, Math.round(plan.estimatedDurationSeconds / 60));
  const preflight = journey.preflight;
  const words = planWords(l, plan);
  const body: CardElement[] = [
    text(`**${words.title}**`),
    text(l.t('setup.preview.summary', { steps: plan.steps.length, minutes, class: l.t(`approval.class.${plan.operationClass}`) }), { size: 'Small', spacing: 'Small' }),
  ];
  if (plan.irreversible.length > 0)
    body.push(
      container([text(l.t('setup.preview.irreversible'), { color: 'Warning' }), text(words.irreversible.map((line) => `- ${line}`).join('\n'), { size: 'Small' })], {
        style: 'warning',
      }),
    );
  const more: CardElement[] = [
    text(plan.steps.map((step, i) => `${step.index + 1}. ${words.steps[i]}${step.irreversible ? ` ${l.t('setup.preview.cannotUndo')}` : ''}`).join('\n\n'), { size: 'Small' }),
  ];
  if (plan.costNotes.length > 0) more.push(text(l.t('setup.preview.cost'), { spacing: 'Medium' }), text(words.costNotes.map((line) => `- ${line}`).join('\n'), { size: 'Small' }));
  // Issue 11 item 7: what Keyward's identity keeps on the vaults or HSMs afterwards, always in view.
  body.push(
    ...details('setup.preview.stepList', l.t('common.stepsInOrder', { count: plan.steps.length }), more),
    ...(plan.keywardRights && plan.keywardRights.length > 0
      ? details('setup.preview.rights', l.t('setup.preview.keywardRights'), [text(words.keywardRights.map((line) => `- ${line}`).join('\n'), { size: 'Small' })])
      : []),
    text(l.t('common.planHashExplained'), { spacing: 'Medium', size: 'Small' }),
    { type: 'TextBlock', text: journey.planHash, wrap: true, fontType: 'Monospace', size: 'Small', spacing: 'None' },
    ...field(l, journey, textInput('reason', l.t('setup.preview.reason'), { value: '', isMultiline: true, maxLength: 1000 })),
    // The checks that led here, below the decision: the verdict, warnings in view, the green lines open in place.
    ...(preflight
      ? [
          notice(l, 'success', l.t('setup.preview.checksPassed', { count: preflight.lines.length, warnings: summarizeChecklist(preflight.lines).warn })),
          ...checklistElements(l, preflight.lines, { greenInDetails: 'setup.preview.checks', idPrefix: 'setup.preview.check' }),
        ]
      : []),
  );
  return body;
}

// ------------------------------------------------------------------------------------------ closed

export function renderSubmittedCard(journey: SetupJourney, locale?: string): AdaptiveCardJson {
  const l = localizer(locale);
  return card(
    [
      text(l.t('setup.kicker'), { subtle: true, size: 'Small' }),
      heading(l.t('setup.submitted.title'), 'Medium'),
      notice(l, 'success', l.t('setup.submitted.notice', { requestId: journey.requestId ?? '' })),
      facts(l, [
        [l.t('setup.submitted.plan'), journey.plan ? planWords(l, journey.plan).title : ''],
        [l.t('common.planHash'), journey.planHash ?? ''],
      ]),
      text(l.t('setup.submitted.next'), { subtle: true, size: 'Small' }),
    ],
    { fallbackText: l.t('setup.submitted.fallback') },
  );
}

export function renderClosedCard(journey: SetupJourney, message: string, locale?: string): AdaptiveCardJson {
  const l = localizer(locale);
  return card([text(l.t('setup.kicker'), { subtle: true, size: 'Small' }), heading(l.t('setup.closed.title'), 'Medium'), notice(l, 'info', message)], {
    actions: [executeAction(l.t('setup.action.startNew'), SETUP_VERBS.start, {}, { associatedInputs: 'none' })],
    fallbackText: l.t('setup.closed.fallback'),
  });
}

/**
 * The `status` card: the person's journeys and where each stands, with Resume and Cancel.
 * `extra.sections` (the inventory: vaults, HSMs, keys, DEPs and the other journeys) go below.
 */
export function renderJourneyListCard(journeys: readonly SetupJourney[], extra: { sections?: readonly CardElement[]; locale?: string } = {}): AdaptiveCardJson {
  const l = localizer(extra.locale);
  const body: CardElement[] = [heading(l.t('setup.list.title'), 'Medium')];
  if (journeys.length === 0) {
    body.push(text(l.t('setup.list.none')), ...(extra.sections ?? []));
    return card(body, { actions: [executeAction(l.t('setup.action.start'), SETUP_VERBS.start, {}, { associatedInputs: 'none' })], fallbackText: l.t('setup.list.noneFallback') });
  }
  for (const journey of journeys.slice(0, 15)) {
    const where =
      journey.status === 'submitted'
        ? l.t('setup.list.submitted', { requestId: journey.requestId ?? '' })
        : journey.status === 'cancelled'
          ? l.t('setup.list.cancelled')
          : journey.stage === 'preflight' && journey.preflight && !journey.preflight.ready
            ? l.t('setup.list.waitingPreflight')
            : l.t('setup.list.at', { stage: stageTitle(l, journey.stage) });
    const items: CardElement[] = [
      text(`**${describeDraft(l, journey)}**`),
      text(l.t('setup.list.line', { where, date: l.date(journey.createdAt), owner: journey.owner.name ?? journey.owner.aadObjectId }), {
        size: 'Small',
        subtle: true,
        spacing: 'None',
      }),
    ];
    if (journey.status === 'collecting') {
      items.push(
        actionSet([
          executeAction(l.t('common.resume'), SETUP_VERBS.resume, { journeyId: journey.id }, { associatedInputs: 'none' }),
          executeAction(l.t('common.cancel'), SETUP_VERBS.cancel, { journeyId: journey.id, v: journey.version }, { associatedInputs: 'none', style: 'destructive' }),
        ]),
      );
    }
    body.push(container(items, { separator: true, spacing: 'Small' }));
  }
  body.push(...(extra.sections ?? []));
  return card(body, { actions: [executeAction(l.t('setup.action.startAnother'), SETUP_VERBS.start, {}, { associatedInputs: 'none' })], fallbackText: l.t('setup.list.fallback') });
}

function describeDraft(l: Localizer, journey: SetupJourney): string {
  const protection =
    journey.draft.protection === 'managedHsm' ? l.t('common.managedHsm') : journey.draft.protection === 'keyVaultPremium' ? l.t('setup.list.premium') : l.t('setup.list.setup');
  const workloads = (journey.draft.workloads ?? []).filter((w): w is Workload => (WORKLOADS as readonly string[]).includes(w)).map((w) => workloadName(l, w));
  return workloads.length > 0 ? l.t('setup.list.draft', { protection, workloads: l.list(workloads) }) : protection;
}
