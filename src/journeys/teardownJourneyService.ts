import { appError, isAppError, say, sentences, toAppError, type Atomic, type Clock, type Logger, type Message, type Text } from '../core';
import type { AuditEventInput } from '../audit/auditRecord';
import type { AzureReader, DeletedContainer } from '../azure/ports';
import type { SubmitRequest } from '../approvals/submitRequest';
import {
  buildTeardownPlan,
  evaluateTeardownPreflight,
  planHash,
  planText,
  splitList,
  summarizeChecklist,
  type ChecklistLine,
  type Observed,
  type Plan,
  type SubscriptionObservation,
  type TeardownTarget,
} from '../customerKey';
import type { InventoryService } from '../inventory/inventoryService';
import type { ExecutionStarter } from '../inventory/inventoryPorts';
import type { InventoryContainer } from '../inventory/inventoryTypes';
import { OpsJourneyKit, requireActor, type JourneyAddress, type OpsJourneyStore } from '../inventory/opsJourney';
import type { JourneyOwner } from './setupJourney';
import { requestClosed, runIncomplete } from './journeyText';
import { planSummaryLines, planSummaryMessages } from './setupJourneyService';
import type { TeardownJourney, TeardownTargetState } from './teardownJourney';

export type TeardownEvent =
  | { type: 'coolingOffStarted'; journey: TeardownJourney }
  | { type: 'cancelled'; journey: TeardownJourney }
  | { type: 'blocked'; journey: TeardownJourney }
  | { type: 'released'; journey: TeardownJourney }
  | { type: 'changed'; journey: TeardownJourney }
  | { type: 'billingStopped'; journey: TeardownJourney };

export interface TeardownJourneyDeps {
  /** The store's unit of work: each audit record commits with the journey change it records (unit tests over fakes may leave it out). */
  atomic?: Atomic;
  store: OpsJourneyStore<TeardownJourney>;
  inventory: InventoryService;
  /** Read-only ARM: subscription states, the targets, the deleted lists. */
  reader: Pick<AzureReader, 'getSubscription' | 'getVault' | 'getManagedHsm' | 'getDeletedVault' | 'getDeletedManagedHsm' | 'listDeletedManagedHsms'>;
  audit: { append(event: AuditEventInput): Promise<unknown> };
  approvals: {
    submit(request: SubmitRequest): Promise<{ id: string }> | { id: string };
    cancel(input: {
      requestId: string;
      by: { aadObjectId?: string; name?: string; tenantId?: string };
      reason?: string;
      via?: string;
    }): Promise<{ ok: boolean; error?: { message: string } }>;
  };
  starter: ExecutionStarter;
  clock: Clock;
  logger: Logger;
  tenantId: string;
  /** How long an approved teardown waits, with Cancel, before anything runs. */
  coolingOffMs: number;
  /** How often a soft-deleted target is looked up before its scheduled purge date (after it: every tick). */
  purgeWatchIntervalMs: number;
  /** The requester, or a person eligible to approve the request: they may Cancel during the cooling-off. */
  mayCancel(requestId: string, objectId: string): Promise<boolean>;
  onEvent?(event: TeardownEvent): void;
}

const MAX_TARGETS = 12;

/**
 * The teardown: delete and purge vaults or Managed HSMs Keyward knows. Destructive class, so the
 * policy's strongest rule applies; the operator types each name; a read-only preflight must be
 * green (subscriptions Enabled — a Disabled one refuses the purge while a deleted HSM keeps
 * billing — and no DEP uses a key); after approval a cooling-off period with Cancel; then the
 * same checks again before the executor gets the plan; then Keyward watches the purge and says
 * billing has stopped only when every HSM is gone.
 */
export class TeardownJourneyService {
  private readonly kit: OpsJourneyKit<TeardownJourney>;

  constructor(private readonly deps: TeardownJourneyDeps) {
    this.kit = new OpsJourneyKit({
      store: deps.store,
      audit: deps.audit,
      clock: deps.clock,
      ...(deps.atomic ? { atomic: deps.atomic } : {}),
      label: 'teardown',
      command: 'teardown',
    });
  }

  get coolingOffMs(): number {
    return this.deps.coolingOffMs;
  }

  async start(owner: JourneyOwner, conversationId: string, origin: Record<string, unknown>, preset: { targetIds?: string[] } = {}): Promise<TeardownJourney> {
    return await this.kit.open(owner, conversationId, origin, { kind: 'teardown', stage: 'choose', draft: preset.targetIds ? { targetIds: preset.targetIds.join(',') } : {} });
  }

  async get(id: string): Promise<TeardownJourney> {
    return await this.kit.get(id);
  }

  async list(): Promise<TeardownJourney[]> {
    return await this.deps.store.list();
  }

  async listFor(owner: JourneyOwner): Promise<TeardownJourney[]> {
    return await this.deps.store.listByOwner(owner.aadObjectId);
  }

  async rememberCard(id: string, messageId: string | undefined): Promise<void> {
    await this.kit.rememberCard(id, messageId);
  }

  /** Remembers a copy posted proactively (updated in place later). */
  async rememberPosted(id: string, card: { conversationId: string; messageId: string; reference: Record<string, unknown> }): Promise<void> {
    await this.kit.touch(id, (j) => ((j.cards ?? []).some((c) => c.conversationId === card.conversationId) ? j : { ...j, cards: [...(j.cards ?? []), card] }));
  }

  /** Containers that can be torn down, newest first. */
  async candidates(): Promise<InventoryContainer[]> {
    return (await this.deps.inventory.containers()).filter((c) => c.status === 'active').sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.name.localeCompare(b.name));
  }

  // ---------------------------------------------------------------- choose → confirm

  async choose(address: JourneyAddress, actor: JourneyOwner, payload: Record<string, unknown>): Promise<TeardownJourney> {
    const loaded = await this.kit.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.stage !== 'choose') return this.kit.staleCopy(journey);
    const raw = typeof payload.targetIds === 'string' ? payload.targetIds.slice(0, 4000) : '';
    const ids = [...new Set(splitList(raw).map((id) => id.toLowerCase()))];
    const draft = { ...journey.draft, targetIds: raw };
    const known = new Map((await this.candidates()).map((c) => [c.id.toLowerCase(), c]));
    if (ids.length === 0)
      return await this.kit.save(
        journey,
        { draft, errors: { targetIds: say('teardown.choose.none', 'Choose at least one vault or HSM to remove.') } },
        actor,
        'teardown.choose.invalid',
        'denied',
        {},
      );
    if (ids.length > MAX_TARGETS)
      return await this.kit.save(
        journey,
        { draft, errors: { targetIds: say('teardown.choose.tooMany', `Choose at most ${MAX_TARGETS} at a time.`, { max: MAX_TARGETS }) } },
        actor,
        'teardown.choose.invalid',
        'denied',
        {},
      );
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0)
      return await this.kit.save(
        journey,
        {
          draft,
          errors: {
            targetIds: say('teardown.choose.unknown', `Keyward does not know ${unknown.join(', ')} as an active vault or HSM. Choose from the list.`, {
              names: unknown.join(', '),
            }),
          },
        },
        actor,
        'teardown.choose.invalid',
        'denied',
        { unknown },
      );
    const containers = ids.map((id) => known.get(id)!);
    const targetIds = containers.map((c) => c.id);
    const observed = await this.observeTargets(containers);
    if ('errors' in observed)
      return await this.kit.save(
        journey,
        { draft, errors: { targetIds: sentences(observed.errors[0]!, ...observed.errors.slice(1)) } },
        actor,
        'teardown.choose.invalid',
        'denied',
        {},
      );
    const preflight = await this.preflight(observed.targets);
    return await this.kit.save(
      journey,
      { draft, targetIds, targets: observed.targets, custodians: await this.custodiansOf(containers), preflight, stage: 'confirm', plan: undefined },
      actor,
      'teardown.preflight.run',
      preflight.ready ? 'success' : 'info',
      { targets: targetIds, red: preflight.lines.filter((l) => l.status === 'fail').map((l) => l.id) },
    );
  }

  /** The targets as Azure has them now (purge protection and retention decide how the purge goes). */
  private async observeTargets(containers: readonly InventoryContainer[]): Promise<{ targets: TeardownTarget[] } | { errors: Message[] }> {
    const errors: Message[] = [];
    const targets: TeardownTarget[] = [];
    const keys = await this.deps.inventory.keys();
    for (const c of containers) {
      try {
        const found =
          c.kind === 'vault'
            ? await this.deps.reader.getVault(c.subscriptionId, c.resourceGroup, c.name)
            : await this.deps.reader.getManagedHsm(c.subscriptionId, c.resourceGroup, c.name);
        if (!found) {
          errors.push(
            say('teardown.target.gone', `${c.name} is not in resource group ${c.resourceGroup} any more (deleted outside Keyward?).`, {
              name: c.name,
              resourceGroup: c.resourceGroup,
            }),
          );
          continue;
        }
        targets.push({
          site: keys.find((k) => k.ref.containerName.toLowerCase() === c.name.toLowerCase())?.ref.site ?? 'A',
          containerKind: c.kind,
          name: c.name,
          subscriptionId: c.subscriptionId,
          resourceGroup: c.resourceGroup,
          region: found.location || c.region,
          purgeProtectionEnabled: found.purgeProtectionEnabled,
          softDeleteRetentionDays: found.softDeleteRetentionDays,
          keys: keys
            .filter((k) => k.status === 'active' && k.ref.containerKind === c.kind && k.ref.containerName.toLowerCase() === c.name.toLowerCase())
            .map((k) => ({ keyName: k.ref.keyName, workload: k.ref.workload })),
        });
      } catch (error) {
        const reason = toAppError(error).message;
        errors.push(say('teardown.target.unreadable', `Keyward could not read ${c.name} in Azure: ${reason}`, { name: c.name, reason }));
      }
    }
    return errors.length > 0 ? { errors } : { targets };
  }

  private async custodiansOf(containers: readonly InventoryContainer[]): Promise<{ A: string[]; B: string[] }> {
    const names = new Set(containers.map((c) => c.name.toLowerCase()));
    const A = new Set<string>();
    const B = new Set<string>();
    for (const key of await this.deps.inventory.keys()) {
      if (!names.has(key.ref.containerName.toLowerCase()) || !key.custodians) continue;
      key.custodians.A.forEach((id) => A.add(id));
      key.custodians.B.forEach((id) => B.add(id));
    }
    return { A: [...A], B: [...B] };
  }

  /** Subscriptions Enabled, and no DEP Keyward knows uses a key in the targets. Read-only. */
  private async preflight(targets: readonly TeardownTarget[]): Promise<NonNullable<TeardownJourney['preflight']>> {
    const subscriptions: Record<string, Observed<SubscriptionObservation>> = {};
    for (const id of new Set(targets.map((t) => t.subscriptionId.toLowerCase()))) {
      try {
        const s = await this.deps.reader.getSubscription(id);
        subscriptions[id] = { ok: true, value: { state: s.state, ...(s.tenantId ? { tenantId: s.tenantId } : {}), ...(s.displayName ? { displayName: s.displayName } : {}) } };
      } catch (error) {
        const appErr = toAppError(error);
        subscriptions[id] = { ok: false, error: { code: appErr.code, message: appErr.message } };
      }
    }
    const lines = evaluateTeardownPreflight(targets, { subscriptions, depUsages: { ok: true, value: await this.deps.inventory.depUsages() } }, { tenantId: this.deps.tenantId });
    return { at: this.kit.now(), lines: [...lines], ready: summarizeChecklist(lines).ready };
  }

  /** Runs the read-only checks again (after the subscription was re-enabled, say). */
  async rerunPreflight(address: JourneyAddress, actor: JourneyOwner): Promise<TeardownJourney> {
    const loaded = await this.kit.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.stage !== 'confirm' || !journey.targets) return this.kit.staleCopy(journey);
    const preflight = await this.preflight(journey.targets);
    return await this.kit.save(journey, { preflight }, actor, 'teardown.preflight.run', preflight.ready ? 'success' : 'info', {
      red: preflight.lines.filter((l) => l.status === 'fail').map((l) => l.id),
    });
  }

  /**
   * Typed names + reason → the destructive plan goes to approval. Every name must be typed exactly
   * as shown; the preflight runs again first and must be green.
   */
  async confirm(address: JourneyAddress, actor: JourneyOwner, payload: Record<string, unknown>, origin: Record<string, unknown>): Promise<TeardownJourney> {
    const loaded = await this.kit.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.stage !== 'confirm' || !journey.targets) return this.kit.staleCopy(journey);
    const typed: Record<string, string> = {};
    const errors: Record<string, Message> = {};
    journey.targets.forEach((target, i) => {
      const field = `confirm.${i}`;
      const value = typeof payload[field] === 'string' ? (payload[field] as string).slice(0, 100) : '';
      typed[field] = value;
      if (value !== target.name) {
        errors[field] =
          value.trim() === ''
            ? say('teardown.confirm.typeName', `Type ${target.name} to confirm that it is to be deleted and purged.`, { name: target.name })
            : say('teardown.confirm.wrongName', `"${value}" is not ${target.name}. Type the name exactly as shown (this guards against removing the wrong resource).`, {
                typed: value,
                name: target.name,
              });
      }
    });
    const reason = typeof payload.reason === 'string' ? payload.reason.trim().slice(0, 1000) : '';
    if (reason.length < 3) errors.reason = say('teardown.confirm.reason', 'Say why these are removed (approvers see it, and it is kept in the audit log).');
    const draft = { ...journey.draft, confirm: typed };
    if (Object.keys(errors).length > 0) return await this.kit.save(journey, { draft, errors }, actor, 'teardown.confirm.refused', 'denied', { fields: Object.keys(errors) });
    const preflight = await this.preflight(journey.targets);
    if (!preflight.ready) {
      return await this.kit.save(
        journey,
        {
          draft,
          preflight,
          notice: say('teardown.notice.notGreen', 'The checks are not all green, so nothing was submitted. Fix the red lines (each says how), then run the checks again.'),
        },
        actor,
        'teardown.confirm.refused',
        'denied',
        { red: preflight.lines.filter((l) => l.status !== 'pass' && l.status !== 'warn').map((l) => l.id) },
      );
    }
    let plan: Plan;
    try {
      plan = buildTeardownPlan({ tenantId: this.deps.tenantId, targets: journey.targets, depUsages: await this.deps.inventory.depUsages() });
    } catch (error) {
      const appErr = toAppError(error);
      return await this.kit.save(journey, { draft, notice: appErr.said ?? appErr.message }, actor, 'teardown.confirm.refused', 'denied', { code: appErr.code });
    }
    const hash = planHash(plan);
    const custodians = journey.custodians ?? { A: [], B: [] };
    const minutes = Math.round(this.deps.coolingOffMs / 60_000);
    const coolingOff = say(
      'teardown.summary.coolingOff',
      `Cooling-off: nothing runs until ${minutes} minute(s) after approval; the requester or an approver can cancel until then.`,
      { minutes },
    );
    const request = await this.deps.approvals.submit({
      planHash: hash,
      operationClass: plan.operationClass,
      title: plan.title,
      titleMessage: planText(plan).title,
      summaryLines: [...planSummaryLines(plan), coolingOff.text].slice(0, 60),
      summaryMessages: [...planSummaryMessages(plan), coolingOff].slice(0, 60),
      targets: journey.targets.map(
        (t) =>
          `/subscriptions/${t.subscriptionId}/resourceGroups/${t.resourceGroup}/providers/Microsoft.KeyVault/${t.containerKind === 'vault' ? 'vaults' : 'managedHSMs'}/${t.name}`,
      ),
      ...(custodians.A.length > 0 && custodians.B.length > 0 ? { keySides: custodians } : {}),
      requester: { aadObjectId: actor.aadObjectId, name: actor.name, tenantId: actor.tenantId },
      reason,
      origin,
      journeyId: journey.id,
    });
    return await this.kit.save(
      journey,
      { draft, plan, planHash: hash, preflight, stage: 'submitted', status: 'waiting', requestId: request.id },
      actor,
      'teardown.submitted',
      'success',
      { requestId: request.id, planHash: hash, typedNames: journey.targets.map((t) => t.name) },
    );
  }

  // ---------------------------------------------------------------- after approval

  /**
   * The executor's plan for this journey's request — only once the cooling-off has passed and the
   * re-check was green. Until then the approved request stays unclaimed (nothing runs).
   */
  async planFor(request: { journeyId?: string; planHash: string }): Promise<Plan | undefined> {
    if (!request.journeyId) return undefined;
    const journey = await this.deps.store.get(request.journeyId);
    if (!journey?.plan || journey.planHash !== request.planHash || !journey.released || journey.status === 'cancelled') return undefined;
    return journey.plan;
  }

  /** The approval request or its run moved (approvals' change listener). */
  async onRequestChanged(
    request: { id: string; status: string; closedReason?: string; executeBy?: string; execution?: { detail?: Text } },
    run?: { status: string; lastError?: { code: string; message: string; said?: Message }; steps: ReadonlyArray<RunStepView> },
  ): Promise<TeardownJourney | undefined> {
    let journey = await this.deps.store.findByRequest(request.id);
    if (!journey || journey.status === 'cancelled' || journey.stage === 'done') return undefined;
    if (request.status === 'approved' && journey.stage === 'submitted') {
      const until = new Date(this.deps.clock.now().getTime() + this.deps.coolingOffMs).toISOString();
      journey = await this.kit.save(
        journey,
        { stage: 'coolingOff', status: 'waiting', coolingOffUntil: until, ...(request.executeBy ? { executeBy: request.executeBy } : {}) },
        'system',
        'teardown.coolingoff.started',
        'info',
        { until, executeBy: request.executeBy ?? null },
      );
      this.emit({ type: 'coolingOffStarted', journey });
      return journey;
    }
    if (['rejected', 'expired', 'cancelled'].includes(request.status) && ['submitted', 'coolingOff', 'blocked'].includes(journey.stage)) {
      journey = await this.kit.save(
        journey,
        { status: 'cancelled', outcome: requestClosed(request, say('teardown.outcome.nothingDeleted', 'Nothing was deleted.')) },
        'system',
        'teardown.request.closed',
        'info',
        { status: request.status },
      );
      this.emit({ type: 'cancelled', journey });
      return journey;
    }
    if (!run || !['executing', 'succeeded', 'failed'].includes(request.status)) return undefined;
    const progress = this.progressFrom(journey, run);
    const stopped =
      run.status === 'stopped' && run.lastError
        ? { code: run.lastError.code, message: run.lastError.message, ...(run.lastError.said ? { said: run.lastError.said } : {}), at: this.kit.now() }
        : undefined;
    if (request.status === 'executing') {
      const changed =
        JSON.stringify(progress) !== JSON.stringify(journey.progress) || JSON.stringify(stopped ?? null) !== JSON.stringify(journey.stopped ?? null) || journey.stage !== 'running';
      if (!changed) return undefined;
      journey = await this.kit.save(journey, { stage: 'running', progress, stopped }, 'system', 'teardown.progress', 'info', {
        states: progress.map((p) => `${p.name}:${p.state}`),
        stopped: stopped?.code ?? null,
      });
      this.emit({ type: 'changed', journey });
      return journey;
    }
    if (request.status === 'failed') {
      journey = await this.kit.save(
        journey,
        {
          stage: progress.some((p) => p.state === 'softDeleted') ? 'awaitingPurge' : 'running',
          status: 'failed',
          progress,
          outcome: runIncomplete(request.execution?.detail ?? run.lastError?.message),
        },
        'system',
        'teardown.failed',
        'failure',
        {},
      );
      this.emit({ type: 'changed', journey });
      return journey;
    }
    // succeeded
    return this.finishOrWait(journey, progress, 'system');
  }

  private async finishOrWait(journey: TeardownJourney, progress: TeardownTargetState[], actor: 'system'): Promise<TeardownJourney> {
    const allPurged = progress.every((p) => p.state === 'purged');
    if (allPurged && journey.status !== 'failed') {
      const at = this.kit.now();
      const next = await this.kit.save(journey, { stage: 'done', status: 'done', progress, billingStoppedAt: at, stopped: undefined }, actor, 'teardown.purged', 'success', {
        targets: progress.map((p) => p.name),
        billingStoppedAt: at,
      });
      this.emit({ type: 'billingStopped', journey: next });
      return next;
    }
    // A failed run stays failed (some targets may never have been deleted); the watch still follows
    // the ones that were, so the card says when they are gone.
    const next = await this.kit.save(
      journey,
      { stage: 'awaitingPurge', status: journey.status === 'failed' ? 'failed' : 'waiting', progress, stopped: undefined },
      actor,
      'teardown.awaiting_purge',
      'info',
      { scheduled: progress.map((p) => ({ name: p.name, scheduledPurgeDate: p.scheduledPurgeDate ?? null })) },
    );
    this.emit({ type: 'changed', journey: next });
    return next;
  }

  private progressFrom(journey: TeardownJourney, run: { steps: ReadonlyArray<RunStepView> }): TeardownTargetState[] {
    const plan = journey.plan;
    const base =
      journey.progress ??
      (journey.targets ?? []).map((t): TeardownTargetState => ({
        id: `${t.containerKind}:${t.name.toLowerCase()}`,
        kind: t.containerKind,
        name: t.name,
        subscriptionId: t.subscriptionId,
        region: t.region,
        state: 'active',
      }));
    return base.map((target) => {
      let next: TeardownTargetState = { ...target };
      for (const state of run.steps) {
        const step = plan?.steps[state.index];
        if (!step || state.status !== 'done') continue;
        if (step.kind !== 'deleteVault' && step.kind !== 'deleteManagedHsm' && step.kind !== 'purgeVault' && step.kind !== 'purgeManagedHsm') continue;
        if (step.params.name.toLowerCase() !== target.name.toLowerCase()) continue;
        const out = state.output ?? {};
        if (step.kind === 'deleteVault' || step.kind === 'deleteManagedHsm') {
          if (next.state !== 'purged')
            next = {
              ...next,
              state: 'softDeleted',
              ...(typeof out.deletionDate === 'string' ? { deletedAt: out.deletionDate } : {}),
              ...(typeof out.scheduledPurgeDate === 'string' ? { scheduledPurgeDate: out.scheduledPurgeDate } : {}),
            };
        } else if (out.state === 'purged') {
          next = { ...next, state: 'purged', purgedAt: typeof out.purgedAt === 'string' ? out.purgedAt : this.kit.now() };
        } else {
          next = { ...next, state: 'softDeleted', ...(typeof out.scheduledPurgeDate === 'string' ? { scheduledPurgeDate: out.scheduledPurgeDate } : {}) };
        }
      }
      return next;
    });
  }

  /** Cancel during the cooling-off (or while blocked): the requester or anyone eligible to approve. */
  async cancelCoolingOff(address: JourneyAddress, actor: JourneyOwner): Promise<TeardownJourney> {
    requireActor(actor);
    const journey = await this.kit.get(address.journeyId);
    const who = actor.aadObjectId.toLowerCase();
    const requester = journey.owner.aadObjectId === who;
    if (!journey.requestId || (!requester && !(await this.deps.mayCancel(journey.requestId, who)))) {
      await this.kit.audit(journey, actor, 'teardown.cancel.refused', 'denied', {});
      throw appError('NotAnApprover', say('teardown.cancel.notAllowed', 'Only the person who asked for this teardown, or one of its approvers, can cancel it.'));
    }
    if (journey.stage !== 'coolingOff' && journey.stage !== 'blocked' && journey.stage !== 'submitted') {
      if (journey.released || journey.stage === 'running') {
        throw appError(
          'RequestAlreadyDecided',
          say('teardown.cancel.started', 'The cooling-off is over and the teardown has started; it can no longer be cancelled here. The run card shows where it stands.'),
        );
      }
      return this.kit.staleCopy(journey);
    }
    if (address.version !== journey.version) return this.kit.staleCopy(journey);
    const at = this.kit.now();
    const name = actor.name ?? who;
    const outcome = requester
      ? say('teardown.outcome.cancelledByRequester', `Cancelled by ${name} during the cooling-off. Nothing was deleted.`, { name })
      : say('teardown.outcome.cancelledByApprover', `Cancelled by ${name} (an approver) during the cooling-off. Nothing was deleted.`, { name });
    const next = await this.kit.save(
      journey,
      { status: 'cancelled', cancelled: { by: who, name: actor.name, at, role: requester ? 'requester' : 'approver' }, outcome },
      actor,
      'teardown.cancelled',
      'success',
      { role: requester ? 'requester' : 'approver', stage: journey.stage },
    );
    if (requester) {
      const result = await this.deps.approvals
        .cancel({ requestId: journey.requestId, by: actor, reason: 'cancelled during the cooling-off', via: 'teardown card' })
        .catch((error: unknown) => ({ ok: false, error: { message: toAppError(error).message } }));
      if (!result.ok)
        this.deps.logger.warn({ requestId: journey.requestId, err: result.error?.message }, 'could not close the approval request; the teardown stays blocked anyway');
    }
    this.emit({ type: 'cancelled', journey: next });
    return next;
  }

  /** Blocked after the cooling-off: check again (owner or approver). */
  async checkAgain(address: JourneyAddress, actor: JourneyOwner): Promise<TeardownJourney> {
    requireActor(actor);
    const journey = await this.kit.get(address.journeyId);
    const who = actor.aadObjectId.toLowerCase();
    if (!journey.requestId || (journey.owner.aadObjectId !== who && !(await this.deps.mayCancel(journey.requestId, who))))
      throw appError('NotAnApprover', say('teardown.recheck.notAllowed', 'Only the person who asked for this teardown, or one of its approvers, can run the checks again.'));
    if (journey.stage !== 'blocked' || address.version !== journey.version) return this.kit.staleCopy(journey);
    return this.release(journey);
  }

  // ---------------------------------------------------------------- timers

  /** Releases teardowns whose cooling-off has passed (after the re-check). Returns those it moved. */
  async releaseDue(): Promise<TeardownJourney[]> {
    const now = this.deps.clock.now().getTime();
    const out: TeardownJourney[] = [];
    for (const journey of await this.deps.store.list({ statuses: ['waiting'] })) {
      if (journey.stage !== 'coolingOff' || !journey.coolingOffUntil || Date.parse(journey.coolingOffUntil) > now) continue;
      out.push(await this.release(journey));
    }
    return out;
  }

  /** The re-check at execution time, then the executor. */
  private async release(journey: TeardownJourney): Promise<TeardownJourney> {
    const targets = journey.targets ?? [];
    const preflight = await this.preflight(targets);
    const gone = await this.observeTargets((await this.deps.inventory.containers()).filter((c) => (journey.targetIds ?? []).includes(c.id)));
    const lines: ChecklistLine[] = [...preflight.lines];
    if ('errors' in gone) {
      lines.push({
        id: 'targets',
        status: 'fail',
        title: say('teardown.check.targets', 'The targets are as approved'),
        detail: sentences(gone.errors[0]!, ...gone.errors.slice(1)),
        fix: { text: say('teardown.check.targetsFix', 'Something changed the targets since the approval; start a new teardown from "status".') },
      });
    }
    const ready = summarizeChecklist(lines).ready;
    if (!ready) {
      const next = await this.kit.save(
        journey,
        { stage: 'blocked', status: 'waiting', preflight: { at: preflight.at, lines, ready } },
        'system',
        'teardown.recheck.failed',
        'denied',
        { red: lines.filter((l) => l.status === 'fail' || l.status === 'unknown').map((l) => l.id) },
      );
      this.emit({ type: 'blocked', journey: next });
      return next;
    }
    const next = await this.kit.save(
      journey,
      { stage: 'running', status: 'waiting', released: true, preflight: { at: preflight.at, lines, ready } },
      'system',
      'teardown.released',
      'success',
      { requestId: journey.requestId },
    );
    this.emit({ type: 'released', journey: next });
    if (next.requestId) {
      try {
        await this.deps.starter.start(next.requestId);
      } catch (error) {
        this.deps.logger.error({ requestId: next.requestId, err: toAppError(error).message }, 'could not start the teardown run');
      }
    }
    return (await this.deps.store.get(next.id)) ?? next;
  }

  /**
   * Watches soft-deleted targets until Azure no longer lists them (purged by Keyward, or by Azure
   * on its scheduled purge date). The Managed HSM deleted list can fail with the deletedManagedHSMs
   * ProviderError; the per-location GET is the fallback.
   */
  async watchPurges(): Promise<TeardownJourney[]> {
    const now = this.deps.clock.now();
    const out: TeardownJourney[] = [];
    for (const journey of await this.deps.store.list()) {
      if (journey.stage !== 'awaitingPurge' || !journey.progress) continue;
      let changed = false;
      const progress: TeardownTargetState[] = [];
      for (const target of journey.progress) {
        if (target.state !== 'softDeleted') {
          progress.push(target);
          continue;
        }
        const dueCheck =
          !target.lastCheckedAt ||
          now.getTime() - Date.parse(target.lastCheckedAt) >= this.deps.purgeWatchIntervalMs ||
          (target.scheduledPurgeDate !== undefined && now.getTime() >= Date.parse(target.scheduledPurgeDate));
        if (!dueCheck) {
          progress.push(target);
          continue;
        }
        changed = true;
        try {
          const deleted = await this.lookupDeleted(target);
          if (deleted)
            progress.push({
              ...target,
              lastCheckedAt: now.toISOString(),
              ...(deleted.scheduledPurgeDate ? { scheduledPurgeDate: deleted.scheduledPurgeDate } : {}),
              note: undefined,
            });
          else {
            await this.deps.inventory.markPurged(target.id, now.toISOString(), journey.requestId);
            progress.push({ ...target, state: 'purged', purgedAt: now.toISOString(), lastCheckedAt: now.toISOString(), note: undefined });
          }
        } catch (error) {
          const reason = toAppError(error).message;
          progress.push({ ...target, lastCheckedAt: now.toISOString(), note: say('teardown.progress.lookupFailed', `Keyward could not look it up: ${reason}`, { reason }) });
        }
      }
      if (changed) out.push(await this.finishOrWait(journey, progress, 'system'));
    }
    return out;
  }

  private async lookupDeleted(target: TeardownTargetState): Promise<DeletedContainer | undefined> {
    if (target.kind === 'vault') return this.deps.reader.getDeletedVault(target.subscriptionId, target.name, target.region);
    try {
      const all = await this.deps.reader.listDeletedManagedHsms(target.subscriptionId);
      return all.find((d) => d.name.toLowerCase() === target.name.toLowerCase());
    } catch (error) {
      if (!isAppError(error, 'ProviderCollectionError')) throw error;
      this.deps.logger.warn({ hsm: target.name }, 'deletedManagedHSMs ProviderError; falling back to the per-location lookup');
      return this.deps.reader.getDeletedManagedHsm(target.subscriptionId, target.name, target.region);
    }
  }

  async back(address: JourneyAddress, actor: JourneyOwner): Promise<TeardownJourney> {
    const loaded = await this.kit.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.stage !== 'confirm') return this.kit.staleCopy(journey);
    return await this.kit.save(journey, { stage: 'choose', plan: undefined, preflight: undefined }, actor, 'teardown.navigated', 'info', { to: 'choose' });
  }

  async cancel(address: JourneyAddress, actor: JourneyOwner): Promise<TeardownJourney> {
    const loaded = await this.kit.load(address, actor, { allowStatuses: ['open', 'cancelled'] });
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.status !== 'open') return journey;
    return await this.kit.save(
      journey,
      { status: 'cancelled', outcome: say('teardown.outcome.closedBeforeSubmission', 'Closed before submission. Nothing was deleted.') },
      actor,
      'teardown.cancelled',
      'success',
      {},
    );
  }

  private emit(event: TeardownEvent): void {
    try {
      this.deps.onEvent?.(event);
    } catch (error) {
      this.deps.logger.warn({ err: toAppError(error).message }, 'teardown listener failed');
    }
  }
}

/** A run step as the journeys read it (structurally the executor's StepState). */
export interface RunStepView {
  index: number;
  kind: string;
  status: string;
  output?: Readonly<Record<string, unknown>>;
}
