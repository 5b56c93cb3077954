import type { Text } from '../core';
import type { DepScope, Plan, SiteId } from '../customerKey';
import type { DownloadOffer } from '../inventory/inventoryPorts';
import type { OpsJourneyBase } from '../inventory/opsJourney';

/**
 * Where a key roll is:
 * - choose: which pair, key A or key B (one at a time), custodians, rotation reminder;
 * - preview: the plan (new version, backup, readiness, the refresh of every DEP using the key), hash;
 * - submitted: waiting for the approvers (key-roll rule of the policy);
 * - running: Keyward's run makes the new version (idempotent by the request-id tag);
 * - refresh: the new version exists; the operator runs the refresh cmdlet of each DEP and pastes
 *   the Get- output (SharePoint: until Registered) — the pair stays locked until then;
 * - done.
 */
export type RollStage = 'choose' | 'preview' | 'submitted' | 'running' | 'refresh' | 'done';

export interface RollDraft {
  pairId?: string;
  site?: string;
  custodiansA?: string;
  custodiansB?: string;
  everyDays?: string;
  evidence?: Record<string, string>;
}

/** One DEP's refresh after the roll. */
export interface RollRefresh {
  depId: string;
  scope: DepScope;
  label: Text;
  runner: 'operator' | 'executor';
  title: Text;
  fileName: string;
  script: string;
  sha256: string;
  verifyCommands: string[];
  download?: DownloadOffer;
  /** What the pasted output showed. */
  state?: string;
  summary?: Text;
  problems?: Text[];
}

export interface RollJourney extends OpsJourneyBase {
  kind: 'roll';
  stage: RollStage;
  draft: RollDraft;
  pairId?: string;
  site?: SiteId;
  /** Versionless identifier of the key being rolled. */
  keyUri?: string;
  custodians?: { A: string[]; B: string[] };
  plan?: Plan;
  /** DEP ids whose refresh the plan includes. */
  depIds?: string[];
  result?: { newVersion: string; previousVersion?: string; at: string };
  refresh?: RollRefresh[];
  /** Why it closed (rejected, expired, failed). */
  outcome?: Text;
}
