import { toAppError, type AppError, type Clock } from '../core';
import { mapAzureError } from '../azure/azureErrors';
import type { AzureReader, KeyInfo, ManagedHsmInfo, RoleAssignmentInfo, VaultInfo, WrapProbe } from '../azure/ports';
import {
  containerResourceId,
  evaluateReadiness,
  servicePrincipalFor,
  summarizeChecklist,
  type KeyReadinessObservation,
  type KeyRef,
  type Observed,
  type ObservedAccess,
  type ObservedContainer,
  type ReadinessKey,
  type VerifyReadinessParams,
} from '../customerKey';
import type { ContainerLocator } from './containerLocator';
import type { ReadinessReport } from './executorPorts';
import type { RunArtifactStore } from './runStore';

export interface ReadinessServiceDeps {
  azure: Pick<AzureReader, 'getVault' | 'getManagedHsm' | 'getKey' | 'listRoleAssignments' | 'listHsmRoleAssignments'>;
  artifacts: Pick<RunArtifactStore, 'latestBackup'>;
  clock: Clock;
  /** Real wrap/unwrap as each service principal: the local emulator only. */
  probe?: WrapProbe;
}

export interface ReadinessResult extends ReadinessReport {
  /** Lookups that failed; transient ones make the verifyReadiness step retry. */
  errors: readonly AppError[];
}

/**
 * Gathers what `evaluateReadiness` needs, through the Azure port, for a set of keys: the key
 * (type, ops, enabled, expiry, recovery level), its vault or HSM (SKU, soft delete, purge
 * protection, activation), who may use it (access policies, Azure RBAC at the vault, or local
 * RBAC at the key), Keyward's backup record, and — against the emulator only — a real wrap and
 * unwrap as the workload's service principal. A failed lookup becomes an "unknown" line, never a
 * green one.
 *
 * Requests: per vault one GET (properties and access policies; RBAC vaults one more for role
 * assignments); per HSM one GET; per key one GET, plus one role-assignment list on an HSM; the
 * probe adds three data-plane calls per key (GET key, wrapkey, unwrapkey).
 */
export class ReadinessService {
  constructor(private readonly deps: ReadinessServiceDeps) {}

  get probes(): boolean {
    return this.deps.probe !== undefined;
  }

  async check(target: Pick<VerifyReadinessParams, 'keys' | 'principals'>, containers: ContainerLocator): Promise<ResultWithKeys> {
    const errors: AppError[] = [];
    const vaults = new Map<string, Promise<Observed<VaultInfo>>>();
    const hsms = new Map<string, Promise<Observed<ManagedHsmInfo>>>();
    const vaultRoles = new Map<string, Promise<Observed<RoleAssignmentInfo[]>>>();
    const observe = async <T>(what: () => Promise<T>): Promise<Observed<T>> => {
      try {
        return { ok: true, value: await what() };
      } catch (error) {
        const mapped = toAppError(mapAzureError(error, { operation: 'read for the readiness check' }));
        errors.push(mapped);
        return { ok: false, error: { code: mapped.code, message: mapped.message } };
      }
    };
    const once = <T>(cache: Map<string, Promise<T>>, id: string, load: () => Promise<T>): Promise<T> => {
      let found = cache.get(id);
      if (!found) {
        found = load();
        cache.set(id, found);
      }
      return found;
    };

    const readinessKeys: ReadinessKey[] = [];
    for (const ref of target.keys) {
      const principal = target.principals.find((p) => p.workload === ref.workload);
      const principalObjectId = principal?.objectId ?? '';
      const observed: { -readonly [K in keyof KeyReadinessObservation]: KeyReadinessObservation[K] } = {};
      let url: string | undefined;
      let rbacVault = false;
      if (ref.containerKind === 'vault') {
        const vault = await once(vaults, ref.containerName.toLowerCase(), () =>
          observe(async () => required(await this.deps.azure.getVault(ref.subscriptionId, ref.resourceGroup, ref.containerName), `Vault ${ref.containerName}`)),
        );
        if (vault.ok) {
          url = vault.value.vaultUri;
          containers.remember('vault', ref.containerName, vault.value.vaultUri);
          rbacVault = vault.value.rbacAuthorization;
          observed.container = { ok: true, value: vaultObservation(ref, vault.value) };
          if (rbacVault) {
            const scope = containerResourceId(ref);
            const roles = await once(vaultRoles, scope.toLowerCase(), () => observe(() => this.deps.azure.listRoleAssignments(scope)));
            observed.access = roles.ok ? { ok: true, value: { roleAssignments: roles.value.map(roleView), accessPolicies: vault.value.accessPolicies.map(policyView) } } : roles;
          } else {
            observed.access = { ok: true, value: { accessPolicies: vault.value.accessPolicies.map(policyView) } };
          }
        } else {
          observed.container = vault;
          observed.access = vault;
        }
      } else {
        const hsm = await once(hsms, ref.containerName.toLowerCase(), () =>
          observe(async () => required(await this.deps.azure.getManagedHsm(ref.subscriptionId, ref.resourceGroup, ref.containerName), `Managed HSM ${ref.containerName}`)),
        );
        if (hsm.ok) {
          url = hsm.value.hsmUri;
          containers.remember('managedHsm', ref.containerName, hsm.value.hsmUri);
          observed.container = { ok: true, value: hsmObservation(ref, hsm.value) };
          const roles = await observe(() => this.deps.azure.listHsmRoleAssignments(hsm.value.hsmUri, `/keys/${ref.keyName}`));
          observed.access = roles.ok ? { ok: true, value: { roleAssignments: roles.value.map(roleView) } satisfies ObservedAccess } : roles;
        } else {
          observed.container = hsm;
          observed.access = hsm;
        }
      }
      let key: KeyInfo | undefined;
      if (url) {
        const keyUrl = url;
        const found = await observe(() => this.deps.azure.getKey(keyUrl, ref.keyName));
        if (found.ok && found.value === undefined) observed.key = { ok: false, error: { code: 'KeyNotFound', message: `key ${ref.keyName} does not exist` } };
        else if (found.ok) {
          key = found.value;
          observed.key = {
            ok: true,
            value: {
              kid: key!.id,
              kty: key!.keyType,
              keyOps: key!.keyOps,
              enabled: key!.enabled,
              expires: key!.expiresOn ?? null,
              recoveryLevel: key!.recoveryLevel,
              recoverableDays: key!.recoverableDays,
              hsmPlatform: key!.hsmPlatform,
            },
          };
        } else observed.key = found;
      }
      const backup = await this.deps.artifacts.latestBackup(ref.containerName, ref.keyName);
      observed.backup = { ok: true, value: backup ? { present: true, keyVersion: backup.keyVersion, takenAt: backup.takenAt } : { present: false } };
      if (this.deps.probe && key && principal) {
        const probe = this.deps.probe;
        const kid = key.id;
        observed.wrapProbe = await observe(() => probe.probe(kid, servicePrincipalFor(ref.workload).appId));
      }
      readinessKeys.push({ ref, principalObjectId, observed });
    }
    const lines = evaluateReadiness({ keys: readinessKeys, now: this.deps.clock.now() });
    return {
      checkedAt: this.deps.clock.now().toISOString(),
      keys: target.keys,
      lines,
      ready: summarizeChecklist(lines).ready,
      probed: this.deps.probe !== undefined,
      errors,
    };
  }
}

type ResultWithKeys = ReadinessResult & { keys: readonly KeyRef[] };

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw Object.assign(new Error(`${what} does not exist`), { statusCode: 404 });
  return value;
}

function vaultObservation(ref: KeyRef, vault: VaultInfo): ObservedContainer {
  return {
    kind: 'vault',
    subscriptionId: ref.subscriptionId,
    region: vault.location || ref.region,
    sku: vault.sku,
    softDeleteEnabled: vault.softDeleteEnabled,
    softDeleteRetentionDays: vault.softDeleteRetentionDays,
    purgeProtectionEnabled: vault.purgeProtectionEnabled,
    enableRbacAuthorization: vault.rbacAuthorization,
  };
}

function hsmObservation(ref: KeyRef, hsm: ManagedHsmInfo): ObservedContainer {
  return {
    kind: 'managedHsm',
    subscriptionId: ref.subscriptionId,
    region: hsm.location || ref.region,
    softDeleteRetentionDays: hsm.softDeleteRetentionDays,
    purgeProtectionEnabled: hsm.purgeProtectionEnabled,
    activationStatus: hsm.activationStatus,
  };
}

function roleView(assignment: RoleAssignmentInfo) {
  return { principalId: assignment.principalId, roleDefinitionId: assignment.roleDefinitionId, scope: assignment.scope };
}

function policyView(policy: { objectId: string; keys: string[] }) {
  return { objectId: policy.objectId, keyPermissions: policy.keys };
}
