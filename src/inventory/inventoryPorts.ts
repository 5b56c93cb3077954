/**
 * Ports the DEP, key-roll, teardown and health services need from the rest of Keyward, in their
 * own terms (so they can be tested with fakes and never import the executor, the bot or the SDKs).
 */
import type { ChecklistLine, KeyRef, Plan, Workload } from '../customerKey';
import type { RecordableRun } from './inventoryService';

/** A fresh readiness check of keys (the executor's ReadinessService fits, through a small adapter). */
export interface KeyChecker {
  check(target: {
    keys: readonly KeyRef[];
    principals: ReadonlyArray<{ workload: Workload; appId: string; objectId: string }>;
  }): Promise<{ checkedAt: string; lines: readonly ChecklistLine[] }>;
}

/** A short-lived, unguessable link to a generated file (GET /downloads/<token>). */
export interface DownloadOffer {
  /** Absent when Keyward has no public URL configured (the card then shows the script only). */
  url?: string;
  expiresAt: string;
  /** SHA-256 of the bytes served (UTF-8 with BOM), what Get-FileHash prints. */
  fileSha256: string;
  bytes: number;
}

export interface DownloadOffers {
  offer(input: { fileName: string; content: string; ownerObjectId: string; purpose: string }): Promise<DownloadOffer>;
}

/** Starts (or finds) the executor's run of an approved request. */
export interface ExecutionStarter {
  start(requestId: string): Promise<unknown>;
}

/** The executor's run of a request, if any (structurally the executor's Run). */
export interface RunLookup {
  getByRequest(requestId: string):
    | (RecordableRun & {
        lastError?: { code: string; message: string };
        steps: RecordableRun['steps'] & ReadonlyArray<{ note?: string; error?: { code: string; message: string } }>;
      })
    | undefined;
}

/** Plans the executor may run for requests these journeys made (the executor's PlanSource). */
export interface JourneyPlanSource {
  planFor(request: { id: string; journeyId?: string; planHash: string }): Plan | undefined;
}
