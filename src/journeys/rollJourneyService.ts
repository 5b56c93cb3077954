import { z } from 'zod';
import { appError, commaList, isGuid, say, sentences, sha256Hex, textOf, toAppError, type Atomic, type Clock, type Logger, type Message, type Text } from '../core';
import type { AuditEventInput } from '../audit/auditRecord';
import type { SubmitRequest } from '../approvals/submitRequest';
import {
  buildDepRefreshScript,
  buildKeyRollPlan,
  depPolicyUsesKeys,
  describeDep,
  parseDataEncryptionPolicies,
  parseKeyIdentifier,
  parseM365DataAtRestEncryptionPolicies,
  parseSpoDataEncryptionPolicy,
  planHash,
  planText,
  refreshTitle,
  splitList,
  WORKLOAD_INFO,
  type DepRef,
  type DepScope,
  type KeySize,
  type Plan,
  type SiteId,
} from '../customerKey';
import type { InventoryService } from '../inventory/inventoryService';
import type { DownloadOffers } from '../inventory/inventoryPorts';
import { currentVersion, depId, type InventoryDep, type KeyPair } from '../inventory/inventoryTypes';
import { OpsJourneyKit, requireActor, type JourneyAddress, type OpsJourneyStore } from '../inventory/opsJourney';
import type { RotationReminders } from '../inventory/rotationReminders';
import type { RollDraft, RollJourney, RollRefresh } from './rollJourney';
import type { JourneyOwner } from './setupJourney';
import { requestClosed } from './journeyText';
import { planSummaryLines, planSummaryMessages } from './setupJourneyService';

export interface RollJourneyDeps {
  /** The store's unit of work: each audit record commits with the journey change it records (unit tests over fakes may leave it out). */
  atomic?: Atomic;
  store: OpsJourneyStore<RollJourney>;
  inventory: InventoryService;
  reminders: RotationReminders;
  downloads: DownloadOffers;
  audit: { append(event: AuditEventInput): Promise<unknown> };
  approvals: { submit(request: SubmitRequest): Promise<{ id: string }> | { id: string } };
  clock: Clock;
  logger: Logger;
  tenantId: string;
  servicePrincipalObjectId(scope: DepScope): Promise<string | undefined>;
  /** The key-roll rule needs named custodians of key A and key B (separation of duties). */
  custodiansRequired: boolean;
  /** Exchange app-only: the multi-workload and Exchange refresh runs in Keyward's executor. */
  exchangeAppOnly?: { organization: string };
}

const text = (max: number) => z.string().max(max).optional();
const chooseForm = z.object({ pairId: text(300), site: text(4), custodiansA: text(2000), custodiansB: text(2000), everyDays: text(10) });
const ACTIVE_STAGES = new Set(['preview', 'submitted', 'running', 'refresh']);
const MAX_EVIDENCE = 30_000;

/**
 * The key roll: one key of one pair at a time, through approval (the policy's key-roll rule), a
 * new version made by Keyward's executor (idempotent by the request-id tag; older versions stay
 * enabled), then the matching refresh cmdlet for every DEP that uses the key, and the pasted
 * evidence. A second roll of the same pair is refused while one is in progress, and so is any roll
 * while a DEP of the pair is still Rolling.
 */
export class RollJourneyService {
  private readonly kit: OpsJourneyKit<RollJourney>;

  constructor(private readonly deps: RollJourneyDeps) {
    this.kit = new OpsJourneyKit({ store: deps.store, audit: deps.audit, clock: deps.clock, ...(deps.atomic ? { atomic: deps.atomic } : {}), label: 'key roll', command: 'roll' });
  }

  async start(owner: JourneyOwner, conversationId: string, origin: Record<string, unknown>, preset: { pairId?: string; site?: SiteId } = {}): Promise<RollJourney> {
    return await this.kit.open(owner, conversationId, origin, {
      kind: 'roll',
      stage: 'choose',
      draft: { ...(preset.pairId ? { pairId: preset.pairId } : {}), ...(preset.site ? { site: preset.site } : {}) },
    });
  }

  async get(id: string): Promise<RollJourney> {
    return await this.kit.get(id);
  }

  async listFor(owner: JourneyOwner): Promise<RollJourney[]> {
    return await this.deps.store.listByOwner(owner.aadObjectId);
  }

  async rememberCard(id: string, messageId: string | undefined): Promise<void> {
    await this.kit.rememberCard(id, messageId);
  }

  /** Why a new roll of this pair cannot start now, or null. */
  async lockReason(pair: KeyPair, exceptJourneyId?: string): Promise<Message | null> {
    const other = (await this.deps.store.list({ statuses: ['open', 'waiting'] })).find(
      (j) => j.id !== exceptJourneyId && j.pairId === pair.pairId && ACTIVE_STAGES.has(j.stage) && j.stage !== 'preview',
    );
    if (other) {
      const site = other.site ?? '?';
      const by = other.owner.name ?? other.owner.aadObjectId;
      return other.stage === 'refresh'
        ? say(
            'roll.lock.refresh',
            `A roll of key ${site} of this pair is already in progress (waiting for the DEP refresh to be confirmed, started by ${by}). Roll one key at a time: finish that one first.`,
            { site, by },
          )
        : say(
            'roll.lock.inProgress',
            `A roll of key ${site} of this pair is already in progress (${other.stage}, started by ${by}). Roll one key at a time: finish that one first.`,
            { site, stage: other.stage, by },
          );
    }
    const rolling = [...(await this.deps.inventory.depsUsingKey(pair.A.ref.versionlessUri)), ...(await this.deps.inventory.depsUsingKey(pair.B.ref.versionlessUri))].find(
      (d) => d.state === 'Rolling',
    );
    if (rolling) {
      const dep = describeDep(rolling.dep);
      return rolling.percentComplete !== undefined
        ? say(
            'roll.lock.rollingPercent',
            `${dep.text} is still Rolling (${rolling.percentComplete}% of sites). Wait until it shows Registered (paste its Get- output on the earlier roll's card) before rolling another key.`,
            { dep, percent: rolling.percentComplete },
          )
        : say('roll.lock.rolling', `${dep.text} is still Rolling. Wait until it shows Registered (paste its Get- output on the earlier roll's card) before rolling another key.`, {
            dep,
          });
    }
    return null;
  }

  // ---------------------------------------------------------------- choose → preview

  async choose(address: JourneyAddress, actor: JourneyOwner, payload: Record<string, unknown>): Promise<RollJourney> {
    const loaded = await this.kit.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.stage !== 'choose') return this.kit.staleCopy(journey);
    const form = chooseForm.safeParse(payload);
    if (!form.success)
      return await this.kit.save(
        journey,
        { errors: { pairId: say('roll.choose.invalidCard', 'The card data was not valid; choose again.') } },
        actor,
        'roll.choose.refused',
        'denied',
        {},
      );
    const draft: RollDraft = { ...journey.draft, ...definedOnly(form.data) };
    const errors: Record<string, Message> = {};
    const pair = draft.pairId ? await this.deps.inventory.pair(draft.pairId) : undefined;
    if (!pair) errors.pairId = say('roll.choose.pair', 'Choose one of the key pairs listed.');
    const site = draft.site === 'A' || draft.site === 'B' ? draft.site : undefined;
    if (!site) errors.site = say('roll.choose.site', 'Choose key A or key B: Customer Key keys are rolled one at a time.');
    const custodians = parseCustodians(draft, errors);
    const everyDays = parseEveryDays(draft.everyDays, errors);
    if (pair && Object.keys(errors).length === 0) {
      const locked = await this.lockReason(pair, journey.id);
      if (locked) errors.pairId = locked;
      else if (this.deps.custodiansRequired && (custodians.A.length === 0 || custodians.B.length === 0)) {
        errors.custodiansA = say(
          'roll.choose.custodians',
          'The approval policy needs a custodian of key A and one of key B to approve a key roll (separation of duties). Name both.',
        );
      }
    }
    if (!pair || !site || Object.keys(errors).length > 0)
      return await this.kit.save(journey, { draft, errors }, actor, 'roll.choose.invalid', 'denied', { fields: Object.keys(errors) });
    if (everyDays !== undefined) await this.applySchedule(pair, everyDays, journey.origin, actor);
    let plan: Plan;
    let depIds: string[];
    try {
      ({ plan, depIds } = await this.buildPlan(pair, site));
    } catch (error) {
      const appErr = toAppError(error);
      return await this.kit.save(journey, { draft, errors: { pairId: appErr.said ?? appErr.message } }, actor, 'roll.plan.refused', 'denied', { code: appErr.code });
    }
    const key = pair[site];
    return await this.kit.save(
      journey,
      { draft, stage: 'preview', pairId: pair.pairId, site, keyUri: key.ref.versionlessUri, custodians, plan, planHash: planHash(plan), depIds },
      actor,
      'roll.plan.built',
      'success',
      { key: key.ref.versionlessUri, site, depIds, currentVersion: currentVersion(key) ?? null },
    );
  }

  private async buildPlan(pair: KeyPair, site: SiteId): Promise<{ plan: Plan; depIds: string[] }> {
    const key = pair[site];
    const deps = await this.deps.inventory.depsUsingKey(key.ref.versionlessUri);
    const objectId = await this.deps.servicePrincipalObjectId(pair.workload);
    if (!objectId) {
      const principal = WORKLOAD_INFO[pair.workload].servicePrincipal.displayName;
      throw appError(
        'ServicePrincipalMissing',
        say('roll.noServicePrincipal', `Keyward cannot find the object id of ${principal} in the tenant; the readiness check after the roll needs it.`, { principal }),
      );
    }
    const plan = buildKeyRollPlan({
      tenantId: this.deps.tenantId,
      key: key.ref,
      keySize: (key.keySize ?? 3072) as KeySize,
      depsToRefresh: deps.map((d) => d.dep),
      servicePrincipalObjectId: objectId,
      exchangeRunner: this.deps.exchangeAppOnly ? 'executor' : 'operator',
    });
    return { plan, depIds: deps.map((d) => d.id) };
  }

  /** Sets (or, with 0, clears) the rotation reminder of a pair; also offered on its own card. */
  async setSchedule(address: JourneyAddress, actor: JourneyOwner, payload: Record<string, unknown>): Promise<RollJourney> {
    const loaded = await this.kit.load(address, actor, { allowStatuses: ['open', 'waiting', 'done'] });
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    const errors: Record<string, Message> = {};
    const everyDays = parseEveryDays(typeof payload.everyDays === 'string' ? payload.everyDays : undefined, errors);
    const pair = await this.deps.inventory.pair(journey.pairId ?? journey.draft.pairId ?? (typeof payload.pairId === 'string' ? payload.pairId : ''));
    if (!pair) errors.everyDays = say('roll.schedule.noPair', 'Choose the key pair first.');
    if (everyDays === undefined && !errors.everyDays) errors.everyDays = say('roll.schedule.none', 'Choose how often you want to be reminded.');
    if (Object.keys(errors).length > 0 || !pair || everyDays === undefined) return await this.kit.save(journey, { errors }, actor, 'roll.schedule.invalid', 'denied', {});
    await this.applySchedule(pair, everyDays, journey.origin, actor);
    const notice =
      everyDays === 0
        ? say('roll.schedule.off', 'Rotation reminders for this pair are off.')
        : say('roll.schedule.on', `Keyward will remind you here every ${everyDays} days to roll this pair's keys.`, { days: everyDays });
    return await this.kit.save(journey, { notice }, actor, 'roll.schedule.set', 'success', { pairId: pair.pairId, everyDays });
  }

  private async applySchedule(pair: KeyPair, everyDays: number, reference: Record<string, unknown>, actor: JourneyOwner): Promise<void> {
    if (everyDays === 0) await this.deps.reminders.clear(pair.pairId, actor);
    else await this.deps.reminders.set({ pair, everyDays, reference, by: actor });
  }

  // ---------------------------------------------------------------- submit

  async submit(address: JourneyAddress, actor: JourneyOwner, reason: string, origin: Record<string, unknown>): Promise<RollJourney> {
    const loaded = await this.kit.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.stage !== 'preview' || !journey.plan || !journey.pairId || !journey.site) return this.kit.staleCopy(journey);
    if (reason.trim().length < 3)
      return await this.kit.save(
        journey,
        { errors: { reason: say('roll.submit.reason', 'Say why this key is rolled now (approvers see it, and it is kept in the audit log).') } },
        actor,
        'roll.submit.refused',
        'denied',
        { reason: 'ReasonRequired' },
      );
    const pair = await this.deps.inventory.pair(journey.pairId);
    if (!pair)
      return await this.kit.save(
        journey,
        { stage: 'choose', notice: say('roll.submit.pairGone', 'That key pair is no longer in the inventory (removed?). Choose again.') },
        actor,
        'roll.submit.refused',
        'denied',
        {},
      );
    const locked = await this.lockReason(pair, journey.id);
    if (locked) return await this.kit.save(journey, { stage: 'choose', errors: { pairId: locked } }, actor, 'roll.submit.refused', 'denied', { reason: 'RollInProgress' });
    const { plan, depIds } = await this.buildPlan(pair, journey.site);
    const hash = planHash(plan);
    if (hash !== journey.planHash) {
      return await this.kit.save(
        journey,
        {
          plan,
          planHash: hash,
          depIds,
          notice: say(
            'roll.notice.planChanged',
            'The plan changed since you reviewed it (for example a DEP now uses this key). Review the new plan and its hash, then submit again.',
          ),
        },
        actor,
        'roll.plan.changed',
        'info',
        { previous: journey.planHash },
      );
    }
    const custodians = journey.custodians ?? { A: [], B: [] };
    const request = await this.deps.approvals.submit({
      planHash: hash,
      operationClass: plan.operationClass,
      title: plan.title,
      titleMessage: planText(plan).title,
      summaryLines: planSummaryLines(plan),
      summaryMessages: planSummaryMessages(plan),
      targets: plan.keys.map((k) => `${k.site}: ${k.containerName}/${k.keyName}`),
      ...(custodians.A.length > 0 || custodians.B.length > 0 ? { keySides: { A: custodians.A, B: custodians.B } } : {}),
      requester: { aadObjectId: actor.aadObjectId, name: actor.name, tenantId: actor.tenantId },
      reason: reason.trim(),
      origin,
      journeyId: journey.id,
    });
    return await this.kit.save(journey, { stage: 'submitted', status: 'waiting', requestId: request.id }, actor, 'roll.submitted', 'success', {
      requestId: request.id,
      planHash: hash,
      key: journey.keyUri,
    });
  }

  /** The approved plan of a roll request (the executor's PlanSource). */
  async planFor(request: { journeyId?: string; planHash: string }): Promise<Plan | undefined> {
    if (!request.journeyId) return undefined;
    const journey = await this.deps.store.get(request.journeyId);
    return journey?.plan && journey.planHash === request.planHash ? journey.plan : undefined;
  }

  // ---------------------------------------------------------------- the run

  /** The approval request or its run moved. */
  async onRequestChanged(
    request: { id: string; status: string; closedReason?: string; execution?: { detail?: Text } },
    run?: { steps: ReadonlyArray<{ kind: string; status: string; output?: Readonly<Record<string, unknown>> }> },
  ): Promise<RollJourney | undefined> {
    const journey = await this.deps.store.findByRequest(request.id);
    if (!journey || (journey.stage !== 'submitted' && journey.stage !== 'running')) return undefined;
    if (['rejected', 'expired', 'cancelled'].includes(request.status)) {
      return await this.kit.save(
        journey,
        { status: 'cancelled', outcome: requestClosed(request, say('roll.outcome.noNewVersion', 'No new version was made.')) },
        'system',
        'roll.request.closed',
        'info',
        { status: request.status },
      );
    }
    if (request.status === 'executing' && journey.stage === 'submitted') return await this.kit.save(journey, { stage: 'running' }, 'system', 'roll.running', 'info', {});
    if (request.status === 'failed') {
      return await this.kit.save(
        journey,
        {
          status: 'failed',
          outcome: request.execution?.detail
            ? say('roll.outcome.failedWhy', `The roll did not complete: ${textOf(request.execution.detail)}. Older versions are untouched.`, { detail: request.execution.detail })
            : say('roll.outcome.failed', 'The roll did not complete. Older versions are untouched.'),
        },
        'system',
        'roll.failed',
        'failure',
        {},
      );
    }
    if (request.status !== 'succeeded') return undefined;
    const rolled = run?.steps.find((s) => s.kind === 'rollKey' && s.status === 'done')?.output ?? {};
    const newVersion = typeof rolled.version === 'string' ? rolled.version.toLowerCase() : undefined;
    if (!newVersion)
      return await this.kit.save(
        journey,
        { status: 'failed', outcome: say('roll.outcome.noVersion', 'The run finished but reported no new key version; check the run card.') },
        'system',
        'roll.failed',
        'failure',
        {},
      );
    const previousVersion = typeof rolled.previousVersion === 'string' ? rolled.previousVersion : undefined;
    const refresh = await this.refreshScripts(journey, newVersion, run?.steps ?? []);
    await this.deps.inventory.markRolling(
      refresh.map((r) => r.depId),
      `key ${journey.site} rolled to version ${newVersion.slice(0, 8)}…; refresh requested`,
    );
    const result = { newVersion, ...(previousVersion ? { previousVersion } : {}), at: this.kit.now() };
    const allDone = refresh.every((r) => r.state === 'Registered');
    return await this.kit.save(journey, { stage: allDone ? 'done' : 'refresh', status: allDone ? 'done' : 'open', result, refresh }, 'system', 'roll.version.created', 'success', {
      key: journey.keyUri,
      newVersion,
      previousVersion: previousVersion ?? null,
      refreshScripts: refresh.map((r) => ({ depId: r.depId, sha256: r.sha256, runner: r.runner })),
    });
  }

  /** The refresh of each DEP: the executor's refreshDep output when there is one, else made here. */
  private async refreshScripts(
    journey: RollJourney,
    newVersion: string,
    steps: ReadonlyArray<{ kind: string; status: string; output?: Readonly<Record<string, unknown>> }>,
  ): Promise<RollRefresh[]> {
    const out: RollRefresh[] = [];
    const refreshOutputs = steps.filter((s) => s.kind === 'refreshDep' && s.status === 'done').map((s) => s.output ?? {});
    for (const id of journey.depIds ?? []) {
      const dep = await this.deps.inventory.dep(id);
      if (!dep) continue;
      const fromRun = refreshOutputs.find((o) => typeof o.dep === 'object' && o.dep !== null && 'scope' in o.dep && depId(o.dep as DepRef) === id);
      let entry: RollRefresh;
      if (fromRun && typeof fromRun.script === 'string' && typeof fromRun.scriptSha256 === 'string') {
        entry = {
          depId: id,
          scope: dep.scope,
          label: describeDep(dep.dep),
          runner: fromRun.runner === 'executor' ? 'executor' : 'operator',
          title: refreshTitle(dep.dep, journey.site === 'A' ? 'Primary' : 'Secondary'),
          fileName: String(fromRun.fileName ?? 'keyward-refresh.ps1'),
          script: fromRun.script,
          sha256: fromRun.scriptSha256,
          verifyCommands: Array.isArray(fromRun.verifyCommands) ? fromRun.verifyCommands.map(String) : [],
          ...(typeof fromRun.depState === 'string'
            ? { state: fromRun.depState, summary: typeof fromRun.summary === 'string' ? fromRun.summary : say('roll.refresh.ranByKeyward', 'Keyward ran the refresh.') }
            : {}),
        };
      } else {
        const script = buildDepRefreshScript(
          dep.dep.scope === 'sharePoint'
            ? { dep: dep.dep, newKeyUri: `${journey.keyUri}/${newVersion}`, keyType: journey.site === 'A' ? 'Primary' : 'Secondary' }
            : { dep: dep.dep as Extract<DepRef, { scope: 'multiWorkload' | 'exchange' }> },
        );
        entry = {
          depId: id,
          scope: dep.scope,
          label: describeDep(dep.dep),
          runner: 'operator',
          title: script.title,
          fileName: script.fileName,
          script: script.script,
          sha256: script.sha256,
          verifyCommands: [...script.verifyCommands],
        };
      }
      if (entry.runner === 'operator')
        entry.download = await this.deps.downloads.offer({
          fileName: entry.fileName,
          content: entry.script,
          ownerObjectId: journey.owner.aadObjectId,
          purpose: `roll:${journey.id}:${id}`,
        });
      out.push(entry);
    }
    return out;
  }

  /** Fresh download links for the refresh scripts. */
  async newDownloadLinks(address: JourneyAddress, actor: JourneyOwner): Promise<RollJourney> {
    const loaded = await this.kit.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.stage !== 'refresh' || !journey.refresh) return this.kit.staleCopy(journey);
    const refresh: RollRefresh[] = [];
    for (const r of journey.refresh)
      refresh.push(
        r.runner === 'operator'
          ? {
              ...r,
              download: await this.deps.downloads.offer({ fileName: r.fileName, content: r.script, ownerObjectId: actor.aadObjectId, purpose: `roll:${journey.id}:${r.depId}` }),
            }
          : r,
      );
    return await this.kit.save(journey, { refresh }, actor, 'roll.download.offered', 'info', {});
  }

  /**
   * The pasted Get- output after the refresh. SharePoint must show the rolled key at its new
   * version (Rolling with a percentage, then Registered); Exchange and multi-workload must show
   * the policy with its two keys. The pair stays locked until every DEP shows Registered.
   */
  async submitEvidence(address: JourneyAddress, actor: JourneyOwner, payload: Record<string, unknown>): Promise<RollJourney> {
    const loaded = await this.kit.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.stage !== 'refresh' || !journey.refresh || !journey.result || !journey.keyUri) return this.kit.staleCopy(journey);
    const errors: Record<string, Message> = {};
    const evidence: Record<string, string> = {};
    const refresh: RollRefresh[] = [];
    for (const [i, entry] of journey.refresh.entries()) {
      const field = `evidence.${i}`;
      const pasted = typeof payload[field] === 'string' ? (payload[field] as string) : '';
      if (pasted.length > MAX_EVIDENCE) {
        errors[field] = say('roll.evidence.tooLong', `That is ${pasted.length} characters; paste only the output of the command shown.`, { length: String(pasted.length) });
        refresh.push(entry);
        continue;
      }
      if (pasted.trim() === '') {
        refresh.push(entry);
        continue;
      }
      evidence[field] = pasted;
      const dep = await this.deps.inventory.dep(entry.depId);
      if (!dep) {
        refresh.push(entry);
        continue;
      }
      const read = this.readEvidence(dep, pasted, journey.keyUri!, journey.result!.newVersion);
      if ('error' in read) {
        errors[field] = read.error;
        refresh.push(entry);
        continue;
      }
      await this.deps.inventory.recordDepEvidence(entry.depId, {
        state: read.state,
        percentComplete: read.percent ?? null,
        evidence: { at: this.kit.now(), by: actor.aadObjectId.toLowerCase(), sha256: sha256Hex(pasted), summary: read.summary, problems: read.problems },
      });
      refresh.push({ ...entry, state: read.state, summary: read.summary, problems: read.problems });
    }
    if (Object.keys(evidence).length === 0 && Object.keys(errors).length === 0)
      errors['evidence.0'] = say('roll.evidence.none', 'Paste the output of the command shown for at least one policy.');
    const allDone = refresh.every((r) => r.state === 'Registered');
    const draft: RollDraft = { ...journey.draft, ...(Object.keys(errors).length > 0 ? { evidence: { ...journey.draft.evidence, ...evidence } } : {}) };
    if (Object.keys(errors).length === 0) delete draft.evidence;
    return await this.kit.save(
      journey,
      { refresh, draft, errors, ...(allDone && Object.keys(errors).length === 0 ? { stage: 'done' as const, status: 'done' as const } : {}) },
      actor,
      Object.keys(errors).length > 0 ? 'roll.evidence.unreadable' : 'roll.evidence.recorded',
      Object.keys(errors).length > 0 ? 'denied' : 'success',
      { states: refresh.map((r) => ({ depId: r.depId, state: r.state ?? null })), sha256: Object.fromEntries(Object.entries(evidence).map(([k, v]) => [k, sha256Hex(v)])) },
    );
  }

  private readEvidence(
    dep: InventoryDep,
    pasted: string,
    keyUri: string,
    newVersion: string,
  ): { state: 'Registering' | 'Registered' | 'Rolling'; percent?: number | null; summary: Message; problems: Message[] } | { error: Message } {
    const joined = (problems: readonly Message[], otherwise: Message): Message => (problems.length > 0 ? sentences(problems[0]!, ...problems.slice(1)) : otherwise);
    if (dep.scope === 'sharePoint') {
      const parsed = parseSpoDataEncryptionPolicy(pasted);
      const state = parsed.value.state;
      if (!state) return { error: joined(parsed.problems, say('roll.evidence.noState', 'Keyward found no state in the output.')) };
      if (state === 'Unregistered')
        return { error: say('roll.evidence.unregistered', 'The geo shows Unregistered; this is not the geo of this policy, or its registration was removed.') };
      const rolled = parseKeyIdentifier(keyUri);
      const keys = [parsed.value.primaryKey, parsed.value.secondaryKey];
      const match = keys.find(
        (k) => rolled.ok && k?.keyName?.toLowerCase() === rolled.key.keyName.toLowerCase() && k?.vaultName?.toLowerCase() === rolled.key.containerName.toLowerCase(),
      );
      if (!match) {
        const key = rolled.ok ? `${rolled.key.containerName}/${rolled.key.keyName}` : keyUri;
        const depName = describeDep(dep.dep);
        return { error: say('roll.evidence.otherKey', `The output does not show key ${key}. Paste the output for the geo of ${depName.text}.`, { key, dep: depName }) };
      }
      if (match.version && match.version !== newVersion) {
        const percent = parsed.value.percentComplete;
        return state === 'Registered'
          ? {
              error: say(
                'roll.evidence.oldVersion',
                `SharePoint still uses version ${match.version} of the key, not the new ${newVersion}. Run the refresh script (Update-SPODataEncryptionPolicy), then paste again.`,
                {
                  old: match.version,
                  version: newVersion,
                  cmdlet: 'Update-SPODataEncryptionPolicy',
                },
              ),
            }
          : {
              state,
              percent,
              summary: percent !== null ? say('roll.evidence.statePercent', `${state} (${percent}%)`, { state, percent }) : say('roll.evidence.state', state, { state }),
              problems: [say('roll.evidence.notYet', 'The output does not show the new version yet.')],
            };
      }
      const percent = parsed.value.percentComplete;
      const version = `${newVersion.slice(0, 8)}…`;
      return {
        state,
        percent,
        summary:
          percent !== null
            ? say('roll.evidence.rolledPercent', `${state} (${percent}% of sites) with version ${version}`, { state, percent, version })
            : say('roll.evidence.rolled', `${state} with version ${version}`, { state, version }),
        problems: parsed.problems.filter((p) => p.id !== 'depParsers.noPrimaryKey' && p.id !== 'depParsers.noSecondaryKey'),
      };
    }
    const parsed = dep.scope === 'multiWorkload' ? parseM365DataAtRestEncryptionPolicies(pasted) : parseDataEncryptionPolicies(pasted);
    const name = dep.dep.scope === 'sharePoint' ? '' : dep.dep.policyName;
    const policy = parsed.value.find((p) => p.name.toLowerCase() === name.toLowerCase());
    if (!policy) {
      const shown = parsed.value.map((p) => p.name).join(', ');
      return {
        error:
          parsed.value.length === 0
            ? joined(parsed.problems, say('roll.evidence.noPolicy', 'Keyward found no policy in the output.'))
            : say('roll.evidence.otherPolicy', `The output shows ${shown}, not ${name}.`, { shown, name }),
      };
    }
    if (!depPolicyUsesKeys(policy, dep.keyUris)) {
      const uses = policy.normalizedKeyUris.join(', ');
      const expected = dep.keyUris.join(', ');
      return {
        error: uses
          ? say('roll.evidence.otherKeys', `Policy ${policy.name} uses ${uses}, not ${expected}.`, { name: policy.name, uses, expected })
          : say('roll.evidence.noKeys', `Policy ${policy.name} uses no readable keys, not ${expected}.`, { name: policy.name, expected }),
      };
    }
    return {
      state: 'Registered',
      summary: say('roll.evidence.refreshed', `${policy.name} refreshed (Microsoft 365 can take up to 24 hours to use the new version)`, { name: policy.name }),
      problems: policy.enabled === false ? [say('roll.evidence.disabled', `Policy ${policy.name} is disabled.`, { name: policy.name })] : [],
    };
  }

  async back(address: JourneyAddress, actor: JourneyOwner): Promise<RollJourney> {
    const loaded = await this.kit.load(address, actor);
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.stage !== 'preview') return this.kit.staleCopy(journey);
    return await this.kit.save(journey, { stage: 'choose', plan: undefined, planHash: undefined }, actor, 'roll.navigated', 'info', { to: 'choose' });
  }

  async cancel(address: JourneyAddress, actor: JourneyOwner): Promise<RollJourney> {
    const loaded = await this.kit.load(address, actor, { allowStatuses: ['open', 'cancelled', 'done'] });
    if ('stale' in loaded) return loaded.stale;
    const journey = loaded.journey;
    if (journey.status !== 'open') return journey;
    if (journey.stage === 'refresh')
      throw appError(
        'JourneyClosed',
        say('roll.cancel.refresh', 'The new version exists already; finish the refresh of each policy (paste its output) so the next roll is allowed.'),
      );
    return await this.kit.save(journey, { status: 'cancelled' }, actor, 'roll.cancelled', 'success', {});
  }

  /**
   * "Disable or delete the old version": always refused while a DEP may use the key. Customer Key
   * data (inactive mailboxes, SharePoint backups) stays wrapped with old versions; disabling one
   * makes that data unreadable. Audited, so an auditor sees who asked.
   */
  async refuseRetirement(actor: JourneyOwner, keyUri: string): Promise<Message> {
    requireActor(actor);
    const parsed = parseKeyIdentifier(keyUri);
    const key = parsed.ok ? await this.deps.inventory.key(parsed.key.versionlessUri) : undefined;
    const users = key ? await this.deps.inventory.depsUsingKey(key.ref.versionlessUri) : [];
    const current = key ? currentVersion(key) : undefined;
    const asked = parsed.ok ? parsed.key.version : undefined;
    await this.deps.audit.append({
      actor: { objectId: actor.aadObjectId.toLowerCase(), name: actor.name, tenantId: actor.tenantId },
      action: 'key.version.retire.refused',
      target: parsed.ok ? parsed.key.uri : keyUri.slice(0, 300),
      outcome: 'denied',
      reason: 'KeyInUseByDep',
      details: { deps: users.map((d) => d.id), currentVersion: current ?? null },
    });
    const deps = users.map((d) => describeDep(d.dep));
    const who =
      deps.length > 0
        ? say('roll.retire.usedBy', `${commaList(deps).text} use${deps.length === 1 ? 's' : ''} this key`, { deps: commaList(deps), count: deps.length })
        : say('roll.retire.mayNeed', 'Customer Key may still need this key');
    const version =
      asked && parsed.ok
        ? say('roll.retire.version', `version ${asked} of ${parsed.key.keyName}`, { version: asked, key: parsed.key.keyName })
        : parsed.ok
          ? say('roll.retire.oldVersion', `an old version of ${parsed.key.keyName}`, { key: parsed.key.keyName })
          : say('roll.retire.oldVersionUnknown', 'an old version of this key');
    return sentences(
      say(
        'roll.retire.refused',
        `Keyward will not disable or delete ${version.text}: ${who.text}, and data encrypted before a roll (inactive mailboxes, SharePoint backups) stays wrapped with the old versions. Disabling one makes that data unreadable; deleting one loses it.`,
        { what: version, who },
      ),
      asked && current && asked === current ? say('roll.retire.current', 'That is also the current version.') : undefined,
      say(
        'roll.retire.keep',
        'Keep every version enabled and without an expiry date. To stop using the keys altogether, move the policies to other keys or offboard with Microsoft first; only then can "teardown" remove the vault or HSM.',
      ),
    );
  }
}

function parseCustodians(draft: RollDraft, errors: Record<string, Message>): { A: string[]; B: string[] } {
  const read = (value: string | undefined, field: string) => {
    const ids = splitList(value ?? '').map((id) => id.toLowerCase());
    const bad = ids.find((id) => !isGuid(id));
    if (bad) errors[field] = say('roll.choose.badObjectId', `'${bad.slice(0, 60)}' is not an Entra object id (GUID).`, { value: `'${bad.slice(0, 60)}'` });
    return ids.filter(isGuid);
  };
  return { A: read(draft.custodiansA, 'custodiansA'), B: read(draft.custodiansB, 'custodiansB') };
}

function parseEveryDays(value: string | undefined, errors: Record<string, Message>): number | undefined {
  if (value === undefined || value.trim() === '' || value === 'keep') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 3650) {
    errors.everyDays = say('roll.schedule.invalid', 'Choose a reminder interval between 1 and 3650 days (or off).');
    return undefined;
  }
  return n;
}

function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
