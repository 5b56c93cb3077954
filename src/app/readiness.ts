import { isAppError, type Clock, type Logger } from '../core';
import { computeAuditHash } from '../audit/auditRecord';
import { readPolicyFile } from '../approvals/policyFile';
import type { KeywardStore } from './keywardStore';

/** One readiness check's answer (details are plain words: no secret, no token, no stack). */
export interface ReadinessCheck {
  ok: boolean;
  detail: string;
  /** When it was last established (token checks are reused; the others are made per probe). */
  checkedAt?: string;
}

export interface ReadinessReport {
  status: 'ready' | 'notReady';
  checks: Record<string, ReadinessCheck>;
}

export interface IdentityProbe {
  /** writer or reader. */
  name: string;
  /** Obtains a token for the identity (the credential's cache answers most of the time); throws when it cannot. */
  acquire(): Promise<unknown>;
}

export interface ReadinessOptions {
  store: KeywardStore;
  /** How to name the store in answers: "SQLite", or "PostgreSQL host:port/database" (never a password). */
  storeName?: string;
  /** Whether this instance leads the cluster (reported, never a reason to be not ready: every instance serves). */
  isLeader?: () => boolean;
  /** The policy file Keyward started with, and the hash of the policy in force. */
  policyFile: string;
  policyHash: string;
  identities: readonly IdentityProbe[];
  /** How long a token check is reused before the next probe starts another, in the background. */
  tokenCheckMs: number;
  clock: Clock;
  logger: Logger;
}

export interface Readiness {
  check(): Promise<ReadinessReport>;
  /** Starts the first token checks (so the first probe finds them done). */
  start(): void;
}

/**
 * /readyz: may this instance take traffic? The store answers; the audit chain's head record is
 * there and still hashes to the stored head (and no signed digest claims more than the head); the
 * policy file still reads and validates (a changed file is reported, not refused: the policy in
 * force is the one read at start); and each of Keyward's identities obtained a token recently.
 * Token checks never run per probe: a probe reads the last result and, when it is older than
 * `tokenCheckMs`, starts the next check in the background — a probe never waits for Azure.
 * The checks are per instance (each has its own connections and token cache); with several
 * instances each says whether it leads the cluster, which never makes it unready.
 */
export function createReadiness(options: ReadinessOptions): Readiness {
  const tokens = new Map<string, ReadinessCheck>();
  const inFlight = new Map<string, Promise<void>>();

  const checkToken = (identity: IdentityProbe): void => {
    if (inFlight.has(identity.name)) return;
    const run = identity
      .acquire()
      .then(
        () => void tokens.set(identity.name, { ok: true, detail: 'token obtained', checkedAt: options.clock.now().toISOString() }),
        (error: unknown) => {
          const code = isAppError(error) ? error.code : ((error as { name?: string } | null)?.name ?? 'Error');
          options.logger.warn({ identity: identity.name, code }, "readiness: Keyward's identity could not obtain a token");
          void tokens.set(identity.name, { ok: false, detail: `no token (${code}); run "npm run doctor" for what to fix`, checkedAt: options.clock.now().toISOString() });
        },
      )
      .finally(() => inFlight.delete(identity.name));
    inFlight.set(identity.name, run);
  };

  const storeName = options.storeName ?? (options.store.engine === 'postgres' ? 'PostgreSQL' : 'SQLite');
  const storeCheck = async (): Promise<ReadinessCheck> =>
    (await options.store.db.ping())
      ? { ok: true, detail: `${storeName} answers` }
      : {
          ok: false,
          detail: `${storeName} does not answer${options.store.engine === 'postgres' ? '; check the server is running and reachable (VNet, firewall) and the identity may sign in — "npm run doctor" says what to fix' : ''}`,
        };

  const auditCheck = async (): Promise<ReadinessCheck> => {
    try {
      const head = await options.store.audit.storedHead();
      if (!head) return { ok: true, detail: 'empty log' };
      let record;
      for await (const found of options.store.audit.records(head.sequence)) {
        record = found;
        break;
      }
      if (!record || record.sequence !== head.sequence) return { ok: false, detail: `the head record ${head.sequence} is missing; run "npm run audit -- verify"` };
      if (computeAuditHash(record) !== head.hash || record.hash !== head.hash)
        return { ok: false, detail: `the head record ${head.sequence} does not match its hash; run "npm run audit -- verify"` };
      const digest = await options.store.audit.lastDigest();
      if (digest && digest.toSequence > head.sequence)
        return { ok: false, detail: `a signed digest covers record ${digest.toSequence} but the log ends at ${head.sequence}; run "npm run audit -- verify"` };
      return { ok: true, detail: `head ${head.sequence}` };
    } catch {
      return { ok: false, detail: 'the audit log cannot be read' };
    }
  };

  const policyCheck = (): ReadinessCheck => {
    try {
      const onDisk = readPolicyFile(options.policyFile);
      return onDisk.hash === options.policyHash ? { ok: true, detail: 'in force' } : { ok: true, detail: 'the file changed since start; restart Keyward to apply it' };
    } catch (error) {
      return {
        ok: false,
        detail: `${options.policyFile} no longer reads as a valid policy (${isAppError(error) ? error.code : 'unreadable'}): the next start would fail; run "npm run doctor"`,
      };
    }
  };

  return {
    start() {
      for (const identity of options.identities) checkToken(identity);
    },
    async check() {
      const now = options.clock.now().getTime();
      const store = await storeCheck();
      const checks: Record<string, ReadinessCheck> = { store };
      checks.auditChain = store.ok ? await auditCheck() : { ok: false, detail: 'the store does not answer' };
      checks.policy = policyCheck();
      if (options.isLeader) {
        checks.cluster = options.isLeader()
          ? { ok: true, detail: 'this instance leads: it runs the timers and delivers approval changes' }
          : { ok: true, detail: 'another instance leads (timers and deliveries run there); this one serves clicks and runs' };
      }
      for (const identity of options.identities) {
        const last = tokens.get(identity.name);
        if (!last || now - Date.parse(last.checkedAt ?? '') >= options.tokenCheckMs) checkToken(identity);
        checks[`identity:${identity.name}`] = last ?? { ok: false, detail: 'first token check still running' };
      }
      return { status: Object.values(checks).every((c) => c.ok) ? 'ready' : 'notReady', checks };
    },
  };
}
