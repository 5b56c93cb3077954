import type { DepScope, OnboardingRecord } from '../customerKey';
import type { OnboardingRecords } from '../journeys/depJourneyService';
import type { Database, Migration } from './database';

export const onboardingMigrations: readonly Migration[] = [
  {
    id: 'onboarding/001_customer_key_onboarding',
    // One row per tenant and workload: the latest onboarding state Keyward recorded.
    sql: `CREATE TABLE customer_key_onboarding (
      tenant_id TEXT NOT NULL,
      workload TEXT NOT NULL,
      record TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (tenant_id, workload)
    );`,
  },
];

/** Customer Key onboarding records in Keyward's SQLite file (tenant ids stored lower case). */
export class SqliteOnboardingStore implements OnboardingRecords {
  constructor(private readonly db: Database) {}

  get(tenantId: string, workload: DepScope): OnboardingRecord | undefined {
    const row = this.db.prepare('SELECT record FROM customer_key_onboarding WHERE tenant_id = ? AND workload = ?').get(tenantId.toLowerCase(), workload) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as OnboardingRecord) : undefined;
  }

  put(record: OnboardingRecord): void {
    this.db
      .prepare('INSERT INTO customer_key_onboarding (tenant_id, workload, record, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(tenant_id, workload) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at')
      .run(record.tenantId.toLowerCase(), record.workload, JSON.stringify(record), record.updatedAt);
  }

  list(tenantId: string): OnboardingRecord[] {
    const rows = this.db.prepare('SELECT record FROM customer_key_onboarding WHERE tenant_id = ? ORDER BY workload').all(tenantId.toLowerCase()) as Array<{ record: string }>;
    return rows.map((r) => JSON.parse(r.record) as OnboardingRecord);
  }
}
