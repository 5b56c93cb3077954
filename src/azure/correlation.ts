import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { isGuid } from '../core';

const current = new AsyncLocalStorage<string>();

/**
 * Runs `fn` with a correlation id that every Azure call made inside it carries as
 * x-ms-client-request-id and x-ms-correlation-request-id, so Azure's own logs (Key Vault
 * AuditEvent, the Activity Log) join back to the approval request that caused the call.
 */
export function withCorrelation<T>(correlationId: string, fn: () => Promise<T>): Promise<T> {
  return current.run(correlationGuid(correlationId), fn);
}

export function currentCorrelation(): string | undefined {
  return current.getStore();
}

/**
 * Azure asks for a GUID in x-ms-client-request-id. A request id that already is one is used as it
 * is; any other id maps to a stable GUID derived from its SHA-256 (recorded in the audit log).
 */
export function correlationGuid(id: string): string {
  if (isGuid(id)) return id.toLowerCase();
  const hex = createHash('sha256').update(id).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
