import type { Clock } from '../core';
import { nextDigest, type AuditDigest, type DigestSigner } from './auditDigest';
import type { AuditLog } from './auditLog';
import { SYSTEM_ACTOR, type AuditAnchor } from './auditRecord';

/** Where digests are kept beside the chain (Keyward's store); `appendDigestWith` is one exclusive write. */
export interface AuditDigestStore {
  /** Reads the last digest and the chain's head and stores what `build` returns, atomically (two processes never fork the digest chain). */
  appendDigestWith(build: (last: AuditDigest | undefined, head: AuditAnchor | undefined) => AuditDigest | undefined): Promise<AuditDigest | undefined>;
  lastDigest(): Promise<AuditDigest | undefined>;
  digests(): Promise<AuditDigest[]>;
}

/** The copy outside the store (a directory operators ship to immutable storage). */
export interface DigestSink {
  /** Writes the digests it does not have yet; refuses (throws) when one it has differs. Returns how many it wrote. */
  writeMissing(digests: Iterable<AuditDigest>): number;
}

/**
 * Makes the signed digests: on a timer and when Keyward stops, if anything was logged since the
 * last digest. Not fail-closed (the chain is): a digest that cannot be written is logged by the
 * caller and retried at the next interval; the sink is caught up with everything the store has.
 */
export class AuditDigester {
  constructor(
    private readonly deps: {
      store: AuditDigestStore;
      signer: DigestSigner;
      sink: DigestSink;
      audit: Pick<AuditLog, 'append'>;
      clock: Clock;
    },
  ) {}

  get fingerprint(): string {
    return this.deps.signer.fingerprint;
  }

  /** Signs a digest when the log grew since the last one; returns it (undefined: nothing new). */
  async digestNow(): Promise<AuditDigest | undefined> {
    const { store, signer, sink, audit, clock } = this.deps;
    // A signing key's first digest is announced in the log itself, so a replaced key is on record
    // (and covered by the digest that follows).
    if ((await store.lastDigest())?.keyFingerprint !== signer.fingerprint) {
      await audit.append({ actor: SYSTEM_ACTOR, action: 'audit.digest.key', target: 'audit/digests', outcome: 'info', details: { keyFingerprint: signer.fingerprint, algorithm: 'Ed25519' } });
    }
    const digest = await store.appendDigestWith((last, head) => nextDigest(last, head, clock.now(), signer));
    sink.writeMissing(await store.digests());
    return digest;
  }
}
