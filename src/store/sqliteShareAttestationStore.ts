import type { AttestationStatement, AttestationStore } from '../inventory/shareAttestations';
import type { Database, Migration } from './database';

export const shareAttestationMigrations: readonly Migration[] = [
  {
    id: 'attestations/001_security_domain_shares',
    // Every answer is kept (the latest per holder counts); rounds remember when holders were asked.
    sql: `CREATE TABLE share_attestations (
      hsm_name TEXT NOT NULL,
      holder TEXT NOT NULL,
      status TEXT NOT NULL,
      at TEXT NOT NULL
    );
    CREATE INDEX share_attestations_hsm ON share_attestations (hsm_name);
    CREATE TABLE share_attestation_rounds (
      hsm_name TEXT PRIMARY KEY,
      requested_at TEXT NOT NULL
    );`,
  },
];

/** Security-domain share attestations in Keyward's SQLite file (HSM names stored lower case). */
export class SqliteShareAttestationStore implements AttestationStore {
  constructor(private readonly db: Database) {}

  statements(hsmName: string): AttestationStatement[] {
    const rows = this.db.prepare('SELECT hsm_name, holder, status, at FROM share_attestations WHERE hsm_name = ? ORDER BY at, rowid').all(hsmName.toLowerCase()) as Array<{ hsm_name: string; holder: string; status: string; at: string }>;
    return rows.map((r) => ({ hsmName: r.hsm_name, holder: r.holder, status: r.status === 'lost' ? 'lost' : 'confirmed', at: r.at }));
  }

  putStatement(statement: AttestationStatement): void {
    this.db.prepare('INSERT INTO share_attestations (hsm_name, holder, status, at) VALUES (?, ?, ?, ?)').run(statement.hsmName.toLowerCase(), statement.holder.toLowerCase(), statement.status, statement.at);
  }

  lastRequestedAt(hsmName: string): string | undefined {
    return (this.db.prepare('SELECT requested_at FROM share_attestation_rounds WHERE hsm_name = ?').get(hsmName.toLowerCase()) as { requested_at: string } | undefined)?.requested_at;
  }

  setRequestedAt(hsmName: string, at: string): void {
    this.db.prepare('INSERT INTO share_attestation_rounds (hsm_name, requested_at) VALUES (?, ?) ON CONFLICT(hsm_name) DO UPDATE SET requested_at = excluded.requested_at').run(hsmName.toLowerCase(), at);
  }

  transaction<T>(work: () => T): T {
    if (this.db.inTransaction) return work();
    return this.db.transaction(work).immediate();
  }
}
