import type { BackupRecord, OfficerCertificate, RunArtifactStore, SecurityDomainShare } from '../executor/runStore';
import type { Database } from './database';

/** Backups, officer certificates and security-domain share holders (tables in `executorMigrations`). */
export class SqliteRunArtifactStore implements RunArtifactStore {
  private readonly statements;

  constructor(db: Database) {
    this.statements = {
      addBackup: db.prepare(
        `INSERT INTO executor_backups (request_id, container_name, key_name, key_version, file, sha256, bytes, taken_at)
         VALUES (@requestId, @containerName, @keyName, @keyVersion, @file, @sha256, @bytes, @takenAt)`,
      ),
      latestBackup: db.prepare(
        `SELECT request_id AS requestId, container_name AS containerName, key_name AS keyName, key_version AS keyVersion, file, sha256, bytes, taken_at AS takenAt
         FROM executor_backups WHERE container_name = ? AND key_name = ? ORDER BY id DESC LIMIT 1`,
      ),
      addCertificate: db.prepare(
        `INSERT OR IGNORE INTO executor_officer_certificates (run_id, step_index, officer_object_id, officer_name, certificate_pem, thumbprint, submitted_at)
         VALUES (@runId, @stepIndex, @officerObjectId, @officerName, @certificatePem, @thumbprint, @submittedAt)`,
      ),
      certificates: db.prepare(
        `SELECT run_id AS runId, step_index AS stepIndex, officer_object_id AS officerObjectId, officer_name AS officerName, certificate_pem AS certificatePem, thumbprint, submitted_at AS submittedAt
         FROM executor_officer_certificates WHERE run_id = ? AND step_index = ? ORDER BY submitted_at, officer_object_id`,
      ),
      addShare: db.prepare(
        `INSERT OR REPLACE INTO executor_sd_shares (hsm_name, request_id, officer_object_id, officer_name, thumbprint, file, sha256, quorum, stored_at)
         VALUES (@hsmName, @requestId, @officerObjectId, @officerName, @thumbprint, @file, @sha256, @quorum, @storedAt)`,
      ),
      shares: db.prepare(
        `SELECT hsm_name AS hsmName, request_id AS requestId, officer_object_id AS officerObjectId, officer_name AS officerName, thumbprint, file, sha256, quorum, stored_at AS storedAt
         FROM executor_sd_shares WHERE hsm_name = ? ORDER BY stored_at, officer_object_id`,
      ),
    };
    this.recordSharesTx = db.transaction((shares: readonly SecurityDomainShare[]) => {
      for (const share of shares) this.statements.addShare.run(share);
    });
  }

  private readonly recordSharesTx: (shares: readonly SecurityDomainShare[]) => void;

  recordBackup(record: BackupRecord): void {
    this.statements.addBackup.run(record);
  }

  latestBackup(containerName: string, keyName: string): BackupRecord | undefined {
    return this.statements.latestBackup.get(containerName, keyName) as BackupRecord | undefined;
  }

  addCertificate(certificate: OfficerCertificate): boolean {
    return this.statements.addCertificate.run(certificate).changes === 1;
  }

  certificates(runId: string, stepIndex: number): OfficerCertificate[] {
    return this.statements.certificates.all(runId, stepIndex) as OfficerCertificate[];
  }

  recordShares(shares: readonly SecurityDomainShare[]): void {
    this.recordSharesTx(shares);
  }

  shares(hsmName: string): SecurityDomainShare[] {
    return this.statements.shares.all(hsmName) as SecurityDomainShare[];
  }
}
