import type { Text } from '../core';
import type { ChecklistLine, DepScope, DepScript, KeyRef, OnboardingRecord, Plan } from '../customerKey';
import type { DownloadOffer } from '../inventory/inventoryPorts';
import type { OpsJourneyBase } from '../inventory/opsJourney';

/**
 * Where a DEP journey is:
 * - scope: which workload's policy, and which keys (a pair from the inventory, or two existing
 *   keys given by URI, verified through Azure before anything else);
 * - onboarding: the workload is not onboarded for Customer Key yet (checked before any DEP step):
 *   the onboarding script, the pasted Get-CustomerKeyOnboardingRequest output, or Microsoft's
 *   confirmation for a workload the module does not cover; the mandatory retention period of both
 *   key subscriptions with what to do while Microsoft has not confirmed it;
 * - details: policy name, description, mailboxes or SharePoint geos;
 * - review: the generated script (card code block and .ps1 download), ready to run;
 * - evidence: the operator pastes the output of the Get- cmdlets;
 * - recorded: Keyward recorded the state (SharePoint: paste again later to move Registering → Registered);
 * - submitted: (Exchange app-only, when enabled) waiting for approval and Keyward's own run.
 */
export type DepStage = 'scope' | 'onboarding' | 'details' | 'review' | 'evidence' | 'recorded' | 'submitted';

/** The mandatory retention period of one key subscription, as last read. */
export interface MandatoryRetentionCheck {
  site: 'A' | 'B';
  subscriptionId: string;
  /** `Registered`, `Registering`, `Pending`, `NotRegistered`…, or undefined when it could not be read. */
  state?: string;
  error?: Text;
  /** When Keyward first saw it Registering/Pending (kept across re-checks). */
  pendingSince?: string;
  checkedAt: string;
}

/** The onboarding step of a DEP journey. */
export interface DepOnboarding {
  record?: OnboardingRecord;
  script?: DepScript;
  mrp: MandatoryRetentionCheck[];
}

/** Every value as typed on the cards (validation never drops or changes them). */
export interface DepDraft {
  scope?: string;
  source?: string;
  pairId?: string;
  keyA?: { uri?: string; subscriptionId?: string; resourceGroup?: string };
  keyB?: { uri?: string; subscriptionId?: string; resourceGroup?: string };
  policyName?: string;
  description?: string;
  mailboxScope?: string;
  mailboxes?: string;
  adminUrls?: string;
  validate?: string;
  /** Onboarding: the -Scenario value, the pasted Get-CustomerKeyOnboardingRequest output, Microsoft's reference. */
  onboardingScenario?: string;
  onboardingOutput?: string;
  onboardingReference?: string;
  /** Pasted Get- output, kept only until it is recorded. */
  evidence?: Record<string, string>;
}

export interface DepJourney extends OpsJourneyBase {
  kind: 'dep';
  stage: DepStage;
  draft: DepDraft;
  /** The verified keys (key A, key B). */
  keys?: KeyRef[];
  /** The pair id in the inventory (after adoption, for keys given by URI). */
  pairId?: string;
  /** Current versions of key A and key B as Keyward knows them (SharePoint needs them). */
  versions?: Array<string | null>;
  verification?: { at: string; lines: ChecklistLine[]; blocking: number };
  scope?: DepScope;
  onboarding?: DepOnboarding;
  script?: DepScript;
  download?: DownloadOffer;
  /** Inventory ids of the DEP(s) this journey created (SharePoint: one per geo). */
  depIds?: string[];
  /** What the last pasted output showed, per DEP id. */
  recorded?: Array<{ depId: string; state: string; summary: Text; problems: Text[] }>;
  /** Keyward-run (app-only) policies: the approvable plan. */
  plan?: Plan;
}
