import { appError } from '../core';
import type { LeaseFence, RunLease, RunStore } from '../executor/runStore';
import type { JournalEntry, JournalPhase, NewJournalEntry, Run, RunStatus } from '../executor/runTypes';
import type { Migration, SqlDatabase } from './sqlDatabase';

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
    postgres: `CREATE TABLE executor_runs (
      id TEXT PRIMARY KEY,
      request_id TEXT NOT NULL UNIQUE,
      plan_hash TEXT NOT NULL,
      status TEXT NOT NULL,
      version INTEGER NOT NULL,
      lease_owner TEXT,
      lease_expires_ms BIGINT,
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
    // Names compare case-insensitively through lower() in the queries (no NOCASE collation here).
    postgres: `CREATE TABLE executor_backups (
      id BIGSERIAL PRIMARY KEY,
      request_id TEXT NOT NULL,
      container_name TEXT NOT NULL,
      key_name TEXT NOT NULL,
      key_version TEXT NOT NULL,
      file TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      bytes BIGINT NOT NULL,
      taken_at TEXT NOT NULL
    );
    CREATE INDEX executor_backups_key ON executor_backups (lower(container_name), lower(key_name), id);
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
      hsm_name TEXT NOT NULL,
      request_id TEXT NOT NULL,
      officer_object_id TEXT NOT NULL,
      officer_name TEXT NOT NULL,
      thumbprint TEXT NOT NULL,
      file TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      quorum INTEGER NOT NULL,
      stored_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX executor_sd_shares_key ON executor_sd_shares (lower(hsm_name), request_id, officer_object_id);
    CREATE TABLE executor_run_cards (
      run_id TEXT NOT NULL,
      conversation_id TEXT NOT NULL,
      message_id TEXT NOT NULL,
      reference TEXT NOT NULL,
      PRIMARY KEY (run_id, conversation_id)
    );`,
  },
  {
    id: 'executor/003_lease_fencing',
    // Each acquisition of a run's lease gets a larger token; the drive's writes carry it, so a
    // process that lost the lease (paused, cut off) can no longer write the run.
    sql: 'ALTER TABLE executor_runs ADD COLUMN lease_token INTEGER NOT NULL DEFAULT 0',
    postgres: 'ALTER TABLE executor_runs ADD COLUMN lease_token BIGINT NOT NULL DEFAULT 0',
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

/** Runs, their journal and their leases. */
export class SqlRunStore implements RunStore {
  constructor(
    private readonly db: SqlDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async insert(run: Run, journal: readonly NewJournalEntry[]): Promise<void> {
    if (run.version !== 1) throw appError('Internal', 'A new run starts at version 1.');
    await this.db.atomic(async () => {
      const result = await this.db.run(
        `INSERT INTO executor_runs (id, request_id, plan_hash, status, version, created_at, updated_at, document)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [run.id, run.requestId, run.planHash, run.status, run.version, run.createdAt, run.updatedAt, JSON.stringify(run)],
      );
      if (result.changes !== 1) throw appError('ConcurrentUpdate', `A run for request ${run.requestId} already exists.`, { requestId: run.requestId });
      await this.appendAll(run.id, journal);
    });
  }

  async get(runId: string): Promise<Run | undefined> {
    return parse(await this.db.get('SELECT document FROM executor_runs WHERE id = ?', [runId]));
  }

  async getByRequest(requestId: string): Promise<Run | undefined> {
    return parse(await this.db.get('SELECT document FROM executor_runs WHERE request_id = ?', [requestId]));
  }

  async list(filter: { statuses?: readonly RunStatus[] } = {}): Promise<Run[]> {
    // The status column moves with the document (commit writes both), so the timers' lookups use its index.
    const statuses = filter.statuses;
    if (statuses?.length === 0) return [];
    const where = statuses ? `WHERE status IN (${statuses.map(() => '?').join(', ')}) ` : '';
    return (await this.db.all<{ document: string }>(`SELECT document FROM executor_runs ${where}ORDER BY created_at, id`, statuses ?? [])).map(
      (row) => JSON.parse(row.document) as Run,
    );
  }

  async commit(next: Run, expectedVersion: number, journal: readonly NewJournalEntry[], fence?: LeaseFence): Promise<boolean> {
    if (next.version !== expectedVersion + 1) throw appError('Internal', `Run ${next.id}: version must move from ${expectedVersion} to ${expectedVersion + 1}.`);
    return this.db.atomic(async () => {
      const fenced = fence ? ' AND lease_owner = ? AND lease_token = ?' : '';
      const result = await this.db.run(`UPDATE executor_runs SET status = ?, version = ?, updated_at = ?, document = ? WHERE id = ? AND version = ?${fenced}`, [
        next.status,
        next.version,
        next.updatedAt,
        JSON.stringify(next),
        next.id,
        expectedVersion,
        ...(fence ? [fence.owner, fence.token] : []),
      ]);
      if (result.changes !== 1) return false;
      await this.appendAll(next.id, journal);
      return true;
    });
  }

  async appendJournal(runId: string, journal: readonly NewJournalEntry[]): Promise<void> {
    await this.db.atomic(() => this.appendAll(runId, journal));
  }

  async journal(runId: string): Promise<JournalEntry[]> {
    const rows = await this.db.all<JournalRow>('SELECT run_id, seq, at, step_index, phase, detail FROM executor_journal WHERE run_id = ? ORDER BY seq', [runId]);
    return rows.map((row) => ({
      runId: row.run_id,
      seq: Number(row.seq),
      at: row.at,
      stepIndex: row.step_index === null ? null : Number(row.step_index),
      phase: row.phase as JournalPhase,
      detail: JSON.parse(row.detail) as Record<string, unknown>,
    }));
  }

  async lease(runId: string): Promise<RunLease | undefined> {
    const row = await this.db.get<{ lease_owner: string | null; lease_expires_ms: number | null; lease_token: number }>(
      'SELECT lease_owner, lease_expires_ms, lease_token FROM executor_runs WHERE id = ?',
      [runId],
    );
    return row?.lease_owner ? { owner: row.lease_owner, expiresAtMs: Number(row.lease_expires_ms ?? 0), token: Number(row.lease_token) } : undefined;
  }

  async acquireLease(runId: string, owner: string, nowMs: number, ttlMs: number, replacing?: string): Promise<number | undefined> {
    const row = await this.db.get<{ lease_token: number }>(
      `UPDATE executor_runs SET lease_owner = ?, lease_expires_ms = ?, lease_token = lease_token + 1
       WHERE id = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_ms <= ? OR lease_owner = ?)
       RETURNING lease_token`,
      [owner, nowMs + ttlMs, runId, owner, nowMs, replacing ?? null],
    );
    return row ? Number(row.lease_token) : undefined;
  }

  async renewLease(runId: string, owner: string, token: number, nowMs: number, ttlMs: number): Promise<boolean> {
    return (
      (await this.db.run('UPDATE executor_runs SET lease_expires_ms = ? WHERE id = ? AND lease_owner = ? AND lease_token = ?', [nowMs + ttlMs, runId, owner, token])).changes === 1
    );
  }

  async releaseLease(runId: string, owner: string, token: number): Promise<void> {
    await this.db.run('UPDATE executor_runs SET lease_owner = NULL, lease_expires_ms = NULL WHERE id = ? AND lease_owner = ? AND lease_token = ?', [runId, owner, token]);
  }

  private async appendAll(runId: string, journal: readonly NewJournalEntry[]): Promise<void> {
    if (journal.length === 0) return;
    let seq = Number((await this.db.get<{ seq: number }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM executor_journal WHERE run_id = ?', [runId]))?.seq ?? 0);
    const at = this.now().toISOString();
    for (const entry of journal) {
      seq += 1;
      await this.db.run('INSERT INTO executor_journal (run_id, seq, at, step_index, phase, detail) VALUES (?, ?, ?, ?, ?, ?)', [
        runId,
        seq,
        at,
        entry.stepIndex,
        entry.phase,
        JSON.stringify(entry.detail),
      ]);
    }
  }
}

function parse(row: unknown): Run | undefined {
  const document = (row as { document?: string } | undefined)?.document;
  return document ? (JSON.parse(document) as Run) : undefined;
}
