import type { ModelContext } from './modelContext';
import { isGuid } from './names';
import type { PrincipalKind, PrincipalRecord } from './records';
import { badRequest } from './serviceError';

/**
 * The emulated Entra directory: who exists, by object id and by application (client) id. The
 * managed-identity endpoint mints tokens for these principals, Graph serves their service
 * principals, and role assignments check principal ids against it.
 */
export class PrincipalDirectory {
  constructor(private readonly context: ModelContext) {}

  list(): PrincipalRecord[] {
    return [...this.context.state.principals.values()];
  }

  byObjectId(objectId: string): PrincipalRecord | undefined {
    return this.context.state.principals.get(objectId.toLowerCase());
  }

  byClientId(clientId: string): PrincipalRecord | undefined {
    const lower = clientId.toLowerCase();
    return this.list().find((p) => p.clientId?.toLowerCase() === lower);
  }

  /** A user-assigned identity's resource id ends with its name (`…/userAssignedIdentities/<name>`). */
  byResourceId(resourceId: string): PrincipalRecord | undefined {
    const name = resourceId.split('/').filter(Boolean).pop()?.toLowerCase();
    return name ? this.list().find((p) => p.kind === 'ManagedIdentity' && p.displayName.toLowerCase() === name) : undefined;
  }

  add(input: { objectId?: unknown; clientId?: unknown; displayName?: unknown; kind?: unknown }): PrincipalRecord {
    if (!isGuid(input.objectId)) throw badRequest('InvalidPrincipal', 'objectId must be a GUID.');
    if (input.clientId !== undefined && !isGuid(input.clientId)) throw badRequest('InvalidPrincipal', 'clientId must be a GUID when given.');
    const kinds: PrincipalKind[] = ['ManagedIdentity', 'User', 'ServicePrincipal'];
    const kind = (input.kind ?? 'ServicePrincipal') as PrincipalKind;
    if (!kinds.includes(kind)) throw badRequest('InvalidPrincipal', `kind must be one of ${kinds.join(', ')}.`);
    const principal: PrincipalRecord = {
      objectId: input.objectId.toLowerCase(),
      ...(typeof input.clientId === 'string' ? { clientId: input.clientId.toLowerCase() } : {}),
      displayName: typeof input.displayName === 'string' && input.displayName ? input.displayName : input.objectId,
      kind,
    };
    this.context.state.principals.set(principal.objectId, principal);
    this.context.state.markDirty('principal', principal.objectId);
    return principal;
  }
}
