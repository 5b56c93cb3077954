import { KEY_OPERATIONS, type KeyOperation, type LifetimeAction } from './records';
import { parseIsoDuration } from './isoDuration';
import { badParameter } from './serviceError';

/** Parsing of data-plane key request bodies into checked values; every failure is 400 BadParameter. */

export interface ParsedAttributes {
  enabled?: boolean;
  notBefore?: number;
  expires?: number;
  exportable?: boolean;
}

export function requireBody(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badParameter('The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

/** Attribute times arrive as epoch seconds; the model keeps milliseconds. */
export function parseAttributes(value: unknown): ParsedAttributes {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badParameter('attributes must be an object.');
  const raw = value as Record<string, unknown>;
  const out: ParsedAttributes = {};
  if (raw.enabled !== undefined && raw.enabled !== null) {
    if (typeof raw.enabled !== 'boolean') throw badParameter('attributes.enabled must be a boolean.');
    out.enabled = raw.enabled;
  }
  for (const [field, target] of [
    ['nbf', 'notBefore'],
    ['exp', 'expires'],
  ] as const) {
    const time = raw[field];
    if (time === undefined || time === null) continue;
    if (typeof time === 'number' && Number.isInteger(time) && time < 0) {
      // UNCONFIRMED what Azure does with a negative time; refusing it catches a real client bug loudly.
      throw badParameter(
        `attributes.${field} is ${time}, before 1970. Clients that write times as 32-bit integers (@azure/keyvault-keys 4.10 uses "seconds | 0") overflow for dates after 2038-01-19; send dates up to 2038 or write the value another way.`,
      );
    }
    if (typeof time !== 'number' || !Number.isInteger(time) || time > 253402300799) {
      throw badParameter(`attributes.${field} must be an integer number of seconds since 1970-01-01 (at most 9999-12-31T23:59:59Z).`);
    }
    out[target] = time * 1000;
  }
  if (raw.exportable !== undefined && raw.exportable !== null) {
    if (typeof raw.exportable !== 'boolean') throw badParameter('attributes.exportable must be a boolean.');
    out.exportable = raw.exportable;
  }
  if (out.notBefore !== undefined && out.expires !== undefined && out.notBefore > out.expires) {
    throw badParameter('attributes.nbf must not be later than attributes.exp.');
  }
  return out;
}

/** Key Vault allows 15 tags per object. */
export function parseKeyTags(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw badParameter('tags must be an object of string values.');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 15) throw badParameter('A key can carry at most 15 tags.');
  const tags: Record<string, string> = {};
  for (const [name, tagValue] of entries) {
    if (typeof tagValue !== 'string') throw badParameter(`The value of tag '${name}' must be a string.`);
    if (name.length > 512 || tagValue.length > 256) throw badParameter(`Tag '${name}' is too long (names up to 512, values up to 256 characters).`);
    tags[name] = tagValue;
  }
  return tags;
}

export function parseKeyOps(value: unknown): KeyOperation[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw badParameter('key_ops must be an array.');
  return value.map((op) => {
    const known = KEY_OPERATIONS.find((k) => typeof op === 'string' && k.toLowerCase() === op.toLowerCase());
    if (!known) throw badParameter(`Invalid key operation '${String(op)}'. Supported: ${KEY_OPERATIONS.join(', ')}.`);
    return known;
  });
}

export function parseReleasePolicy(value: unknown): { contentType?: string; immutable?: boolean; data?: string } | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw badParameter('release_policy must be an object.');
  const raw = value as Record<string, unknown>;
  return {
    ...(typeof raw.contentType === 'string' ? { contentType: raw.contentType } : {}),
    ...(typeof raw.immutable === 'boolean' ? { immutable: raw.immutable } : {}),
    ...(typeof raw.data === 'string' ? { data: raw.data } : {}),
  };
}

const MIN_EXPIRY_MS = 28 * 86_400_000;

export function parseRotationPolicy(body: unknown): { lifetimeActions: LifetimeAction[]; expiryTime?: string } {
  const raw = requireBody(body);
  const actionsRaw = raw.lifetimeActions ?? [];
  if (!Array.isArray(actionsRaw)) throw badParameter('lifetimeActions must be an array.');
  const lifetimeActions = actionsRaw.map((entry, index): LifetimeAction => {
    const item = requireBody(entry);
    const trigger = requireBody(item.trigger ?? {});
    const action = requireBody(item.action ?? {});
    const after = trigger.timeAfterCreate;
    const before = trigger.timeBeforeExpiry;
    if ((after === undefined) === (before === undefined)) {
      throw badParameter(`lifetimeActions[${index}].trigger needs exactly one of timeAfterCreate or timeBeforeExpiry.`);
    }
    const duration = (after ?? before) as unknown;
    if (typeof duration !== 'string' || parseIsoDuration(duration) === undefined) {
      throw badParameter(`lifetimeActions[${index}].trigger must be an ISO 8601 duration such as P90D.`);
    }
    const type = typeof action.type === 'string' ? action.type.toLowerCase() : '';
    if (type !== 'rotate' && type !== 'notify') throw badParameter(`lifetimeActions[${index}].action.type must be Rotate or Notify.`);
    if (type === 'notify' && before === undefined) throw badParameter('A Notify action needs a timeBeforeExpiry trigger.');
    return {
      trigger: after !== undefined ? { timeAfterCreate: duration } : { timeBeforeExpiry: duration },
      action: { type: type === 'rotate' ? 'Rotate' : 'Notify' },
    };
  });
  const attributes = raw.attributes === undefined || raw.attributes === null ? {} : requireBody(raw.attributes);
  const expiryTime = attributes.expiryTime;
  if (expiryTime !== undefined && expiryTime !== null) {
    const ms = typeof expiryTime === 'string' ? parseIsoDuration(expiryTime) : undefined;
    if (ms === undefined) throw badParameter('attributes.expiryTime must be an ISO 8601 duration such as P1Y.');
    if (ms < MIN_EXPIRY_MS) throw badParameter('attributes.expiryTime must be at least 28 days (P28D).');
    return { lifetimeActions, expiryTime: expiryTime as string };
  }
  return { lifetimeActions };
}
