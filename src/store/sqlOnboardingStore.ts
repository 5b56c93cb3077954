import type { DepScope, OnboardingRecord } from '../customerKey';
import type { OnboardingRecords } from '../journeys/depJourneyService';
import type { Migration, SqlDatabase } from './sqlDatabase';

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

/** Customer Key onboarding records, one per tenant and workload (tenant ids stored lower case). */
export class SqlOnboardingStore implements OnboardingRecords {
  constructor(private readonly db: SqlDatabase) {}

  async get(tenantId: string, workload: DepScope): Promise<OnboardingRecord | undefined> {
    const row = await this.db.get<{ record: string }>('SELECT record FROM customer_key_onboarding WHERE tenant_id = ? AND workload = ?', [tenantId.toLowerCase(), workload]);
    return row ? (JSON.parse(row.record) as OnboardingRecord) : undefined;
  }

  async put(record: OnboardingRecord): Promise<void> {
    await this.db.run(
      'INSERT INTO customer_key_onboarding (tenant_id, workload, record, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, workload) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at',
      [record.tenantId.toLowerCase(), record.workload, JSON.stringify(record), record.updatedAt],
    );
  }

  async list(tenantId: string): Promise<OnboardingRecord[]> {
    const rows = await this.db.all<{ record: string }>('SELECT record FROM customer_key_onboarding WHERE tenant_id = ? ORDER BY workload', [tenantId.toLowerCase()]);
    return rows.map((r) => JSON.parse(r.record) as OnboardingRecord);
  }
}
