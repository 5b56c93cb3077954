/**
 * `recoveryLevel` as Key Vault reports it on keys, from the container's soft-delete settings and
 * the subscription's mandatory retention period feature.
 *
 * - Purge protection on, feature Registered: `Recoverable+ProtectedSubscription` (90 days) or
 *   `CustomizedRecoverable+ProtectedSubscription` (7–89 days).
 * - Purge protection on, feature not Registered: `Recoverable` / `CustomizedRecoverable`.
 * - Purge protection off: `Recoverable+Purgeable` / `CustomizedRecoverable+Purgeable`.
 * UNCONFIRMED: feature Registered without purge protection is reported as `+Purgeable`.
 */
export type RecoveryLevel =
  | 'Recoverable+ProtectedSubscription'
  | 'CustomizedRecoverable+ProtectedSubscription'
  | 'Recoverable'
  | 'CustomizedRecoverable'
  | 'Recoverable+Purgeable'
  | 'CustomizedRecoverable+Purgeable';

export interface RecoveryInputs {
  softDeleteRetentionInDays: number;
  purgeProtection: boolean;
  mandatoryRetentionRegistered: boolean;
}

export function recoveryLevel({ softDeleteRetentionInDays, purgeProtection, mandatoryRetentionRegistered }: RecoveryInputs): RecoveryLevel {
  const base = softDeleteRetentionInDays >= 90 ? 'Recoverable' : 'CustomizedRecoverable';
  if (!purgeProtection) return `${base}+Purgeable`;
  return mandatoryRetentionRegistered ? `${base}+ProtectedSubscription` : base;
}
