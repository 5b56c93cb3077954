import { appError, publicKeySpki, type Clock, type Signer } from '../core';
import { verifyAuditStream } from './auditChain';
import { digestSignatureValid, nextDigest, type AuditDigest } from './auditDigest';
import type { AuditLog } from './auditLog';
import { SYSTEM_ACTOR, type AuditAnchor, type AuditRecord } from './auditRecord';
import { signedRecordChecker } from './signedRecords';

/** Where digests are kept beside the chain (Keyward's store); `appendDigestWith` is one exclusive write. */
export interface AuditDigestStore {
  /**
   * Reads the last digest and the chain's head and stores what `build` returns, atomically (two
   * processes never fork the digest chain). `build` must not do I/O: the digest is signed before.
   */
  appendDigestWith(build: (last: AuditDigest | undefined, head: AuditAnchor | undefined) => AuditDigest | undefined): Promise<AuditDigest | undefined>;
  lastDigest(): Promise<AuditDigest | undefined>;
  digests(): Promise<AuditDigest[]>;
  storedHead(): Promise<AuditAnchor | undefined>;
  records(fromSequence?: number): AsyncIterable<AuditRecord>;
}

/** The copy outside the store (a directory operators ship to immutable storage). */
export interface DigestSink {
  /** Writes the digests it does not have yet; refuses (throws) when one it has differs. Returns how many it wrote. */
  writeMissing(digests: Iterable<AuditDigest>): number;
}

const ATTEMPTS = 3;

/**
 * Makes the signed digests: on a timer and when Keyward stops, if anything was logged since the
 * last digest. Not fail-closed (the chain is): a digest that cannot be written is logged by the
 * caller and retried at the next interval; the sink is caught up with everything the store has.
 *
 * Before it signs, it checks what it is about to vouch for (issue 12 item 4): the digests in the
 * store still match their copies outside and the last one's signature; the record the last digest
 * pins is still there, unchanged; every record since links to it and matches its hash; and every
 * signed record (submissions, votes, decisions) since carries Keyward's valid signature. A tail
 * rewritten by someone who can write the store is refused, audited, and never signed.
 */
export class AuditDigester {
  constructor(
    private readonly deps: {
      store: AuditDigestStore;
      signer: Signer;
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
      await audit.append({
        actor: SYSTEM_ACTOR,
        action: 'audit.digest.key',
        target: 'audit/digests',
        outcome: 'info',
        details: { keyFingerprint: signer.fingerprint, algorithm: signer.algorithm, publicKey: publicKeySpki(signer.publicKey), key: signer.description },
      });
    }
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      const last = await store.lastDigest();
      const head = await store.storedHead();
      if (!head || (last && last.toSequence >= head.sequence)) return undefined;
      await this.checkBeforeSigning(last, head);
      // Signed outside the store's unit (the signer may be Key Vault); stored only if no other
      // process digested meanwhile, else checked and signed again on the new state.
      const digest = await nextDigest(last, head, clock.now(), signer);
      const stored = await store.appendDigestWith((current) => (current?.number === last?.number ? digest : undefined));
      if (stored) {
        sink.writeMissing(await store.digests());
        return stored;
      }
    }
    return undefined;
  }

  /** Refuses (audited, AuditChainBroken) to vouch for a log that no longer matches what was vouched for. */
  private async checkBeforeSigning(last: AuditDigest | undefined, head: AuditAnchor): Promise<void> {
    const { store, signer, sink } = this.deps;
    const refuse = async (problem: string, message: string, sequence?: number): Promise<never> => {
      // The refusal is itself on record (after the records it distrusts: verify still names them first).
      await this.deps.audit
        .append({
          actor: SYSTEM_ACTOR,
          action: 'audit.digest.refused',
          target: 'audit/digests',
          outcome: 'denied',
          reason: problem,
          details: { message, sequence: sequence ?? null, lastDigest: last?.number ?? null, head: head.sequence },
        })
        .catch(() => undefined);
      throw appError(
        'AuditChainBroken',
        `Keyward did not sign an audit digest: ${message}. Run "npm run audit -- verify" with the key fingerprint you keep, and investigate before trusting the log.`,
        { problem, sequence: sequence ?? null },
      );
    };
    if (last) {
      if (last.keyFingerprint === signer.fingerprint && !digestSignatureValid(last, signer.publicKey))
        await refuse('digestSignatureInvalid', `digest ${last.number} in the store does not match its signature`);
      try {
        // The copies outside the store must agree with the store's digests (a changed one is never overwritten).
        sink.writeMissing(await store.digests());
      } catch (error) {
        await refuse('digestChainBroken', error instanceof Error ? error.message : String(error));
      }
    }
    const verification = await verifyAuditStream(store.records(last ? last.toSequence : 1), {
      expectedHead: head,
      ...(last ? { resumeFrom: { sequence: last.toSequence, hash: last.headHash } } : {}),
      // Records after a digest this key made were written by a version that signs them all.
      checkRecord: signedRecordChecker((fingerprint) => (fingerprint === signer.fingerprint ? signer.publicKey : undefined), {
        announced: last?.keyFingerprint === signer.fingerprint,
      }),
    });
    if (!verification.ok && verification.firstBad) {
      // A record after the head read above is not ours to judge yet (appended meanwhile).
      if (verification.firstBad.sequence > head.sequence) return;
      await refuse(verification.firstBad.problem, verification.firstBad.message, verification.firstBad.sequence);
    }
  }
}
