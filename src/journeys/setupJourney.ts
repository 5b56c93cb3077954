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
}

export const isOpen = (journey: SetupJourney): boolean => journey.status === 'collecting';
