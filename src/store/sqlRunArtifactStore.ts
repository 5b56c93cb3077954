import type { BackupRecord, OfficerCertificate, RunArtifactStore, SecurityDomainShare } from '../executor/runStore';
import type { SqlDatabase } from './sqlDatabase';

interface BackupRow {
  request_id: string;
  container_name: string;
  key_name: string;
  key_version: string;
  file: string;
  sha256: string;
  bytes: number;
  taken_at: string;
}

interface CertificateRow {
  run_id: string;
  step_index: number;
  officer_object_id: string;
  officer_name: string;
  certificate_pem: string;
  thumbprint: string;
  submitted_at: string;
}

interface ShareRow {
  hsm_name: string;
  request_id: string;
  officer_object_id: string;
  officer_name: string;
  thumbprint: string;
  file: string;
  sha256: string;
  quorum: number;
  stored_at: string;
}

/**
 * Backups, officer certificates and security-domain share holders (tables in `executorMigrations`).
 * Vault, key and HSM names compare case-insensitively, as Azure's do.
 */
export class SqlRunArtifactStore implements RunArtifactStore {
  constructor(private readonly db: SqlDatabase) {}

  async recordBackup(record: BackupRecord): Promise<void> {
    await this.db.run('INSERT INTO executor_backups (request_id, container_name, key_name, key_version, file, sha256, bytes, taken_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      record.requestId,
      record.containerName,
      record.keyName,
      record.keyVersion,
      record.file,
      record.sha256,
      record.bytes,
      record.takenAt,
    ]);
  }

  async latestBackup(containerName: string, keyName: string): Promise<BackupRecord | undefined> {
    const row = await this.db.get<BackupRow>('SELECT * FROM executor_backups WHERE lower(container_name) = lower(?) AND lower(key_name) = lower(?) ORDER BY id DESC LIMIT 1', [
      containerName,
      keyName,
    ]);
    return row
      ? {
          requestId: row.request_id,
          containerName: row.container_name,
          keyName: row.key_name,
          keyVersion: row.key_version,
          file: row.file,
          sha256: row.sha256,
          bytes: Number(row.bytes),
          takenAt: row.taken_at,
        }
      : undefined;
  }

  async addCertificate(c: OfficerCertificate): Promise<boolean> {
    const result = await this.db.run(
      `INSERT INTO executor_officer_certificates (run_id, step_index, officer_object_id, officer_name, certificate_pem, thumbprint, submitted_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      [c.runId, c.stepIndex, c.officerObjectId, c.officerName, c.certificatePem, c.thumbprint, c.submittedAt],
    );
    return result.changes === 1;
  }

  async certificates(runId: string, stepIndex: number): Promise<OfficerCertificate[]> {
    const rows = await this.db.all<CertificateRow>('SELECT * FROM executor_officer_certificates WHERE run_id = ? AND step_index = ? ORDER BY submitted_at, officer_object_id', [
      runId,
      stepIndex,
    ]);
    return rows.map((r) => ({
      runId: r.run_id,
      stepIndex: Number(r.step_index),
      officerObjectId: r.officer_object_id,
      officerName: r.officer_name,
      certificatePem: r.certificate_pem,
      thumbprint: r.thumbprint,
      submittedAt: r.submitted_at,
    }));
  }

  async recordShares(shares: readonly SecurityDomainShare[]): Promise<void> {
    await this.db.atomic(async () => {
      for (const s of shares) {
        // Replace this officer's record for this HSM and request (names compare case-insensitively).
        await this.db.run('DELETE FROM executor_sd_shares WHERE lower(hsm_name) = lower(?) AND request_id = ? AND officer_object_id = ?', [
          s.hsmName,
          s.requestId,
          s.officerObjectId,
        ]);
        await this.db.run(
          'INSERT INTO executor_sd_shares (hsm_name, request_id, officer_object_id, officer_name, thumbprint, file, sha256, quorum, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [s.hsmName, s.requestId, s.officerObjectId, s.officerName, s.thumbprint, s.file, s.sha256, s.quorum, s.storedAt],
        );
      }
    });
  }

  async shares(hsmName: string): Promise<SecurityDomainShare[]> {
    const rows = await this.db.all<ShareRow>('SELECT * FROM executor_sd_shares WHERE lower(hsm_name) = lower(?) ORDER BY stored_at, officer_object_id', [hsmName]);
    return rows.map((r) => ({
      hsmName: r.hsm_name,
      requestId: r.request_id,
      officerObjectId: r.officer_object_id,
      officerName: r.officer_name,
      thumbprint: r.thumbprint,
      file: r.file,
      sha256: r.sha256,
      quorum: Number(r.quorum),
      storedAt: r.stored_at,
    }));
  }
}
