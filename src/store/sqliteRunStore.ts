import { appError } from '../core';
import type { RunLease, RunStore } from '../executor/runStore';
import type { JournalEntry, JournalPhase, NewJournalEntry, Run, RunStatus } from '../executor/runTypes';
import type { Database, Migration } from './database';

/**
 * The executor's tables. `executor_runs` holds each run as one JSON document (with columns for
 * queries, the version compare-and-set and the lease); `executor_journal` is the append-only log of
 * step attempts, written in the same transaction as the run change it explains.
 */
export const executorMigrations: readonly Migration[] = [
  {
    id: 'executor/001_runs',
    sql: `CREATE TABLE executor_runs (
      id TEXT PRIMARY KEY,
      request_id TEXT NOT NULL UNIQUE,
      plan_hash TEXT NOT NULL,
      status TEXT NOT NULL,
      version INTEGER NOT NULL,
      lease_owner TEXT,
      lease_expires_ms INTEGER,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      document TEXT NOT NULL
    );
    CREATE INDEX executor_runs_status ON executor_runs (status);
    CREATE TABLE executor_journal (
      run_id TEXT NOT NULL REFERENCES executor_runs (id),
      seq INTEGER NOT NULL,
      at TEXT NOT NULL,
      step_index INTEGER,
      phase TEXT NOT NULL,
      detail TEXT NOT NULL,
      PRIMARY KEY (run_id, seq)
    );`,
  },
  {
    id: 'executor/002_artifacts',
    sql: `CREATE TABLE executor_backups (
      id INTEGER PRIMARY KEY,
      request_id TEXT NOT NULL,
      container_name TEXT NOT NULL COLLATE NOCASE,
      key_name TEXT NOT NULL COLLATE NOCASE,
      key_version TEXT NOT NULL,
      file TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      taken_at TEXT NOT NULL
    );
    CREATE INDEX executor_backups_key ON executor_backups (container_name, key_name, id);
    CREATE TABLE executor_officer_certificates (
      run_id TEXT NOT NULL,
      step_index INTEGER NOT NULL,
      officer_object_id TEXT NOT NULL,
      officer_name TEXT NOT NULL,
      certificate_pem TEXT NOT NULL,
      thumbprint TEXT NOT NULL,
      submitted_at TEXT NOT NULL,
      PRIMARY KEY (run_id, step_index, officer_object_id)
    );
    CREATE TABLE executor_sd_shares (
      hsm_name TEXT NOT NULL COLLATE NOCASE,
      request_id TEXT NOT NULL,
      officer_object_id TEXT NOT NULL,
      officer_name TEXT NOT NULL,
      thumbprint TEXT NOT NULL,
      file TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      quorum INTEGER NOT NULL,
      stored_at TEXT NOT NULL,
      PRIMARY KEY (hsm_name, request_id, officer_object_id)
    );
    CREATE TABLE executor_run_cards (
      run_id TEXT NOT NULL,
      conversation_id TEXT NOT NULL,
      message_id TEXT NOT NULL,
      reference TEXT NOT NULL,
      PRIMARY KEY (run_id, conversation_id)
    );`,
  },
];

interface JournalRow {
  run_id: string;
  seq: number;
  at: string;
  step_index: number | null;
  phase: string;
  detail: string;
}

/** Runs, their journal and their leases in SQLite. */
export class SqliteRunStore implements RunStore {
  private readonly statements;

  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.statements = {
      insert: db.prepare(
        `INSERT OR IGNORE INTO executor_runs (id, request_id, plan_hash, status, version, created_at, updated_at, document)
         VALUES (@id, @requestId, @planHash, @status, @version, @createdAt, @updatedAt, @document)`,
      ),
      get: db.prepare('SELECT document FROM executor_runs WHERE id = ?'),
      getByRequest: db.prepare('SELECT document FROM executor_runs WHERE request_id = ?'),
      all: db.prepare('SELECT document FROM executor_runs ORDER BY created_at'),
      update: db.prepare('UPDATE executor_runs SET status = @status, version = @version, updated_at = @updatedAt, document = @document WHERE id = @id AND version = @expected'),
      lastSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM executor_journal WHERE run_id = ?'),
      append: db.prepare('INSERT INTO executor_journal (run_id, seq, at, step_index, phase, detail) VALUES (?, ?, ?, ?, ?, ?)'),
      journal: db.prepare('SELECT run_id, seq, at, step_index, phase, detail FROM executor_journal WHERE run_id = ? ORDER BY seq'),
      lease: db.prepare('SELECT lease_owner, lease_expires_ms FROM executor_runs WHERE id = ?'),
      acquire: db.prepare(
        `UPDATE executor_runs SET lease_owner = @owner, lease_expires_ms = @expires
         WHERE id = @id AND (lease_owner IS NULL OR lease_owner = @owner OR lease_expires_ms <= @now OR lease_owner = @replacing)`,
      ),
      renew: db.prepare('UPDATE executor_runs SET lease_expires_ms = @expires WHERE id = @id AND lease_owner = @owner'),
      release: db.prepare('UPDATE executor_runs SET lease_owner = NULL, lease_expires_ms = NULL WHERE id = ? AND lease_owner = ?'),
    };
  }

  insert(run: Run, journal: readonly NewJournalEntry[]): void {
    if (run.version !== 1) throw appError('Internal', 'A new run starts at version 1.');
    this.db.transaction(() => {
      const result = this.statements.insert.run({
        id: run.id,
        requestId: run.requestId,
        planHash: run.planHash,
        status: run.status,
        version: run.version,
        createdAt: run.createdAt,
        updatedAt: run.updatedAt,
        document: JSON.stringify(run),
      });
      if (result.changes !== 1) throw appError('ConcurrentUpdate', `A run for request ${run.requestId} already exists.`, { requestId: run.requestId });
      this.appendAll(run.id, journal);
    })();
  }

  get(runId: string): Run | undefined {
    return parse(this.statements.get.get(runId));
  }

  getByRequest(requestId: string): Run | undefined {
    return parse(this.statements.getByRequest.get(requestId));
  }

  list(filter: { statuses?: readonly RunStatus[] } = {}): Run[] {
    const runs = (this.statements.all.all() as Array<{ document: string }>).map((row) => JSON.parse(row.document) as Run);
    return filter.statuses ? runs.filter((run) => filter.statuses!.includes(run.status)) : runs;
  }

  commit(next: Run, expectedVersion: number, journal: readonly NewJournalEntry[]): boolean {
    if (next.version !== expectedVersion + 1) throw appError('Internal', `Run ${next.id}: version must move from ${expectedVersion} to ${expectedVersion + 1}.`);
    return this.db.transaction(() => {
      const result = this.statements.update.run({ id: next.id, status: next.status, version: next.version, updatedAt: next.updatedAt, document: JSON.stringify(next), expected: expectedVersion });
      if (result.changes !== 1) return false;
      this.appendAll(next.id, journal);
      return true;
    })();
  }

  appendJournal(runId: string, journal: readonly NewJournalEntry[]): void {
    this.db.transaction(() => this.appendAll(runId, journal))();
  }

  journal(runId: string): JournalEntry[] {
    return (this.statements.journal.all(runId) as JournalRow[]).map((row) => ({
      runId: row.run_id,
      seq: row.seq,
      at: row.at,
      stepIndex: row.step_index,
      phase: row.phase as JournalPhase,
      detail: JSON.parse(row.detail) as Record<string, unknown>,
    }));
  }

  lease(runId: string): RunLease | undefined {
    const row = this.statements.lease.get(runId) as { lease_owner: string | null; lease_expires_ms: number | null } | undefined;
    return row?.lease_owner ? { owner: row.lease_owner, expiresAtMs: row.lease_expires_ms ?? 0 } : undefined;
  }

  acquireLease(runId: string, owner: string, nowMs: number, ttlMs: number, replacing?: string): boolean {
    return this.statements.acquire.run({ id: runId, owner, expires: nowMs + ttlMs, now: nowMs, replacing: replacing ?? null }).changes === 1;
  }

  renewLease(runId: string, owner: string, nowMs: number, ttlMs: number): boolean {
    return this.statements.renew.run({ id: runId, owner, expires: nowMs + ttlMs }).changes === 1;
  }

  releaseLease(runId: string, owner: string): void {
    this.statements.release.run(runId, owner);
  }

  private appendAll(runId: string, journal: readonly NewJournalEntry[]): void {
    if (journal.length === 0) return;
    let seq = (this.statements.lastSeq.get(runId) as { seq: number }).seq;
    const at = this.now().toISOString();
    for (const entry of journal) {
      seq += 1;
      this.statements.append.run(runId, seq, at, entry.stepIndex, entry.phase, JSON.stringify(entry.detail));
    }
  }
}

function parse(row: unknown): Run | undefined {
  const document = (row as { document?: string } | undefined)?.document;
  return document ? (JSON.parse(document) as Run) : undefined;
}
