import { createHash } from 'node:crypto';

/**
 * A deterministic role-assignment name (GUID) so a retried step finds its earlier assignment.
 * Pure (no SDK): the executor's steps compute it before they ask the gateway.
 */
export function assignmentNameFor(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('|').toLowerCase()).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
