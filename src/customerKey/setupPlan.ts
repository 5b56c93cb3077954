/**
 * `buildSetupPlan`: the steps that create Customer Key's Azure side from a validated spec.
 *
 * Premium, per site: resource group → per workload: vault (premium, soft delete 90 days, purge
 * protection, chosen access model) → Keyward's own key access (RBAC model; with access policies it
 * is part of the vault) → the workload's Microsoft 365 service principal gets get/wrapKey/unwrapKey
 * → RSA-HSM key (wrapKey/unwrapKey only, no expiry) → backup. Then readiness for all keys.
 *
 * Managed HSM, per site: resource group → HSM (Keyward's writer is an initial administrator,
 * because only initial administrators can activate) → security-domain activation → Keyward's own
 * custom key role at `/keys` (read, create, back up keys; no delete, no purge, no role management —
 * Crypto User could delete keys) → per workload: key → Crypto Service Encryption User for the
 * workload's service principal at `/keys/<name>` only → backup. Then readiness, then Keyward gives
 * up its Administrator role while a human administrator keeps it.
 */
import { appError, isGuid } from '../core';
import { COST_NOTES, CUSTOMER_KEY_LIMITS } from './facts';
import { HSM_COST_NOTES, hsmIrreversible, hsmRights, hsmTitle, premiumIrreversible, premiumRights, premiumTitle, withSummary } from './planText';
import { containerResourceId, keyRefsOf, type KeyRef } from './keyRefs';
import { assemblePlan, keywardTags, STEP_ESTIMATES, type KeyContainerRef, type Plan, type PlanPrincipal, type StepDraft } from './plan';
import {
  CUSTOMER_KEY_KEY_OPS,
  KEYWARD_HSM_KEY_ROLE,
  KEYWARD_KEY_PERMISSIONS,
  KEYWARD_READER_KEY_PERMISSIONS,
  KEYWARD_VAULT_KEY_ROLE_NAME,
  M365_KEY_PERMISSIONS,
  ROLES,
} from './roles';
import type { CustomerKeySpec, ManagedHsmSpec, PremiumSpec, SiteId } from './spec';
import { servicePrincipalFor, type Workload } from './workloads';

/** What the setup plan needs besides the spec, resolved elsewhere (Graph, configuration). */
export interface SetupPlanContext {
  /** Entra tenant of the Microsoft 365 organisation (and of both subscriptions). */
  readonly tenantId: string;
  /** Object id of Keyward's writer managed identity (the executor). */
  readonly keywardWriterObjectId: string;
  /**
   * Object id of Keyward's reader managed identity, when it is another one: it gets read-only
   * access to the keys (get/list, Key Vault Reader, Managed HSM Crypto Auditor), so `verify`, the
   * DEP key checks and the health check run as the reader, not the writer (issue 12 item 6).
   */
  readonly keywardReaderObjectId?: string;
  /** Object ids of the Microsoft 365 service principals in this tenant, by application id. */
  readonly servicePrincipalObjectIds: Readonly<Record<string, string>>;
  /**
   * Id (GUID) of the Azure custom role from infra/keywardRoles.bicep (KEYWARD_VAULT_KEY_ROLE_ID):
   * read, create and back up keys, no delete or purge. Without it Keyward falls back to Key Vault
   * Crypto Officer on RBAC vaults, and the plan says plainly that this includes delete and purge.
   */
  readonly vaultKeyRoleDefinitionId?: string;
}

function checkContext(spec: CustomerKeySpec, context: SetupPlanContext): void {
  if (!isGuid(context.tenantId)) throw appError('ValidationFailed', 'The tenant id is not a GUID.', { field: 'tenantId' });
  if (context.vaultKeyRoleDefinitionId !== undefined && !isGuid(context.vaultKeyRoleDefinitionId)) {
    throw appError('ValidationFailed', 'KEYWARD_VAULT_KEY_ROLE_ID must be the GUID of the custom role from infra/keywardRoles.bicep.', { field: 'vaultKeyRoleDefinitionId' });
  }
  if (!isGuid(context.keywardWriterObjectId)) {
    throw appError('ValidationFailed', "Keyward's writer identity object id is not a GUID; configure the managed identity's principal (object) id.", {
      field: 'keywardWriterObjectId',
    });
  }
  for (const workload of spec.workloads) {
    const sp = servicePrincipalFor(workload);
    const objectId = lookup(context.servicePrincipalObjectIds, sp.appId);
    if (!objectId || !isGuid(objectId)) {
      throw appError(
        'ServicePrincipalMissing',
        `The service principal ${sp.displayName} (app id ${sp.appId}) has no object id in this tenant. Register it with New-AzADServicePrincipal -ApplicationId ${sp.appId}, then build the plan again.`,
        { appId: sp.appId },
      );
    }
  }
}

function lookup(map: Readonly<Record<string, string>>, appId: string): string | undefined {
  for (const [key, value] of Object.entries(map)) if (key.toLowerCase() === appId) return value.toLowerCase();
  return undefined;
}

export function m365Principal(workload: Workload, objectIds: Readonly<Record<string, string>>): PlanPrincipal {
  const sp = servicePrincipalFor(workload);
  return { kind: 'm365', token: sp.token, displayName: sp.displayName, appId: sp.appId, objectId: lookup(objectIds, sp.appId) ?? '' };
}

export function keywardPrincipal(objectId: string): PlanPrincipal {
  return { kind: 'keyward', token: 'keyward', displayName: "Keyward's writer identity", appId: null, objectId: objectId.toLowerCase() };
}

/** Keyward's reader identity (read-only key access), when the context names one apart from the writer. */
export function keywardReaderPrincipal(context: SetupPlanContext): PlanPrincipal | undefined {
  const id = context.keywardReaderObjectId?.toLowerCase();
  if (!id || !isGuid(id) || id === context.keywardWriterObjectId.toLowerCase()) return undefined;
  return { kind: 'keyward', token: 'keyward-reader', displayName: "Keyward's reader identity", appId: null, objectId: id };
}

export function containerOf(ref: KeyRef): KeyContainerRef {
  return { kind: ref.containerKind, name: ref.containerName, subscriptionId: ref.subscriptionId, resourceGroup: ref.resourceGroup, region: ref.region };
}

/**
 * Builds the setup plan. Same spec and context → same plan → same `planHash`.
 * @throws AppError `ValidationFailed` for a malformed context, `ServicePrincipalMissing` when a
 *   needed Microsoft 365 service principal has no object id in the tenant.
 */
export function buildSetupPlan(spec: CustomerKeySpec, context: SetupPlanContext): Plan {
  checkContext(spec, context);
  return spec.protection === 'keyVaultPremium' ? premiumPlan(spec, context) : managedHsmPlan(spec, context);
}

function verifyStep(keys: readonly KeyRef[], spec: CustomerKeySpec, context: SetupPlanContext): StepDraft {
  return withSummary('setup', {
    id: 'verifyReadiness:all',
    kind: 'verifyReadiness',
    site: null,
    params: {
      keys,
      principals: spec.workloads.map((w) => ({
        workload: w,
        appId: servicePrincipalFor(w).appId,
        objectId: lookup(context.servicePrincipalObjectIds, servicePrincipalFor(w).appId) ?? '',
      })),
    },
    irreversible: false,
    estimatedSeconds: STEP_ESTIMATES.verifyReadiness,
  });
}

function resourceGroupStep(spec: CustomerKeySpec, site: SiteId): StepDraft {
  const s = spec.sites[site];
  return withSummary('setup', {
    id: `ensureResourceGroup:${site}`,
    kind: 'ensureResourceGroup',
    site,
    params: { subscriptionId: s.subscriptionId, resourceGroup: s.resourceGroup, region: s.region, tags: keywardTags({ 'keyward-site': site }) },
    irreversible: false,
    estimatedSeconds: STEP_ESTIMATES.ensureResourceGroup,
  });
}

function keySteps(ref: KeyRef, spec: CustomerKeySpec): StepDraft[] {
  const container = containerOf(ref);
  return [
    withSummary('setup', {
      id: `ensureKey:${ref.site}:${ref.workload}`,
      kind: 'ensureKey',
      site: ref.site,
      params: {
        container,
        keyName: ref.keyName,
        kty: 'RSA-HSM',
        keySize: spec.keySize,
        keyOps: [...CUSTOMER_KEY_KEY_OPS],
        expires: null,
        notBefore: null,
        enabled: true,
        exportable: false,
        tags: keywardTags({ 'keyward-site': ref.site, 'keyward-workload': ref.workload }),
        tagWithRequestId: true,
      },
      irreversible: false,
      estimatedSeconds: STEP_ESTIMATES.ensureKey,
    }),
    withSummary('setup', {
      id: `backupKey:${ref.site}:${ref.workload}`,
      kind: 'backupKey',
      site: ref.site,
      params: { container, keyName: ref.keyName, destination: 'configuredBackupLocation' },
      irreversible: false,
      estimatedSeconds: STEP_ESTIMATES.backupKey,
    }),
  ];
}

/** The role Keyward gets on RBAC vaults: the custom one from infra/ when configured. */
function vaultKeyRole(context: SetupPlanContext): { id: string; name: string; custom: boolean } {
  return context.vaultKeyRoleDefinitionId
    ? { id: context.vaultKeyRoleDefinitionId.toLowerCase(), name: KEYWARD_VAULT_KEY_ROLE_NAME, custom: true }
    : { id: ROLES.keyVaultCryptoOfficer.id, name: ROLES.keyVaultCryptoOfficer.name, custom: false };
}

/** What Keyward keeps on Premium vaults after the plan, in words (issue 11 item 7). */
export function premiumKeywardRights(spec: PremiumSpec, context: SetupPlanContext): string[] {
  return premiumRights(spec.accessModel, vaultKeyRole(context))
    .slice(0, 1)
    .map((m) => m.text);
}

function premiumPlan(spec: PremiumSpec, context: SetupPlanContext): Plan {
  const keyRole = vaultKeyRole(context);
  const keys = keyRefsOf(spec);
  const keyward = keywardPrincipal(context.keywardWriterObjectId);
  const reader = keywardReaderPrincipal(context);
  const retention = CUSTOMER_KEY_LIMITS.recommendedRetentionDays;
  const steps: StepDraft[] = [];
  for (const site of ['A', 'B'] as const) {
    steps.push(resourceGroupStep(spec, site));
    const s = spec.sites[site];
    for (const vault of s.vaults) {
      const ref = keys.find((k) => k.site === site && k.workload === vault.workload);
      if (!ref) continue;
      const rbac = spec.accessModel === 'rbac';
      const vaultScope = containerResourceId(ref);
      steps.push(
        withSummary('setup', {
          id: `ensureVault:${site}:${vault.workload}`,
          kind: 'ensureVault',
          site,
          params: {
            tenantId: context.tenantId.toLowerCase(),
            subscriptionId: s.subscriptionId,
            resourceGroup: s.resourceGroup,
            region: s.region,
            vaultName: vault.vaultName,
            sku: 'premium',
            enableSoftDelete: true,
            softDeleteRetentionInDays: retention,
            enablePurgeProtection: true,
            accessModel: spec.accessModel,
            enableRbacAuthorization: rbac,
            accessPolicies: rbac
              ? []
              : [
                  { objectId: keyward.objectId, keyPermissions: [...KEYWARD_KEY_PERMISSIONS] },
                  ...(reader ? [{ objectId: reader.objectId, keyPermissions: [...KEYWARD_READER_KEY_PERMISSIONS] }] : []),
                ],
            publicNetworkAccess: 'Enabled',
            tags: keywardTags({ 'keyward-site': site, 'keyward-workload': vault.workload }),
          },
          irreversible: true,
          estimatedSeconds: STEP_ESTIMATES.ensureVault,
        }),
      );
      if (rbac) {
        steps.push(
          withSummary('setup', {
            id: `grantKeyAccess:${site}:${vault.workload}:keyward`,
            kind: 'grantKeyAccess',
            site,
            params: {
              subscriptionId: s.subscriptionId,
              resourceGroup: s.resourceGroup,
              vaultName: vault.vaultName,
              principal: keyward,
              grant: { mode: 'rbac', roleDefinitionId: keyRole.id, roleName: keyRole.name, scope: vaultScope },
            },
            irreversible: false,
            estimatedSeconds: STEP_ESTIMATES.grantKeyAccess,
          }),
        );
        if (reader) {
          steps.push(
            withSummary('setup', {
              id: `grantKeyAccess:${site}:${vault.workload}:keyward-reader`,
              kind: 'grantKeyAccess',
              site,
              params: {
                subscriptionId: s.subscriptionId,
                resourceGroup: s.resourceGroup,
                vaultName: vault.vaultName,
                principal: reader,
                grant: { mode: 'rbac', roleDefinitionId: ROLES.keyVaultReader.id, roleName: ROLES.keyVaultReader.name, scope: vaultScope },
              },
              irreversible: false,
              estimatedSeconds: STEP_ESTIMATES.grantKeyAccess,
            }),
          );
        }
      }
      const sp = m365Principal(vault.workload, context.servicePrincipalObjectIds);
      steps.push(
        withSummary('setup', {
          id: `grantKeyAccess:${site}:${vault.workload}:${sp.token}`,
          kind: 'grantKeyAccess',
          site,
          params: {
            subscriptionId: s.subscriptionId,
            resourceGroup: s.resourceGroup,
            vaultName: vault.vaultName,
            principal: sp,
            grant: rbac
              ? {
                  mode: 'rbac',
                  roleDefinitionId: ROLES.keyVaultCryptoServiceEncryptionUser.id,
                  roleName: ROLES.keyVaultCryptoServiceEncryptionUser.name,
                  scope: vaultScope,
                }
              : { mode: 'accessPolicy', keyPermissions: [...M365_KEY_PERMISSIONS] },
          },
          irreversible: false,
          estimatedSeconds: STEP_ESTIMATES.grantKeyAccess,
        }),
      );
      steps.push(...keySteps(ref, spec));
    }
  }
  steps.push(verifyStep(keys, spec, context));
  const vaultCount = spec.workloads.length * 2;
  return assemblePlan(
    {
      kind: 'setup',
      operationClass: 'create',
      tenantId: context.tenantId.toLowerCase(),
      protection: 'keyVaultPremium',
      title: premiumTitle(vaultCount, spec.workloads).text,
      irreversible: premiumIrreversible(vaultCount, retention).map((m) => m.text),
      costNotes: [COST_NOTES.keyVaultPremium.text],
      keys,
      keywardRights: premiumRights(spec.accessModel, keyRole).map((m) => m.text),
    },
    steps,
  );
}

function managedHsmPlan(spec: ManagedHsmSpec, context: SetupPlanContext): Plan {
  const keys = keyRefsOf(spec);
  const keyward = keywardPrincipal(context.keywardWriterObjectId);
  const reader = keywardReaderPrincipal(context);
  const admins = [...spec.hsm.initialAdminObjectIds];
  if (!admins.includes(keyward.objectId)) admins.push(keyward.objectId);
  const steps: StepDraft[] = [];
  for (const site of ['A', 'B'] as const) {
    const s = spec.sites[site];
    steps.push(resourceGroupStep(spec, site));
    steps.push(
      withSummary('setup', {
        id: `ensureManagedHsm:${site}`,
        kind: 'ensureManagedHsm',
        site,
        params: {
          tenantId: context.tenantId.toLowerCase(),
          subscriptionId: s.subscriptionId,
          resourceGroup: s.resourceGroup,
          region: s.region,
          hsmName: s.hsmName,
          sku: { family: 'B', name: 'Standard_B1' },
          initialAdminObjectIds: admins,
          enableSoftDelete: true,
          softDeleteRetentionInDays: spec.hsm.softDeleteRetentionDays,
          enablePurgeProtection: true,
          publicNetworkAccess: 'Enabled',
          tags: keywardTags({ 'keyward-site': site, 'keyward-workloads': spec.workloads.join('.') }),
        },
        irreversible: true,
        estimatedSeconds: STEP_ESTIMATES.ensureManagedHsm,
      }),
    );
    steps.push(
      withSummary('setup', {
        id: `activateSecurityDomain:${site}`,
        kind: 'activateSecurityDomain',
        site,
        params: {
          subscriptionId: s.subscriptionId,
          resourceGroup: s.resourceGroup,
          hsmName: s.hsmName,
          officers: spec.hsm.officers,
          quorum: spec.hsm.quorum,
          wrappingKeys: 'collectPublicCertificatesFromOfficers',
          store: 'configuredSecurityDomainLocation',
        },
        irreversible: true,
        estimatedSeconds: STEP_ESTIMATES.activateSecurityDomain,
      }),
    );
    steps.push(
      withSummary('setup', {
        id: `assignHsmRole:${site}:keyward:keyWriter`,
        kind: 'assignHsmRole',
        site,
        params: {
          subscriptionId: s.subscriptionId,
          resourceGroup: s.resourceGroup,
          hsmName: s.hsmName,
          principal: keyward,
          roleDefinitionId: KEYWARD_HSM_KEY_ROLE.id,
          roleName: KEYWARD_HSM_KEY_ROLE.name,
          scope: '/keys',
          definition: { roleName: KEYWARD_HSM_KEY_ROLE.name, description: KEYWARD_HSM_KEY_ROLE.description, dataActions: [...KEYWARD_HSM_KEY_ROLE.dataActions] },
        },
        irreversible: false,
        estimatedSeconds: STEP_ESTIMATES.assignHsmRole,
      }),
    );
    if (reader) {
      steps.push(
        withSummary('setup', {
          id: `assignHsmRole:${site}:keyward-reader:auditor`,
          kind: 'assignHsmRole',
          site,
          params: {
            subscriptionId: s.subscriptionId,
            resourceGroup: s.resourceGroup,
            hsmName: s.hsmName,
            principal: reader,
            roleDefinitionId: ROLES.managedHsmCryptoAuditor.id,
            roleName: ROLES.managedHsmCryptoAuditor.name,
            scope: '/keys',
          },
          irreversible: false,
          estimatedSeconds: STEP_ESTIMATES.assignHsmRole,
        }),
      );
    }
    for (const key of s.keys) {
      const ref = keys.find((k) => k.site === site && k.workload === key.workload);
      if (!ref) continue;
      const [ensure, backup] = keySteps(ref, spec);
      const sp = m365Principal(key.workload, context.servicePrincipalObjectIds);
      if (ensure) steps.push(ensure);
      steps.push(
        withSummary('setup', {
          id: `assignHsmRole:${site}:${key.workload}:${sp.token}`,
          kind: 'assignHsmRole',
          site,
          params: {
            subscriptionId: s.subscriptionId,
            resourceGroup: s.resourceGroup,
            hsmName: s.hsmName,
            principal: sp,
            roleDefinitionId: ROLES.managedHsmCryptoServiceEncryptionUser.id,
            roleName: ROLES.managedHsmCryptoServiceEncryptionUser.name,
            scope: `/keys/${key.keyName}`,
          },
          irreversible: false,
          estimatedSeconds: STEP_ESTIMATES.assignHsmRole,
        }),
      );
      if (backup) steps.push(backup);
    }
  }
  steps.push(verifyStep(keys, spec, context));
  // Keyward needed Administrator only to activate the HSM and assign roles. Once done, it gives the
  // role up, as long as a human administrator keeps it (issue 11 item 7).
  const humans = spec.hsm.initialAdminObjectIds.filter((id) => id.toLowerCase() !== keyward.objectId);
  if (humans.length > 0) {
    for (const site of ['A', 'B'] as const) {
      const s = spec.sites[site];
      steps.push(
        withSummary('setup', {
          id: `revokeHsmRole:${site}:keyward:administrator`,
          kind: 'revokeHsmRole',
          site,
          params: {
            subscriptionId: s.subscriptionId,
            resourceGroup: s.resourceGroup,
            hsmName: s.hsmName,
            principal: keyward,
            roleDefinitionId: ROLES.managedHsmAdministrator.id,
            roleName: ROLES.managedHsmAdministrator.name,
            scope: '/',
            keepAdministrators: humans.map((id) => id.toLowerCase()),
          },
          irreversible: false,
          estimatedSeconds: STEP_ESTIMATES.revokeHsmRole,
        }),
      );
    }
  }
  const days = spec.hsm.softDeleteRetentionDays;
  return assemblePlan(
    {
      kind: 'setup',
      operationClass: 'create',
      tenantId: context.tenantId.toLowerCase(),
      protection: 'managedHsm',
      title: hsmTitle(spec.workloads).text,
      irreversible: hsmIrreversible(days, spec.hsm.quorum, spec.hsm.officers.length).map((m) => m.text),
      costNotes: HSM_COST_NOTES.map((m) => m.text),
      keys,
      keywardRights: hsmRights(humans.length).map((m) => m.text),
    },
    steps,
  );
}
