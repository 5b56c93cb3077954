import { redactSecrets, TOKEN_PATTERN, truncateText } from '../core';
import { storableText } from './auditRecord';
import type { AuditEventInput } from './auditRecord';

const REDACTED = '[redacted]';
const GLOBAL_TOKEN = new RegExp(TOKEN_PATTERN.source, 'g');
/** PEM blocks (private keys, security-domain material) and long base64url runs that look like key material. */
const PEM = /-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g;
const LONG_OPAQUE = /\b[A-Za-z0-9+/_-]{200,}={0,2}/g;
/** The audit log is for people and auditors: a record's details stay small. */
export const MAX_DETAILS_BYTES = 16 * 1024;
const MAX_TEXT = 2000;

/**
 * Replaces bearer tokens, JWTs, PEM blocks and long opaque strings inside free text, makes it
 * storable (well-formed, no NUL) and caps it at MAX_TEXT UTF-16 units, cut between characters.
 */
export function scrubText(value: string): string {
  const cleaned = storableText(value).replace(PEM, REDACTED).replace(GLOBAL_TOKEN, REDACTED).replace(LONG_OPAQUE, REDACTED);
  return cleaned.length > MAX_TEXT ? `${truncateText(cleaned, MAX_TEXT)}…` : cleaned;
}

function scrubValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (depth > 8 || value === null || typeof value !== 'object') {
    return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
  }
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    out[storableText(key)] = scrubValue(member, depth + 1);
  }
  return out;
}

/**
 * What actually reaches the log: secret-named members replaced (core `redactSecrets`), tokens and
 * key material inside any string replaced, non-JSON values dropped, and details capped in size.
 * Callers are told not to pass secrets; this makes a mistake harmless rather than permanent —
 * an append-only log can never be cleaned afterwards.
 */
export function scrubAuditEvent(event: AuditEventInput): AuditEventInput {
  const details = scrubValue(redactSecrets(event.details ?? {}), 0) as Record<string, unknown>;
  const size = Buffer.byteLength(JSON.stringify(details), 'utf8');
  return {
    ...event,
    actor: {
      objectId: scrubText(event.actor.objectId),
      name: event.actor.name === undefined ? undefined : scrubText(event.actor.name),
      tenantId: event.actor.tenantId === undefined ? undefined : scrubText(event.actor.tenantId),
    },
    action: scrubText(event.action),
    target: scrubText(event.target),
    requestId: event.requestId === undefined ? undefined : scrubText(event.requestId),
    planHash: event.planHash === undefined ? undefined : scrubText(event.planHash),
    reason: event.reason === undefined ? undefined : scrubText(event.reason),
    details: size > MAX_DETAILS_BYTES ? { truncated: true, originalBytes: size } : details,
  };
}
