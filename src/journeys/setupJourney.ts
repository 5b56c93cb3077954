import type { Text } from '../core';
import type { ChecklistLine, CustomerKeyDraft, Plan, SetupStep } from '../customerKey';

/** Where a setup journey is. `preflight` and `preview` follow the parameter cards. */
export type SetupStage = SetupStep | 'preflight' | 'preview';

export type JourneyStatus = 'collecting' | 'submitted' | 'cancelled';

export interface JourneyOwner {
  aadObjectId: string;
  name?: string;
  tenantId?: string;
}

export interface PreflightResult {
  at: string;
  lines: ChecklistLine[];
  /** No red and no unknown line. */
  ready: boolean;
  /** Subscription id → when Keyward first saw its mandatory retention registration pending (kept across re-checks). */
  mandatoryRetentionPendingSince?: Record<string, string>;
}

/** A subscription the reader identity can see, with what the sites card shows beside it. */
export interface SubscriptionChoice {
  subscriptionId: string;
  displayName: string;
  /** Enabled | Warned | PastDue | Disabled | Deleted, as ARM says. */
  state: string;
  /** The mandatory retention period feature: Registered, Registering, Pending, NotRegistered, … or Unknown (could not be read). */
  retention: string;
}

/** A region a subscription may use (its own ARM locations list). */
export interface RegionChoice {
  name: string;
  displayName: string;
  geography?: string;
  pairedRegion?: string;
}

/** A vault or HSM name suggested from the organisation's pattern, and whether Azure has it free. */
export interface NameSuggestion {
  name: string;
  /** true: free when checked; false: taken (no free name within the attempts); 'unknown': could not check. */
  available: boolean | 'unknown';
}

/**
 * What Keyward read from the tenant to offer on the cards (so the operator picks instead of typing
 * GUIDs), read when the journey reaches the card that needs it and kept with the journey.
 */
export interface SetupChoices {
  at: string;
  /** Subscriptions the reader identity can see (absent: not read yet, or listing failed). */
  subscriptions?: SubscriptionChoice[];
  /** Why the list could not be read; the card then asks for the id. */
  subscriptionsUnavailable?: Text;
  /** Each listed subscription's own regions, by subscription id. */
  regions?: Record<string, RegionChoice[]>;
  /** Suggested vault or HSM names, by field path. */
  names?: Record<string, NameSuggestion>;
  /** People looked up in the directory, by lower-case object id: display name, or null (no such user). */
  people?: Record<string, string | null>;
}

/**
 * One operator conversation that collects a Customer Key spec, checks it, and hands an approvable
 * plan to the approvals engine. Stored whole (JSON) with a version for compare-and-set; every
 * change is one transition of this record.
 */
export interface SetupJourney {
  id: string;
  kind: 'setup';
  owner: JourneyOwner;
  conversationId: string;
  /** Where the journey was started (a serialisable conversation reference). */
  origin: Record<string, unknown>;
  status: JourneyStatus;
  stage: SetupStage;
  /** Every value as typed; validation never drops or changes it. */
  draft: CustomerKeyDraft;
  /** Choices read from the tenant for the cards (subscriptions, regions, suggested names, people). */
  choices?: SetupChoices;
  /** Messages for the current card, by field path (plain English in rows stored before messages). */
  errors: Readonly<Record<string, Text>>;
  warnings: Readonly<Record<string, Text>>;
  /** A one-off sentence at the top of the next card ("This card was out of date…"). */
  notice?: Text;
  preflight?: PreflightResult;
  plan?: Plan;
  planHash?: string;
  requestId?: string;
  /** The message that shows this journey's card, when known. */
  cardMessageId?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Persistence port (SQLite adapter in src/store/sqliteJourneyStore.ts). */
export interface JourneyStore {
  get(id: string): Promise<SetupJourney | undefined>;
  insert(journey: SetupJourney): Promise<void>;
  /** Writes `next` only if the stored version is still `expectedVersion`. */
  compareAndSet(next: SetupJourney, expectedVersion: number): Promise<boolean>;
  listByOwner(aadObjectId: string): Promise<SetupJourney[]>;
  listByConversation(conversationId: string): Promise<SetupJourney[]>;
  /** Journeys still being filled in (status collecting), oldest change first. */
  listOpen(): Promise<SetupJourney[]>;
}

export const isOpen = (journey: SetupJourney): boolean => journey.status === 'collecting';
