import { randomUUID } from 'node:crypto';
import { badRequest } from '../model/serviceError';

/**
 * Faults a test or demo can arm per route: "the next 3 GETs of deletedManagedHSMs fail with
 * Azure's ProviderError", "the next wrapkey takes 2 s", "drop the next connection to kv1".
 */
export type FaultEffect =
  { type: 'status'; status: number; code?: string; message?: string; retryAfterSeconds?: number } | { type: 'latency'; ms: number } | { type: 'drop' } | { type: 'providerError' };

export interface FaultSpec {
  /** Regular expressions (case-insensitive) on the method, host name and path; omitted = any. */
  match: { method?: string; host?: string; path?: string };
  effect: FaultEffect;
  /** How many matching requests the fault hits; null = until cleared. Default 1. */
  count?: number | null;
}

export interface FaultRule extends FaultSpec {
  id: string;
  remaining: number | null;
  hits: number;
}

export class FaultInjector {
  private rules: FaultRule[] = [];

  add(spec: unknown): FaultRule {
    const parsed = parseSpec(spec);
    const rule: FaultRule = { ...parsed, id: randomUUID(), remaining: parsed.count === undefined ? 1 : parsed.count, hits: 0 };
    this.rules.push(rule);
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((rule) => rule.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  /** The effect for this request, if an armed rule matches (and uses up one of its count). */
  take(method: string, host: string, path: string): FaultEffect | undefined {
    for (const rule of this.rules) {
      const { match } = rule;
      if (match.method && !new RegExp(`^(?:${match.method})$`, 'i').test(method)) continue;
      if (match.host && !new RegExp(match.host, 'i').test(host)) continue;
      if (match.path && !new RegExp(match.path, 'i').test(path)) continue;
      rule.hits += 1;
      if (rule.remaining !== null) {
        rule.remaining -= 1;
        if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
      }
      return rule.effect;
    }
    return undefined;
  }
}

function parseSpec(value: unknown): FaultSpec {
  if (value === null || typeof value !== 'object') throw badRequest('InvalidFault', 'A fault is {match:{method?,host?,path?}, effect:{type,...}, count?}.');
  const raw = value as Record<string, unknown>;
  const match = (raw.match ?? {}) as Record<string, unknown>;
  for (const field of ['method', 'host', 'path'] as const) {
    const pattern = match[field];
    if (pattern === undefined) continue;
    if (typeof pattern !== 'string') throw badRequest('InvalidFault', `match.${field} must be a regular expression string.`);
    try {
      new RegExp(pattern);
    } catch {
      throw badRequest('InvalidFault', `match.${field} is not a valid regular expression.`);
    }
  }
  const effect = raw.effect as Record<string, unknown> | undefined;
  let parsedEffect: FaultEffect;
  switch (effect?.type) {
    case 'status': {
      const status = effect.status;
      if (typeof status !== 'number' || status < 400 || status > 599) throw badRequest('InvalidFault', 'effect.status must be an HTTP error status (400-599).');
      parsedEffect = {
        type: 'status',
        status,
        ...(typeof effect.code === 'string' ? { code: effect.code } : {}),
        ...(typeof effect.message === 'string' ? { message: effect.message } : {}),
        ...(typeof effect.retryAfterSeconds === 'number' ? { retryAfterSeconds: effect.retryAfterSeconds } : {}),
      };
      break;
    }
    case 'latency':
      if (typeof effect.ms !== 'number' || effect.ms < 0 || effect.ms > 120_000) throw badRequest('InvalidFault', 'effect.ms must be 0 to 120000.');
      parsedEffect = { type: 'latency', ms: effect.ms };
      break;
    case 'drop':
      parsedEffect = { type: 'drop' };
      break;
    case 'providerError':
      parsedEffect = { type: 'providerError' };
      break;
    default:
      throw badRequest('InvalidFault', 'effect.type must be status, latency, drop or providerError.');
  }
  const count = raw.count;
  if (count !== undefined && count !== null && (typeof count !== 'number' || !Number.isInteger(count) || count < 1)) {
    throw badRequest('InvalidFault', 'count must be a positive integer or null (unlimited).');
  }
  return {
    match: {
      ...(typeof match.method === 'string' ? { method: match.method } : {}),
      ...(typeof match.host === 'string' ? { host: match.host } : {}),
      ...(typeof match.path === 'string' ? { path: match.path } : {}),
    },
    effect: parsedEffect,
    ...(count !== undefined ? { count: count as number | null } : {}),
  };
}
