import type { Migration } from '../store/sqlDatabase';
import { keyValueMigrations } from '../store/sqlKeyValueStore';
import { auditMigrations } from '../store/sqlAuditStore';
import { approvalMigrations } from '../store/sqlApprovalStore';
import { approvalDirectoryMigrations } from '../store/sqlApprovalDirectoryStore';
import { journeyMigrations } from '../store/sqlJourneyStore';
import { executorMigrations } from '../store/sqlRunStore';
import { inventoryMigrations } from '../store/sqlInventoryStore';
import { inventoryJourneyMigrations } from '../store/sqlOpsJourneyStore';
import { depDownloadMigrations } from '../store/sqlDepDownloadStore';
import { shareAttestationMigrations } from '../store/sqlShareAttestationStore';
import { clusterMigrations } from '../store/sqlClusterStore';
import { onboardingMigrations } from '../store/sqlOnboardingStore';
import { pendingMessageMigrations } from '../store/sqlPendingMessageStore';

/**
 * Every table of Keyward's store, in the order they are applied (a module's tables before the
 * tables that refer to them). New migrations go at the end of their module's list; ids never change.
 */
export const KEYWARD_MIGRATIONS: readonly Migration[] = [
  ...keyValueMigrations,
  ...auditMigrations,
  ...approvalMigrations,
  ...approvalDirectoryMigrations,
  ...journeyMigrations,
  ...executorMigrations,
  ...inventoryMigrations,
  ...inventoryJourneyMigrations,
  ...depDownloadMigrations,
  ...shareAttestationMigrations,
  ...onboardingMigrations,
  ...pendingMessageMigrations,
  ...clusterMigrations,
];
