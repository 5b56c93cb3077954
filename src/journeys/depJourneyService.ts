import { z } from 'zod';
import { appError, say, sentences, sha256Hex, textOf, toAppError, type Atomic, type Clock, type Logger, type Message, type Text } from '../core';
import type { AzureReader } from '../azure/ports';
import type { SubmitRequest } from '../approvals/submitRequest';
import {
  buildDepPlan,
  buildDepScript,
  buildOnboardingScript,
  onboardingDone,
  onboardingStateFrom,
  parseOnboardingRequests,
  depPolicyUsesKeys,
  isWorkload,
  parseDataEncryptionPolicies,
  parseKeyIdentifier,
  parseM365DataAtRestEncryptionPolicies,
  parseM365DataAtRestEncryptionPolicyAssignment,
  parseSpoDataEncryptionPolicy,
  planHash,
  planText,
  servicePrincipalFor,
  splitList,
  validateDepRequest,
  validateResourceGroupName,
  validateSubscriptionId,
  versionlessKeyUri,
  workloadName,
  type DepRef,
  type DepRequest,
  type DepScope,
  type KeyRef,
  type KeyUriOptions,
  type OnboardingRecord,
  type Plan,
  type SiteId,
} from '../customerKey';
import type { InventoryService } from '../inventory/inventoryService';
import type { DownloadOffers, KeyChecker } from '../inventory/inventoryPorts';
import { currentVersion, type InventoryDep } from '../inventory/inventoryTypes';
import { OpsJourneyKit, type JourneyAddress, type OpsJourneyStore } from '../inventory/opsJourney';
import type { DepDraft, DepJourney, DepOnboarding, DepStage, MandatoryRetentionCheck } from './depJourney';
import type { JourneyOwner } from './setupJourney';
import { planSummaryLines, planSummaryMessages } from './setupJourneyService';

export interface DepJourneyDeps {
  /** The store's unit of work: each audit record commits with the journey change it records (unit tests over fakes may leave it out). */
  atomic?: Atomic;
  store: OpsJourneyStore<DepJourney>;
  inventory: InventoryService;
  /** Read-only ARM (where is the vault or HSM of a key given by URI). */
  reader: Pick<AzureReader, 'getVault' | 'getManagedHsm'>;
  /** Fresh readiness of the keys, before any script is generated. */
  checker: KeyChecker;
  downloads: DownloadOffers;
  audit: { append(event: import('../audit/auditRecord').AuditEventInput): Promise<unknown> };
  approvals: { submit(request: SubmitRequest): Promise<{ id: string }> | { id: string } };
  clock: Clock;
  logger: Logger;
  tenantId: string;
  /** Object id of a workload's Microsoft 365 service principal in the tenant. */
  servicePrincipalObjectId(scope: DepScope): Promise<string | undefined>;
  /** Extra key hosts accepted when keys are given by URI (the emulator's, in local mode). */
  keyUriOptions?: KeyUriOptions;
  /**
   * Exchange Online app-only with a managed identity (off by default): the multi-workload and
   * Exchange scripts may be run by Keyward after approval, under the same approval rules.
   */
  exchangeAppOnly?: { organization: string; accountId?: string };
  /** One onboarding record per workload of the tenant (Customer Key onboarding, issue 11 item 8). */
  onboarding: OnboardingRecords;
  /** Reads the mandatory retention feature of a subscription (reader identity); absent = not checked. */
  featureState?: (subscriptionId: string) => Promise<string>;
}

/** Where onboarding records live (the key-value table; one per tenant and workload). */
export interface OnboardingRecords {
  get(tenantId: string, workload: DepScope): Promise<OnboardingRecord | undefined>;
  put(record: OnboardingRecord): Promise<void>;
  list(tenantId: string): Promise<OnboardingRecord[]>;
}

const text = (max: number) => z.string().max(max).optional();
const keyInput = z.object({ uri: text(2000), subscriptionId: text(100), resourceGroup: text(100) }).partial();
const scopeForm = z.object({
  scope: text(40),
  source: text(20),
  pairId: text(300),
  'keyA.uri': text(2000),
  'keyA.subscriptionId': text(100),
  'keyA.resourceGroup': text(100),
  'keyB.uri': text(2000),
  'keyB.subscriptionId': text(100),
  'keyB.resourceGroup': text(100),
});
const onboardingForm = z.object({ onboardingScenario: text(40), onboardingOutput: text(30_000), onboardingReference: text(300) });
const detailsForm = z.object({ policyName: text(200), description: text(600), mailboxScope: text(10), mailboxes: text(20_000), adminUrls: text(4000), validate: text(10) });
const MAX_EVIDENCE = 30_000;

/** Checks whose red lines do not block a DEP: Keyward's own backup record (adopted keys have none). */
const NON_BLOCKING = /:backup$/;

/**
 * The Data Encryption Policy journey: a state machine over stored `DepJourney` records, in the
 * setup journey's manner (owner checks, stale cards, audit-first compare-and-set saves). It never
 * changes anything in Microsoft 365 itself: it verifies the keys, hands the operator an exact,
 * injection-proof script, and records what the pasted Get- output shows. With Exchange app-only
 * enabled, the multi-workload and Exchange scripts can instead go through approval to Keyward's
 * executor (SharePoint always stays operator-run).
 */
export class DepJourneyService {
  private readonly kit: OpsJourneyKit<DepJourney>;

  constructor(private readonly deps: DepJourneyDeps) {
    this.kit = new OpsJourneyKit({
      store: deps.store,
      audit: deps.audit,
      clock: deps.clock,
      ...(deps.atomic ? { atomic: deps.atomic } : {}),
      label: 'DEP journey',
      command: 'dep',
    });
  }

  get appOnlyEnabled(): boolean {
    return this.deps.exchangeAppOnly !== undefined;
  }

  async start(owner: JourneyOwner, conversationId: string, origin: Record<string, unknown>, preset: { pairId?: string; scope?: DepScope } = {}): Promise<DepJourney> {
    return await this.kit.open(owner, conversationId, origin, {
      kind: 'dep',
      stage: 'scope',
      draft: { ...(preset.pairId ? { pairId: preset.pairId, source: 'inventory' } : {}), ...(preset.scope ? { scope: preset.scope } : {}) },
    });
  }

  async get(id: string): Promise<DepJourney> {
    return await this.kit.get(id);
  }

  async listFor(owner: JourneyOwner): Promise<DepJourney[]> {
    return await this.deps.store.listByOwner(owner.aadObjectId);
  }

  async rememberCard(id: string, messageId: string | undefined): Promise<void> {
    await this.kit.rememberCard(id, messageId);
  }

  // ---------------------------------------------------------------- scope and keys

  /** Scope and keys. Keys given by URI are found in Azure and checked before anything else. */
  async submitScope(address: JourneyAddress, actor: JourneyOwner, payload: Record<string, unknown>): Promise<DepJourney> {
    const loaded = await this.kit.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.stage !== 'scope') return this.kit.staleCopy(journey);
    const form = scopeForm.safeParse(payload);
    if (!form.success)
      return await this.kit.save(
        journey,
        { errors: { scope: say('dep.form.invalidCard', 'The card data was not valid; type the values again.') } },
        actor,
        'dep.scope.refused',
        'denied',
        {},
      );
    const f = form.data;
    const draft: DepDraft = {
      ...journey.draft,
      scope: f.scope ?? journey.draft.scope,
      source: f.source ?? journey.draft.source,
      pairId: f.pairId ?? journey.draft.pairId,
      keyA: keyInput.parse({ uri: f['keyA.uri'], subscriptionId: f['keyA.subscriptionId'], resourceGroup: f['keyA.resourceGroup'] }),
      keyB: keyInput.parse({ uri: f['keyB.uri'], subscriptionId: f['keyB.subscriptionId'], resourceGroup: f['keyB.resourceGroup'] }),
    };
    const errors: Record<string, Message> = {};
    const scope = draft.scope && isWorkload(draft.scope) ? draft.scope : undefined;
    if (!scope) errors.scope = say('dep.scope.choose', 'Choose the policy: multi-workload (tenant), Exchange mailboxes, or SharePoint/OneDrive/Teams files.');
    const source = draft.source === 'uri' ? 'uri' : draft.source === 'inventory' ? 'inventory' : undefined;
    if (!source) errors.source = say('dep.scope.source', 'Choose where the keys come from: a key pair Keyward created, or existing keys by URI.');
    if (Object.keys(errors).length > 0 || !scope || !source)
      return await this.kit.save(journey, { draft, errors }, actor, 'dep.scope.invalid', 'denied', { fields: Object.keys(errors) });

    let keys: KeyRef[];
    let versions: Array<string | null>;
    let pairId: string | undefined;
    let containerFacts: Array<{ purgeProtectionEnabled?: boolean; softDeleteRetentionDays?: number }> = [];
    if (source === 'inventory') {
      const pair = draft.pairId ? await this.deps.inventory.pair(draft.pairId) : undefined;
      if (!pair)
        return await this.kit.save(
          journey,
          { draft, errors: { pairId: say('dep.scope.pair', 'Choose one of the key pairs listed (Keyward knows only pairs whose setup finished).') } },
          actor,
          'dep.scope.invalid',
          'denied',
          { fields: ['pairId'] },
        );
      if (pair.workload !== scope) {
        const serves = workloadName(pair.workload);
        const wanted = workloadName(scope);
        const error = say(
          'dep.scope.otherWorkload',
          `That pair serves ${serves.text}; a ${wanted.text} policy needs that workload's own keys (each workload's keys are granted to its own service principal only).`,
          { serves, wanted },
        );
        return await this.kit.save(journey, { draft, errors: { pairId: error } }, actor, 'dep.scope.invalid', 'denied', { fields: ['pairId'] });
      }
      keys = [pair.A.ref, pair.B.ref];
      versions = [currentVersion(pair.A) ?? null, currentVersion(pair.B) ?? null];
      pairId = pair.pairId;
    } else {
      const found = await this.locateKeys(draft, scope, errors);
      if (!found) return await this.kit.save(journey, { draft, errors }, actor, 'dep.scope.invalid', 'denied', { fields: Object.keys(errors) });
      keys = found.keys;
      versions = found.versions;
      containerFacts = found.containers;
    }

    const verification = await this.verify(keys, scope);
    if (verification.blocking > 0) {
      return await this.kit.save(
        journey,
        {
          draft,
          keys,
          versions,
          verification,
          scope,
          errors: {
            keys: say(
              'dep.keys.failed',
              `${verification.blocking} check${verification.blocking === 1 ? '' : 's'} failed for these keys. Fix each red line below (or choose other keys), then press Next again.`,
              { count: verification.blocking },
            ),
          },
        },
        actor,
        'dep.keys.refused',
        'denied',
        { red: verification.lines.filter((l) => l.status === 'fail').map((l) => l.id) },
      );
    }
    if (source === 'uri') {
      const pair = await this.deps.inventory.adoptPair({ refs: [keys[0]!, keys[1]!], versions: [versions[0] ?? undefined, versions[1] ?? undefined], containers: containerFacts });
      pairId = pair.pairId;
    }
    const warnings: Record<string, Message> = {};
    const unknown = verification.lines.filter((l) => l.status === 'unknown').length;
    if (unknown > 0) {
      warnings.keys = say(
        'dep.keys.unchecked',
        `${unknown} check${unknown === 1 ? '' : 's'} could not be made (see the lines marked "Not checked"); Microsoft's onboarding validation at the top of the script checks the keys again.`,
        { count: unknown },
      );
    }
    // The check before any DEP step: the workload must be onboarded for Customer Key first.
    const record = await this.deps.onboarding.get(this.deps.tenantId, scope);
    if (!onboardingDone(record)) {
      const onboarding = await this.onboardingView({ ...journey, keys, scope }, draft);
      return await this.kit.save(
        journey,
        { draft, keys, versions, verification, scope, pairId, stage: 'onboarding', warnings, onboarding },
        actor,
        'dep.keys.verified',
        'success',
        {
          scope,
          source,
          keys: keys.map((k) => k.versionlessUri),
          pairId,
          onboarding: record?.state ?? 'notStarted',
        },
      );
    }
    return await this.kit.save(journey, { draft, keys, versions, verification, scope, pairId, stage: 'details', warnings }, actor, 'dep.keys.verified', 'success', {
      scope,
      source,
      keys: keys.map((k) => k.versionlessUri),
      pairId,
    });
  }

  // ---------------------------------------------------------------- onboarding (before any DEP step)

  /** The onboarding script for the journey's keys and the mandatory retention period of both subscriptions, read now. */
  private async onboardingView(journey: Pick<DepJourney, 'keys' | 'scope' | 'onboarding'>, draft: DepDraft): Promise<DepOnboarding> {
    const keys = journey.keys ?? [];
    const scope = journey.scope as DepScope;
    const now = this.deps.clock.now().toISOString();
    let script: DepOnboarding['script'];
    try {
      script = buildOnboardingScript({
        tenantId: this.deps.tenantId,
        workload: scope,
        keys: [
          { uri: keys[0]?.versionlessUri ?? '', subscriptionId: keys[0]?.subscriptionId ?? '' },
          { uri: keys[1]?.versionlessUri ?? '', subscriptionId: keys[1]?.subscriptionId ?? '' },
        ],
        ...(draft.onboardingScenario ? { scenario: draft.onboardingScenario } : {}),
      });
    } catch {
      script = undefined;
    }
    const previous = journey.onboarding?.mrp ?? [];
    const mrp: MandatoryRetentionCheck[] = [];
    for (const key of keys) {
      if (mrp.some((m) => m.subscriptionId === key.subscriptionId)) continue;
      const before = previous.find((m) => m.subscriptionId === key.subscriptionId);
      const check: MandatoryRetentionCheck = { site: key.site, subscriptionId: key.subscriptionId, checkedAt: now };
      if (this.deps.featureState) {
        try {
          check.state = await this.deps.featureState(key.subscriptionId);
        } catch (error) {
          check.error = toAppError(error).message;
        }
      } else {
        check.error = say('dep.onboarding.noReader', 'Keyward has no reader for the subscription features here.');
      }
      if (check.state === 'Registering' || check.state === 'Pending') check.pendingSince = before?.pendingSince ?? now;
      mrp.push(check);
    }
    const record = await this.deps.onboarding.get(this.deps.tenantId, scope);
    return { ...(record ? { record } : {}), ...(script ? { script } : {}), mrp };
  }

  private async recordOnboarding(scope: DepScope, actor: JourneyOwner, change: Pick<OnboardingRecord, 'state'> & Partial<OnboardingRecord>): Promise<OnboardingRecord> {
    const record: OnboardingRecord = {
      tenantId: this.deps.tenantId,
      workload: scope,
      problems: [],
      ...change,
      updatedAt: this.deps.clock.now().toISOString(),
      updatedBy: actor.aadObjectId,
    };
    await this.deps.onboarding.put(record);
    return record;
  }

  /** "Re-check now": the mandatory retention period and the onboarding record, read again. */
  async recheckOnboarding(address: JourneyAddress, actor: JourneyOwner, payload: Record<string, unknown>): Promise<DepJourney> {
    const loaded = await this.kit.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.stage !== 'onboarding' || !journey.scope) return this.kit.staleCopy(journey);
    const form = onboardingForm.safeParse(payload);
    const draft: DepDraft = { ...journey.draft, ...(form.success ? definedOnly(form.data) : {}) };
    const onboarding = await this.onboardingView(journey, draft);
    if (onboardingDone(onboarding.record)) {
      return await this.kit.save(journey, { draft, onboarding, stage: 'details' }, actor, 'dep.onboarding.done', 'success', {
        workload: journey.scope,
        state: onboarding.record?.state,
      });
    }
    return await this.kit.save(journey, { draft, onboarding }, actor, 'dep.onboarding.rechecked', 'info', {
      workload: journey.scope,
      mrp: onboarding.mrp.map((m) => `${m.site}:${m.state ?? 'unknown'}`),
    });
  }

  /** The pasted Get-CustomerKeyOnboardingRequest output: the workload's onboarding state is recorded from it. */
  async submitOnboardingOutput(address: JourneyAddress, actor: JourneyOwner, payload: Record<string, unknown>): Promise<DepJourney> {
    const loaded = await this.kit.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.stage !== 'onboarding' || !journey.scope) return this.kit.staleCopy(journey);
    const form = onboardingForm.safeParse(payload);
    if (!form.success)
      return await this.kit.save(
        journey,
        { errors: { onboardingOutput: say('dep.onboarding.invalidCard', 'The card data was not valid; paste the output again.') } },
        actor,
        'dep.onboarding.refused',
        'denied',
        {},
      );
    const draft: DepDraft = { ...journey.draft, ...definedOnly(form.data) };
    const pasted = draft.onboardingOutput ?? '';
    if (pasted.trim() === '')
      return await this.kit.save(
        journey,
        {
          draft,
          errors: {
            onboardingOutput: say('dep.onboarding.pasteOutput', 'Paste the output of the Get-CustomerKeyOnboardingRequest command shown above.', {
              cmdlet: 'Get-CustomerKeyOnboardingRequest',
            }),
          },
        },
        actor,
        'dep.onboarding.refused',
        'denied',
        {},
      );
    const parsed = parseOnboardingRequests(pasted);
    if (parsed.value.length === 0)
      return await this.kit.save(
        journey,
        { draft, errors: { onboardingOutput: sentences(parsed.problems[0]!, ...parsed.problems.slice(1)) } },
        actor,
        'dep.onboarding.unreadable',
        'denied',
        { sha256: sha256Hex(pasted) },
      );
    const seen = onboardingStateFrom(parsed.value, journey.scope, draft.onboardingScenario || undefined);
    const record = await this.recordOnboarding(journey.scope, actor, { state: seen.state, problems: seen.problems, ...(seen.requestId ? { requestId: seen.requestId } : {}) });
    const { onboardingOutput: _kept, ...rest } = draft;
    const onboarding = await this.onboardingView(journey, rest);
    const next = onboardingDone(record) ? { stage: 'details' as const } : {};
    const failures = record.problems.map((p) => textOf(p)).join('; ');
    const errors: Record<string, Message> =
      record.state === 'failed'
        ? { onboardingOutput: say('dep.onboarding.failed', `Microsoft's onboarding service reports a failure: ${failures}. Fix it and run the script again.`, { failures }) }
        : {};
    return await this.kit.save(journey, { draft: rest, onboarding, errors, ...next }, actor, 'dep.onboarding.recorded', record.state === 'failed' ? 'failure' : 'success', {
      workload: journey.scope,
      state: record.state,
      requestId: record.requestId ?? null,
      sha256: sha256Hex(pasted),
    });
  }

  /** Fallback for a workload the module does not cover: Microsoft confirmed onboarding, with its reference. */
  async confirmOnboardingByMicrosoft(address: JourneyAddress, actor: JourneyOwner, payload: Record<string, unknown>): Promise<DepJourney> {
    const loaded = await this.kit.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.stage !== 'onboarding' || !journey.scope) return this.kit.staleCopy(journey);
    const form = onboardingForm.safeParse(payload);
    const reference = form.success ? (form.data.onboardingReference ?? '').trim() : '';
    if (reference.length < 3 || /[\p{Cc}]/u.test(reference)) {
      return await this.kit.save(
        journey,
        {
          draft: { ...journey.draft, onboardingReference: reference },
          errors: {
            onboardingReference: say(
              'dep.onboarding.referenceMissing',
              "Give Microsoft's reference for the confirmation (the support request number or the mail's subject), so the audit log shows what you relied on.",
            ),
          },
        },
        actor,
        'dep.onboarding.refused',
        'denied',
        {},
      );
    }
    const record = await this.recordOnboarding(journey.scope, actor, { state: 'confirmedByMicrosoft', reference });
    const onboarding = await this.onboardingView(journey, journey.draft);
    return await this.kit.save(journey, { onboarding, stage: 'details' }, actor, 'dep.onboarding.confirmed', 'success', {
      workload: journey.scope,
      state: record.state,
      reference,
    });
  }

  /** Finds the vault or HSM of each key given by URI through ARM, read-only. */
  private async locateKeys(
    draft: DepDraft,
    scope: DepScope,
    errors: Record<string, Message>,
  ): Promise<{ keys: KeyRef[]; versions: Array<string | null>; containers: Array<{ purgeProtectionEnabled?: boolean; softDeleteRetentionDays?: number }> } | undefined> {
    const keys: KeyRef[] = [];
    const versions: Array<string | null> = [];
    const containers: Array<{ purgeProtectionEnabled?: boolean; softDeleteRetentionDays?: number }> = [];
    for (const [site, input] of [
      ['A', draft.keyA ?? {}],
      ['B', draft.keyB ?? {}],
    ] as Array<[SiteId, NonNullable<DepDraft['keyA']>]>) {
      const prefix = `key${site}`;
      const parsed = parseKeyIdentifier(input.uri ?? '', this.deps.keyUriOptions ?? {});
      if (!parsed.ok) errors[`${prefix}.uri`] = parsed.error;
      const subProblem = validateSubscriptionId(input.subscriptionId ?? '');
      if (subProblem) errors[`${prefix}.subscriptionId`] = subProblem;
      const rgProblem = validateResourceGroupName(input.resourceGroup ?? '');
      if (rgProblem) errors[`${prefix}.resourceGroup`] = rgProblem;
      if (!parsed.ok || subProblem || rgProblem) continue;
      const key = parsed.key;
      const subscriptionId = (input.subscriptionId ?? '').trim().toLowerCase();
      const resourceGroup = (input.resourceGroup ?? '').trim();
      try {
        const found =
          key.kind === 'vault'
            ? await this.deps.reader.getVault(subscriptionId, resourceGroup, key.containerName)
            : await this.deps.reader.getManagedHsm(subscriptionId, resourceGroup, key.containerName);
        if (!found) {
          errors[`${prefix}.uri`] = say(
            'dep.keys.containerNotFound',
            `Keyward found no ${key.kind === 'vault' ? 'vault' : 'Managed HSM'} named ${key.containerName} in resource group ${resourceGroup} of subscription ${subscriptionId}. Check the three values (the key's own subscription and resource group).`,
            { kind: key.kind, name: key.containerName, resourceGroup, subscriptionId },
          );
          continue;
        }
        containers.push({ purgeProtectionEnabled: found.purgeProtectionEnabled, softDeleteRetentionDays: found.softDeleteRetentionDays });
        keys.push({
          site,
          workload: scope,
          containerKind: key.kind,
          containerName: key.containerName,
          keyName: key.keyName,
          subscriptionId,
          resourceGroup,
          region: found.location,
          versionlessUri: versionlessKeyUri(key.kind, key.containerName, key.keyName),
        });
        versions.push(key.version ?? null);
      } catch (error) {
        const appErr = toAppError(error);
        errors[`${prefix}.uri`] = say('dep.keys.lookupFailed', `Keyward could not look this key's ${key.kind === 'vault' ? 'vault' : 'HSM'} up in Azure: ${appErr.message}`, {
          kind: key.kind,
          reason: appErr.message,
        });
      }
    }
    if (keys.length === 2) {
      const [a, b] = keys as [KeyRef, KeyRef];
      if (a.versionlessUri.toLowerCase() === b.versionlessUri.toLowerCase())
        errors['keyB.uri'] = say('depScript.keys.same', 'The two keys of a policy must be different keys (one in each subscription).');
      else if (a.subscriptionId === b.subscriptionId)
        errors['keyB.subscriptionId'] = say('depScript.keys.sameSubscription', 'The two keys of a policy must be in two different Azure subscriptions.');
    }
    return Object.keys(errors).length === 0 && keys.length === 2 ? { keys, versions, containers } : undefined;
  }

  private async verify(keys: readonly KeyRef[], scope: DepScope): Promise<NonNullable<DepJourney['verification']>> {
    const objectId = await this.deps.servicePrincipalObjectId(scope).catch(() => undefined);
    const report = await this.deps.checker.check({ keys, principals: objectId ? [{ workload: scope, appId: servicePrincipalFor(scope).appId, objectId }] : [] });
    const lines = [...report.lines];
    return { at: report.checkedAt, lines, blocking: lines.filter((l) => l.status === 'fail' && !NON_BLOCKING.test(l.id)).length };
  }

  // ---------------------------------------------------------------- details → script

  /** Policy details; on success the script is generated, offered for download and recorded as Scripted. */
  async submitDetails(address: JourneyAddress, actor: JourneyOwner, payload: Record<string, unknown>): Promise<DepJourney> {
    const loaded = await this.kit.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.stage !== 'details' || !journey.keys || !journey.scope) return this.kit.staleCopy(journey);
    if (!onboardingDone(await this.deps.onboarding.get(this.deps.tenantId, journey.scope))) {
      const onboarding = await this.onboardingView(journey, journey.draft);
      return await this.kit.save(journey, { stage: 'onboarding', onboarding }, actor, 'dep.onboarding.required', 'denied', { workload: journey.scope });
    }
    const form = detailsForm.safeParse(payload);
    if (!form.success)
      return await this.kit.save(
        journey,
        { errors: { policyName: say('dep.form.invalidCard', 'The card data was not valid; type the values again.') } },
        actor,
        'dep.details.refused',
        'denied',
        {},
      );
    const draft: DepDraft = { ...journey.draft, ...definedOnly(form.data) };
    const built = this.requestFrom(journey, draft, 'interactive');
    if ('errors' in built) return await this.kit.save(journey, { draft, errors: built.errors }, actor, 'dep.details.invalid', 'denied', { fields: Object.keys(built.errors) });
    let script;
    try {
      script = buildDepScript(built.request);
    } catch (error) {
      const appErr = toAppError(error);
      const errors = mapRequestErrors(
        (appErr.details.errors as Record<string, Message> | undefined) ?? { keys: appErr.said ?? say('plan.step.scriptTitle', appErr.message, { title: appErr.message }) },
      );
      return await this.kit.save(journey, { draft, errors }, actor, 'dep.details.invalid', 'denied', { fields: Object.keys(errors) });
    }
    const download = await this.deps.downloads.offer({ fileName: script.fileName, content: script.script, ownerObjectId: actor.aadObjectId, purpose: `dep:${journey.id}` });
    const depIds: string[] = [];
    for (const dep of depRefsOf(built.request)) {
      const recorded = await this.deps.inventory.scriptDep({
        dep,
        keyUris: journey.keys.map((k) => k.versionlessUri),
        pairId: journey.pairId,
        scriptSha256: script.sha256,
        journeyId: journey.id,
        ...(built.request.scope === 'exchange'
          ? {
              assignment: {
                kind: 'mailboxes' as const,
                mailboxes: 'all' in built.request.mailboxes ? ('all' as const) : [...built.request.mailboxes.list],
                verified: false as const,
              },
            }
          : {}),
        ...(built.request.scope === 'multiWorkload' ? { assignment: { kind: 'tenant' as const, assigned: null } } : {}),
      });
      depIds.push(recorded.id);
    }
    return await this.kit.save(journey, { draft, script, download, depIds, stage: 'review', warnings: {} }, actor, 'dep.script.generated', 'success', {
      scope: script.scope,
      title: script.title.text,
      scriptSha256: script.sha256,
      fileSha256: download.fileSha256,
      downloadExpiresAt: download.expiresAt,
      depIds,
    });
  }

  /** The DEP request the cards describe, or the messages for each wrong field. */
  private requestFrom(journey: DepJourney, draft: DepDraft, connection: 'interactive' | 'managedIdentity'): { request: DepRequest } | { errors: Record<string, Message> } {
    const keys = journey.keys ?? [];
    const scope = journey.scope!;
    const [a, b] = keys;
    if (!a || !b) return { errors: { keys: say('dep.keys.missing', 'The keys are missing; go back and choose them again.') } };
    const onboarding = { validate: draft.validate !== 'false' };
    const versions = journey.versions ?? [];
    const keyInput = (ref: KeyRef, i: number, versioned: boolean) => ({
      uri: versioned && versions[i] ? `${ref.versionlessUri}/${versions[i]}` : ref.versionlessUri,
      subscriptionId: ref.subscriptionId,
    });
    const conn =
      connection === 'managedIdentity' && this.deps.exchangeAppOnly
        ? { kind: 'managedIdentity' as const, organization: this.deps.exchangeAppOnly.organization, accountId: this.deps.exchangeAppOnly.accountId }
        : undefined;
    let request: DepRequest;
    if (scope === 'sharePoint') {
      const urls = splitList(draft.adminUrls ?? '');
      request = { scope, tenantId: this.deps.tenantId, onboarding, geos: urls.map((adminUrl) => ({ adminUrl, primary: keyInput(a, 0, true), secondary: keyInput(b, 1, true) })) };
    } else if (scope === 'exchange') {
      const all = draft.mailboxScope !== 'list';
      request = {
        scope,
        tenantId: this.deps.tenantId,
        onboarding,
        policyName: draft.policyName ?? '',
        ...(draft.description ? { description: draft.description } : {}),
        keys: [keyInput(a, 0, false), keyInput(b, 1, false)],
        mailboxes: all ? { all: true } : { list: splitList(draft.mailboxes ?? '') },
        ...(conn ? { connection: conn } : {}),
      };
    } else {
      request = {
        scope,
        tenantId: this.deps.tenantId,
        onboarding,
        policyName: draft.policyName ?? '',
        ...(draft.description ? { description: draft.description } : {}),
        keys: [keyInput(a, 0, false), keyInput(b, 1, false)],
        ...(conn ? { connection: conn } : {}),
      };
    }
    const problems = validateDepRequest(request);
    if (Object.keys(problems).length > 0) return { errors: mapRequestErrors(problems) };
    return { request };
  }

  /** A fresh link (the old one expired, or was opened on another device). */
  async newDownloadLink(address: JourneyAddress, actor: JourneyOwner): Promise<DepJourney> {
    const loaded = await this.kit.load(address, actor, { allowStatuses: ['open', 'done'] });
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (!journey.script) return this.kit.staleCopy(journey);
    const download = await this.deps.downloads.offer({
      fileName: journey.script.fileName,
      content: journey.script.script,
      ownerObjectId: actor.aadObjectId,
      purpose: `dep:${journey.id}`,
    });
    return await this.kit.save(journey, { download }, actor, 'dep.download.offered', 'info', { fileSha256: download.fileSha256, expiresAt: download.expiresAt });
  }

  /** The operator ran the script: on to the paste-back card. */
  async ranIt(address: JourneyAddress, actor: JourneyOwner): Promise<DepJourney> {
    const loaded = await this.kit.load(address, actor, { allowStatuses: ['open', 'done'] });
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (!journey.script || (journey.stage !== 'review' && journey.stage !== 'recorded')) return this.kit.staleCopy(journey);
    return await this.kit.save(journey, { stage: 'evidence', status: 'open' }, actor, 'dep.ran', 'info', { scriptSha256: journey.script.sha256 });
  }

  // ---------------------------------------------------------------- evidence

  /**
   * The pasted output of the Get- cmdlets. Keyward parses it, checks that it shows this policy with
   * these keys, and records the state; anything it cannot read is said on the card, with the text
   * kept for another try.
   */
  async submitEvidence(address: JourneyAddress, actor: JourneyOwner, payload: Record<string, unknown>): Promise<DepJourney> {
    const loaded = await this.kit.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.stage !== 'evidence' || !journey.script || !journey.depIds || !journey.keys) return this.kit.staleCopy(journey);
    const evidence: Record<string, string> = {};
    for (const [key, value] of Object.entries(payload)) {
      if (!key.startsWith('evidence.') || typeof value !== 'string') continue;
      if (value.length > MAX_EVIDENCE)
        return await this.kit.save(
          journey,
          {
            errors: {
              [key]: say('dep.evidence.tooLong', `That is ${value.length} characters; paste only the output of the command shown (at most ${MAX_EVIDENCE}).`, {
                length: String(value.length),
                max: String(MAX_EVIDENCE),
              }),
            },
          },
          actor,
          'dep.evidence.refused',
          'denied',
          { field: key },
        );
      evidence[key] = value;
    }
    const draft: DepDraft = { ...journey.draft, evidence };
    const keyUris = journey.keys.map((k) => k.versionlessUri);
    const errors: Record<string, Message> = {};
    const results: NonNullable<DepJourney['recorded']> = [];
    const records: Array<() => Promise<unknown>> = [];
    const by = actor.aadObjectId.toLowerCase();
    const stamp = (text: string, summary: Message, problems: Message[]) => ({ at: this.kit.now(), by, sha256: sha256Hex(text), summary, problems });
    const joined = (problems: readonly Message[], otherwise: Message): Message => (problems.length > 0 ? sentences(problems[0]!, ...problems.slice(1)) : otherwise);

    if (journey.scope === 'sharePoint') {
      journey.depIds.forEach((id, i) => {
        const field = `evidence.${i}`;
        const pasted = evidence[field] ?? '';
        if (pasted.trim() === '') {
          errors[field] = say('dep.evidence.pasteGeo', 'Paste the output of Get-SPODataEncryptionPolicy | Format-List for this geo.', {
            command: 'Get-SPODataEncryptionPolicy | Format-List',
          });
          return;
        }
        const parsed = parseSpoDataEncryptionPolicy(pasted);
        const problems = [...parsed.problems];
        const state = parsed.value.state;
        const keysMatch = spoKeysMatch(parsed.value, keyUris);
        if (!state) {
          errors[field] = joined(problems, say('roll.evidence.noState', 'Keyward found no state in the output.'));
          return;
        }
        if (state === 'Unregistered') {
          errors[field] = say(
            'dep.evidence.unregistered',
            "The geo shows Unregistered: the registration did not happen. Check the script's output for an error (the onboarding validation stops it when the keys fail), fix it, and run it again.",
          );
          return;
        }
        if (keysMatch === false) {
          errors[field] = say(
            'dep.evidence.otherKeys',
            `The output shows other keys than this policy's (${keyUris.join(', ')}). Paste the output for the right geo, or check which keys the geo uses.`,
            { keys: keyUris.join(', ') },
          );
          return;
        }
        if (keysMatch === undefined)
          problems.push(say('dep.evidence.keysUnseen', 'The output does not show both keys, so Keyward could not confirm they are the ones in the script.'));
        const percent = parsed.value.percentComplete;
        const summary =
          percent !== null
            ? say('dep.evidence.geoStatePercent', `SharePoint geo ${i + 1}: ${state} (${percent}%)`, { n: i + 1, state, percent })
            : say('dep.evidence.geoState', `SharePoint geo ${i + 1}: ${state}`, { n: i + 1, state });
        results.push({ depId: id, state, summary, problems });
        records.push(() => this.deps.inventory.recordDepEvidence(id, { state, percentComplete: parsed.value.percentComplete, evidence: stamp(pasted, summary, problems) }));
      });
    } else {
      const id = journey.depIds[0]!;
      const dep = await this.deps.inventory.dep(id);
      const name = dep && dep.dep.scope !== 'sharePoint' ? dep.dep.policyName : (journey.draft.policyName ?? '');
      const pasted = evidence['evidence.policy'] ?? '';
      const command = journey.scope === 'multiWorkload' ? 'Get-M365DataAtRestEncryptionPolicy' : 'Get-DataEncryptionPolicy';
      const fullCommand = `${command} -Identity '${name}' | Format-List`;
      if (pasted.trim() === '') errors['evidence.policy'] = say('dep.evidence.pastePolicy', `Paste the output of ${fullCommand}.`, { command: fullCommand });
      else {
        const parsed = journey.scope === 'multiWorkload' ? parseM365DataAtRestEncryptionPolicies(pasted) : parseDataEncryptionPolicies(pasted);
        const policy = parsed.value.find((p) => p.name.toLowerCase() === name.toLowerCase());
        const problems = [...parsed.problems];
        if (!policy) {
          const shown = parsed.value.map((p) => p.name).join(', ');
          errors['evidence.policy'] =
            parsed.value.length === 0
              ? joined(problems, say('roll.evidence.noPolicy', 'Keyward found no policy in the output.'))
              : say('dep.evidence.otherPolicy', `The output shows ${shown}, not ${name}. Paste the output of ${fullCommand}.`, { shown, name, command: fullCommand });
        } else if (!depPolicyUsesKeys(policy, keyUris)) {
          const uses = policy.normalizedKeyUris.join(', ');
          errors['evidence.policy'] = policy.keyListTruncated
            ? say('dep.evidence.truncated', 'PowerShell shortened the key list ("..."): run $FormatEnumerationLimit = -1, then the command again, and paste that.', {
                command: '$FormatEnumerationLimit = -1',
              })
            : uses
              ? say('dep.evidence.policyOtherKeys', `Policy ${policy.name} uses ${uses}, not the keys of this journey (${keyUris.join(', ')}).`, {
                  name: policy.name,
                  uses,
                  keys: keyUris.join(', '),
                })
              : say('dep.evidence.policyNoKeys', `Policy ${policy.name} uses no keys Keyward can read, not the keys of this journey (${keyUris.join(', ')}).`, {
                  name: policy.name,
                  keys: keyUris.join(', '),
                });
        } else {
          let tenantAssigned: boolean | null | undefined;
          if (journey.scope === 'multiWorkload') {
            const assignmentText = evidence['evidence.assignment'] ?? '';
            if (assignmentText.trim() !== '') {
              const assignment = parseM365DataAtRestEncryptionPolicyAssignment(assignmentText);
              problems.push(...assignment.problems);
              const assigned = assignment.value.assignedPolicyName;
              tenantAssigned = assigned === null ? null : assigned.toLowerCase() === name.toLowerCase();
              if (assigned && !tenantAssigned) {
                problems.push(
                  say('dep.evidence.assignedOther', `The tenant is assigned to policy ${assigned}, not ${name}: only one multi-workload policy is assigned at a time.`, {
                    assigned,
                    name,
                  }),
                );
              }
            } else problems.push(say('dep.evidence.noAssignment', 'No assignment output was pasted, so Keyward did not record whether the tenant is assigned to this policy.'));
          }
          if (policy.enabled === false)
            problems.push(say('dep.evidence.disabled', `Policy ${policy.name} is disabled (Enabled : False).`, { name: policy.name, shown: 'Enabled : False' }));
          if (policy.permanentDataPurgeRequested)
            problems.push(say('dep.evidence.purgeRequested', `A permanent data purge was requested for ${policy.name}; it can no longer be assigned.`, { name: policy.name }));
          const enabled = policy.enabled === true ? 'yes' : 'no';
          const assignedToTenant = tenantAssigned === true ? 'yes' : 'no';
          const summary = say(
            'dep.evidence.exists',
            `${policy.name} exists with the two keys${policy.enabled === true ? ', enabled' : ''}${tenantAssigned === true ? ', assigned to the tenant' : ''}`,
            { name: policy.name, enabled, assigned: assignedToTenant },
          );
          results.push({ depId: id, state: 'Registered', summary, problems });
          records.push(() =>
            this.deps.inventory.recordDepEvidence(id, {
              state: 'Registered',
              enabled: policy.enabled,
              keyUris: policy.normalizedKeyUris,
              ...(tenantAssigned !== undefined ? { tenantAssigned } : {}),
              evidence: stamp(pasted, summary, problems),
            }),
          );
        }
      }
    }
    if (Object.keys(errors).length > 0) {
      return await this.kit.save(journey, { draft, errors }, actor, 'dep.evidence.unreadable', 'denied', {
        fields: Object.keys(errors),
        sha256: Object.fromEntries(Object.entries(evidence).map(([k, v]) => [k, sha256Hex(v)])),
      });
    }
    for (const record of records) await record();
    const { evidence: _dropped, ...rest } = draft;
    return await this.kit.save(journey, { draft: rest, recorded: results, stage: 'recorded', status: 'done' }, actor, 'dep.evidence.recorded', 'success', {
      results: results.map((r) => ({ depId: r.depId, state: r.state, problems: r.problems.length })),
      sha256: Object.fromEntries(Object.entries(evidence).map(([k, v]) => [k, sha256Hex(v)])),
    });
  }

  /** The operator says the script did not run: the Scripted record stops counting as using the keys. */
  async withdraw(address: JourneyAddress, actor: JourneyOwner): Promise<DepJourney> {
    const loaded = await this.kit.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (!journey.depIds || (journey.stage !== 'review' && journey.stage !== 'evidence')) return this.kit.staleCopy(journey);
    const withdrawn: string[] = [];
    for (const id of journey.depIds) {
      if ((await this.deps.inventory.dep(id))?.state === 'Scripted') {
        await this.deps.inventory.withdrawDep(id, actor.name ?? actor.aadObjectId);
        withdrawn.push(id);
      }
    }
    return await this.kit.save(journey, { status: 'cancelled' }, actor, 'dep.withdrawn', 'success', { depIds: withdrawn });
  }

  // ---------------------------------------------------------------- Keyward runs it (app-only)

  /**
   * Exchange app-only (when enabled): the same policy as an approvable plan whose applyDep step
   * Keyward runs with `Connect-ExchangeOnline -ManagedIdentity`, after approval by the policy rule
   * of the plan's operation class. SharePoint is refused: app-only SPO is not confirmed.
   */
  async submitForKeyward(address: JourneyAddress, actor: JourneyOwner, reason: string, origin: Record<string, unknown>): Promise<DepJourney> {
    const loaded = await this.kit.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.stage !== 'review' || !journey.keys || !journey.scope) return this.kit.staleCopy(journey);
    if (!this.deps.exchangeAppOnly) {
      throw appError(
        'ValidationFailed',
        say('dep.appOnly.off', 'Keyward is not set up to run Exchange Online cmdlets itself (KEYWARD_DEP_APP_ONLY is off); run the script yourself.', {
          setting: 'KEYWARD_DEP_APP_ONLY',
        }),
      );
    }
    if (journey.scope === 'sharePoint')
      throw appError(
        'ValidationFailed',
        say('dep.appOnly.sharePoint', 'SharePoint policies are always run by an operator: app-only access for the SharePoint cmdlets is not confirmed.'),
      );
    if (!onboardingDone(await this.deps.onboarding.get(this.deps.tenantId, journey.scope))) {
      const workload = workloadName(journey.scope);
      throw appError(
        'ValidationFailed',
        say('dep.appOnly.notOnboarded', `${workload.text} is not onboarded for Customer Key yet; finish the onboarding step first.`, { workload }),
      );
    }
    if (reason.trim().length < 3) {
      return await this.kit.save(
        journey,
        { errors: { reason: say('dep.submit.reason', 'Say why this policy is needed (approvers see it, and it is kept in the audit log).') } },
        actor,
        'dep.submit.refused',
        'denied',
        { reason: 'ReasonRequired' },
      );
    }
    const built = this.requestFrom(journey, journey.draft, 'managedIdentity');
    if ('errors' in built) return await this.kit.save(journey, { errors: built.errors, stage: 'details' }, actor, 'dep.details.invalid', 'denied', {});
    const objectId = await this.deps.servicePrincipalObjectId(journey.scope);
    if (!objectId) {
      const principal = servicePrincipalFor(journey.scope).displayName;
      throw appError('ServicePrincipalMissing', say('dep.noServicePrincipal', `Keyward cannot find the object id of ${principal} in the tenant.`, { principal }));
    }
    const plan = buildDepPlan({ request: built.request, keys: journey.keys, servicePrincipalObjectId: objectId, runner: 'executor' });
    const hash = planHash(plan);
    const request = await this.deps.approvals.submit({
      planHash: hash,
      operationClass: plan.operationClass,
      title: plan.title,
      titleMessage: planText(plan).title,
      summaryLines: planSummaryLines(plan),
      summaryMessages: planSummaryMessages(plan),
      targets: [...(journey.depIds ?? []), ...journey.keys.map((k) => `${k.site}: ${k.containerName}/${k.keyName}`)],
      requester: { aadObjectId: actor.aadObjectId, name: actor.name, tenantId: actor.tenantId },
      reason: reason.trim(),
      origin,
      journeyId: journey.id,
    });
    const apply = plan.steps.find((s) => s.kind === 'applyDep');
    return await this.kit.save(journey, { stage: 'submitted', status: 'waiting', requestId: request.id, planHash: hash, plan }, actor, 'dep.submitted', 'success', {
      requestId: request.id,
      planHash: hash,
      scriptSha256: apply?.kind === 'applyDep' ? apply.params.scriptSha256 : null,
    });
  }

  /** The executor's plan for a DEP request this journey made (only Keyward-run DEPs have one). */
  async planFor(request: { journeyId?: string; planHash: string }): Promise<Plan | undefined> {
    if (!request.journeyId) return undefined;
    const journey = await this.deps.store.get(request.journeyId);
    if (!journey?.plan || journey.planHash !== request.planHash) return undefined;
    return journey.plan;
  }

  /** The approval request or its run moved (approvals' change listener). */
  async onRequestChanged(
    request: { id: string; status: string; closedReason?: string; execution?: { detail?: Text } },
    run?: { status: string; steps: ReadonlyArray<{ kind: string; status: string; output?: Readonly<Record<string, unknown>> }> },
  ): Promise<DepJourney | undefined> {
    const journey = await this.deps.store.findByRequest(request.id);
    if (!journey || journey.stage !== 'submitted') return undefined;
    if (['rejected', 'expired', 'cancelled'].includes(request.status)) {
      return await this.kit.save(journey, { stage: 'review', status: 'open', notice: keywardRequestClosed(request) }, 'system', 'dep.request.closed', 'info', {
        status: request.status,
      });
    }
    if (request.status === 'failed') {
      return await this.kit.save(
        journey,
        {
          stage: 'review',
          status: 'open',
          notice: request.execution?.detail
            ? say('dep.run.failedWhy', `Keyward's run of this policy failed: ${textOf(request.execution.detail)}. Nothing more runs; you can run the script yourself.`, {
                detail: request.execution.detail,
              })
            : say('dep.run.failed', "Keyward's run of this policy failed. Nothing more runs; you can run the script yourself."),
        },
        'system',
        'dep.run.failed',
        'failure',
        {},
      );
    }
    if (request.status === 'succeeded') {
      const output = run?.steps.find((s) => s.kind === 'applyDep' && s.status === 'done')?.output ?? {};
      const state = typeof output.depState === 'string' ? output.depState : 'Registered';
      const summary: Text = typeof output.summary === 'string' ? output.summary : say('dep.run.ran', 'Keyward ran the script; the Get- output it parsed is in the run.');
      const results = (journey.depIds ?? []).map((depId) => ({ depId, state, summary, problems: [] as Text[] }));
      return await this.kit.save(journey, { stage: 'recorded', status: 'done', recorded: results }, 'system', 'dep.run.succeeded', 'success', { state });
    }
    return undefined;
  }

  async back(address: JourneyAddress, actor: JourneyOwner): Promise<DepJourney> {
    const loaded = await this.kit.load(address, actor, { allowStatuses: ['open', 'done'] });
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    const previous: Partial<Record<DepStage, DepStage>> = { onboarding: 'scope', details: 'scope', review: 'details', evidence: 'review', recorded: 'evidence' };
    const to = previous[journey.stage];
    if (!to) return this.kit.staleCopy(journey);
    return await this.kit.save(journey, { stage: to, status: 'open' }, actor, 'dep.navigated', 'info', { to });
  }

  async cancel(address: JourneyAddress, actor: JourneyOwner): Promise<DepJourney> {
    const loaded = await this.kit.load(address, actor, { allowStatuses: ['open', 'cancelled', 'done'] });
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.status !== 'open') return journey;
    return await this.kit.save(journey, { status: 'cancelled' }, actor, 'dep.cancelled', 'success', {});
  }
}

/** One inventory DEP per policy (SharePoint: per geo). */
export function depRefsOf(request: DepRequest): DepRef[] {
  if (request.scope === 'sharePoint') return request.geos.map((geo) => ({ scope: 'sharePoint', adminUrl: geo.adminUrl.trim().replace(/\/$/, '') }));
  return [{ scope: request.scope, policyName: request.policyName.trim() }];
}

/** Domain field paths → the card's input ids (one message per input, lines numbered). */
export function mapRequestErrors(problems: Readonly<Record<string, Message>>): Record<string, Message> {
  const errors: Record<string, Message> = {};
  const add = (field: string, message: Message) => {
    const before = errors[field];
    errors[field] = before ? sentences(before, message) : message;
  };
  for (const [path, message] of Object.entries(problems)) {
    let m: RegExpExecArray | null;
    if (path === 'policyName' || path === 'description') add(path, message);
    else if (path === 'mailboxes') add('mailboxes', message);
    else if ((m = /^mailboxes\.(\d+)$/.exec(path)))
      add('mailboxes', say('dep.details.mailboxLine', `Mailbox ${Number(m[1]) + 1}: ${message.text}`, { n: Number(m[1]) + 1, message }));
    else if (path === 'geos') add('adminUrls', message);
    else if ((m = /^geos\.(\d+)\.adminUrl$/.exec(path)))
      add('adminUrls', say('dep.details.urlLine', `Line ${Number(m[1]) + 1}: ${message.text}`, { n: Number(m[1]) + 1, message }));
    else add('keys', message);
  }
  return errors;
}

/** "The request to have Keyward run this policy was rejected: <why>. You can run the script yourself, or submit it again." */
function keywardRequestClosed(request: { readonly status: string; readonly closedReason?: string }): Message {
  const { status } = request;
  return request.closedReason
    ? say('dep.request.closedWhy', `The request to have Keyward run this policy was ${status}: ${request.closedReason}. You can run the script yourself, or submit it again.`, {
        status,
        reason: request.closedReason,
      })
    : say('dep.request.closed', `The request to have Keyward run this policy was ${status}. You can run the script yourself, or submit it again.`, { status });
}

function spoKeysMatch(state: ReturnType<typeof parseSpoDataEncryptionPolicy>['value'], keyUris: readonly string[]): boolean | undefined {
  const wanted = keyUris.map((u) => {
    const parsed = parseKeyIdentifier(u);
    return parsed.ok ? `${parsed.key.containerName}/${parsed.key.keyName}`.toLowerCase() : u.toLowerCase();
  });
  const seen = [state.primaryKey, state.secondaryKey].map((k) => (k?.vaultName && k.keyName ? `${k.vaultName}/${k.keyName}`.toLowerCase() : undefined));
  if (seen.some((s) => s === undefined)) return undefined;
  return seen[0] === wanted[0] && seen[1] === wanted[1];
}

function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The DEPs of a journey as inventory records (for cards). */
export async function journeyDeps(inventory: InventoryService, journey: DepJourney): Promise<InventoryDep[]> {
  const deps = await Promise.all((journey.depIds ?? []).map((id) => inventory.dep(id)));
  return deps.filter((d): d is InventoryDep => d !== undefined);
}
