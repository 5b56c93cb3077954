/**
 * What the DEP, key-roll and teardown journeys share with each other (and, in spirit, with the
 * setup journey): a stored record with a version for compare-and-set, an owner who alone moves
 * it, cards that carry `journeyId` + `v` so a stale or foreign click changes nothing, and
 * audit-first saves (if the audit record cannot be written, the journey does not move).
 */
import { appError, newId, say, withoutTransaction, type Atomic, type Clock, type Message, type Text } from '../core';
import { SYSTEM_ACTOR, type AuditEventInput } from '../audit/auditRecord';
import type { JourneyOwner } from '../journeys/setupJourney';

export type OpsJourneyKind = 'dep' | 'roll' | 'teardown';

/**
 * - open: the owner acts on the current card;
 * - waiting: on other people or on Azure (approval, cooling-off, the run, a scheduled purge);
 * - done / cancelled / failed: closed.
 */
export type OpsJourneyStatus = 'open' | 'waiting' | 'done' | 'cancelled' | 'failed';

export const CLOSED_STATUSES: readonly OpsJourneyStatus[] = ['done', 'cancelled', 'failed'];

/** A card Keyward posted proactively for a journey (updated in place as the journey moves). */
export interface PostedJourneyCard {
  conversationId: string;
  messageId: string;
  reference: Record<string, unknown>;
}

export interface OpsJourneyBase {
  id: string;
  kind: OpsJourneyKind;
  owner: JourneyOwner;
  conversationId: string;
  /** Where the journey was started (a serialisable conversation reference). */
  origin: Record<string, unknown>;
  status: OpsJourneyStatus;
  stage: string;
  /** Messages for the current card, by input id (plain English in rows stored before messages). */
  errors: Record<string, Text>;
  warnings: Record<string, Text>;
  /** A one-off sentence at the top of the next card. */
  notice?: Text;
  requestId?: string;
  planHash?: string;
  /** The message that shows the journey's card in the owner's conversation, when known. */
  cardMessageId?: string;
  /** Copies posted proactively (approvers' chat, the owner's chat). */
  cards?: PostedJourneyCard[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Persistence port of one journey kind (SQLite adapter: src/store/sqliteInventoryJourneyStore.ts). */
export interface OpsJourneyStore<J extends OpsJourneyBase> {
  get(id: string): Promise<J | undefined>;
  insert(journey: J): Promise<void>;
  /** Writes `next` only if the stored version is still `expectedVersion`. */
  compareAndSet(next: J, expectedVersion: number): Promise<boolean>;
  listByOwner(aadObjectId: string): Promise<J[]>;
  list(filter?: { statuses?: readonly OpsJourneyStatus[] }): Promise<J[]>;
  findByRequest(requestId: string): Promise<J | undefined>;
}

/** What a card click names: the journey and the version the card showed. */
export interface JourneyAddress {
  journeyId: string;
  version: number;
}

export interface OpsJourneyKitDeps<J extends OpsJourneyBase> {
  store: OpsJourneyStore<J>;
  audit: { append(event: AuditEventInput): Promise<unknown> };
  clock: Clock;
  /** "DEP journey", "key roll", "teardown": used in messages. */
  label: string;
  /** The chat command that starts one ("dep", "roll", "teardown"). */
  command: string;
  /**
   * The store's unit of work: the audit record and the journey change commit together (a lost
   * compare-and-set takes its audit record back with it). Unit tests over fakes may leave it out.
   */
  atomic?: Atomic;
}

/** A lost compare-and-set inside a unit: thrown to roll the unit back, caught right outside it. */
class LostRace extends Error {}

export type ActorLike = JourneyOwner;

/**
 * The shared mechanics. Every change is: load, check who acts and that the card is current,
 * compute the next state, append the audit record, compare-and-set. A lost race returns the
 * current journey marked as "that card was out of date".
 */
export class OpsJourneyKit<J extends OpsJourneyBase> {
  constructor(private readonly deps: OpsJourneyKitDeps<J>) {}

  now(): string {
    return this.deps.clock.now().toISOString();
  }

  async get(id: string): Promise<J> {
    const journey = await this.deps.store.get(id);
    if (!journey) {
      const kind = this.deps.command;
      throw appError(
        'NotFound',
        say('opsJourney.notFound', `There is no ${this.deps.label} ${id}. Type "status" to see yours, or "${kind}" to start one.`, { kind, id, command: kind }),
      );
    }
    return journey;
  }

  /**
   * A new open journey of `owner`, with the kind-specific fields in `first` (kind, first stage,
   * draft): audited `<kind>.started`, then stored.
   */
  open(owner: JourneyOwner, conversationId: string, origin: Record<string, unknown>, first: Pick<J, 'kind' | 'stage'> & Omit<J, keyof OpsJourneyBase>): Promise<J> {
    requireActor(owner);
    const now = this.now();
    const journey = {
      id: newId(first.kind),
      owner: { ...owner, aadObjectId: owner.aadObjectId.toLowerCase() },
      conversationId,
      origin,
      status: 'open',
      errors: {},
      warnings: {},
      version: 1,
      createdAt: now,
      updatedAt: now,
      ...first,
    } as J;
    return this.insert(journey, owner);
  }

  insert(journey: J, actor: ActorLike, details: Record<string, unknown> = {}): Promise<J> {
    return this.atomic(async () => {
      await this.audit(journey, actor, `${journey.kind}.started`, 'success', details);
      await this.deps.store.insert(journey);
      return journey;
    });
  }

  /**
   * The journey a click may act on. Throws for a foreign or closed journey; returns `stale` (the
   * current state with a notice, nothing stored) when the card's version is not the current one.
   */
  async load(address: JourneyAddress, actor: ActorLike, options: { allowStatuses?: readonly OpsJourneyStatus[] } = {}): Promise<{ journey: J } | { stale: J }> {
    requireActor(actor);
    const journey = await this.get(address.journeyId);
    if (journey.owner.aadObjectId !== actor.aadObjectId.toLowerCase()) {
      await this.audit(journey, actor, `${journey.kind}.foreign_click`, 'denied', {});
      const kind = this.deps.command;
      throw appError(
        'NotYourJourney',
        journey.owner.name
          ? say('opsJourney.foreign', `This ${this.deps.label} belongs to ${journey.owner.name}. Type "${kind}" to start your own.`, {
              kind,
              owner: journey.owner.name,
              command: kind,
            })
          : say('opsJourney.foreignUnnamed', `This ${this.deps.label} belongs to someone else. Type "${kind}" to start your own.`, { kind, command: kind }),
      );
    }
    const allowed: readonly OpsJourneyStatus[] = options.allowStatuses ?? ['open'];
    if (!allowed.includes(journey.status)) {
      if (address.version !== journey.version) return { stale: this.staleCopy(journey) };
      throw appError('JourneyClosed', closedMessage(journey, this.deps.label, this.deps.command));
    }
    if (address.version !== journey.version) return { stale: this.staleCopy(journey) };
    return { journey };
  }

  /** The current journey, marked so the card says it replaced an outdated one; nothing is stored. */
  staleCopy(journey: J): J {
    return { ...journey, notice: say('journey.notice.staleCard', 'That card was out of date, so nothing was changed. This is the current state; continue from here.') };
  }

  /** Audit first, then compare-and-set; on a lost race the current journey comes back as stale. */
  async save(journey: J, changes: Partial<J>, actor: ActorLike | 'system', action: string, outcome: AuditEventInput['outcome'], details: Record<string, unknown> = {}): Promise<J> {
    const next = { ...journey, ...changes, version: journey.version + 1, updatedAt: this.now() } as J;
    if (!('notice' in changes)) delete next.notice;
    if (!('errors' in changes)) next.errors = {};
    try {
      await this.atomic(async () => {
        await this.audit(next, actor, action, outcome, { stage: next.stage, ...details });
        if (!(await this.deps.store.compareAndSet(next, journey.version))) throw new LostRace();
      });
    } catch (error) {
      if (error instanceof LostRace) return this.staleCopy(await this.get(journey.id));
      throw error;
    }
    return next;
  }

  /** Remembers which message shows the journey's card (no version bump: it changes no decision). */
  async rememberCard(id: string, messageId: string | undefined): Promise<void> {
    if (messageId) await this.touch(id, (j) => (j.cardMessageId === messageId ? j : { ...j, cardMessageId: messageId }));
  }

  /** A change that is not a decision (remembering a posted card): no version bump, no audit. */
  async touch(id: string, change: (journey: J) => J): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const journey = await this.deps.store.get(id);
      if (!journey) return;
      const next = change(journey);
      if (next === journey || (await this.deps.store.compareAndSet({ ...next, version: journey.version }, journey.version))) return;
    }
  }

  /** Runs `work` as one unit of the store (audit and change together). */
  atomic<T>(work: () => Promise<T>): Promise<T> {
    return (this.deps.atomic ?? withoutTransaction)(work);
  }

  async audit(journey: J, actor: ActorLike | 'system', action: string, outcome: AuditEventInput['outcome'], details: Record<string, unknown> = {}): Promise<void> {
    await this.deps.audit.append({
      actor: actor === 'system' ? SYSTEM_ACTOR : { objectId: actor.aadObjectId.toLowerCase(), name: actor.name, tenantId: actor.tenantId },
      action,
      target: `journey/${journey.id}`,
      outcome,
      planHash: journey.planHash,
      requestId: journey.requestId,
      details,
    });
  }
}

export function requireActor(actor: ActorLike): void {
  if (!actor.aadObjectId)
    throw appError('NotYourJourney', say('journey.whoAreYou', 'Keyward could not tell who you are (no Entra object id in the activity). Use Keyward from Microsoft Teams.'));
}

function closedMessage(journey: OpsJourneyBase, label: string, command: string): Message {
  const values = { kind: command, command };
  switch (journey.status) {
    case 'waiting':
      return say('opsJourney.closed.waiting', `This ${label} is waiting (${journey.stage}); its latest card shows where it stands.`, { ...values, stage: journey.stage });
    case 'done':
      return say('opsJourney.closed.done', `This ${label} is finished. Type "${command}" to start another one.`, values);
    case 'cancelled':
      return say('opsJourney.closed.cancelled', `This ${label} was cancelled. Type "${command}" to start a new one.`, values);
    default:
      return say('opsJourney.closed.other', `This ${label} is closed. Type "${command}" to start a new one.`, values);
  }
}
