import { canonicalJson, sha256Hex } from '../core';

/**
 * Who did something. `objectId` is the Entra object id taken from the validated activity (or a
 * managed identity's principal id); Keyward's own automatic steps use SYSTEM_ACTOR.
 */
export interface AuditActor {
  objectId: string;
  name?: string;
  tenantId?: string;
}

/** Keyward itself: timers (expiry, reminders) and start-up events. */
export const SYSTEM_ACTOR: AuditActor = { objectId: 'system:keyward', name: 'Keyward' };

/** success = done; denied = refused by a rule (an attack or a mistake); failure = tried and failed; info = a fact worth keeping. */
export type AuditOutcome = 'success' | 'denied' | 'failure' | 'info';

/** What a caller hands to `AuditLog.append`. Never put tokens, secrets or key material here; they are scrubbed anyway. */
export interface AuditEventInput {
  actor: AuditActor;
  /** Dotted verb, e.g. `approval.vote.recorded`, `execution.step.started`. */
  action: string;
  /** What the action was about: a resource id or name, or `approval/<request id>`. */
  target: string;
  requestId?: string;
  planHash?: string;
  outcome: AuditOutcome;
  /** Why: the requester's or voter's reason, or the refusal code. */
  reason?: string;
  details?: Record<string, unknown>;
}

/**
 * One stored record. Absent optional fields are `null` (not missing) so the canonical form, and
 * therefore the hash, is the same whoever recomputes it.
 */
export interface AuditRecord {
  sequence: number;
  /** ISO 8601 UTC. */
  time: string;
  actor: { objectId: string; name: string | null; tenantId: string | null };
  action: string;
  target: string;
  requestId: string | null;
  planHash: string | null;
  outcome: AuditOutcome;
  reason: string | null;
  details: Record<string, unknown>;
  /** Hash of the record before this one; GENESIS_HASH for the first. */
  prevHash: string;
  /** SHA-256 (hex) of the canonical JSON of every field above. */
  hash: string;
}

/** A (sequence, hash) pair: the chain's head, or a checkpoint an auditor keeps elsewhere. */
export interface AuditAnchor {
  sequence: number;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/**
 * The record's hash: SHA-256 over the canonical JSON (sorted keys, no whitespace) of all fields
 * except `hash` itself. Anyone can recompute it from an export with any JSON library.
 */
export function computeAuditHash(record: Omit<AuditRecord, 'hash'> | AuditRecord): string {
  const { sequence, time, actor, action, target, requestId, planHash, outcome, reason, details, prevHash } = record;
  return sha256Hex(canonicalJson({ sequence, time, actor, action, target, requestId, planHash, outcome, reason, details, prevHash }));
}

/** Builds the next record of the chain from the previous head. Pure. */
export function chainRecord(event: AuditEventInput, time: Date, previous: AuditAnchor | undefined): AuditRecord {
  const body: Omit<AuditRecord, 'hash'> = {
    sequence: previous ? previous.sequence + 1 : 1,
    time: time.toISOString(),
    actor: { objectId: event.actor.objectId, name: event.actor.name ?? null, tenantId: event.actor.tenantId ?? null },
    action: event.action,
    target: event.target,
    requestId: event.requestId ?? null,
    planHash: event.planHash ?? null,
    outcome: event.outcome,
    reason: event.reason ?? null,
    details: event.details ?? {},
    prevHash: previous ? previous.hash : GENESIS_HASH,
  };
  return { ...body, hash: computeAuditHash(body) };
}
