import {
  AVAILABILITY_KEY,
  AZURE_REGIONS,
  CUSTOMER_KEY_LIMITS,
  DOC_LINKS,
  MANAGED_HSM_COST_ACKNOWLEDGMENT,
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
import type { SetupJourney, SetupStage } from '../../journeys/setupJourney';
import { stagesFor } from '../../journeys/setupJourneyService';
import {
  actionSet,
  card,
  choiceInput,
  container,
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
  /** People the approval policy knows (offered as custodians). */
  knownPeople: readonly KnownPerson[];
  /** Whether the policy demands named custodians for key A and key B. */
  custodiansRequired: boolean;
}

const STAGE_TITLES: Record<SetupStage, string> = {
  choice: 'Where should the keys live?',
  sites: 'Subscriptions, resource groups and regions',
  names: 'Vault or HSM names, and the keys',
  hsm: 'Managed HSM: administrators, security domain, cost',
  approvers: 'Who approves each key',
  preflight: 'Preflight checks (read-only)',
  preview: 'Plan preview',
};

/** The card for the journey's current stage. Pure: same journey, same card. */
export function renderSetupCard(journey: SetupJourney, context: SetupCardContext): AdaptiveCardJson {
  if (journey.status === 'cancelled') return renderClosedCard(journey, 'This setup was cancelled. Nothing was created in Azure.');
  if (journey.status === 'submitted') return renderSubmittedCard(journey);
  const body: CardElement[] = [...header(journey)];
  switch (journey.stage) {
    case 'choice':
      body.push(...choiceBody(journey));
      break;
    case 'sites':
      body.push(...sitesBody(journey));
      break;
    case 'names':
      body.push(...namesBody(journey));
      break;
    case 'hsm':
      body.push(...hsmBody(journey));
      break;
    case 'approvers':
      body.push(...approversBody(journey, context));
      break;
    case 'preflight':
      body.push(...preflightBody(journey));
      break;
    case 'preview':
      body.push(...previewBody(journey));
      break;
  }
  return card(body, { actions: actionsFor(journey), fallbackText: `Keyward setup: ${STAGE_TITLES[journey.stage]}` });
}

function header(journey: SetupJourney): CardElement[] {
  const stages = stagesFor(journey.draft);
  const position = stages.indexOf(journey.stage) + 1;
  const out: CardElement[] = [
    text(`Customer Key setup · step ${position} of ${stages.length}`, { subtle: true, size: 'Small' }),
    heading(STAGE_TITLES[journey.stage], 'Medium'),
  ];
  if (journey.notice) out.push(notice('info', journey.notice));
  const errorCount = Object.keys(journey.errors).length;
  if (errorCount > 0) out.push(notice('error', `${errorCount === 1 ? 'One field needs' : `${errorCount} fields need`} attention; each is marked below. Everything you typed is kept.`));
  return out;
}

const addr = (journey: SetupJourney, extra: Record<string, unknown> = {}) => ({ journeyId: journey.id, v: journey.version, ...extra });

function actionsFor(journey: SetupJourney): CardAction[] {
  const stage = journey.stage;
  const actions: CardAction[] = [];
  if (stage === 'preflight') {
    const ready = journey.preflight ? summarizeChecklist(journey.preflight.lines).ready : false;
    if (ready) actions.push(executeAction('Continue to the plan', SETUP_VERBS.preview, addr(journey), { style: 'positive', associatedInputs: 'none' }));
    actions.push(executeAction('Run the checks again', SETUP_VERBS.rerunPreflight, addr(journey), { associatedInputs: 'none' }));
  } else if (stage === 'preview') {
    actions.push(executeAction('Submit for approval', SETUP_VERBS.submit, addr(journey), { style: 'positive' }));
  } else {
    actions.push(executeAction(stage === 'approvers' ? 'Check everything' : 'Next', SETUP_VERBS.submitStep, addr(journey, { step: stage }), { style: 'positive' }));
  }
  if (stage !== 'choice') actions.push(executeAction('Back', SETUP_VERBS.back, addr(journey), { associatedInputs: stage === 'preflight' || stage === 'preview' ? 'none' : 'auto' }));
  actions.push(executeAction('Cancel setup', SETUP_VERBS.cancel, addr(journey), { style: 'destructive', associatedInputs: 'none' }));
  return actions;
}

// ------------------------------------------------------------------------------------------ fields

function field(journey: SetupJourney, input: CardElement): CardElement[] {
  const id = String(input.id);
  const out: CardElement[] = [input];
  const error = journey.errors[id];
  const warning = journey.warnings[id];
  if (error) out.push(notice('error', error));
  if (warning) out.push(notice('warning', warning));
  return out;
}

function values(journey: SetupJourney): Readonly<Record<string, string>> {
  return formValuesFromDraft(journey.draft);
}

// ------------------------------------------------------------------------------------------ choice

function choiceBody(journey: SetupJourney): CardElement[] {
  const v = values(journey);
  const body: CardElement[] = [
    text('Customer Key puts your Microsoft 365 data at rest under two keys you own, in two Azure subscriptions. First choose where the keys live.'),
  ];
  for (const row of PROTECTION_COMPARISON) {
    body.push(
      container(
        [
          text(`**${row.topic}**`),
          facts([
            ['Key Vault Premium', row.keyVaultPremium],
            ['Managed HSM', row.managedHsm],
          ]),
          text(row.links.map((link) => `[${link.title}](${link.url})`).join(' · '), { size: 'Small', subtle: true }),
        ],
        { separator: true, spacing: 'Small' },
      ),
    );
  }
  body.push(
    ...field(
      journey,
      choiceInput(
        fieldPaths.protection,
        'Protection',
        [
          { title: 'Azure Key Vault Premium (HSM-protected keys)', value: 'keyVaultPremium' },
          { title: 'Azure Managed HSM (single-tenant, your security domain)', value: 'managedHsm' },
        ],
        { value: v[fieldPaths.protection] ?? '', style: 'expanded' },
      ),
    ),
    ...field(
      journey,
      choiceInput(
        fieldPaths.workloads,
        'Workloads to encrypt (one key pair each)',
        WORKLOADS.map((w) => ({ title: WORKLOAD_INFO[w].displayName, value: w })),
        { value: v[fieldPaths.workloads] ?? '', isMultiSelect: true, style: 'expanded' },
      ),
    ),
    text(WORKLOADS.map((w) => `**${WORKLOAD_INFO[w].displayName}:** ${WORKLOAD_INFO[w].covers}`).join('\n\n'), { size: 'Small', subtle: true }),
    container(
      [
        text('**The availability key**'),
        text(`${AVAILABILITY_KEY.what} ${AVAILABILITY_KEY.whenUsed} ${AVAILABILITY_KEY.roll}`, { size: 'Small' }),
        text(`[${DOC_LINKS.availabilityKey.title}](${DOC_LINKS.availabilityKey.url})`, { size: 'Small', subtle: true }),
      ],
      { separator: true, spacing: 'Small' },
    ),
  );
  return body;
}

// ------------------------------------------------------------------------------------------ sites

const REGION_CHOICES = [...AZURE_REGIONS].sort((a, b) => a.displayName.localeCompare(b.displayName)).map((region) => ({ title: `${region.displayName} (${region.geography})`, value: region.name }));

function sitesBody(journey: SetupJourney): CardElement[] {
  const v = values(journey);
  const body: CardElement[] = [
    text('Each key lives in its own subscription of your Microsoft 365 tenant: paid, dedicated to Customer Key, ideally run by different people. Microsoft recommends two different regions near your Microsoft 365 data, not a paired pair if possible; one region is allowed (for example in a single-region country).'),
  ];
  for (const site of ['A', 'B'] as const) {
    body.push(
      container(
        [
          text(`**Key ${site}** (site ${site})`),
          ...field(journey, textInput(fieldPaths.subscriptionId(site), `Subscription id for key ${site}`, { value: v[fieldPaths.subscriptionId(site)] ?? '', placeholder: '00000000-0000-0000-0000-000000000000' })),
          ...field(journey, textInput(fieldPaths.resourceGroup(site), `Resource group for key ${site} (created if missing)`, { value: v[fieldPaths.resourceGroup(site)] ?? `rg-customer-key-${site.toLowerCase()}` })),
          ...field(journey, choiceInput(fieldPaths.region(site), `Region for key ${site}`, REGION_CHOICES, { value: v[fieldPaths.region(site)] ?? '', style: 'compact' })),
        ],
        { separator: true },
      ),
    );
  }
  return body;
}

// ------------------------------------------------------------------------------------------ names

function namesBody(journey: SetupJourney): CardElement[] {
  const v = values(journey);
  const premium = journey.draft.protection !== 'managedHsm';
  const workloads = (journey.draft.workloads ?? []).filter((w): w is Workload => (WORKLOADS as readonly string[]).includes(w));
  const suffix = journey.id.slice(-4).toLowerCase().replace(/[^a-z0-9]/g, 'x');
  const body: CardElement[] = [
    text(
      premium
        ? 'One vault per workload in each subscription. Vault names are global across Azure: 3–24 letters, digits and hyphens, starting with a letter (no underscores, whatever some Microsoft examples show). Keyward checks availability when you press Next.'
        : 'One Managed HSM in each subscription, shared by all workloads. HSM names are global: 3–24 letters, digits and hyphens. Keyward checks availability when you press Next.',
    ),
  ];
  for (const site of ['A', 'B'] as const) {
    const items: CardElement[] = [text(`**Key ${site}**`)];
    if (premium) {
      for (const w of workloads) {
        const short = WORKLOAD_INFO[w].shortName;
        items.push(...field(journey, textInput(fieldPaths.vaultName(site, w), `Vault for ${WORKLOAD_INFO[w].displayName}, key ${site}`, { value: v[fieldPaths.vaultName(site, w)] ?? `kv-ck-${short}-${site.toLowerCase()}-${suffix}`, maxLength: 24 })));
      }
    } else {
      items.push(...field(journey, textInput(fieldPaths.hsmName(site), `Managed HSM for key ${site}`, { value: v[fieldPaths.hsmName(site)] ?? `hsm-ck-${site.toLowerCase()}-${suffix}`, maxLength: 24 })));
    }
    for (const w of workloads) {
      const short = WORKLOAD_INFO[w].shortName;
      items.push(...field(journey, textInput(fieldPaths.keyName(site, w), `Key for ${WORKLOAD_INFO[w].displayName}, key ${site}`, { value: v[fieldPaths.keyName(site, w)] ?? `ck-${short}-key-${site.toLowerCase()}`, maxLength: 127 })));
    }
    body.push(container(items, { separator: true }));
  }
  body.push(
    ...field(
      journey,
      choiceInput(
        fieldPaths.keySize,
        'Key size (RSA, HSM-protected)',
        [
          { title: 'RSA 3072 (recommended)', value: '3072' },
          { title: 'RSA 4096', value: '4096' },
          { title: 'RSA 2048', value: '2048' },
        ],
        { value: v[fieldPaths.keySize] ?? String(SPEC_DEFAULTS.keySize), style: 'compact' },
      ),
    ),
  );
  if (premium) {
    body.push(
      ...field(
        journey,
        choiceInput(
          fieldPaths.accessModel,
          'Vault access model',
          [
            { title: 'Azure RBAC (recommended; roles such as Key Vault Crypto Service Encryption User)', value: 'rbac' },
            { title: 'Access policies (the historically documented Customer Key path)', value: 'accessPolicy' },
          ],
          { value: v[fieldPaths.accessModel] ?? SPEC_DEFAULTS.accessModel, style: 'expanded' },
        ),
      ),
    );
  }
  body.push(
    text(
      '**No expiry date on the keys.** Microsoft 365 stops using a key that has expired, so Customer Key validation accepts no expiry (or exactly 9999-12-31). Keyward creates the keys with wrapKey and unwrapKey only, soft delete and purge protection on the vault, and never an expiry.',
      { size: 'Small' },
    ),
  );
  return body;
}

// ------------------------------------------------------------------------------------------ hsm

function hsmBody(journey: SetupJourney): CardElement[] {
  const v = values(journey);
  const officerRows = Math.min(CUSTOMER_KEY_LIMITS.securityDomainMaxOfficers, Math.max(5, (journey.draft.hsm?.officers?.length ?? 0) + 1));
  const body: CardElement[] = [
    text('**Initial administrators** are Entra **object ids** (users or groups), not client/application ids: Azure grants the role to the principal\'s object id, and a client id names an app registration, which would leave an administrator nobody can sign in as. Keyward\'s own identity is added so it can run the activation.'),
    ...field(journey, textInput(fieldPaths.initialAdminObjectIds, 'Initial administrators (object ids, comma separated)', { value: v[fieldPaths.initialAdminObjectIds] ?? '', isMultiline: true })),
    ...field(journey, numberInput(fieldPaths.softDeleteRetentionDays, 'Soft-delete retention in days (7–90, fixed at creation; 90 recommended)', { value: Number(v[fieldPaths.softDeleteRetentionDays] ?? SPEC_DEFAULTS.softDeleteRetentionDays), min: 7, max: 90 })),
    text('**Security-domain officers** (3 to 10). Each officer will hand Keyward the *public* certificate of an RSA key pair they keep offline; no private key ever reaches Keyward or chat. A quorum of them can recover the HSM; lose the security domain and the quorum, and nobody can.'),
  ];
  for (let i = 0; i < officerRows; i += 1) {
    body.push(
      container(
        [
          ...field(journey, textInput(fieldPaths.officerName(i), `Officer ${i + 1}: name`, { value: v[fieldPaths.officerName(i)] ?? '' })),
          ...field(journey, textInput(fieldPaths.officerObjectId(i), `Officer ${i + 1}: object id`, { value: v[fieldPaths.officerObjectId(i)] ?? '' })),
        ],
        { spacing: 'Small' },
      ),
    );
  }
  if (journey.errors[fieldPaths.officers]) body.push(notice('error', journey.errors[fieldPaths.officers]!));
  body.push(
    ...field(journey, numberInput(fieldPaths.quorum, 'Quorum: officers needed to recover (2–10, at most the number of officers)', { value: Number(v[fieldPaths.quorum] ?? SPEC_DEFAULTS.quorum), min: 2, max: 10 })),
    container(
      [
        text('**Cost.** A Managed HSM is billed every hour from the moment it is provisioned — before it is activated, while it is idle, and after deletion while it is soft-deleted. Purge protection keeps it (and the bill) for the whole retention period. Customer Key needs two.', { color: 'Warning' }),
        ...field(journey, toggleInput(fieldPaths.costAcknowledged, 'Billing acknowledgment', MANAGED_HSM_COST_ACKNOWLEDGMENT, { value: v[fieldPaths.costAcknowledged] === 'true' ? 'true' : 'false' })),
      ],
      { style: 'warning', separator: true },
    ),
  );
  return body;
}

// ------------------------------------------------------------------------------------------ approvers

function approversBody(journey: SetupJourney, context: SetupCardContext): CardElement[] {
  const v = values(journey);
  const body: CardElement[] = [
    text(
      `Microsoft recommends that different people look after key A and key B. ${context.custodiansRequired ? 'Your approval policy **enforces** it: each key needs its own custodian\'s approval, and nobody may count for both.' : 'Name custodians to have Keyward enforce it; leave empty to rely on the approval policy alone.'}`,
    ),
  ];
  for (const site of ['A', 'B'] as const satisfies readonly SiteId[]) {
    const id = fieldPaths.approvers(site);
    const input =
      context.knownPeople.length > 0
        ? choiceInput(id, `Custodians of key ${site}`, context.knownPeople.map((p) => ({ title: p.name, value: p.objectId })), { value: v[id] ?? '', isMultiSelect: true, style: 'expanded' })
        : textInput(id, `Custodians of key ${site} (object ids, comma separated)`, { value: v[id] ?? '' });
    body.push(...field(journey, input));
  }
  body.push(text('Next, Keyward runs read-only checks against Azure (subscriptions, mandatory retention, names, quota, its own permissions, the Microsoft 365 service principals).', { subtle: true, size: 'Small' }));
  return body;
}

// ------------------------------------------------------------------------------------------ preflight

const STATUS_WORDS: Record<ChecklistLine['status'], string> = {
  pass: '✅ Pass',
  fail: '❌ Fails',
  warn: '⚠️ Warning',
  unknown: '❔ Not checked',
};

export function checklistElements(lines: readonly ChecklistLine[]): CardElement[] {
  const order: Record<ChecklistLine['status'], number> = { fail: 0, unknown: 1, warn: 2, pass: 3 };
  return [...lines]
    .sort((a, b) => order[a.status] - order[b.status])
    .map((line) => {
      const items: CardElement[] = [text(`${STATUS_WORDS[line.status]} — **${line.title}**`, line.status === 'fail' ? { color: 'Attention' } : line.status === 'warn' ? { color: 'Warning' } : {}), text(line.detail, { size: 'Small', spacing: 'None' })];
      if (line.fix && line.status !== 'pass') {
        items.push(text(`**Fix:** ${line.fix.text}`, { size: 'Small', spacing: 'None' }));
        for (const command of line.fix.commands ?? []) {
          items.push({ type: 'TextBlock', text: command.script, wrap: true, fontType: 'Monospace', size: 'Small', spacing: 'None' });
        }
        if (line.fix.links && line.fix.links.length > 0) items.push(text(line.fix.links.map((l) => `[${l.title}](${l.url})`).join(' · '), { size: 'Small', subtle: true, spacing: 'None' }));
      }
      return container(items, { separator: true, spacing: 'Small' });
    });
}

function preflightBody(journey: SetupJourney): CardElement[] {
  const preflight = journey.preflight;
  if (!preflight) return [text('The checks have not run yet. Press "Run the checks again".')];
  const summary = summarizeChecklist(preflight.lines);
  const verdict = summary.ready
    ? notice('success', `All checks passed${summary.warn > 0 ? ` (${summary.warn} warning${summary.warn === 1 ? '' : 's'})` : ''}. Continue to the plan.`)
    : notice('error', `${summary.fail} check${summary.fail === 1 ? '' : 's'} failed and ${summary.unknown} could not be checked. Each line says how to fix it; the journey waits here — come back any time with "status" and run the checks again.`);
  return [text(`Checked ${new Date(preflight.at).toUTCString()}. Read-only: nothing was changed in Azure.`, { subtle: true, size: 'Small' }), verdict, ...checklistElements(preflight.lines)];
}

// ------------------------------------------------------------------------------------------ preview

function previewBody(journey: SetupJourney): CardElement[] {
  const plan = journey.plan;
  if (!plan || !journey.planHash) return [text('The plan is not built yet.')];
  const minutes = Math.max(1, Math.round(plan.estimatedDurationSeconds / 60));
  const body: CardElement[] = [
    text(`**${plan.title}**`),
    facts([
      ['Steps', String(plan.steps.length)],
      ['Expected duration', `about ${minutes} minute${minutes === 1 ? '' : 's'} of Azure work after approval`],
      ['Approval class', plan.operationClass],
    ]),
    text('**Steps, in order**', { spacing: 'Medium' }),
    text(plan.steps.map((step) => `${step.index + 1}. ${step.summary}${step.irreversible ? ' — **cannot be undone**' : ''}`).join('\n\n'), { size: 'Small' }),
  ];
  if (plan.irreversible.length > 0) body.push(container([text('**What cannot be undone**', { color: 'Warning' }), text(plan.irreversible.map((line) => `- ${line}`).join('\n'), { size: 'Small' })], { style: 'warning' }));
  if (plan.costNotes.length > 0) body.push(container([text('**Cost**'), text(plan.costNotes.map((line) => `- ${line}`).join('\n'), { size: 'Small' })]));
  if (plan.keywardRights && plan.keywardRights.length > 0) {
    body.push(container([text("**What Keyward's identity keeps afterwards**"), text(plan.keywardRights.map((line) => `- ${line}`).join('\n'), { size: 'Small' })]));
  }
  body.push(
    text('**Plan hash (SHA-256)** — approvers vote on exactly this plan; any change voids their votes.', { spacing: 'Medium' }),
    { type: 'TextBlock', text: journey.planHash, wrap: true, fontType: 'Monospace', size: 'Small' },
    ...field(journey, textInput('reason', 'Why is this change needed? (shown to approvers, kept in the audit log)', { value: '', isMultiline: true, maxLength: 1000 })),
  );
  return body;
}

// ------------------------------------------------------------------------------------------ closed

export function renderSubmittedCard(journey: SetupJourney): AdaptiveCardJson {
  return card(
    [
      text('Customer Key setup', { subtle: true, size: 'Small' }),
      heading('Submitted for approval', 'Medium'),
      notice('success', `Request ${journey.requestId ?? ''} is waiting for the approvers. Nothing runs in Azure until the approval policy is met.`),
      facts([
        ['Plan', journey.plan?.title ?? ''],
        ['Plan hash', journey.planHash ?? ''],
      ]),
      text('You will hear the decision here. Type "approvals" to see the request, or "status" for all your journeys.', { subtle: true, size: 'Small' }),
    ],
    { fallbackText: 'Keyward: setup submitted for approval.' },
  );
}

export function renderClosedCard(journey: SetupJourney, message: string): AdaptiveCardJson {
  return card([text('Customer Key setup', { subtle: true, size: 'Small' }), heading('Setup closed', 'Medium'), notice('info', message)], {
    actions: [executeAction('Start a new setup', SETUP_VERBS.start, {}, { associatedInputs: 'none' })],
    fallbackText: 'Keyward: setup closed.',
  });
}

/**
 * The `status` card: the person's journeys and where each stands, with Resume and Cancel.
 * `extra.sections` (the inventory: vaults, HSMs, keys, DEPs and the other journeys) go below.
 */
export function renderJourneyListCard(journeys: readonly SetupJourney[], extra: { sections?: readonly CardElement[] } = {}): AdaptiveCardJson {
  const body: CardElement[] = [heading('Your Customer Key journeys', 'Medium')];
  if (journeys.length === 0) {
    body.push(text('No journeys yet. Type "setup" (or press the button) to start one.'), ...(extra.sections ?? []));
    return card(body, { actions: [executeAction('Start a setup', SETUP_VERBS.start, {}, { associatedInputs: 'none' })], fallbackText: 'Keyward: no journeys yet.' });
  }
  for (const journey of journeys.slice(0, 15)) {
    const where =
      journey.status === 'submitted'
        ? `submitted for approval (request ${journey.requestId ?? ''})`
        : journey.status === 'cancelled'
          ? 'cancelled'
          : journey.stage === 'preflight' && journey.preflight && !journey.preflight.ready
            ? 'waiting: preflight has red lines (e.g. mandatory retention not yet confirmed)'
            : `at "${STAGE_TITLES[journey.stage]}"`;
    const items: CardElement[] = [
      text(`**${describeDraft(journey)}**`),
      text(`${where} · started ${journey.createdAt.slice(0, 10)} by ${journey.owner.name ?? journey.owner.aadObjectId}`, { size: 'Small', subtle: true, spacing: 'None' }),
    ];
    if (journey.status === 'collecting') {
      items.push(
        actionSet([
          executeAction('Resume', SETUP_VERBS.resume, { journeyId: journey.id }, { associatedInputs: 'none' }),
          executeAction('Cancel', SETUP_VERBS.cancel, { journeyId: journey.id, v: journey.version }, { associatedInputs: 'none', style: 'destructive' }),
        ]),
      );
    }
    body.push(container(items, { separator: true, spacing: 'Small' }));
  }
  body.push(...(extra.sections ?? []));
  return card(body, { actions: [executeAction('Start another setup', SETUP_VERBS.start, {}, { associatedInputs: 'none' })], fallbackText: 'Keyward: your journeys.' });
}

function describeDraft(journey: SetupJourney): string {
  const protection = journey.draft.protection === 'managedHsm' ? 'Managed HSM' : journey.draft.protection === 'keyVaultPremium' ? 'Key Vault Premium' : 'Setup';
  const workloads = (journey.draft.workloads ?? []).filter((w): w is Workload => (WORKLOADS as readonly string[]).includes(w)).map((w) => WORKLOAD_INFO[w].displayName);
  return `${protection}${workloads.length > 0 ? ` — ${workloads.join(', ')}` : ''}`;
}
