/**
 * Readiness: pure evaluation of observed key, vault/HSM and permission properties against the
 * Customer Key rules (facts §0, §1.5, §1.8–§1.10), as checklist lines with a fix on each red one.
 * Used as the setup plan's last step, by the `verify` command and by the scheduled drift check.
 */
import { notObservedLine, unknownLine, type ChecklistLine, type Observed } from './checklist';
import { CUSTOMER_KEY_LIMITS, CUSTOMIZED_RECOVERY_LEVEL, DOC_LINKS, REQUIRED_RECOVERY_LEVEL, type CommandSnippet } from './facts';
import { containerResourceId, type KeyRef } from './keyRefs';
import { parseKeyIdentifier } from './keyUris';
import { findRegion, regionRelation, sameRegionAdvice } from './regions';
import { CUSTOMER_KEY_KEY_OPS, M365_KEY_PERMISSIONS, ROLES } from './roles';
import { servicePrincipalFor, WORKLOAD_INFO, WORKLOADS } from './workloads';

/** A key as the data plane returns it (`GET /keys/{name}`). */
export interface ObservedKey {
  /** Full identifier including the current version. */
  readonly kid: string;
  /** `RSA`, `RSA-HSM`, `EC`, … */
  readonly kty: string;
  readonly keyOps: readonly string[];
  readonly enabled: boolean;
  /** Expiry: epoch seconds (wire), ISO text, or null/absent for none. */
  readonly expires?: number | string | null;
  readonly recoveryLevel?: string;
  readonly recoverableDays?: number;
  /** Premium key versions: `2` FIPS 140-3 L3, `1` FIPS 140-2 L2 platform, `0` software. */
  readonly hsmPlatform?: string;
}

export type ObservedContainer =
  | {
      readonly kind: 'vault';
      readonly subscriptionId: string;
      readonly region: string;
      /** `premium` or `standard`. */
      readonly sku: string;
      readonly softDeleteEnabled: boolean;
      readonly softDeleteRetentionDays: number;
      readonly purgeProtectionEnabled: boolean;
      readonly enableRbacAuthorization: boolean;
    }
  | {
      readonly kind: 'managedHsm';
      readonly subscriptionId: string;
      readonly region: string;
      readonly softDeleteRetentionDays: number;
      readonly purgeProtectionEnabled: boolean;
      /** `Active | NotActivated | Unknown | Failed`. */
      readonly activationStatus?: string;
    };

/** Who can reach the key: vault access policies and/or role assignments covering it. */
export interface ObservedAccess {
  readonly accessPolicies?: ReadonlyArray<{ readonly objectId: string; readonly keyPermissions: readonly string[] }>;
  /** Azure RBAC (vault) or local RBAC (HSM) assignments; role ids may be full resource ids. */
  readonly roleAssignments?: ReadonlyArray<{ readonly principalId: string; readonly roleDefinitionId: string; readonly scope: string }>;
}

/** Keyward's backup record for the key. */
export interface ObservedBackup {
  readonly present: boolean;
  /** Version current when the backup was taken. */
  readonly keyVersion?: string;
  readonly takenAt?: string;
}

export interface KeyReadinessObservation {
  readonly key?: Observed<ObservedKey>;
  readonly container?: Observed<ObservedContainer>;
  readonly access?: Observed<ObservedAccess>;
  readonly backup?: Observed<ObservedBackup>;
  /** Emulator only: a real wrap/unwrap as the service principal. */
  readonly wrapProbe?: Observed<{ readonly wrapped: boolean; readonly unwrapped: boolean }>;
}

export interface ReadinessKey {
  readonly ref: KeyRef;
  /** Object id of the workload's Microsoft 365 service principal in this tenant. */
  readonly principalObjectId: string;
  readonly observed: KeyReadinessObservation;
}

export interface ReadinessInput {
  readonly keys: readonly ReadinessKey[];
  /** Now, for "already expired". */
  readonly now: Date;
}

const cli = (script: string, note?: string): CommandSnippet => (note ? { shell: 'azureCli', script, documentedForCustomerKey: false, note } : { shell: 'azureCli', script, documentedForCustomerKey: false });

function target(ref: KeyRef): string {
  return ref.containerKind === 'vault' ? `--vault-name ${ref.containerName}` : `--hsm-name ${ref.containerName}`;
}

function label(ref: KeyRef): string {
  return `Key ${ref.site} of ${WORKLOAD_INFO[ref.workload].displayName} (${ref.keyName} in ${ref.containerKind === 'vault' ? 'vault' : 'HSM'} ${ref.containerName})`;
}

/** Expiry as epoch milliseconds, or null for none. */
export function expiryMillis(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return value * 1000;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? NaN : ms;
}

/** True for any instant on 9999-12-31 (UTC): the one expiry Microsoft 365 validation accepts. */
export function isAcceptedExpiry(ms: number): boolean {
  return new Date(ms).toISOString().startsWith(CUSTOMER_KEY_LIMITS.acceptedExpiryDate);
}

function roleIdMatches(assigned: string, wanted: string): boolean {
  return assigned.toLowerCase().endsWith(wanted.toLowerCase());
}

function keyLines(k: ReadinessKey, now: Date): ChecklistLine[] {
  const { ref, observed } = k;
  const p = `key:${ref.site}:${ref.workload}`;
  const name = label(ref);
  const lines: ChecklistLine[] = [];
  const keyObs = observed.key;
  if (!keyObs) return [notObservedLine(`${p}:exists`, `${name} exists`)];
  if (!keyObs.ok) {
    if (keyObs.error.code === 'KeyNotFound' || keyObs.error.code === 'NotFound') {
      return [
        {
          id: `${p}:exists`,
          status: 'fail',
          title: `${name} exists`,
          detail: `The key was not found at ${ref.versionlessUri}.`,
          fix: { text: 'Run the setup plan (or restore the key from its backup) so the key exists again.' },
        },
      ];
    }
    return [unknownLine(`${p}:exists`, `${name} exists`, keyObs.error)];
  }
  const key = keyObs.value;
  const current = parseKeyIdentifier(key.kid);
  const version = current.ok ? current.key.version : undefined;

  // Key type
  const kty = key.kty.toUpperCase();
  if (kty === 'RSA-HSM') lines.push({ id: `${p}:kty`, status: 'pass', title: `${name} is an HSM-protected RSA key`, detail: 'kty RSA-HSM.' });
  else if (kty === 'RSA')
    lines.push({
      id: `${p}:kty`,
      status: ref.containerKind === 'vault' ? 'warn' : 'pass',
      title: `${name} is an HSM-protected RSA key`,
      detail:
        ref.containerKind === 'vault'
          ? 'kty RSA: a software-protected key. Customer Key accepts it, but Microsoft asks for HSM-protected keys in production.'
          : 'kty RSA (keys in a Managed HSM are always HSM-protected).',
      ...(ref.containerKind === 'vault' ? { fix: { text: 'Roll the key to a new RSA-HSM version (a Keyward key roll creates RSA-HSM).' } } : {}),
    });
  else
    lines.push({
      id: `${p}:kty`,
      status: 'fail',
      title: `${name} is an HSM-protected RSA key`,
      detail: `kty ${key.kty}: Customer Key needs RSA keys (other key types cannot wrap and unwrap for it).`,
      fix: { text: 'Create a new RSA-HSM key and move the policy to it; this key cannot be converted.' },
    });

  if (ref.containerKind === 'vault' && key.hsmPlatform !== undefined) {
    const platform = key.hsmPlatform;
    lines.push(
      platform === '2'
        ? { id: `${p}:fips`, status: 'pass', title: `${name} is on FIPS 140-3 Level 3 hardware`, detail: 'hsmPlatform 2.' }
        : {
            id: `${p}:fips`,
            status: 'warn',
            title: `${name} is on FIPS 140-3 Level 3 hardware`,
            detail:
              platform === '1'
                ? 'hsmPlatform 1: the older FIPS 140-2 Level 2 platform.'
                : `hsmPlatform ${platform}: ${platform === '0' ? 'a software-protected key (FIPS 140-2 Level 1).' : 'not a platform Keyward knows.'}`,
            fix: { text: 'Roll the key: new versions land on hsmPlatform 2 (FIPS 140-3 Level 3).', links: [DOC_LINKS.keyVaultAboutKeys] },
          },
    );
  }

  // Operations
  const ops = key.keyOps.map((o) => o.toLowerCase());
  const missingOps = CUSTOMER_KEY_KEY_OPS.filter((o) => !ops.includes(o.toLowerCase()));
  const extraOps = key.keyOps.filter((o) => !CUSTOMER_KEY_KEY_OPS.some((c) => c.toLowerCase() === o.toLowerCase()));
  if (missingOps.length > 0)
    lines.push({
      id: `${p}:ops`,
      status: 'fail',
      title: `${name} allows wrapKey and unwrapKey`,
      detail: `Missing operations: ${missingOps.join(', ')}. Microsoft 365 wraps and unwraps with the key.`,
      fix: { text: 'Allow wrapKey and unwrapKey on the key.', commands: [cli(`az keyvault key set-attributes ${target(ref)} --name ${ref.keyName} --ops wrapKey unwrapKey`)] },
    });
  else if (extraOps.length > 0)
    lines.push({
      id: `${p}:ops`,
      status: 'warn',
      title: `${name} allows wrapKey and unwrapKey`,
      detail: `It also allows ${extraOps.join(', ')}, which Customer Key does not need.`,
      fix: { text: 'Restrict the key to wrapKey and unwrapKey.', commands: [cli(`az keyvault key set-attributes ${target(ref)} --name ${ref.keyName} --ops wrapKey unwrapKey`)] },
    });
  else lines.push({ id: `${p}:ops`, status: 'pass', title: `${name} allows wrapKey and unwrapKey`, detail: 'Operations: wrapKey, unwrapKey.' });

  // Enabled
  lines.push(
    key.enabled
      ? { id: `${p}:enabled`, status: 'pass', title: `${name} is enabled`, detail: 'Enabled.' }
      : {
          id: `${p}:enabled`,
          status: 'fail',
          title: `${name} is enabled`,
          detail: 'The current version is disabled: Microsoft 365 cannot use it, and requests for data under this key fail.',
          fix: { text: 'Enable it again now.', commands: [cli(`az keyvault key set-attributes ${target(ref)} --name ${ref.keyName} --enabled true`)] },
        },
  );

  // Expiry
  const expires = expiryMillis(key.expires);
  const expiryFix = {
    text: `Set the expiry to ${CUSTOMER_KEY_LIMITS.acceptedExpiryDate}, the only date Microsoft 365 validation accepts (Customer Key keys must not expire).`,
    commands: [
      cli(
        `az keyvault key set-attributes ${target(ref)} --name ${ref.keyName} --expires ${CUSTOMER_KEY_LIMITS.acceptedExpiryDate}T00:00:00Z`,
        'Azure CLI on Windows and some Az PowerShell versions fail on year-9999 dates; run this in Azure Cloud Shell if it errors.',
      ),
    ],
  };
  if (expires === null) lines.push({ id: `${p}:expiry`, status: 'pass', title: `${name} has no expiry date`, detail: 'No expiry date.' });
  else if (Number.isNaN(expires))
    lines.push({ id: `${p}:expiry`, status: 'unknown', title: `${name} has no expiry date`, detail: `The expiry '${String(key.expires)}' could not be read.`, fix: expiryFix });
  else if (isAcceptedExpiry(expires))
    lines.push({ id: `${p}:expiry`, status: 'pass', title: `${name} has no expiry date`, detail: `Expiry ${CUSTOMER_KEY_LIMITS.acceptedExpiryDate}, which Microsoft 365 accepts.` });
  else
    lines.push({
      id: `${p}:expiry`,
      status: 'fail',
      title: `${name} has no expiry date`,
      detail:
        expires <= now.getTime()
          ? `The key EXPIRED on ${new Date(expires).toISOString()}: Microsoft 365 cannot use an expired key, which risks an outage.`
          : `The key expires on ${new Date(expires).toISOString()}; Microsoft 365 validation rejects any expiry other than ${CUSTOMER_KEY_LIMITS.acceptedExpiryDate}, and an expired key stops the service.`,
      fix: expiryFix,
    });

  // Recovery level
  const level = key.recoveryLevel;
  if (level === undefined) lines.push({ id: `${p}:recoveryLevel`, status: 'unknown', title: `${name} is protected from deletion`, detail: 'The key did not report a recovery level.' });
  else if (level === REQUIRED_RECOVERY_LEVEL)
    lines.push({ id: `${p}:recoveryLevel`, status: 'pass', title: `${name} is protected from deletion`, detail: `Recovery level ${level}.` });
  else if (level === CUSTOMIZED_RECOVERY_LEVEL)
    lines.push({
      id: `${p}:recoveryLevel`,
      status: 'warn',
      title: `${name} is protected from deletion`,
      detail: `Recovery level ${level}: retention is under 90 days. Customer Key documents ${REQUIRED_RECOVERY_LEVEL}; whether Microsoft's validation accepts this one is not confirmed. Retention cannot be changed after creation.`,
    });
  else {
    const noMrp = !level.includes('ProtectedSubscription');
    lines.push({
      id: `${p}:recoveryLevel`,
      status: 'fail',
      title: `${name} is protected from deletion`,
      detail: `Recovery level ${level}; Customer Key requires ${REQUIRED_RECOVERY_LEVEL}.${noMrp ? ' The subscription does not have the mandatory retention period.' : ''}${level.includes('Purgeable') ? ' Purge protection is off.' : ''}`,
      fix: {
        text: noMrp
          ? 'Register the mandatory retention period on the subscription (see preflight for the exact commands) and wait for Microsoft to confirm it; switch on purge protection if it is off.'
          : 'Switch on purge protection.',
        links: [DOC_LINKS.customerKeySetUp],
      },
    });
  }

  // Container
  const c = observed.container;
  if (!c) lines.push(notObservedLine(`${p}:container`, `${ref.containerKind === 'vault' ? 'Vault' : 'HSM'} ${ref.containerName} settings`));
  else if (!c.ok) lines.push(unknownLine(`${p}:container`, `${ref.containerKind === 'vault' ? 'Vault' : 'HSM'} ${ref.containerName} settings`, c.error));
  else {
    const v = c.value;
    if (v.kind === 'vault') {
      lines.push(
        v.sku.toLowerCase() === 'premium'
          ? { id: `${p}:sku`, status: 'pass', title: `Vault ${ref.containerName} is Premium`, detail: 'SKU premium.' }
          : {
              id: `${p}:sku`,
              status: 'warn',
              title: `Vault ${ref.containerName} is Premium`,
              detail: `SKU ${v.sku}: Microsoft recommends Premium with HSM-protected keys for production; Standard is for testing.`,
              fix: { text: `Upgrade the vault: az keyvault update --name ${ref.containerName} --sku premium, then roll the key to RSA-HSM.` },
            },
      );
      lines.push(
        v.softDeleteEnabled
          ? { id: `${p}:softDelete`, status: 'pass', title: `Vault ${ref.containerName} has soft delete`, detail: `Soft delete on, ${v.softDeleteRetentionDays} days.` }
          : {
              id: `${p}:softDelete`,
              status: 'fail',
              title: `Vault ${ref.containerName} has soft delete`,
              detail: 'Soft delete is off; Customer Key requires it.',
              fix: { text: 'Soft delete cannot be added to this old vault in place; create a new vault (Keyward setup) and move the key.' },
            },
      );
    } else {
      const activation = v.activationStatus?.trim() ?? '';
      lines.push(
        activation === 'Active'
          ? { id: `${p}:activated`, status: 'pass', title: `HSM ${ref.containerName} is activated`, detail: 'Security domain activated.' }
          : activation === '' || activation.toLowerCase() === 'unknown'
            ? // Never green on a value Keyward did not read (issue 11 item 3).
              unknownLine(
                `${p}:activated`,
                `HSM ${ref.containerName} is activated`,
                { message: activation === '' ? 'Azure did not report the activation status of this HSM' : 'Azure reports the activation status as Unknown (the HSM may still be provisioning)' },
                { text: 'Wait until the HSM shows provisioning state Succeeded and check again; if it reads NotActivated, complete the security-domain ceremony.', links: [DOC_LINKS.managedHsmSecurityDomain] },
              )
            : {
                id: `${p}:activated`,
                status: 'fail',
                title: `HSM ${ref.containerName} is activated`,
                detail: `Activation status ${v.activationStatus}: keys and role assignments are unusable until the security domain is downloaded.`,
                fix: { text: 'Complete the security-domain ceremony (the activateSecurityDomain step).', links: [DOC_LINKS.managedHsmSecurityDomain] },
              },
      );
    }
    lines.push(
      v.purgeProtectionEnabled
        ? { id: `${p}:purgeProtection`, status: 'pass', title: `${v.kind === 'vault' ? 'Vault' : 'HSM'} ${ref.containerName} has purge protection`, detail: 'Purge protection on.' }
        : {
            id: `${p}:purgeProtection`,
            status: 'fail',
            title: `${v.kind === 'vault' ? 'Vault' : 'HSM'} ${ref.containerName} has purge protection`,
            detail: 'Purge protection is off, so a deleted key could be purged before its retention period ends.',
            fix: {
              text: 'Switch purge protection on (it cannot be switched off again).',
              commands: [
                cli(v.kind === 'vault' ? `az keyvault update --name ${ref.containerName} --enable-purge-protection true` : `az keyvault update-hsm --hsm-name ${ref.containerName} --enable-purge-protection true`),
              ],
            },
          },
    );
  }

  // Permission for the workload's service principal
  lines.push(accessLine(k, c?.ok ? c.value : undefined));

  // Backup
  const b = observed.backup;
  const backupTitle = `${name} is backed up`;
  const backupFix = {
    text: 'Back the key up now and keep an offline copy (only a backup taken from Key Vault can be restored for Customer Key).',
    commands: [cli(`az keyvault key backup ${target(ref)} --name ${ref.keyName} --file ${ref.keyName}.backup`)],
  };
  if (!b) lines.push(notObservedLine(`${p}:backup`, backupTitle));
  else if (!b.ok) lines.push(unknownLine(`${p}:backup`, backupTitle, b.error));
  else if (!b.value.present) lines.push({ id: `${p}:backup`, status: 'fail', title: backupTitle, detail: 'Keyward has no backup of this key.', fix: backupFix });
  else if (version && b.value.keyVersion && b.value.keyVersion.toLowerCase() !== version)
    lines.push({
      id: `${p}:backup`,
      status: 'warn',
      title: backupTitle,
      detail: `The latest backup${b.value.takenAt ? ` (${b.value.takenAt})` : ''} predates the current version ${version}.`,
      fix: backupFix,
    });
  else lines.push({ id: `${p}:backup`, status: 'pass', title: backupTitle, detail: `Backed up${b.value.takenAt ? ` ${b.value.takenAt}` : ''}.` });

  // Optional live probe (emulator)
  const probe = observed.wrapProbe;
  if (probe) {
    const probeTitle = `${servicePrincipalFor(ref.workload).displayName} can wrap and unwrap with ${ref.keyName}`;
    if (!probe.ok) lines.push(unknownLine(`${p}:probe`, probeTitle, probe.error));
    else
      lines.push(
        probe.value.wrapped && probe.value.unwrapped
          ? { id: `${p}:probe`, status: 'pass', title: probeTitle, detail: 'A real wrap and unwrap as the service principal succeeded.' }
          : {
              id: `${p}:probe`,
              status: 'fail',
              title: probeTitle,
              detail: `The ${probe.value.wrapped ? 'unwrap' : 'wrap'} as the service principal failed.`,
              fix: { text: 'Check the permission line above and the key operations.' },
            },
      );
  }
  return lines;
}

function accessLine(k: ReadinessKey, container: ObservedContainer | undefined): ChecklistLine {
  const { ref } = k;
  const sp = servicePrincipalFor(ref.workload);
  const id = `key:${ref.site}:${ref.workload}:access`;
  const title = `${sp.displayName} can use ${ref.keyName}`;
  const obs = k.observed.access;
  if (!obs) return notObservedLine(id, title);
  if (!obs.ok) return unknownLine(id, title, obs.error);
  const principal = k.principalObjectId.toLowerCase();
  const a = obs.value;
  const rbacVault = container?.kind === 'vault' ? container.enableRbacAuthorization : undefined;
  const roleId = ref.containerKind === 'vault' ? ROLES.keyVaultCryptoServiceEncryptionUser : ROLES.managedHsmCryptoServiceEncryptionUser;
  const vaultId = containerResourceId(ref).toLowerCase();

  const roleHit = (a.roleAssignments ?? []).find((r) => {
    if (r.principalId.toLowerCase() !== principal || !roleIdMatches(r.roleDefinitionId, roleId.id)) return false;
    const scope = r.scope.toLowerCase().replace(/\/$/, '');
    if (ref.containerKind === 'managedHsm') return scope === '' || scope === '/' || scope === '/keys' || scope === `/keys/${ref.keyName.toLowerCase()}`;
    // Subscription, resource group or vault scope covers the key; so does the key's own scope.
    return scope !== '' && (vaultId === scope || vaultId.startsWith(`${scope}/`) || scope === `${vaultId}/keys/${ref.keyName.toLowerCase()}`);
  });
  const policy = (a.accessPolicies ?? []).find((p) => p.objectId.toLowerCase() === principal);
  const policyPerms = (policy?.keyPermissions ?? []).map((x) => x.toLowerCase());
  const policyOk = M365_KEY_PERMISSIONS.every((perm) => policyPerms.includes(perm.toLowerCase()) || policyPerms.includes('all'));
  const extra = policy ? policy.keyPermissions.filter((x) => !M365_KEY_PERMISSIONS.some((m) => m.toLowerCase() === x.toLowerCase())) : [];

  const useRbac = ref.containerKind === 'managedHsm' || rbacVault === true;
  const useAccessPolicy = ref.containerKind === 'vault' && rbacVault !== true;
  if (useRbac && roleHit) {
    const broad = ref.containerKind === 'managedHsm' && !roleHit.scope.toLowerCase().startsWith('/keys/');
    return broad
      ? {
          id,
          status: 'warn',
          title,
          detail: `${roleId.name} is assigned at ${roleHit.scope || '/'}, which covers every key in the HSM, not only ${ref.keyName}.`,
          fix: { text: `Assign the role at scope /keys/${ref.keyName} instead and remove the broad assignment.` },
        }
      : { id, status: 'pass', title, detail: `${roleId.name} assigned at ${roleHit.scope}.` };
  }
  if (useAccessPolicy && policy && policyOk) {
    return extra.length > 0
      ? {
          id,
          status: 'warn',
          title,
          detail: `The access policy also grants ${extra.join(', ')}; the service principal needs only get, wrapKey and unwrapKey.`,
          fix: {
            text: 'Reduce the access policy to get, wrapKey and unwrapKey.',
            commands: [cli(`az keyvault set-policy --name ${ref.containerName} --object-id ${principal} --key-permissions get wrapKey unwrapKey`)],
          },
        }
      : { id, status: 'pass', title, detail: 'Access policy grants get, wrapKey and unwrapKey.' };
  }
  const commands: CommandSnippet[] =
    ref.containerKind === 'managedHsm'
      ? [cli(`az keyvault role assignment create --hsm-name ${ref.containerName} --role "${roleId.name}" --assignee-object-id ${principal} --scope /keys/${ref.keyName}`)]
      : useRbac
        ? [cli(`az role assignment create --role ${roleId.id} --assignee-object-id ${principal} --assignee-principal-type ServicePrincipal --scope ${containerResourceId(ref)}`, roleId.name)]
        : [cli(`az keyvault set-policy --name ${ref.containerName} --object-id ${principal} --key-permissions get wrapKey unwrapKey`)];
  const mismatch =
    useRbac && policy ? ' An access policy exists, but this vault uses Azure RBAC, which ignores access policies.' : !useRbac && roleHit ? ' A role assignment exists, but this vault uses access policies.' : '';
  return {
    id,
    status: 'fail',
    title,
    detail: `${sp.displayName} (object id ${principal}) has no ${useRbac ? `${roleId.name} role` : 'get/wrapKey/unwrapKey access policy'} on ${ref.keyName}.${mismatch}`,
    fix: { text: `Grant it${useRbac ? ` ${roleId.name}` : ' get, wrapKey and unwrapKey'} (use the object id, not the app id ${sp.appId}).`, commands },
  };
}

function pairLines(keys: readonly ReadinessKey[]): ChecklistLine[] {
  const lines: ChecklistLine[] = [];
  for (const workload of WORKLOADS) {
    const a = keys.find((k) => k.ref.workload === workload && k.ref.site === 'A');
    const b = keys.find((k) => k.ref.workload === workload && k.ref.site === 'B');
    if (!a || !b) continue;
    const where = (k: ReadinessKey) => {
      const c = k.observed.container;
      return c?.ok ? { subscriptionId: c.value.subscriptionId, region: c.value.region } : { subscriptionId: k.ref.subscriptionId, region: k.ref.region };
    };
    const wa = where(a);
    const wb = where(b);
    const label = WORKLOAD_INFO[workload].displayName;
    lines.push(
      wa.subscriptionId.toLowerCase() !== wb.subscriptionId.toLowerCase()
        ? { id: `pair:${workload}:subscriptions`, status: 'pass', title: `${label}: keys in two subscriptions`, detail: `${wa.subscriptionId} and ${wb.subscriptionId}.` }
        : {
            id: `pair:${workload}:subscriptions`,
            status: 'fail',
            title: `${label}: keys in two subscriptions`,
            detail: `Both keys are in subscription ${wa.subscriptionId}; Customer Key requires two subscriptions.`,
            fix: { text: 'Create key B in a second subscription (a new Keyward setup for that site) and move the policy to it.' },
          },
    );
    const relation = regionRelation(wa.region, wb.region);
    const ra = findRegion(wa.region)?.displayName ?? wa.region;
    const rb = findRegion(wb.region)?.displayName ?? wb.region;
    lines.push(
      relation === 'same'
        ? {
            id: `pair:${workload}:regions`,
            status: 'warn',
            title: `${label}: keys in two regions`,
            detail: sameRegionAdvice(ra),
          }
        : relation === 'paired'
          ? {
              id: `pair:${workload}:regions`,
              status: 'warn',
              title: `${label}: keys in two regions`,
              detail: `${ra} and ${rb} are an Azure region pair; Microsoft prefers non-paired regions.`,
            }
          : { id: `pair:${workload}:regions`, status: relation === 'unknown' ? 'warn' : 'pass', title: `${label}: keys in two regions`, detail: `${ra} and ${rb}${relation === 'unknown' ? ' (not in Keyward\'s region list; pairing unknown)' : ''}.` },
    );
  }
  return lines;
}

/** Evaluates every key, then the per-workload pair rules (two subscriptions, two regions). */
export function evaluateReadiness(input: ReadinessInput): ChecklistLine[] {
  return [...input.keys.flatMap((k) => keyLines(k, input.now)), ...pairLines(input.keys)];
}
