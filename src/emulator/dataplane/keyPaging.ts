import type { EmulatorRequest } from '../http/emulatorRequest';
import { badParameter } from '../model/serviceError';

/**
 * Key Vault list paging: `maxresults` (1–25, default 25) and an absolute `nextLink` with an
 * opaque `$skiptoken`; the last page has `nextLink: null`.
 */
export function dataPlanePage<T>(request: EmulatorRequest, items: readonly T[]): { value: T[]; nextLink: string | null } {
  const maxParam = request.query.get('maxresults');
  let size = 25;
  if (maxParam !== null) {
    size = Number(maxParam);
    if (!Number.isInteger(size) || size < 1 || size > 25) throw badParameter(`maxresults must be an integer from 1 to 25; got '${maxParam}'.`);
  }
  const token = request.query.get('$skiptoken');
  const offset = token === null ? 0 : decode(token);
  const value = items.slice(offset, offset + size);
  if (offset + size >= items.length) return { value, nextLink: null };
  const next = new URLSearchParams();
  next.set('api-version', request.query.get('api-version') ?? '');
  next.set('$skiptoken', Buffer.from(JSON.stringify({ o: offset + size })).toString('base64url'));
  if (maxParam !== null) next.set('maxresults', String(size));
  return { value, nextLink: `${request.origin}${request.path}?${next.toString()}` };
}

function decode(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // reported below
  }
  throw badParameter('The $skiptoken is not valid; follow nextLink exactly as returned.');
}
