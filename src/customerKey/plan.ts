/**
 * `Plan`: the canonical, ordered list of steps an approval covers and the executor carries out.
 * A plan is plain JSON data (no Dates, no undefined, no functions), so its SHA-256 over canonical
 * JSON (`planHash`) pins exactly what was approved: the same spec always gives the same plan and
 * hash, and any change gives a different hash.
 *
 * Steps are idempotent by contract: the executor checks current state, applies, verifies. Step
 * ids are deterministic and readable (`ensureVault:A:exchange`), unique within a plan.
 */
import { appError, hashCanonical } from '../core';
import type { DepScope, DepRunner } from './depTypes';
import type { KeyContainerKind } from './keyUris';
import type { KeyRef } from './keyRefs';
import type { AccessModel, KeySize, Person, Protection, SiteId } from './spec';
import type { Workload } from './workloads';

export const PLAN_SCHEMA = 'keyward.plan/v1';

export type PlanKind = 'setup' | 'keyRoll' | 'teardown' | 'dep';

/**
 * The approval class. Approval policies key on it: `destructive` gets the stronger policy
 * (typed confirmation, cooling-off).
 */
export type OperationClass = 'create' | 'keyRoll' | 'permissionChange' | 'destructive';

/** Who a grant is for. */
export interface PlanPrincipal {
  /** `m365` for a Microsoft 365 service principal, `keyward` for Keyward's writer identity. */
  readonly kind: 'm365' | 'keyward';
  /** Token used in step ids: `exchangeOnline`, `sharePointOnline`, `m365DataAtRestEncryption`, `keyward`. */
  readonly token: string;
  readonly displayName: string;
  /** Application id, for Microsoft 365 service principals. */
  readonly appId: string | null;
  /** Object id in the customer's tenant: what Azure grants to. */
  readonly objectId: string;
}

/** Resource tags Keyward puts on what it creates (names avoid characters ARM forbids in tag names). */
export type Tags = Readonly<Record<string, string>>;

/** The vault or HSM a key step works on. */
export interface KeyContainerRef {
  readonly kind: KeyContainerKind;
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly region: string;
}

export interface EnsureResourceGroupParams {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly region: string;
  readonly tags: Tags;
}

export interface EnsureVaultParams {
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly region: string;
  readonly vaultName: string;
  readonly sku: 'premium';
  readonly enableSoftDelete: true;
  readonly softDeleteRetentionInDays: number;
  readonly enablePurgeProtection: true;
  readonly accessModel: AccessModel;
  readonly enableRbacAuthorization: boolean;
  /** Access policies set at creation (access-policy model: Keyward's own; RBAC model: none). */
  readonly accessPolicies: ReadonlyArray<{ readonly objectId: string; readonly keyPermissions: readonly string[] }>;
  readonly publicNetworkAccess: 'Enabled';
  readonly tags: Tags;
}

export type KeyAccessGrant =
  | { readonly mode: 'accessPolicy'; readonly keyPermissions: readonly string[] }
  | { readonly mode: 'rbac'; readonly roleDefinitionId: string; readonly roleName: string; readonly scope: string };

export interface GrantKeyAccessParams {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly vaultName: string;
  readonly principal: PlanPrincipal;
  readonly grant: KeyAccessGrant;
}

export interface EnsureKeyParams {
  readonly container: KeyContainerRef;
  readonly keyName: string;
  readonly kty: 'RSA-HSM';
  readonly keySize: KeySize;
  readonly keyOps: readonly string[];
  /** Always null: Customer Key keys must not expire. */
  readonly expires: null;
  readonly notBefore: null;
  readonly enabled: true;
  readonly exportable: false;
  readonly tags: Tags;
  /**
   * The executor adds tag `keyward-request` = the approval request id to the version it creates,
   * so a retry finds that version instead of creating a second one.
   */
  readonly tagWithRequestId: true;
}

export interface BackupKeyParams {
  readonly container: KeyContainerRef;
  readonly keyName: string;
  /** Where backups go is configuration, never chat: the executor's configured backup location. */
  readonly destination: 'configuredBackupLocation';
}

export interface EnsureManagedHsmParams {
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly region: string;
  readonly hsmName: string;
  readonly sku: { readonly family: 'B'; readonly name: 'Standard_B1' };
  /** Human administrators first, then Keyward's writer identity (it runs the activation). */
  readonly initialAdminObjectIds: readonly string[];
  readonly enableSoftDelete: true;
  readonly softDeleteRetentionInDays: number;
  readonly enablePurgeProtection: true;
  readonly publicNetworkAccess: 'Enabled';
  readonly tags: Tags;
}

export interface ActivateSecurityDomainParams {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly hsmName: string;
  /** Each officer hands in one RSA public certificate during the run; never a private key. */
  readonly officers: readonly Person[];
  readonly quorum: number;
  readonly wrappingKeys: 'collectPublicCertificatesFromOfficers';
  /** The downloaded security domain is stored encrypted in the configured location. */
  readonly store: 'configuredSecurityDomainLocation';
}

export interface AssignHsmRoleParams {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly hsmName: string;
  readonly principal: PlanPrincipal;
  readonly roleDefinitionId: string;
  readonly roleName: string;
  /** Local RBAC scope: `/keys/<name>` for service principals, `/keys` for Keyward. */
  readonly scope: string;
  /**
   * A custom role the step creates first (PUT roleDefinitions/{roleDefinitionId}) when the HSM does
   * not have it yet: Keyward's own key role without delete and purge.
   */
  readonly definition?: { readonly roleName: string; readonly description: string; readonly dataActions: readonly string[] };
}

/**
 * Keyward gives up a Managed HSM local role it no longer needs (its Administrator role after
 * activation). Never the last administrator: `keepAdministrators` must still hold the role.
 */
export interface RevokeHsmRoleParams {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly hsmName: string;
  readonly principal: PlanPrincipal;
  readonly roleDefinitionId: string;
  readonly roleName: string;
  readonly scope: string;
  /** Object ids that must still hold the role at `/` afterwards (the human administrators). */
  readonly keepAdministrators: readonly string[];
}

export interface VerifyReadinessParams {
  readonly keys: readonly KeyRef[];
  /** The service principal each workload's keys must be reachable by. */
  readonly principals: ReadonlyArray<{ readonly workload: Workload; readonly appId: string; readonly objectId: string }>;
}

export interface RollKeyParams {
  readonly container: KeyContainerRef;
  readonly keyName: string;
  readonly kty: 'RSA-HSM';
  readonly keySize: KeySize;
  readonly keyOps: readonly string[];
  readonly expires: null;
  readonly tagWithRequestId: true;
  /** Old versions stay enabled: data wrapped with them must stay readable. */
  readonly disableOldVersions: false;
}

export interface RefreshDepParams {
  readonly scope: DepScope;
  /** Multi-workload and Exchange DEPs. */
  readonly policyName: string | null;
  /** SharePoint DEPs. */
  readonly adminUrl: string | null;
  /** SharePoint: key A is Primary, key B Secondary. */
  readonly sharePointKeyType: 'Primary' | 'Secondary' | null;
  readonly key: KeyRef;
  /** SharePoint is always operator-run. */
  readonly runner: DepRunner;
}

export interface ApplyDepParams {
  readonly scope: DepScope;
  readonly runner: DepRunner;
  readonly title: string;
  /** The exact script approvers saw. */
  readonly script: string;
  readonly scriptSha256: string;
  readonly fileName: string;
}

export interface RecordDepParams {
  readonly scope: DepScope;
  readonly policyName: string | null;
  readonly adminUrls: readonly string[];
  /** The Get- cmdlets whose pasted output is the evidence. */
  readonly evidenceCommands: readonly string[];
}

export interface DeleteContainerParams {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly region: string;
  readonly name: string;
  readonly keyNames: readonly string[];
}

export interface PurgeContainerParams {
  readonly subscriptionId: string;
  readonly region: string;
  readonly name: string;
  readonly purgeProtectionEnabled: boolean;
  readonly softDeleteRetentionInDays: number;
  /**
   * With purge protection Azure refuses the purge until the retention period ends; the executor
   * waits for `scheduledPurgeDate` (Azure also purges automatically then) and reports billing
   * stopped only once the purge has completed.
   */
  readonly waitForScheduledPurgeDate: boolean;
  /** On the deletedManagedHSMs ProviderError, retry and fall back to the per-location lookup. */
  readonly perLocationFallback: boolean;
}

interface StepOf<K extends string, P> {
  /** 0-based position in the plan. */
  readonly index: number;
  /** Deterministic and unique within the plan: `kind:site:…`. */
  readonly id: string;
  readonly kind: K;
  readonly site: SiteId | null;
  readonly params: P;
  readonly irreversible: boolean;
  /** One plain sentence for the plan preview card. */
  readonly summary: string;
  readonly estimatedSeconds: number;
}

export type EnsureResourceGroupStep = StepOf<'ensureResourceGroup', EnsureResourceGroupParams>;
export type EnsureVaultStep = StepOf<'ensureVault', EnsureVaultParams>;
export type GrantKeyAccessStep = StepOf<'grantKeyAccess', GrantKeyAccessParams>;
export type EnsureKeyStep = StepOf<'ensureKey', EnsureKeyParams>;
export type BackupKeyStep = StepOf<'backupKey', BackupKeyParams>;
export type EnsureManagedHsmStep = StepOf<'ensureManagedHsm', EnsureManagedHsmParams>;
export type ActivateSecurityDomainStep = StepOf<'activateSecurityDomain', ActivateSecurityDomainParams>;
export type AssignHsmRoleStep = StepOf<'assignHsmRole', AssignHsmRoleParams>;
export type RevokeHsmRoleStep = StepOf<'revokeHsmRole', RevokeHsmRoleParams>;
export type VerifyReadinessStep = StepOf<'verifyReadiness', VerifyReadinessParams>;
export type RollKeyStep = StepOf<'rollKey', RollKeyParams>;
export type RefreshDepStep = StepOf<'refreshDep', RefreshDepParams>;
export type ApplyDepStep = StepOf<'applyDep', ApplyDepParams>;
export type RecordDepStep = StepOf<'recordDep', RecordDepParams>;
export type DeleteVaultStep = StepOf<'deleteVault', DeleteContainerParams>;
export type PurgeVaultStep = StepOf<'purgeVault', PurgeContainerParams>;
export type DeleteManagedHsmStep = StepOf<'deleteManagedHsm', DeleteContainerParams>;
export type PurgeManagedHsmStep = StepOf<'purgeManagedHsm', PurgeContainerParams>;

/** One step of a plan, discriminated by `kind`. */
export type PlanStep =
  | EnsureResourceGroupStep
  | EnsureVaultStep
  | GrantKeyAccessStep
  | EnsureKeyStep
  | BackupKeyStep
  | EnsureManagedHsmStep
  | ActivateSecurityDomainStep
  | AssignHsmRoleStep
  | RevokeHsmRoleStep
  | VerifyReadinessStep
  | RollKeyStep
  | RefreshDepStep
  | ApplyDepStep
  | RecordDepStep
  | DeleteVaultStep
  | PurgeVaultStep
  | DeleteManagedHsmStep
  | PurgeManagedHsmStep;

export type PlanStepKind = PlanStep['kind'];

/** A step before `assemblePlan` numbers it. */
export type StepDraft = PlanStep extends infer S ? (S extends PlanStep ? Omit<S, 'index'> : never) : never;

export interface Plan {
  readonly schema: typeof PLAN_SCHEMA;
  readonly kind: PlanKind;
  readonly operationClass: OperationClass;
  readonly tenantId: string;
  readonly protection: Protection | null;
  /** One line for the card header. */
  readonly title: string;
  readonly steps: readonly PlanStep[];
  /** What cannot be undone, in plain sentences. */
  readonly irreversible: readonly string[];
  /** Sum of the steps' estimates; excludes time spent waiting for people. */
  readonly estimatedDurationSeconds: number;
  readonly costNotes: readonly string[];
  /** Every key the plan touches, per site. */
  readonly keys: readonly KeyRef[];
  /** What rights Keyward's writer keeps on the vaults or HSMs once the plan has run, in plain sentences. */
  readonly keywardRights?: readonly string[];
}

export interface PlanHeader {
  readonly kind: PlanKind;
  readonly operationClass: OperationClass;
  readonly tenantId: string;
  readonly protection: Protection | null;
  readonly title: string;
  readonly irreversible: readonly string[];
  readonly costNotes: readonly string[];
  readonly keys: readonly KeyRef[];
  readonly keywardRights?: readonly string[];
}

/**
 * Numbers the steps, sums the estimate and checks that step ids are unique.
 * @throws AppError `Internal` on a duplicate step id (a builder bug).
 */
export function assemblePlan(header: PlanHeader, steps: readonly StepDraft[]): Plan {
  const seen = new Set<string>();
  for (const step of steps) {
    if (seen.has(step.id)) throw appError('Internal', `Duplicate plan step id ${step.id}.`);
    seen.add(step.id);
  }
  const numbered = steps.map((step, index) => ({ ...step, index }) as PlanStep);
  return {
    schema: PLAN_SCHEMA,
    ...header,
    steps: numbered,
    estimatedDurationSeconds: numbered.reduce((sum, step) => sum + step.estimatedSeconds, 0),
  };
}

/** SHA-256 hex of the plan's canonical JSON: what approvers approve. */
export function planHash(plan: Plan): string {
  return hashCanonical(plan);
}

/** Rough durations per step kind, seconds (excluding waits for people). */
export const STEP_ESTIMATES: Readonly<Record<PlanStepKind, number>> = {
  ensureResourceGroup: 10,
  ensureVault: 45,
  grantKeyAccess: 20,
  ensureKey: 10,
  backupKey: 10,
  // Microsoft says "a few minutes"; operators report 20+ minutes.
  ensureManagedHsm: 1500,
  activateSecurityDomain: 300,
  assignHsmRole: 15,
  revokeHsmRole: 15,
  verifyReadiness: 60,
  rollKey: 10,
  refreshDep: 60,
  applyDep: 120,
  recordDep: 10,
  deleteVault: 20,
  purgeVault: 60,
  deleteManagedHsm: 600,
  purgeManagedHsm: 600,
};

/** Tags on every resource Keyward creates. */
export function keywardTags(extra: Readonly<Record<string, string>>): Tags {
  return { 'keyward-managed': 'true', 'keyward-purpose': 'customer-key', ...extra };
}
