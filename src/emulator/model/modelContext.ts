import type { Clock } from '../../core';
import type { EmulatorState } from './emulatorState';
import type { KeyGenerator } from './keyGenerator';
import type { PrincipalKind } from './records';

/** Whoever a valid access token names. */
export interface Caller {
  objectId: string;
  tenantId: string;
  appId?: string;
  kind: PrincipalKind;
}

/** Encrypts with the data dir's master key; the model uses it only for backup blobs. */
export interface Sealer {
  seal(purpose: string, plaintext: Buffer, associatedData?: string): string;
  unseal(purpose: string, sealed: string, associatedData?: string): Buffer;
}

/** Everything a model service needs, passed in (no globals, no HTTP). */
export interface ModelContext {
  state: EmulatorState;
  clock: Clock;
  keyGenerator: KeyGenerator;
  sealer: Sealer;
  /** How long Managed HSM create/delete/purge take; 0 completes them synchronously. */
  hsmProvisioningMs: number;
  /**
   * How long a key's soft delete or recover stays in progress (Azure: a few seconds, during which
   * the deleted key, or the recovered one, answers 404). 0 (the default) settles them at once.
   */
  softDeleteWindowMs?: number;
}

export function nowMs(context: ModelContext): number {
  return context.clock.now().getTime();
}
