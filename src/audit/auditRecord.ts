import { canonicalJson, sha256Hex, wellFormedText } from '../core';

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
 * The record's hash: SHA-256 over the UTF-8 bytes of the canonical JSON (sorted keys, no
 * whitespace) of all fields except `hash` itself. Anyone can recompute it from an export with any
 * JSON library.
 */
export function computeAuditHash(record: Omit<AuditRecord, 'hash'> | AuditRecord): string {
  const { sequence, time, actor, action, target, requestId, planHash, outcome, reason, details, prevHash } = record;
  return sha256Hex(Buffer.from(canonicalJson({ sequence, time, actor, action, target, requestId, planHash, outcome, reason, details, prevHash }), 'utf8'));
}

/**
 * Text as every store keeps it: well-formed (a lone surrogate, which UTF-8 cannot encode, becomes
 * U+FFFD) and without NUL (PostgreSQL text cannot hold it; SQLite tools cut strings at it). The
 * hash is computed over this form, so the record read back is the record that was hashed.
 */
export function storableText(value: string): string {
  return wellFormedText(value).replace(/\u0000/g, '\ufffd');
}

/** A JSON value as it reads back from storage: storable strings and keys, only JSON types. */
function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value as Record<string, unknown>)) out[storableText(key)] = storableJson(member);
    return out;
  }
  return value;
}

/** Builds the next record of the chain from the previous head. Pure. */
export function chainRecord(event: AuditEventInput, time: Date, previous: AuditAnchor | undefined): AuditRecord {
  const text = (value: string | undefined | null): string | null => (value === undefined || value === null ? null : storableText(value));
  // Details go through a JSON round trip first (what the store writes and reads back: toJSON
  // applied, undefined and functions dropped), then every string and key is made storable.
  const details = storableJson(JSON.parse(JSON.stringify(event.details ?? {})) as unknown) as Record<string, unknown>;
  const body: Omit<AuditRecord, 'hash'> = {
    sequence: previous ? previous.sequence + 1 : 1,
    time: time.toISOString(),
    actor: { objectId: storableText(event.actor.objectId), name: text(event.actor.name), tenantId: text(event.actor.tenantId) },
    action: storableText(event.action),
    target: storableText(event.target),
    requestId: text(event.requestId),
    planHash: text(event.planHash),
    outcome: event.outcome,
    reason: text(event.reason),
    details,
    prevHash: previous ? previous.hash : GENESIS_HASH,
  };
  return { ...body, hash: computeAuditHash(body) };
}
