import type { EmulatorRequest } from '../http/emulatorRequest';
import { badRequest } from '../model/serviceError';

/**
 * ARM list paging: everything in one page unless the client asks for `$top`, then pages of that
 * size with an absolute `nextLink` carrying `$skiptoken` (the SDK follows it as given).
 */
export function armPage<T>(request: EmulatorRequest, items: T[]): { value: T[]; nextLink?: string } {
  const topParam = request.query.get('$top');
  const skipParam = request.query.get('$skiptoken');
  const offset = skipParam ? decodeSkipToken(skipParam) : 0;
  if (topParam === null) return { value: items.slice(offset) };
  const top = Number(topParam);
  if (!Number.isInteger(top) || top < 1 || top > 1000) throw badRequest('InvalidParameter', `The value '${topParam}' of $top is invalid; use an integer from 1 to 1000.`);
  const value = items.slice(offset, offset + top);
  if (offset + top >= items.length) return { value };
  const next = new URLSearchParams(request.query);
  next.set('$skiptoken', Buffer.from(JSON.stringify({ o: offset + top })).toString('base64url'));
  return { value, nextLink: `${request.origin}${request.path}?${next.toString()}` };
}

function decodeSkipToken(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through to the error below
  }
  throw badRequest('InvalidSkipToken', 'The $skiptoken is not valid; use the nextLink exactly as returned.');
}
