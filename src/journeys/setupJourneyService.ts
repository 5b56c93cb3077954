import { appError, isGuid, newId, say, sentences, toAppError, withoutTransaction, type Atomic, type Clock, type Logger, type Message } from '../core';
import type { AzureReader } from '../azure/ports';
import type { AuditEventInput } from '../audit/auditRecord';
import type { SubmitRequest } from '../approvals/submitRequest';
import type { CustodianRule } from '../approvals/approvalPolicy';
import {
  AZURE_REGIONS,
  DEFAULT_CONTAINER_NAME_PATTERN,
  MANDATORY_RETENTION_FEATURE,
  SITE_IDS,
  WORKLOADS,
  buildSetupPlan,
  containerNameFromPattern,
  containerResourceId,
  fieldPaths,
  nameKey,
  nameLine,
  draftFromForm,
  evaluatePreflight,
  mergeDraft,
  parseSetupForm,
  planHash,
  planText,
  preflightTargets,
  summarizeChecklist,
  validateSetupStep,
  validateSpec,
  type CustomerKeyDraft,
  type AzureRegion,
  type CustomerKeySpec,
  type NameTarget,
  type SiteId,
  type Workload,
  type PreflightTargets,
  type FieldMessages,
  type Plan,
  type PreflightContext,
  type SetupPlanContext,
  type SetupStep,
  type SpecValidationOptions,
} from '../customerKey';
import { observePreflight } from './observePreflight';
import {
  isOpen,
  type JourneyOwner,
  type JourneyStore,
  type NameSuggestion,
  type RegionChoice,
  type SetupChoices,
  type SetupJourney,
  type SetupStage,
  type PreflightResult,
} from './setupJourney';

/** Keyward itself, when it acts on a journey without a click (its timed re-checks): audited as such. */
const KEYWARD_AS_OWNER: JourneyOwner = { aadObjectId: 'system:keyward', name: 'Keyward' };

export interface SetupJourneyDeps {
  store: JourneyStore;
  /** Read-only Azure (Keyward's reader identity). */
  reader: AzureReader;
  audit: { append(event: AuditEventInput): Promise<unknown> };
  approvals: { submit(request: SubmitRequest): Promise<{ id: string }> | { id: string } };
  clock: Clock;
  logger: Logger;
  /** Tenant, Keyward's writer object id, service principal object ids. */
  planContext(): Promise<SetupPlanContext>;
  preflightContext(): Promise<PreflightContext>;
  validationOptions(): SpecValidationOptions;
  servicePrincipalOverrides?: Readonly<Record<string, string>>;
  /** How long a preflight stays valid for building a plan; older ones are re-run. */
  preflightMaxAgeMs?: number;
  /** The store's unit of work: audit record and journey change commit together (unit tests over fakes may leave it out). */
  atomic?: Atomic;
  /** The organisation's naming pattern for suggested vault and HSM names (KEYWARD_NAME_PATTERN). */
  namePattern?: string;
  /**
   * Who may be a key custodian: the approval policy's one custodian rule (approvals' custodianRule,
   * the rule submit and voting apply too). Custodians become voters on their key's changes, so the
   * policy, not the requester, decides who they can be. Absent: anyone (unit tests).
   */
  custodians?(): CustodianRule;
}

/** How many `{nn}` attempts a suggested name gets before the card says none was free. */
const NAME_ATTEMPTS = 20;
/** How long listed subscriptions and regions stay fresh on the sites card. */
const CHOICES_MAX_AGE_MS = 15 * 60 * 1000;

/** A lost compare-and-set inside a unit: thrown to roll the unit back, caught right outside it. */
class LostRace extends Error {}

/** What a card click names: the journey, the version the card showed, and (for step cards) the step. */
export interface CardAddress {
  journeyId: string;
  version: number;
}

const DEFAULT_PREFLIGHT_MAX_AGE_MS = 15 * 60 * 1000;

/**
 * The setup journey: a state machine over stored `SetupJourney` records. Every operation loads the
 * journey, checks who acts and that the card is current, computes the next state, audits it, and
 * stores it with compare-and-set. A stale or foreign card never changes anything: the caller gets
 * the current journey back with a notice, or a clear error.
 */
export class SetupJourneyService {
  constructor(private readonly deps: SetupJourneyDeps) {}

  async start(owner: JourneyOwner, conversationId: string, origin: Record<string, unknown>): Promise<SetupJourney> {
    requireOwner(owner);
    const now = this.now();
    const journey: SetupJourney = {
      id: newId('setup'),
      kind: 'setup',
      owner: { ...owner, aadObjectId: owner.aadObjectId.toLowerCase() },
      conversationId,
      origin,
      status: 'collecting',
      stage: 'choice',
      draft: {},
      errors: {},
      warnings: {},
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await this.atomic(async () => {
      await this.audit(journey, owner, 'journey.started', 'success');
      await this.deps.store.insert(journey);
    });
    return journey;
  }

  async get(id: string): Promise<SetupJourney> {
    const journey = await this.deps.store.get(id);
    if (!journey) throw appError('NotFound', say('setupJourney.notFound', `There is no setup journey ${id}. Type "status" to see yours, or "setup" to start one.`, { id }));
    return journey;
  }

  async listFor(owner: JourneyOwner, conversationId: string): Promise<SetupJourney[]> {
    const byId = new Map<string, SetupJourney>();
    for (const journey of [...(await this.deps.store.listByOwner(owner.aadObjectId)), ...(await this.deps.store.listByConversation(conversationId))]) byId.set(journey.id, journey);
    return [...byId.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  /** Remembers which message shows the journey's card (no version bump: it changes no decision). */
  async rememberCard(id: string, messageId: string | undefined): Promise<void> {
    if (!messageId) return;
    const journey = await this.deps.store.get(id);
    if (journey && journey.cardMessageId !== messageId) await this.deps.store.compareAndSet({ ...journey, cardMessageId: messageId }, journey.version);
  }

  /** A step card was submitted. Invalid values stay on the card with a message at each field. */
  async submitStep(address: CardAddress, actor: JourneyOwner, step: SetupStep, payload: unknown): Promise<SetupJourney> {
    const loaded = await this.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.stage !== step) return this.staleCopy(journey);

    const form = parseSetupForm(step, payload);
    if (!form.ok)
      return await this.save(journey, { errors: form.errors, warnings: {}, notice: undefined }, actor, 'journey.step.refused', 'denied', {
        step,
        fields: Object.keys(form.errors),
      });
    const draft = mergeDraft(journey.draft, draftFromForm(step, form.values));
    // People named on this card are looked up in the directory first (existence, names).
    let choices = step === 'hsm' || step === 'approvers' ? await this.lookUpPeople(peopleOnCard(step, draft), journey.choices) : journey.choices;
    if (step === 'sites') choices = await this.regionsForTypedSubscriptions(draft, choices);
    const options = this.validation(choices);
    const check = validateSetupStep(step, draft, options);
    let errors: Record<string, Message> = { ...check.errors };
    const warnings: Record<string, Message> = { ...check.warnings };

    if (step === 'sites') Object.assign(errors, regionErrors(draft, choices, errors));
    if (step === 'hsm' || step === 'approvers') Object.assign(errors, this.peopleErrors(step, draft, choices, errors, warnings));
    if (check.ok && step === 'names') Object.assign(errors, await this.nameErrors(draft, warnings));
    if (Object.keys(errors).length > 0) {
      return await this.save(journey, { draft, choices, errors, warnings, notice: undefined }, actor, 'journey.step.invalid', 'denied', { step, fields: Object.keys(errors) });
    }

    const next = nextStage(step, draft);
    if (next !== 'preflight') {
      choices = await this.choicesFor(next, draft, choices);
      return await this.save(journey, { draft, choices, stage: next, errors: {}, warnings, notice: undefined }, actor, 'journey.step.completed', 'success', { step });
    }
    // Last card: the whole spec must hold together before anything is checked in Azure.
    const whole = validateSpec(draft, options);
    if (!whole.ok) {
      const first = firstStageWithErrors(whole.errors, draft);
      errors = whole.errors;
      return await this.save(
        journey,
        {
          draft,
          choices,
          stage: first,
          errors,
          warnings: whole.warnings,
          notice: say('setupJourney.notice.revalidate', 'Some earlier answers no longer fit together; fix the fields marked below.'),
        },
        actor,
        'journey.step.invalid',
        'denied',
        { step, fields: Object.keys(errors) },
      );
    }
    const preflight = await this.runPreflightFor(whole.spec, journey.preflight);
    const checked = await this.save(
      journey,
      { draft, choices, stage: 'preflight', errors: {}, warnings: whole.warnings, preflight, notice: undefined },
      actor,
      'journey.preflight.run',
      preflight.ready ? 'success' : 'info',
      summaryDetails(preflight.lines),
    );
    return preflight.ready && checked.stage === 'preflight' && checked.version === journey.version + 1 ? await this.planFor(checked, actor, whole.spec, preflight) : checked;
  }

  /**
   * Back one card (from preflight or preview: to the last parameter card). Values typed on the card
   * being left are kept, unvalidated, so going back never loses anything.
   */
  async back(address: CardAddress, actor: JourneyOwner, payload?: unknown): Promise<SetupJourney> {
    const loaded = await this.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    let draft = journey.draft;
    if (payload !== undefined && journey.stage !== 'preflight' && journey.stage !== 'preview') {
      const form = parseSetupForm(journey.stage, payload);
      if (form.ok) draft = mergeDraft(draft, draftFromForm(journey.stage, form.values));
    }
    const stages = stagesFor(draft);
    const index = stages.indexOf(journey.stage);
    const previous = stages[Math.max(0, index - 1)] ?? 'choice';
    const choices = await this.choicesFor(previous, draft, journey.choices);
    return await this.save(
      journey,
      { draft, choices, stage: previous, errors: {}, warnings: {}, notice: undefined, plan: undefined, planHash: undefined },
      actor,
      'journey.navigated',
      'info',
      { to: previous },
    );
  }

  /** Jump to a parameter card to change it (from the preflight or preview cards). */
  async edit(address: CardAddress, actor: JourneyOwner, step: SetupStep): Promise<SetupJourney> {
    const loaded = await this.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (!stagesFor(journey.draft).includes(step)) throw appError('ValidationFailed', say('setupJourney.noSuchCard', `There is no "${step}" card for this journey.`, { step }));
    const choices = await this.choicesFor(step, journey.draft, journey.choices);
    return await this.save(journey, { choices, stage: step, errors: {}, notice: undefined, plan: undefined, planHash: undefined }, actor, 'journey.navigated', 'info', {
      to: step,
    });
  }

  /**
   * Keyward's own re-check of setups that wait for Microsoft to confirm the mandatory retention
   * period (issue 11 item 8: the wait never depends on the operator remembering to press "Run the
   * checks again"). Each open journey at the checks whose last run found a registration pending,
   * and which was last checked at least `everyMs` ago, gets the checks run again as Keyward; the
   * journeys where Microsoft has now confirmed every pending registration are returned, so their
   * operators can be told. A journey someone changed meanwhile is left alone (compare-and-set).
   */
  async recheckWaitingRetention(everyMs: number): Promise<SetupJourney[]> {
    const confirmed: SetupJourney[] = [];
    const now = this.deps.clock.now().getTime();
    for (const journey of await this.deps.store.listOpen()) {
      const waiting = journey.preflight?.mandatoryRetentionPendingSince;
      if (journey.stage !== 'preflight' || !waiting || Object.keys(waiting).length === 0) continue;
      if (now - Date.parse(journey.preflight!.at) < everyMs) continue;
      try {
        const preflight = await this.runPreflightFor(this.specOf(journey), journey.preflight);
        const stillWaiting = Object.keys(preflight.mandatoryRetentionPendingSince ?? {}).length > 0;
        const notice = stillWaiting ? undefined : say('setupJourney.retentionConfirmed', 'Microsoft has confirmed the mandatory retention period; Keyward ran the checks again.');
        const saved = await this.save(
          journey,
          { preflight, ...(notice ? { notice } : {}) },
          KEYWARD_AS_OWNER,
          'journey.preflight.rechecked',
          preflight.ready ? 'success' : 'info',
          { ...summaryDetails(preflight.lines), retentionConfirmed: !stillWaiting },
        );
        if (!stillWaiting && saved.version === journey.version + 1) confirmed.push(saved);
      } catch (error) {
        this.deps.logger?.warn(
          { journeyId: journey.id, code: toAppError(error).code },
          'could not re-check the mandatory retention registration; trying again at the next interval',
        );
      }
    }
    return confirmed;
  }

  /** Re-runs the read-only checks (e.g. after registering the mandatory retention feature). */
  async rerunPreflight(address: CardAddress, actor: JourneyOwner): Promise<SetupJourney> {
    const loaded = await this.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    const spec = this.specOf(journey);
    const preflight = await this.runPreflightFor(spec, journey.preflight);
    const checked = await this.save(
      journey,
      { stage: 'preflight', preflight, plan: undefined, planHash: undefined, notice: undefined },
      actor,
      'journey.preflight.run',
      preflight.ready ? 'success' : 'info',
      summaryDetails(preflight.lines),
    );
    // All green: straight on to the plan (one click fewer; the checks stay on the preview card).
    return preflight.ready && checked.version === journey.version + 1 ? await this.planFor(checked, actor, spec, preflight) : checked;
  }

  /** Builds the plan from a green preflight and shows it for review. */
  async preview(address: CardAddress, actor: JourneyOwner): Promise<SetupJourney> {
    const loaded = await this.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    let journey = loaded.journey;
    const spec = this.specOf(journey);
    const maxAge = this.deps.preflightMaxAgeMs ?? DEFAULT_PREFLIGHT_MAX_AGE_MS;
    let preflight = journey.preflight;
    if (!preflight || this.deps.clock.now().getTime() - Date.parse(preflight.at) > maxAge) preflight = await this.runPreflightFor(spec, journey.preflight);
    if (!preflight.ready) {
      return await this.save(
        journey,
        {
          stage: 'preflight',
          preflight,
          notice: say('setupJourney.notice.notGreen', 'The checks are not all green yet. Fix the red lines (each has a fix), then run the checks again.'),
        },
        actor,
        'journey.preview.refused',
        'denied',
        summaryDetails(preflight.lines),
      );
    }
    journey = await this.planFor(journey, actor, spec, preflight);
    return journey;
  }

  /** Builds the plan after green checks and shows it for review (audited with its hash). */
  private async planFor(journey: SetupJourney, actor: JourneyOwner, spec: CustomerKeySpec, preflight: PreflightResult): Promise<SetupJourney> {
    const plan = buildSetupPlan(spec, await this.deps.planContext());
    const hash = planHash(plan);
    return await this.save(
      journey,
      { stage: 'preview', preflight, plan, planHash: hash, notice: undefined },
      actor,
      'journey.plan.built',
      'success',
      { steps: plan.steps.length },
      hash,
    );
  }

  /**
   * Hands the plan to the approvals engine. The plan is rebuilt first: if anything it depends on
   * changed since the preview (the spec, Keyward's identity, a service principal), the operator
   * sees the new plan and hash instead of submitting one they did not review.
   */
  async submit(address: CardAddress, actor: JourneyOwner, reason: string, origin: Record<string, unknown>): Promise<SetupJourney> {
    const loaded = await this.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.stage !== 'preview' || !journey.plan || !journey.planHash) return this.staleCopy(journey);
    const trimmed = reason.trim();
    if (trimmed.length < 3) {
      return await this.save(
        journey,
        { errors: { reason: say('journey.reasonRequired', 'Say why this change is needed (approvers see it, and it is kept in the audit log).') }, notice: undefined },
        actor,
        'journey.submit.refused',
        'denied',
        { reason: 'ReasonRequired' },
      );
    }
    const plan = buildSetupPlan(this.specOf(journey), await this.deps.planContext());
    const hash = planHash(plan);
    if (hash !== journey.planHash) {
      return await this.save(
        journey,
        {
          plan,
          planHash: hash,
          errors: {},
          notice: say(
            'setupJourney.notice.planChanged',
            'The plan changed since you reviewed it (something it depends on changed). Review the new plan and its hash, then submit again.',
          ),
        },
        actor,
        'journey.plan.changed',
        'info',
        { previous: journey.planHash },
        hash,
      );
    }
    const spec = this.specOf(journey);
    const request = await this.deps.approvals.submit({
      planHash: hash,
      operationClass: plan.operationClass,
      title: plan.title,
      titleMessage: planText(plan).title,
      summaryLines: planSummaryLines(plan),
      summaryMessages: planSummaryMessages(plan),
      targets: plan.keys.map((key) => `${key.site}: ${key.containerName}/${key.keyName}`).slice(0, 60),
      keySides: spec.approvers.A.length > 0 || spec.approvers.B.length > 0 ? { A: [...spec.approvers.A], B: [...spec.approvers.B] } : undefined,
      requester: { aadObjectId: actor.aadObjectId, name: actor.name, tenantId: actor.tenantId },
      reason: trimmed,
      origin,
      journeyId: journey.id,
    });
    return await this.save(
      journey,
      { status: 'submitted', requestId: request.id, errors: {}, notice: undefined },
      actor,
      'journey.submitted',
      'success',
      { requestId: request.id },
      hash,
      request.id,
    );
  }

  async cancel(address: CardAddress, actor: JourneyOwner): Promise<SetupJourney> {
    const loaded = await this.load(address, actor, { allowClosed: true });
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.status === 'submitted')
      throw appError('JourneyClosed', say('setupJourney.cancelSubmitted', 'This journey was submitted for approval; cancel the request on its approval card instead.'));
    if (journey.status === 'cancelled') return journey;
    return await this.save(journey, { status: 'cancelled', notice: undefined }, actor, 'journey.cancelled', 'success', {});
  }

  // ------------------------------------------------------------------------------------------

  private async load(address: CardAddress, actor: JourneyOwner, options: { allowClosed?: boolean } = {}): Promise<{ journey: SetupJourney } | { stale: SetupJourney }> {
    requireOwner(actor);
    const journey = await this.get(address.journeyId);
    if (journey.owner.aadObjectId !== actor.aadObjectId.toLowerCase()) {
      await this.audit(journey, actor, 'journey.foreign_click', 'denied', {});
      throw appError(
        'NotYourJourney',
        journey.owner.name
          ? say('setupJourney.foreign', `This setup belongs to ${journey.owner.name}. Type "setup" to start your own.`, { owner: journey.owner.name })
          : say('setupJourney.foreignUnnamed', 'This setup belongs to someone else. Type "setup" to start your own.'),
      );
    }
    if (!options.allowClosed && !isOpen(journey)) {
      throw appError(
        'JourneyClosed',
        journey.status === 'submitted'
          ? say('setupJourney.closedSubmitted', 'This journey was already submitted for approval; its approval card shows where it stands.')
          : say('setupJourney.closedCancelled', 'This journey was cancelled. Type "setup" to start a new one.'),
      );
    }
    if (address.version !== journey.version) return { stale: this.staleCopy(journey) };
    return { journey };
  }

  /** The current journey, marked so the card says it replaced an outdated one; nothing is stored. */
  private staleCopy(journey: SetupJourney): SetupJourney {
    return { ...journey, notice: say('journey.notice.staleCard', 'That card was out of date, so nothing was changed. This is the current state; continue from here.') };
  }

  private specOf(journey: SetupJourney): CustomerKeySpec {
    const result = validateSpec(journey.draft, this.validation(journey.choices));
    if (!result.ok)
      throw appError('ValidationFailed', say('setupJourney.invalidNow', 'Some answers are not valid any more; edit the marked cards.'), { fields: Object.keys(result.errors) });
    return result.spec;
  }

  private async runPreflightFor(spec: CustomerKeySpec, previous?: PreflightResult): Promise<PreflightResult> {
    const targets = preflightTargets(spec);
    const observations = await observePreflight(this.deps.reader, targets, { servicePrincipalOverrides: this.deps.servicePrincipalOverrides });
    // Since when each subscription's mandatory retention registration has waited for Microsoft:
    // the card then says how long, what to do now, and after five business days to contact Microsoft.
    const pendingSince: Record<string, string> = {};
    for (const [subscriptionId, observed] of Object.entries(observations.mandatoryRetention ?? {})) {
      if (observed.ok && (observed.value.state === 'Registering' || observed.value.state === 'Pending')) {
        pendingSince[subscriptionId] = previous?.mandatoryRetentionPendingSince?.[subscriptionId] ?? this.now();
      }
    }
    const context = { ...(await this.deps.preflightContext()), now: this.deps.clock.now(), mandatoryRetentionPendingSince: pendingSince };
    const lines = evaluatePreflight(spec, observations, context);
    return { at: this.now(), lines, ready: summarizeChecklist(lines).ready, ...(Object.keys(pendingSince).length > 0 ? { mandatoryRetentionPendingSince: pendingSince } : {}) };
  }

  /**
   * Names taken or soft-deleted, as field errors on the names card. Checked from the draft (later
   * cards are not filled yet), with the same rules and wording as the preflight name lines.
   */
  private async nameErrors(draft: CustomerKeyDraft, warnings: Record<string, Message>): Promise<Record<string, Message>> {
    const errors: Record<string, Message> = {};
    const targets = nameTargetsFromDraft(draft);
    const observations = await observePreflight(this.deps.reader, emptyTargets({ names: targets, subscriptions: subscriptionsOf(draft) }));
    for (const target of targets) {
      const line = nameLine(target, observations.names?.[target.key]);
      const field = target.kind === 'vault' && target.workload ? fieldPaths.vaultName(target.site, target.workload) : fieldPaths.hsmName(target.site);
      if (line.status === 'fail') errors[field] = sentences(line.detail, line.fix?.text);
      else if (line.status === 'warn' || line.status === 'unknown') warnings[field] = line.detail;
    }
    return errors;
  }

  // ------------------------------------------------------------------------------ choices

  /** Validation options with what the journey read from the tenant: the regions, people's names. */
  private validation(choices: SetupChoices | undefined): SpecValidationOptions {
    const base = this.deps.validationOptions();
    const regions = regionCatalogue(choices);
    const displayNames = Object.fromEntries(Object.entries(choices?.people ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    return { ...base, ...(regions ? { regions } : {}), displayNames };
  }

  /** What the card of `stage` offers, read now if missing or stale (never inside a unit of work). */
  private async choicesFor(stage: SetupStage, draft: CustomerKeyDraft, choices: SetupChoices | undefined): Promise<SetupChoices | undefined> {
    if (stage === 'sites') {
      const fresh = choices?.subscriptions && this.deps.clock.now().getTime() - Date.parse(choices.at) < CHOICES_MAX_AGE_MS;
      return fresh ? choices : await this.siteChoices(choices);
    }
    if (stage === 'names') return await this.nameChoices(draft, choices);
    return choices;
  }

  /**
   * The subscriptions the reader identity sees (name, id, state, mandatory retention state) and
   * each one's own regions. A subscription that cannot be read shows without them; if the list
   * itself fails, the card asks for ids and says why.
   */
  private async siteChoices(previous: SetupChoices | undefined): Promise<SetupChoices> {
    const at = this.now();
    const { reader } = this.deps;
    let listed;
    try {
      listed = await reader.listSubscriptions();
    } catch (error) {
      const failure = toAppError(error);
      this.deps.logger.warn({ code: failure.code }, 'could not list subscriptions for the sites card');
      return {
        ...previous,
        at,
        subscriptions: undefined,
        subscriptionsUnavailable: say('setupJourney.subscriptionsUnavailable', `${failure.message} (${failure.code})`, {
          message: failure.said ?? failure.message,
          code: failure.code,
        }),
      };
    }
    const wanted = listed.filter((s) => s.state !== 'Deleted').slice(0, 50);
    const rows = await Promise.all(
      wanted.map(async (s) => {
        const [retention, locations] = await Promise.all([
          reader.getFeatureState(s.subscriptionId, MANDATORY_RETENTION_FEATURE.providerNamespace, MANDATORY_RETENTION_FEATURE.featureName).catch(() => 'Unknown'),
          reader.listLocations(s.subscriptionId).catch(() => undefined),
        ]);
        return { subscription: { subscriptionId: s.subscriptionId.toLowerCase(), displayName: s.displayName ?? s.subscriptionId, state: s.state, retention }, locations };
      }),
    );
    const regions: Record<string, RegionChoice[]> = { ...previous?.regions };
    for (const row of rows) if (row.locations) regions[row.subscription.subscriptionId] = row.locations.map(regionChoiceOf);
    return { ...previous, at, subscriptions: rows.map((row) => row.subscription), subscriptionsUnavailable: undefined, regions };
  }

  /** A subscription typed by hand (not in the list): read its own regions to check the chosen one. */
  private async regionsForTypedSubscriptions(draft: CustomerKeyDraft, choices: SetupChoices | undefined): Promise<SetupChoices | undefined> {
    let out = choices;
    for (const site of SITE_IDS) {
      const id = (draft.sites?.[site]?.subscriptionId ?? '').trim().toLowerCase();
      if (!isGuid(id) || out?.regions?.[id]) continue;
      const locations = await this.deps.reader.listLocations(id).catch(() => undefined);
      if (locations) out = { ...out, at: out?.at ?? this.now(), regions: { ...out?.regions, [id]: locations.map(regionChoiceOf) } };
    }
    return out;
  }

  /**
   * Vault or HSM names from the organisation's pattern, each checked free in Azure (taken names
   * and soft-deleted ones move `{nn}` on), for the names card to open with. Kept while the sites
   * and workloads stay the same.
   */
  private async nameChoices(draft: CustomerKeyDraft, choices: SetupChoices | undefined): Promise<SetupChoices | undefined> {
    const pattern = this.deps.namePattern ?? DEFAULT_CONTAINER_NAME_PATTERN;
    const wanted = containersOf(draft);
    const known = choices?.names ?? {};
    if (wanted.length > 0 && wanted.every((w) => known[w.path])) return choices;
    const names: Record<string, NameSuggestion> = {};
    const taken = new Set<string>();
    let pending = wanted.map((w) => ({ ...w, n: 1 }));
    for (let round = 0; round < NAME_ATTEMPTS && pending.length > 0; round += 1) {
      const candidates = pending.map((w) => {
        let name = containerNameFromPattern(pattern, { kind: w.kind, workload: w.workload, site: w.site, n: w.n });
        // Two containers of this journey never get the same name.
        while (taken.has(name) && w.n < 99) name = containerNameFromPattern(pattern, { kind: w.kind, workload: w.workload, site: w.site, n: ++w.n });
        taken.add(name);
        return { ...w, name };
      });
      const targets = candidates.map((c) => nameTarget(draft, c.site, c.kind, c.name, c.workload));
      const observations = await observePreflight(this.deps.reader, emptyTargets({ names: targets, subscriptions: subscriptionsOf(draft) }));
      const next: typeof pending = [];
      candidates.forEach((c, i) => {
        const line = nameLine(targets[i]!, observations.names?.[targets[i]!.key]);
        // Only a name nobody uses: one that exists where the plan would put it belongs to an earlier setup.
        if (line.status === 'pass') names[c.path] = { name: c.name, available: true };
        else if (line.status === 'unknown') names[c.path] = { name: c.name, available: 'unknown' };
        else {
          names[c.path] = { name: c.name, available: false };
          next.push({ ...c, n: c.n + 1 });
        }
      });
      pending = next;
    }
    return { ...choices, at: choices?.at ?? this.now(), names };
  }

  /** Looks up in the directory the people a card names that were not looked up yet. */
  private async lookUpPeople(ids: readonly string[], choices: SetupChoices | undefined): Promise<SetupChoices | undefined> {
    const people: Record<string, string | null> = { ...choices?.people };
    const missing = [...new Set(ids.map((id) => id.trim().toLowerCase()))].filter((id) => isGuid(id) && !(id in people));
    if (missing.length === 0) return choices;
    await Promise.all(
      missing.map(async (id) => {
        try {
          const user = await this.deps.reader.getUser(id);
          people[id] = user && user.accountEnabled !== false ? user.displayName : null;
        } catch (error) {
          // Not known either way: not stored, so the next submit asks again.
          this.deps.logger.warn({ code: toAppError(error).code }, 'could not look up a person in the directory');
        }
      }),
    );
    return { ...choices, at: choices?.at ?? this.now(), people };
  }

  /**
   * People the directory does not know (or whose account is disabled) are refused at their field;
   * custodians must also be members of a group the approval policy names.
   */
  private peopleErrors(
    step: 'hsm' | 'approvers',
    draft: CustomerKeyDraft,
    choices: SetupChoices | undefined,
    already: Record<string, Message>,
    warnings: Record<string, Message>,
  ): Record<string, Message> {
    const errors: Record<string, Message> = {};
    const people = choices?.people ?? {};
    const add = (into: Record<string, Message>, path: string, message: Message) => {
      if (already[path]) return;
      const before = into[path];
      into[path] = before ? sentences(before, message) : message;
    };
    const unknownPerson = (id: string) =>
      say(
        'setupJourney.person.unknown',
        `${id} is not an active user in your tenant (Microsoft Graph found no enabled user with this object id). Choose the person from the list.`,
        { id },
      );
    const notChecked = (id: string) =>
      say('setupJourney.person.notChecked', `Keyward could not look ${id} up in the directory just now; it checks again when you press Next.`, { id });
    const check = (path: string, ids: readonly string[], onUnknown: 'error' | 'warning') => {
      for (const raw of ids) {
        const id = raw.trim().toLowerCase();
        if (!isGuid(id)) continue; // the validators say what is wrong with it
        if (!(id in people)) add(warnings, path, notChecked(id));
        else if (people[id] === null)
          add(
            onUnknown === 'error' ? errors : warnings,
            path,
            onUnknown === 'error'
              ? unknownPerson(id)
              : say('setupJourney.person.notAUser', `${id} is not a user in your tenant; if it is a group or an application, make sure that is intended.`, { id }),
          );
      }
    };
    if (step === 'hsm') {
      // Initial administrators may be groups or service principals: a warning. Officers hand in certificates on cards: people.
      check(fieldPaths.initialAdminObjectIds, draft.hsm?.initialAdminObjectIds ?? [], 'warning');
      check(fieldPaths.officerIds, draft.hsm?.officerIds ?? [], 'error');
      (draft.hsm?.officers ?? []).forEach((row, i) => check(fieldPaths.officerObjectId(i), [row.objectId ?? ''], 'error'));
      return errors;
    }
    const custodians = this.deps.custodians?.();
    const names = custodians?.groups.map((group) => group.name) ?? [];
    for (const site of SITE_IDS) {
      const path = fieldPaths.approvers(site);
      const ids = draft.approvers?.[site] ?? [];
      check(path, ids, 'error');
      if (!custodians) continue;
      for (const raw of ids) {
        const id = raw.trim().toLowerCase();
        if (!isGuid(id) || people[id] === null) continue;
        if (!custodians.allows(id)) {
          const who = people[id] ?? id;
          const groups = names.join(', ');
          add(
            errors,
            path,
            custodians.every
              ? say(
                  'setupJourney.person.notInEveryGroup',
                  `${who} is not ${names.length === 1 ? 'a member of' : 'a member of each of'} ${groups}, the group${names.length === 1 ? '' : 's'} the approval policy requires of key custodians. Custodians vote on their key's changes, so the policy decides who they can be: choose someone from the list, or ask for the policy file to be changed.`,
                  { who, groups, count: names.length },
                )
              : say(
                  'setupJourney.person.notInGroup',
                  `${who} is not in a group the approval policy names (${groups}). Custodians vote on their key's changes, so the policy decides who they can be: choose someone from the list, or ask for the policy file to be changed.`,
                  { who, groups },
                ),
          );
        }
      }
    }
    return errors;
  }

  private async save(
    journey: SetupJourney,
    changes: Partial<SetupJourney>,
    actor: JourneyOwner,
    action: string,
    outcome: AuditEventInput['outcome'],
    details: Record<string, unknown>,
    hash?: string,
    requestId?: string,
  ): Promise<SetupJourney> {
    const next: SetupJourney = { ...journey, ...changes, version: journey.version + 1, updatedAt: this.now() };
    if (!('notice' in changes)) delete next.notice;
    // Audit first, in one unit with the change: if the record cannot be written the journey does
    // not move (fail closed), and a lost compare-and-set takes its record back with it.
    const stored = await this.atomic(async () => {
      await this.audit(next, actor, action, outcome, { stage: next.stage, ...details }, hash, requestId);
      if (!(await this.deps.store.compareAndSet(next, journey.version))) throw new LostRace();
      return true;
    }).catch((error: unknown) => {
      if (error instanceof LostRace) return false;
      throw error;
    });
    if (!stored) return this.staleCopy(await this.get(journey.id));
    return next;
  }

  private atomic<T>(work: () => Promise<T>): Promise<T> {
    return (this.deps.atomic ?? withoutTransaction)(work);
  }

  private async audit(
    journey: SetupJourney,
    actor: JourneyOwner,
    action: string,
    outcome: AuditEventInput['outcome'],
    details: Record<string, unknown> = {},
    hash?: string,
    requestId?: string,
  ): Promise<void> {
    await this.deps.audit.append({
      actor: { objectId: actor.aadObjectId.toLowerCase(), name: actor.name, tenantId: actor.tenantId },
      action,
      target: `journey/${journey.id}`,
      outcome,
      planHash: hash ?? journey.planHash,
      requestId: requestId ?? journey.requestId,
      details,
    });
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}

/** The cards of a journey, in order; the Managed HSM card only for Managed HSM. */
export function stagesFor(draft: { protection?: string }): SetupStage[] {
  return draft.protection === 'managedHsm'
    ? ['choice', 'sites', 'names', 'hsm', 'approvers', 'preflight', 'preview']
    : ['choice', 'sites', 'names', 'approvers', 'preflight', 'preview'];
}

function nextStage(step: SetupStep, draft: { protection?: string }): SetupStage {
  const stages = stagesFor(draft);
  return stages[stages.indexOf(step) + 1] ?? 'preflight';
}

function firstStageWithErrors(errors: FieldMessages, draft: { protection?: string }): SetupStage {
  const order = stagesFor(draft);
  const steps = Object.keys(errors).map(stageOfPath);
  return order.find((stage) => steps.includes(stage)) ?? 'choice';
}

function stageOfPath(field: string): SetupStage {
  const path = field.replace(/\.typed$/, '');
  if (path === 'protection' || path === 'workloads') return 'choice';
  if (/^sites\.[AB]\.(subscriptionId|resourceGroup|region)$/.test(path)) return 'sites';
  if (path.startsWith('sites.') || path === 'keySize' || path === 'accessModel') return 'names';
  if (path.startsWith('hsm.')) return 'hsm';
  return 'approvers';
}

function requireOwner(actor: JourneyOwner): void {
  if (!actor.aadObjectId)
    throw appError('NotYourJourney', say('journey.whoAreYou', 'Keyward could not tell who you are (no Entra object id in the activity). Use Keyward from Microsoft Teams.'));
}

function summaryDetails(lines: ReadonlyArray<{ status: string; id: string }>): Record<string, unknown> {
  return { red: lines.filter((l) => l.status === 'fail').map((l) => l.id), unknown: lines.filter((l) => l.status === 'unknown').map((l) => l.id) };
}

/** What approvers read: the steps in order, then what cannot be undone and what it costs. */
export function planSummaryLines(plan: Plan): string[] {
  return planSummary(plan).map((line) => line.text);
}

/**
 * The same lines as messages, for the approval card in each approver's language. Each line's
 * English is the stored line when the plan's sentences are the ones `planText` makes; the card
 * shows the stored line otherwise.
 */
export function planSummaryMessages(plan: Plan): Message[] {
  return planSummary(plan).map((line) => line.message);
}

function planSummary(plan: Plan): Array<{ text: string; message: Message }> {
  const said = planText(plan);
  const line = (text: string, message: Message) => ({ text: text.length > 500 ? `${text.slice(0, 497)}…` : text, message });
  const steps = plan.steps.map((step, i) => {
    const summary = said.steps[i] ?? say('plan.step.scriptTitle', step.summary, { title: step.summary });
    const n = step.index + 1;
    return step.irreversible
      ? line(`${n}. ${step.summary} (cannot be undone)`, say('plan.summary.stepIrreversible', `${n}. ${summary.text} (cannot be undone)`, { n: String(n), step: summary }))
      : line(`${n}. ${step.summary}`, say('plan.summary.step', `${n}. ${summary.text}`, { n: String(n), step: summary }));
  });
  const stored = (texts: readonly string[], messages: readonly Message[]) => texts.map((text, i) => messages[i] ?? say('plan.step.scriptTitle', text, { title: text }));
  const tail = [
    ...stored(plan.irreversible, said.irreversible).map((m, i) =>
      line(`Cannot be undone: ${plan.irreversible[i]!}`, say('plan.summary.irreversible', `Cannot be undone: ${m.text}`, { line: m })),
    ),
    ...stored(plan.costNotes, said.costNotes).map((m, i) => line(`Cost: ${plan.costNotes[i]!}`, say('plan.summary.cost', `Cost: ${m.text}`, { line: m }))),
  ];
  const room = 60 - tail.length;
  const more = steps.length - room + 1;
  const shown =
    steps.length > room
      ? [
          ...steps.slice(0, room - 1),
          line(`… and ${more} more steps (see the plan preview).`, say('plan.summary.more', `… and ${more} more steps (see the plan preview).`, { count: more })),
        ]
      : steps;
  return [...shown, ...tail];
}

/** The vault or HSM names a draft asks for, as preflight name targets. */
function nameTargetsFromDraft(draft: CustomerKeyDraft): NameTarget[] {
  const targets: NameTarget[] = [];
  for (const site of ['A', 'B'] as const) {
    const s = draft.sites?.[site] ?? {};
    if (draft.protection === 'managedHsm') {
      const name = (s.hsmName ?? '').trim();
      if (name) targets.push(nameTarget(draft, site, 'managedHsm', name, undefined));
    } else {
      for (const workload of draft.workloads ?? []) {
        const name = (s.vaultNames?.[workload as keyof typeof s.vaultNames] ?? '').trim();
        if (name) targets.push(nameTarget(draft, site, 'vault', name, workload as Workload));
      }
    }
  }
  return targets;
}

function subscriptionsOf(draft: CustomerKeyDraft): PreflightTargets['subscriptions'] {
  return (['A', 'B'] as const).map((site) => ({ site, subscriptionId: (draft.sites?.[site]?.subscriptionId ?? '').trim().toLowerCase() })).filter((s) => s.subscriptionId !== '');
}

function emptyTargets(partial: Partial<PreflightTargets>): PreflightTargets {
  return { subscriptions: [], mandatoryRetention: [], resourceGroups: [], names: [], hsmQuotas: [], hsmLocations: [], permissions: [], servicePrincipals: [], ...partial };
}

/** Whom a card names: custodians, or the HSM's administrators and officers. */
function peopleOnCard(step: 'hsm' | 'approvers', draft: CustomerKeyDraft): string[] {
  if (step === 'approvers') return [...(draft.approvers?.A ?? []), ...(draft.approvers?.B ?? [])];
  return [...(draft.hsm?.initialAdminObjectIds ?? []), ...(draft.hsm?.officerIds ?? []), ...(draft.hsm?.officers ?? []).map((row) => row.objectId ?? '')];
}

function regionChoiceOf(location: { name: string; displayName: string; geography?: string; pairedRegion?: string }): RegionChoice {
  const known = AZURE_REGIONS.find((r) => r.name === location.name);
  const geography = location.geography ?? known?.geography;
  const paired = location.pairedRegion ?? known?.pairedRegion ?? undefined;
  return { name: location.name, displayName: location.displayName, ...(geography ? { geography } : {}), ...(paired ? { pairedRegion: paired } : {}) };
}

/** The regions the listed subscriptions may use, as the rules' region catalogue (absent: the built-in list). */
function regionCatalogue(choices: SetupChoices | undefined): AzureRegion[] | undefined {
  const all = new Map<string, AzureRegion>();
  for (const list of Object.values(choices?.regions ?? {})) {
    for (const region of list)
      if (!all.has(region.name))
        all.set(region.name, { name: region.name, displayName: region.displayName, geography: region.geography ?? '', pairedRegion: region.pairedRegion ?? null });
  }
  return all.size > 0 ? [...all.values()] : undefined;
}

/** A region the chosen subscription cannot use (its own locations list says so). */
function regionErrors(draft: CustomerKeyDraft, choices: SetupChoices | undefined, already: Record<string, Message>): Record<string, Message> {
  const errors: Record<string, Message> = {};
  for (const site of SITE_IDS) {
    const s = draft.sites?.[site];
    const subscriptionId = (s?.subscriptionId ?? '').trim().toLowerCase();
    const region = (s?.region ?? '').trim().toLowerCase().replace(/\s+/g, '');
    const own = choices?.regions?.[subscriptionId];
    const path = fieldPaths.region(site);
    if (!own || region === '' || already[path]) continue;
    if (!own.some((r) => r.name === region || r.displayName.toLowerCase().replace(/\s+/g, '') === region)) {
      const name = choices?.subscriptions?.find((sub) => sub.subscriptionId === subscriptionId)?.displayName ?? subscriptionId;
      const typed = s?.region ?? region;
      errors[path] = say('setupJourney.region.notAllowed', `${typed} is not among the regions subscription ${name} may use. Choose one of its regions from the list.`, {
        region: typed,
        subscription: name,
      });
    }
  }
  return errors;
}

/** The vaults (one per workload) or HSM of each site, with the field path of its name. */
function containersOf(draft: CustomerKeyDraft): Array<{ path: string; site: SiteId; kind: 'vault' | 'managedHsm'; workload?: Workload }> {
  const workloads = (draft.workloads ?? []).filter((w): w is Workload => (WORKLOADS as readonly string[]).includes(w));
  const out: Array<{ path: string; site: SiteId; kind: 'vault' | 'managedHsm'; workload?: Workload }> = [];
  for (const site of SITE_IDS) {
    if (draft.protection === 'managedHsm') out.push({ path: fieldPaths.hsmName(site), site, kind: 'managedHsm' });
    else for (const workload of workloads) out.push({ path: fieldPaths.vaultName(site, workload), site, kind: 'vault', workload });
  }
  return out;
}

function nameTarget(draft: CustomerKeyDraft, site: SiteId, kind: 'vault' | 'managedHsm', name: string, workload: Workload | undefined): NameTarget {
  const s = draft.sites?.[site] ?? {};
  const location = { subscriptionId: (s.subscriptionId ?? '').trim().toLowerCase(), resourceGroup: (s.resourceGroup ?? '').trim() };
  return {
    key: nameKey(kind, name),
    site,
    kind,
    name,
    workload: workload ?? null,
    expectedResourceId: containerResourceId({ containerKind: kind, containerName: name, ...location }),
    region: s.region ?? '',
  };
}
