/**
 * The nouns of Keyward's inventory: every vault, Managed HSM, key (with its versions) and Data
 * Encryption Policy Keyward knows, where it came from, and what it last looked like. Plain JSON
 * (times are ISO strings) so records are stored, audited and rendered without conversion.
 *
 * Identity rules:
 * - a container is `<kind>:<name lower case>` (vault and HSM names are global DNS labels);
 * - a key is its versionless Azure identifier, lower case (`https://kv.vault.azure.net/keys/k`);
 *   the emulator's local hosts never appear here — plans, DEP scripts and the inventory all use
 *   the Azure form Microsoft 365 sees;
 * - a key pair (what a DEP uses and what a roll acts on) is `pairId`: the setup request and the
 *   workload (`<requestId>:<workload>`) or, for adopted keys, a hash of the two identifiers;
 * - a DEP is `<scope>:<policy name lower>` or `sharePoint:<admin URL lower>`.
 */
import type { Text } from '../core';
import type { ChecklistLine, DepRef, DepScope, KeyContainerKind, KeyRef, KeySize, SiteId, Workload } from '../customerKey';

export type ContainerStatus = 'active' | 'softDeleted' | 'purged';

export interface InventoryContainer {
  /** `vault:<name>` or `managedHsm:<name>`, lower case. */
  id: string;
  kind: KeyContainerKind;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  region: string;
  status: ContainerStatus;
  /** `setup`: created by an approved Keyward plan; `adopted`: existing, verified when given by URI. */
  source: 'setup' | 'adopted';
  /** The approval request whose run created it. */
  createdByRequestId?: string;
  purgeProtectionEnabled?: boolean;
  softDeleteRetentionDays?: number;
  deletedAt?: string;
  /** When Azure purges it by itself (purge protection refuses earlier purges). */
  scheduledPurgeDate?: string;
  purgedAt?: string;
  /** The teardown request that removed it. */
  teardownRequestId?: string;
  updatedAt: string;
}

export interface KeyVersionRecord {
  /** 32 lower-case hex characters. */
  version: string;
  /** When Keyward learnt of it (the run that made it, or the verification that found it). */
  recordedAt: string;
  /** The approval request whose run created this version (setup or key roll). */
  requestId?: string;
  how: 'setup' | 'roll' | 'adopted';
}

export interface InventoryKey {
  /** Versionless Azure key identifier, lower case. */
  id: string;
  ref: KeyRef;
  /** The pair this key belongs to (key A and key B of one workload). */
  pairId: string;
  keySize?: KeySize;
  /** Oldest first; never shortened: old versions still wrap data and are never disabled or deleted. */
  versions: KeyVersionRecord[];
  /** Custodians of key A and key B of the pair (object ids), for separation of duties in rolls. */
  custodians?: { A: string[]; B: string[] };
  status: 'active' | 'gone';
  updatedAt: string;
}

/**
 * What Keyward knows of a DEP:
 * - Scripted: the create script was handed out; no evidence yet that it ran (it might have).
 * - Registering / Registered / Rolling: from pasted Get- output (SharePoint reports these states;
 *   a multi-workload or Exchange policy that exists with the expected keys counts as Registered).
 * - Withdrawn: the operator said the script never ran (audited); it no longer counts as using keys.
 */
export type DepState = 'Scripted' | 'Registering' | 'Registered' | 'Rolling' | 'Withdrawn';

export interface DepEvidence {
  at: string;
  /** Object id of the person who pasted it. */
  by: string;
  /** SHA-256 of the pasted text (the text itself is not kept). */
  sha256: string;
  /** What it showed, in one line. */
  summary: Text;
  problems: Text[];
}

export interface InventoryDep {
  /** `multiWorkload:<name>`, `exchange:<name>`, `sharePoint:<admin url>`, lower case. */
  id: string;
  dep: DepRef;
  scope: DepScope;
  /** Versionless identifiers of key A (primary) and key B (secondary). */
  keyUris: string[];
  pairId?: string;
  state: DepState;
  /** Registering or Rolling: percentage of sites done (SharePoint). */
  percentComplete?: number;
  enabled?: boolean | null;
  /** Multi-workload: assigned to the tenant; Exchange: the mailboxes the script assigned. */
  assignment?: { kind: 'tenant'; assigned: boolean | null } | { kind: 'mailboxes'; mailboxes: 'all' | string[]; verified: false };
  /** SHA-256 of the last create/refresh script handed out or run. */
  scriptSha256?: string;
  evidence?: DepEvidence;
  /** The journey that created it. */
  journeyId?: string;
  history: Array<{ at: string; state: DepState; note: string }>;
  updatedAt: string;
}

/** A rotation reminder for one key pair, on a schedule the operator chose. */
export interface RotationSchedule {
  /** The pair id. */
  id: string;
  workload: Workload;
  /** Key A then key B, versionless. */
  keyUris: [string, string];
  everyDays: number;
  nextDueAt: string;
  lastRemindedAt?: string;
  /** Where reminders go (the conversation the schedule was set in). */
  reference: Record<string, unknown>;
  setBy: string;
  setAt: string;
}

/** The last readiness check of one key, for drift detection and the status card. */
export interface HealthRecord {
  /** The key id. */
  id: string;
  checkedAt: string;
  ready: boolean;
  counts: { pass: number; warn: number; fail: number; unknown: number };
  /** Red and unknown lines, as shown (records stored before Keyward spoke in messages hold English strings). */
  problems: Array<Pick<ChecklistLine, 'id' | 'status'> & { title: Text; detail: Text; fix?: Text }>;
}

/** A key pair as operators see it. */
export interface KeyPair {
  pairId: string;
  workload: Workload;
  A: InventoryKey;
  B: InventoryKey;
}

export const containerId = (kind: KeyContainerKind, name: string): string => `${kind}:${name.toLowerCase()}`;

export const keyId = (versionlessUri: string): string => versionlessUri.toLowerCase();

export function depId(dep: DepRef): string {
  return dep.scope === 'sharePoint' ? `sharepoint:${dep.adminUrl.trim().replace(/\/$/, '').toLowerCase()}` : `${dep.scope.toLowerCase()}:${dep.policyName.trim().toLowerCase()}`;
}

export function siteOf(key: InventoryKey): SiteId {
  return key.ref.site;
}

/** The newest version Keyward knows of a key. */
export function currentVersion(key: InventoryKey): string | undefined {
  return key.versions[key.versions.length - 1]?.version;
}

/** DEP states that mean "this policy uses (or may use) its keys". */
export const DEP_STATES_USING_KEYS: readonly DepState[] = ['Scripted', 'Registering', 'Registered', 'Rolling'];
