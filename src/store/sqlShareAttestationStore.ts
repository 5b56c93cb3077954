import type { AttestationStatement, AttestationStore } from '../inventory/shareAttestations';
import type { Migration, SqlDatabase } from './sqlDatabase';

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
    postgres: `CREATE TABLE share_attestations (
      seq BIGSERIAL PRIMARY KEY,
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

/** Security-domain share attestations (HSM names stored lower case). */
export class SqlShareAttestationStore implements AttestationStore {
  constructor(private readonly db: SqlDatabase) {}

  async statements(hsmName: string): Promise<AttestationStatement[]> {
    // Answers in the order given (SQLite's rowid, PostgreSQL's seq column).
    const order = this.db.engine === 'sqlite' ? 'rowid' : 'seq';
    const rows = await this.db.all<{ hsm_name: string; holder: string; status: string; at: string }>(
      `SELECT hsm_name, holder, status, at FROM share_attestations WHERE hsm_name = ? ORDER BY at, ${order}`,
      [hsmName.toLowerCase()],
    );
    return rows.map((r) => ({ hsmName: r.hsm_name, holder: r.holder, status: r.status === 'lost' ? 'lost' : 'confirmed', at: r.at }));
  }

  async putStatement(statement: AttestationStatement): Promise<void> {
    await this.db.run('INSERT INTO share_attestations (hsm_name, holder, status, at) VALUES (?, ?, ?, ?)', [
      statement.hsmName.toLowerCase(),
      statement.holder.toLowerCase(),
      statement.status,
      statement.at,
    ]);
  }

  async lastRequestedAt(hsmName: string): Promise<string | undefined> {
    return (await this.db.get<{ requested_at: string }>('SELECT requested_at FROM share_attestation_rounds WHERE hsm_name = ?', [hsmName.toLowerCase()]))?.requested_at;
  }

  async setRequestedAt(hsmName: string, at: string): Promise<void> {
    await this.db.run('INSERT INTO share_attestation_rounds (hsm_name, requested_at) VALUES (?, ?) ON CONFLICT(hsm_name) DO UPDATE SET requested_at = excluded.requested_at', [
      hsmName.toLowerCase(),
      at,
    ]);
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.db.atomic(async () => {
      await this.db.lock('keyward.attestations');
      return work();
    });
  }
}
