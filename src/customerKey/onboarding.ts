/**
 * Tenant onboarding (issue 11 item 8): before the first Data Encryption Policy of a workload,
 * Microsoft must have onboarded the tenant for Customer Key. Today that is a request to Microsoft's
 * Customer Key onboarding service through the M365CustomerKeyOnboarding module
 * (`New-CustomerKeyOnboardingRequest`, tracked with `Get-CustomerKeyOnboardingRequest`); before
 * the module it was a request to Microsoft per workload. Keyward writes the scripts, reads the
 * pasted `Get-CustomerKeyOnboardingRequest` output, and keeps one onboarding record per workload.
 *
 * Sources: the module's own files in the PowerShell Gallery (1.1.1; facts "Corrections and
 * additions"), Purview "Set up Customer Key" [S1, S2]. UNCONFIRMED, and said so on the card: the
 * -Scenario values other than MDEP, the -OnboardingMode values, the output property names, and
 * whether the module covers the Exchange and SharePoint workloads at all.
 */
import { appError, say, sha256Hex, type Message, type Text } from '../core';
import { DOC_LINKS, MANDATORY_RETENTION_FEATURE, mandatoryRetentionCommands } from './facts';
import { parseFormatList, type FormatListRecord } from './depParsers';
import { parseKeyIdentifier } from './keyUris';
import { validateSubscriptionId, validateTenantId } from './naming';
import { lit, psCommand } from './powershell';
import type { DepKeyInput, DepScript } from './depTypes';
import { WORKLOAD_INFO, workloadName, type Workload } from './workloads';

export const ONBOARDING_MODULE_NAME = 'M365CustomerKeyOnboarding';

/** Where a workload's onboarding stands. */
export type OnboardingState =
  /** Nothing recorded yet. */
  | 'notStarted'
  /** The module's validation passed; the request itself (Enable) is not recorded yet. */
  | 'validated'
  /** The request was filed; Microsoft has not reported it done. */
  | 'requested'
  /** The validation or the request failed (FailedValidations lists why). */
  | 'failed'
  /** Microsoft reports the workload onboarded (EnablementResult Success). */
  | 'onboarded'
  /** Fallback: Microsoft confirmed onboarding outside the module (a workload it does not cover). */
  | 'confirmedByMicrosoft';

/** One workload's onboarding, as Keyward records it. */
export interface OnboardingRecord {
  readonly tenantId: string;
  readonly workload: Workload;
  readonly state: OnboardingState;
  /** The onboarding service's request id, when the output showed one. */
  readonly requestId?: string;
  /** FailedValidations (data, as the service printed them) or other problems from the last pasted output. */
  readonly problems: readonly Text[];
  /** For `confirmedByMicrosoft`: the reference the operator gave (ticket or mail). */
  readonly reference?: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** A DEP may be created only once its workload is onboarded. */
export function onboardingDone(record: OnboardingRecord | undefined): boolean {
  return record?.state === 'onboarded' || record?.state === 'confirmedByMicrosoft';
}

/**
 * Whether the module covers a workload. Only `MDEP` (multi-workload) is seen in practice; for the
 * Exchange and SharePoint workloads the module's scenario values are UNCONFIRMED, so the card
 * offers the module (with the value below, which the operator can change) and the fallback.
 */
export const ONBOARDING_COVERAGE: Readonly<Record<Workload, { readonly scenario: string; readonly covered: 'yes' | 'unconfirmed' }>> = {
  multiWorkload: { scenario: 'MDEP', covered: 'yes' },
  exchange: { scenario: 'EXO', covered: 'unconfirmed' },
  sharePoint: { scenario: 'SPO', covered: 'unconfirmed' },
};

/** What to do when the module does not cover a workload (or refuses its scenario). */
export function onboardingFallback(workload: Workload): Message {
  const name = workloadName(workload);
  const feature = MANDATORY_RETENTION_FEATURE.featureName;
  return say(
    'onboarding.fallback',
    `If ${ONBOARDING_MODULE_NAME} does not accept the scenario for ${name.text} (an error about -Scenario), onboard it through Microsoft instead: open a Microsoft support request for Customer Key onboarding of this workload, naming the tenant id, both subscription ids and the two key URIs, and attach the Get-AzProviderFeature output for ${feature} of both subscriptions. When Microsoft confirms, record it here with the support reference.`,
    { module: ONBOARDING_MODULE_NAME, workload: name, parameter: '-Scenario', cmdlet: 'Get-AzProviderFeature', feature },
  );
}

export interface OnboardingScriptInput {
  readonly tenantId: string;
  readonly workload: Workload;
  readonly keys: readonly [DepKeyInput, DepKeyInput];
  /** `-Scenario` value (default per ONBOARDING_COVERAGE). */
  readonly scenario?: string;
  /** Module 1.1.x `-KeyIdentifier1/2` (default) or 1.0.x `-VaultName1/-KeyName1`. */
  readonly parameterStyle?: 'keyIdentifier' | 'vaultAndKeyName';
}

/**
 * The onboarding script: validate first (changes nothing), and only when the validation reports
 * Success, file the request (`-OnboardingMode Enable`); then print every onboarding request of the
 * tenant for the operator to paste back.
 * @throws AppError `ValidationFailed` with `details.errors` for invalid values.
 */
export function buildOnboardingScript(input: OnboardingScriptInput): DepScript {
  const errors: Record<string, Message> = {};
  const tenantProblem = validateTenantId(input.tenantId);
  if (tenantProblem) errors.tenantId = tenantProblem;
  const scenario = (input.scenario ?? ONBOARDING_COVERAGE[input.workload].scenario).trim();
  if (!/^[A-Za-z]{2,16}$/.test(scenario))
    errors.scenario = say('onboarding.badScenario', `'${scenario}' is not a scenario name (letters only, such as MDEP).`, { value: scenario, example: 'MDEP' });
  const parsed = input.keys.map((key, i) => {
    const result = parseKeyIdentifier(key.uri);
    if (!result.ok) errors[`keys.${i}.uri`] = result.error;
    const subProblem = validateSubscriptionId(key.subscriptionId);
    if (subProblem) errors[`keys.${i}.subscriptionId`] = subProblem;
    if (result.ok && result.key.kind === 'managedHsm' && input.parameterStyle === 'vaultAndKeyName') {
      errors[`keys.${i}.uri`] = say('onboarding.hsmNeedsKeyIdentifier', "Managed HSM keys need the module's -KeyIdentifier parameters (module 1.1.0 or later).", {
        parameter: '-KeyIdentifier',
        version: '1.1.0',
      });
    }
    return result.ok ? result.key : undefined;
  });
  const [a, b] = parsed;
  if (Object.keys(errors).length > 0 || !a || !b)
    throw appError(
      'ValidationFailed',
      `The onboarding request is invalid: ${Object.values(errors)
        .map((e) => e.text)
        .join(' ')}`,
      { errors },
    );
  const tenant = input.tenantId.trim().toLowerCase();
  const [ka, kb] = input.keys;
  const keyArgs =
    input.parameterStyle === 'vaultAndKeyName'
      ? ([
          ['VaultName1', lit(a.containerName)],
          ['KeyName1', lit(a.keyName)],
          ['Subscription2', lit(kb.subscriptionId.trim().toLowerCase())],
          ['VaultName2', lit(b.containerName)],
          ['KeyName2', lit(b.keyName)],
        ] as const)
      : ([
          ['KeyIdentifier1', lit(a.versionlessUri)],
          ['Subscription2', lit(kb.subscriptionId.trim().toLowerCase())],
          ['KeyIdentifier2', lit(b.versionlessUri)],
        ] as const);
  const request = (mode: 'Validate' | 'Enable') =>
    psCommand('New-CustomerKeyOnboardingRequest', [
      ['OrganizationId', lit(tenant)],
      ['Scenario', lit(scenario)],
      ['Subscription1', lit(ka.subscriptionId.trim().toLowerCase())],
      ...keyArgs,
      ['OnboardingMode', lit(mode)],
    ]);
  const lines = [
    `# Keyward: Customer Key onboarding of ${WORKLOAD_INFO[input.workload].displayName}`,
    '# Generated by Keyward from validated values. Every value is a single-quoted PowerShell literal.',
    `# Needs: ${ONBOARDING_MODULE_NAME} (Install-Module ${ONBOARDING_MODULE_NAME} -Scope CurrentUser); sign in as an administrator of the tenant.`,
    '# The signed-in account needs Reader on both subscriptions (community guidance, UNCONFIRMED).',
    `# Docs: ${DOC_LINKS.customerKeySetUp.url}`,
    '',
    "$ErrorActionPreference = 'Stop'",
    `Import-Module ${ONBOARDING_MODULE_NAME}`,
    '',
    '# Step 1 of 3: validate (changes nothing).',
    `$Validation = ${request('Validate')}`,
    '$Validation | Format-List',
    'if ("$($Validation.ValidationResult)" -ne \'Success\') {',
    "  throw 'The onboarding validation did not report Success. Fix the FailedValidations listed above (the mandatory retention period on both subscriptions is the usual one) and run this script again.'",
    '}',
    '',
    '# Step 2 of 3: file the onboarding request with Microsoft.',
    `$Request = ${request('Enable')}`,
    '$Request | Format-List',
    '',
    '# Step 3 of 3: paste the output of this command back into Keyward (run it again later to see Microsoft finish).',
    `${psCommand('Get-CustomerKeyOnboardingRequest', [['OrganizationId', lit(tenant)]])} | Format-List`,
  ];
  const script = `${lines.join('\n')}\n`;
  return {
    scope: input.workload,
    purpose: 'onboard',
    title: say('onboarding.scriptTitle', `Customer Key onboarding: ${WORKLOAD_INFO[input.workload].displayName}`, { workload: workloadName(input.workload) }),
    fileName: `keyward-onboard-${input.workload.toLowerCase()}.ps1`,
    modules: [ONBOARDING_MODULE_NAME],
    adminRoles: [say('onboarding.adminRoles', 'Global Administrator or Compliance Administrator of the tenant (UNCONFIRMED which one the service requires)')],
    script,
    sha256: sha256Hex(script),
    unconfirmed: [
      ONBOARDING_COVERAGE[input.workload].covered === 'yes'
        ? say(
            'onboarding.unconfirmed',
            `The -Scenario value ${scenario}, the -OnboardingMode values Validate and Enable, and the output property names come from community guides, not Microsoft text.`,
            { scenario },
          )
        : say(
            'onboarding.unconfirmedNotSeen',
            `The -Scenario value ${scenario} (only MDEP is seen in practice), the -OnboardingMode values Validate and Enable, and the output property names come from community guides, not Microsoft text.`,
            { scenario, seen: 'MDEP' },
          ),
    ],
    verifyCommands: [onboardingStatusCommand(tenant)],
    leftOut: [],
  };
}

/** The command whose output records the onboarding state. */
export function onboardingStatusCommand(tenantId: string): string {
  return `${psCommand('Get-CustomerKeyOnboardingRequest', [['OrganizationId', lit(tenantId.trim().toLowerCase())]])} | Format-List`;
}

/** What one pasted `Get-CustomerKeyOnboardingRequest` record says. */
export interface OnboardingRequestView {
  readonly requestId?: string;
  readonly scenario?: string;
  readonly validationResult?: string;
  readonly enablementResult?: string;
  readonly failedValidations: string[];
}

const field = (record: FormatListRecord, ...names: string[]): string | undefined => {
  for (const [key, value] of Object.entries(record)) if (names.some((n) => n.toLowerCase() === key.toLowerCase()) && value.trim() !== '') return value.trim();
  return undefined;
};

/**
 * Reads pasted `Get-CustomerKeyOnboardingRequest | Format-List` output (or JSON). Property names
 * as community guides show them (ID/RequestId, Scenario, ValidationResult, EnablementResult,
 * FailedValidations) — UNCONFIRMED; what cannot be read is reported, never guessed.
 */
export function parseOnboardingRequests(text: string): { value: OnboardingRequestView[]; problems: Message[] } {
  const records = parseFormatList(text);
  const value = records
    .map((r): OnboardingRequestView => {
      const failed = field(r, 'FailedValidations', 'FailedValidation');
      return {
        ...optional('requestId', field(r, 'RequestId', 'ID', 'Id')),
        ...optional('scenario', field(r, 'Scenario')),
        ...optional('validationResult', field(r, 'ValidationResult')),
        ...optional('enablementResult', field(r, 'EnablementResult')),
        failedValidations: failed
          ? failed
              .replace(/^\{|\}$/g, '')
              .split(/[,;]\s*/)
              .map((s) => s.trim())
              .filter((s) => s !== '')
          : [],
      };
    })
    .filter((r) => r.requestId !== undefined || r.validationResult !== undefined || r.enablementResult !== undefined);
  return {
    value,
    problems:
      value.length === 0
        ? [
            say(
              'onboarding.nothingFound',
              'Keyward found no onboarding request in the output (no ID, ValidationResult or EnablementResult line). Paste the output of the Get-CustomerKeyOnboardingRequest command shown.',
              { cmdlet: 'Get-CustomerKeyOnboardingRequest' },
            ),
          ]
        : [],
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/**
 * The state a workload's onboarding is in, from the pasted requests: the newest request for its
 * scenario (the last one printed), else the last request of any scenario.
 */
export function onboardingStateFrom(
  requests: readonly OnboardingRequestView[],
  workload: Workload,
  scenario = ONBOARDING_COVERAGE[workload].scenario,
): { state: OnboardingState; requestId?: string; problems: Text[] } {
  const mine = requests.filter((r) => (r.scenario ?? '').toLowerCase() === scenario.toLowerCase());
  const last = (mine.length > 0 ? mine : requests)[(mine.length > 0 ? mine : requests).length - 1];
  if (!last) return { state: 'notStarted', problems: [] };
  const ok = (v: string | undefined) => /^(success|succeeded|completed|enabled)$/i.test(v ?? '');
  const bad = (v: string | undefined) => /^(fail|failed|failure|error|rejected)$/i.test(v ?? '');
  const base = last.requestId ? { requestId: last.requestId } : {};
  if (ok(last.enablementResult)) return { ...base, state: 'onboarded', problems: [] };
  if (bad(last.enablementResult) || bad(last.validationResult)) {
    const result = last.enablementResult ?? last.validationResult ?? '';
    return {
      ...base,
      state: 'failed',
      problems: last.failedValidations.length > 0 ? last.failedValidations : [say('onboarding.requestReports', `The request reports ${result}.`, { result })],
    };
  }
  if (last.enablementResult) return { ...base, state: 'requested', problems: [] };
  if (ok(last.validationResult)) return { ...base, state: 'validated', problems: [] };
  return { ...base, state: 'requested', problems: [] };
}

/** How long Microsoft has had to confirm the mandatory retention period, and what to do now. */
export interface MandatoryRetentionWait {
  readonly businessDaysWaiting: number;
  /** After five business days Microsoft's historical turnaround has passed: contact Microsoft. */
  readonly escalate: boolean;
  /** What to do, in words. */
  readonly advice: Message;
  /** Keyward re-checks the registration when the card is opened and on "Re-check now"; this is a hint for the operator. */
  readonly recheckHint: Message;
}

/** Business days (Monday–Friday, UTC) from `since` to `now`. */
export function businessDaysBetween(since: Date, now: Date): number {
  let days = 0;
  const cursor = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate()));
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  while (cursor.getTime() < end) {
    cursor.setUTCDate(cursor.getUTCDate() + 1);
    const day = cursor.getUTCDay();
    if (day !== 0 && day !== 6) days++;
  }
  return days;
}

/**
 * The mandatory retention period is registered by the customer but confirmed by Microsoft. Setup
 * never waits on it silently: the card says since when it has been pending, what to do now, and
 * re-checks (Customer Key "Set up": historically up to five business days after Microsoft is told).
 */
export function mandatoryRetentionWait(subscriptionId: string, state: string, pendingSince: Date, now: Date, where: 'card' | 'setup' = 'card'): MandatoryRetentionWait {
  const businessDaysWaiting = businessDaysBetween(pendingSince, now);
  const escalate = businessDaysWaiting >= 5;
  const command =
    mandatoryRetentionCommands(subscriptionId)
      .find((c) => c.shell === 'powershell')
      ?.script.split('\n')
      .pop() ?? '';
  const days = businessDaysWaiting;
  const advice = escalate
    ? say(
        'onboarding.retentionEscalate',
        `Registration on ${subscriptionId} has been ${state} for ${days} business days, longer than Microsoft's usual five. Contact Microsoft now (a support request for Customer Key), with the subscription id and the output of: ${command}. Keyward keeps checking; nothing else is blocked meanwhile.`,
        { subscriptionId, state, days, command },
      )
    : say(
        'onboarding.retentionWaiting',
        `Registration on ${subscriptionId} is ${state} (${days} business day${days === 1 ? '' : 's'} so far): Microsoft must confirm it, usually within five business days of being told. Make sure Microsoft was told (the onboarding request names both subscriptions). Keyward re-checks; after five business days it tells you to contact Microsoft.`,
        { subscriptionId, state, days },
      );
  const recheckHint =
    where === 'setup'
      ? say('onboarding.recheckSetup', 'Keyward re-checks the registration when you press "Run the checks again" (and before every policy, in "dep").', { command: 'dep' })
      : say('onboarding.recheckCard', 'Keyward re-checks the registration whenever this card is opened or you press "Re-check now".');
  return { businessDaysWaiting, escalate, advice, recheckHint };
}
