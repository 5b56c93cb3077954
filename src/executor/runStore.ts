import type { JournalEntry, NewJournalEntry, Run, RunStatus } from './runTypes';

/** The holder of a run's lease, until when it holds it (epoch ms), and its fencing token. */
export interface RunLease {
  owner: string;
  expiresAtMs: number;
  /** Grows with every acquisition; a write fenced with an older token is refused. */
  token: number;
}

/** Who may write a run: the lease holder with the token it got (a lapsed holder's writes are refused). */
export interface LeaseFence {
  owner: string;
  token: number;
}

/**
 * Persistence of runs, their journal and their leases. A state
 * change and its journal lines are stored as ONE transaction, so the journal never says more or
 * less than the run record.
 */
export interface RunStore {
  /** Stores a new run (version 1) and its first journal lines. Refuses a second run for a request. */
  insert(run: Run, journal: readonly NewJournalEntry[]): Promise<void>;
  get(runId: string): Promise<Run | undefined>;
  getByRequest(requestId: string): Promise<Run | undefined>;
  list(filter?: { statuses?: readonly RunStatus[] }): Promise<Run[]>;
  /**
   * Replaces the run only if its version is still `expectedVersion` (`next.version` must be
   * `expectedVersion + 1`) and appends `journal` in the same transaction. With `fence`, only while
   * that owner still holds the lease with that token. False = someone else changed it first, or
   * the lease moved on; nothing was written.
   */
  commit(next: Run, expectedVersion: number, journal: readonly NewJournalEntry[], fence?: LeaseFence): Promise<boolean>;
  journal(runId: string): Promise<JournalEntry[]>;
  /**
   * Appends journal lines without changing the run (for events from outside the lease holder, such
   * as an officer's certificate): never conflicts with the drive's compare-and-set.
   */
  appendJournal(runId: string, journal: readonly NewJournalEntry[]): Promise<void>;

  /** The current lease, if any. */
  lease(runId: string): Promise<RunLease | undefined>;
  /**
   * Takes the lease when it is free, expired, already ours, or held by `replacing` (a holder the
   * caller proved dead), and returns its fencing token — greater than any token handed out for
   * this run before; undefined when someone else holds it. Compare-and-set in one statement: two
   * processes never both get it.
   */
  acquireLease(runId: string, owner: string, nowMs: number, ttlMs: number, replacing?: string): Promise<number | undefined>;
  /** Extends our lease (same owner and token); false = we lost it (stop working on the run at once). */
  renewLease(runId: string, owner: string, token: number, nowMs: number, ttlMs: number): Promise<boolean>;
  releaseLease(runId: string, owner: string, token: number): Promise<void>;
}

/** A key backup Keyward wrote (the file is in the configured backup directory, never in chat). */
export interface BackupRecord {
  requestId: string;
  containerName: string;
  keyName: string;
  keyVersion: string;
  file: string;
  sha256: string;
  bytes: number;
  takenAt: string;
}

/** An officer's public certificate for a security-domain ceremony. Never a private key. */
export interface OfficerCertificate {
  runId: string;
  stepIndex: number;
  officerObjectId: string;
  officerName: string;
  /** PEM of the X.509 certificate (public). */
  certificatePem: string;
  /** SHA-256 of the DER certificate, base64url (x5t#S256). */
  thumbprint: string;
  submittedAt: string;
}

/** Who holds a share of a stored security domain. */
export interface SecurityDomainShare {
  hsmName: string;
  requestId: string;
  officerObjectId: string;
  officerName: string;
  thumbprint: string;
  file: string;
  /** SHA-256 of the security domain as Azure returned it (before Keyward's at-rest encryption). */
  sha256: string;
  quorum: number;
  storedAt: string;
}

/** Backups, ceremony certificates and security-domain share holders. */
export interface RunArtifactStore {
  recordBackup(record: BackupRecord): Promise<void>;
  /** The newest backup of a key (by container and key name, case-insensitive). */
  latestBackup(containerName: string, keyName: string): Promise<BackupRecord | undefined>;
  /** False when this officer already handed in a certificate for this step. */
  addCertificate(certificate: OfficerCertificate): Promise<boolean>;
  certificates(runId: string, stepIndex: number): Promise<OfficerCertificate[]>;
  recordShares(shares: readonly SecurityDomainShare[]): Promise<void>;
  shares(hsmName: string): Promise<SecurityDomainShare[]>;
}
