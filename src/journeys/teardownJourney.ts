import type { Message, Text } from '../core';
import type { ChecklistLine, KeyContainerKind, Plan, TeardownTarget } from '../customerKey';
import type { OpsJourneyBase } from '../inventory/opsJourney';

/**
 * Where a teardown is:
 * - choose: which vaults or HSMs (from the inventory);
 * - confirm: the preflight (subscriptions Enabled, no DEP uses a key), the plan, the billing facts,
 *   and the operator types each resource's name;
 * - submitted: waiting for the destructive-class approvals;
 * - coolingOff: approved; nothing runs until the cooling-off ends, and the requester or an
 *   approver can Cancel;
 * - blocked: the re-check at the end of the cooling-off found a red line (a subscription no longer
 *   Enabled, a DEP that now uses a key); "Check again" until the execution window closes;
 * - running: Keyward's executor deletes and purges;
 * - awaitingPurge: deleted; purge protection makes Azure keep it until its scheduled purge date,
 *   when Azure purges it (Keyward watches and says when it is gone);
 * - done: every target purged — the card says billing has stopped (Managed HSM) only now.
 */
export type TeardownStage = 'choose' | 'confirm' | 'submitted' | 'coolingOff' | 'blocked' | 'running' | 'awaitingPurge' | 'done';

export interface TeardownTargetState {
  /** Inventory container id. */
  id: string;
  kind: KeyContainerKind;
  name: string;
  subscriptionId: string;
  region: string;
  state: 'active' | 'softDeleted' | 'purged' | 'unknown';
  deletedAt?: string;
  scheduledPurgeDate?: string;
  purgedAt?: string;
  lastCheckedAt?: string;
  note?: Text;
}

export interface TeardownJourney extends OpsJourneyBase {
  kind: 'teardown';
  stage: TeardownStage;
  draft: { targetIds?: string; confirm?: Record<string, string> };
  targetIds?: string[];
  /** As observed in Azure when the plan was built. */
  targets?: TeardownTarget[];
  preflight?: { at: string; lines: ChecklistLine[]; ready: boolean };
  plan?: Plan;
  /** Key custodians of the keys in the targets (sent as key sides). */
  custodians?: { A: string[]; B: string[] };
  coolingOffUntil?: string;
  /** End of the approval's execution window. */
  executeBy?: string;
  /** Cooling-off passed and the re-check was green: the executor may have the plan. */
  released?: boolean;
  cancelled?: { by: string; name?: string; at: string; role: 'requester' | 'approver' };
  progress?: TeardownTargetState[];
  /** Every Managed HSM target is purged: from here on they no longer bill. */
  billingStoppedAt?: string;
  outcome?: Text;
  /** The run stopped at a step (e.g. a Disabled subscription refused the purge). */
  stopped?: { code: string; message: string; said?: Message; at: string };
}
