/**
 * Security-domain share attestations. A Managed HSM can be recovered only with its security-domain
 * file and a quorum of the officers' private keys; a share nobody can open any more is found out
 * on the day of the disaster. Keyward records who holds a share at the ceremony, asks each holder
 * every `everyDays` to confirm they still hold it (and can open it), and says plainly when the
 * holders Keyward can count on fall below the quorum — while the HSM still works and a new
 * security domain can still be downloaded.
 *
 * A holder counts as confirmed for `everyDays` after they answer (or after the ceremony, where
 * they just handed in their certificate). "I no longer have it" counts as lost until the same
 * holder confirms again.
 */
import { appError, type AppError, type Clock } from '../core';
import type { AuditEventInput } from '../audit/auditRecord';

const DAY_MS = 86_400_000;
/** The interval used for the status when attestations are off (a century: never stale). */
const ATTESTATIONS_OFF_DAYS = 36_500;

/** One holder's share as the ceremony recorded it (the executor's run artifacts). */
export interface HeldShare {
  hsmName: string;
  officerObjectId: string;
  officerName: string;
  thumbprint: string;
  quorum: number;
  storedAt: string;
  requestId: string;
}

export interface AttestationStatement {
  hsmName: string;
  /** Holder object id, lower case. */
  holder: string;
  status: 'confirmed' | 'lost';
  at: string;
}

export type HolderState = 'confirmed' | 'unconfirmed' | 'lost';

export interface HolderStatus {
  objectId: string;
  name: string;
  thumbprint: string;
  state: HolderState;
  /** When they last confirmed (or the ceremony), or said the share is lost. */
  at?: string;
}

/**
 * - healthy: at least a quorum of holders confirmed recently;
 * - unproven: enough holders are not known to be lost, but fewer than a quorum confirmed lately;
 * - broken: fewer holders than the quorum still have a share: recovery would fail.
 */
export type CustodyHealth = 'healthy' | 'unproven' | 'broken';

export interface Custody {
  hsmName: string;
  quorum: number;
  /** When the security domain was downloaded and the shares handed out. */
  storedAt: string;
  requestId: string;
  holders: HolderStatus[];
  confirmed: number;
  health: CustodyHealth;
  lastRequestedAt?: string;
  /** When holders are next asked to confirm. */
  nextDueAt: string;
}

/** Pure: the custody of one HSM's security domain from the ceremony's shares and the answers since. */
export function custodyOf(input: {
  shares: readonly HeldShare[];
  statements: readonly AttestationStatement[];
  lastRequestedAt?: string;
  now: Date;
  everyDays: number;
}): Custody | undefined {
  if (input.shares.length === 0) return undefined;
  // The newest ceremony counts (a security domain downloaded again replaces the shares).
  const storedAt = input.shares
    .map((s) => s.storedAt)
    .sort()
    .at(-1)!;
  const shares = input.shares.filter((s) => s.storedAt === storedAt);
  const fresh = (at: string) => input.now.getTime() - Date.parse(at) < input.everyDays * DAY_MS;
  const holders = shares.map((share): HolderStatus => {
    const holder = share.officerObjectId.toLowerCase();
    const latest = input.statements
      .filter((s) => s.holder === holder && s.at >= storedAt)
      .sort((a, b) => a.at.localeCompare(b.at))
      .at(-1);
    const base = { objectId: holder, name: share.officerName, thumbprint: share.thumbprint };
    if (latest?.status === 'lost') return { ...base, state: 'lost', at: latest.at };
    const confirmedAt = latest?.at ?? storedAt;
    return fresh(confirmedAt) ? { ...base, state: 'confirmed', at: confirmedAt } : { ...base, state: 'unconfirmed', at: confirmedAt };
  });
  const quorum = shares[0]!.quorum;
  const confirmed = holders.filter((h) => h.state === 'confirmed').length;
  const notLost = holders.filter((h) => h.state !== 'lost').length;
  const health: CustodyHealth = notLost < quorum ? 'broken' : confirmed < quorum ? 'unproven' : 'healthy';
  const roundStart = [storedAt, input.lastRequestedAt ?? storedAt].sort().at(-1)!;
  return {
    hsmName: shares[0]!.hsmName,
    quorum,
    storedAt,
    requestId: shares[0]!.requestId,
    holders,
    confirmed,
    health,
    ...(input.lastRequestedAt ? { lastRequestedAt: input.lastRequestedAt } : {}),
    nextDueAt: new Date(Date.parse(roundStart) + input.everyDays * DAY_MS).toISOString(),
  };
}

export interface AttestationStore {
  statements(hsmName: string): Promise<AttestationStatement[]>;
  putStatement(statement: AttestationStatement): Promise<void>;
  lastRequestedAt(hsmName: string): Promise<string | undefined>;
  setRequestedAt(hsmName: string, at: string): Promise<void>;
  /** One unit of work, serialised with every other attestation unit in every process: two bot processes never ask the same round twice. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
}

export interface ShareAttestationDeps {
  store: AttestationStore;
  /** The ceremony's shares per HSM (the executor's run artifacts). */
  shares(hsmName: string): Promise<HeldShare[]>;
  /** The Managed HSMs Keyward knows and that still exist. */
  activeHsms(): Promise<string[]>;
  audit: { append(event: AuditEventInput): Promise<unknown> };
  clock: Clock;
  /** 0 = never ask. */
  everyDays: number;
}

export type AttestationAnswer = { ok: true; custody: Custody } | { ok: false; error: AppError };

export class ShareAttestations {
  constructor(private readonly deps: ShareAttestationDeps) {}

  get everyDays(): number {
    return this.deps.everyDays;
  }

  async custody(hsmName: string): Promise<Custody | undefined> {
    const { store, clock, everyDays } = this.deps;
    const lastRequestedAt = await store.lastRequestedAt(hsmName);
    // Attestations off: nobody is asked, so nobody's confirmation goes stale either.
    const interval = everyDays > 0 ? everyDays : ATTESTATIONS_OFF_DAYS;
    return custodyOf({
      shares: await this.deps.shares(hsmName),
      statements: await store.statements(hsmName),
      ...(lastRequestedAt ? { lastRequestedAt } : {}),
      now: clock.now(),
      everyDays: interval,
    });
  }

  async custodies(): Promise<Custody[]> {
    const out: Custody[] = [];
    for (const name of await this.deps.activeHsms()) {
      const custody = await this.custody(name);
      if (custody) out.push(custody);
    }
    return out;
  }

  /** The HSMs whose holders are due to be asked, marked as asked (the caller posts the cards). */
  async takeDue(): Promise<Custody[]> {
    if (this.deps.everyDays <= 0) return [];
    return this.deps.store.transaction(async () => {
      const now = this.deps.clock.now();
      const due: Custody[] = [];
      for (const custody of await this.custodies()) {
        if (now.getTime() < Date.parse(custody.nextDueAt)) continue;
        await this.deps.store.setRequestedAt(custody.hsmName, now.toISOString());
        await this.deps.audit.append({
          actor: { objectId: 'system:keyward', name: 'Keyward' },
          action: 'securityDomain.attestation.requested',
          target: `managedHsm/${custody.hsmName}`,
          requestId: custody.requestId,
          outcome: 'info',
          details: { holders: custody.holders.map((h) => h.objectId), quorum: custody.quorum, health: custody.health },
        });
        due.push((await this.custody(custody.hsmName))!);
      }
      return due;
    });
  }

  /** A holder answers for their own share; anybody else is refused (and audited). */
  async answer(hsmName: string, actor: { aadObjectId?: string; name?: string; tenantId?: string }, status: 'confirmed' | 'lost'): Promise<AttestationAnswer> {
    const custody = await this.custody(hsmName);
    const who = actor.aadObjectId?.toLowerCase();
    const auditActor = { objectId: who ?? 'unknown', ...(actor.name ? { name: actor.name } : {}), ...(actor.tenantId ? { tenantId: actor.tenantId } : {}) };
    if (!custody) return { ok: false, error: appError('NotFound', `Keyward has no security-domain shares on record for ${hsmName}.`) };
    if (!who || !custody.holders.some((h) => h.objectId === who)) {
      await this.deps.audit.append({
        actor: auditActor,
        action: 'securityDomain.attestation.refused',
        target: `managedHsm/${hsmName}`,
        requestId: custody.requestId,
        outcome: 'denied',
        reason: 'NotAnApprover',
        details: { answered: status },
      });
      return {
        ok: false,
        error: appError(
          'NotAnApprover',
          `Only the holders of a share of ${hsmName}'s security domain (${custody.holders.map((h) => h.name).join(', ')}) can answer, each for their own share.`,
        ),
      };
    }
    const at = this.deps.clock.now().toISOString();
    await this.deps.store.transaction(async () => {
      await this.deps.audit.append({
        actor: auditActor,
        action: status === 'confirmed' ? 'securityDomain.share.confirmed' : 'securityDomain.share.lost',
        target: `managedHsm/${hsmName}`,
        requestId: custody.requestId,
        outcome: status === 'confirmed' ? 'success' : 'info',
        details: { holder: who },
      });
      await this.deps.store.putStatement({ hsmName, holder: who, status, at });
    });
    return { ok: true, custody: (await this.custody(hsmName))! };
  }
}
