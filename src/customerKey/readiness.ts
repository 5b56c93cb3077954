/**
 * Readiness: pure evaluation of observed key, vault/HSM and permission properties against the
 * Customer Key rules (facts §0, §1.5, §1.8–§1.10), as checklist lines with a fix on each red one.
 * Used as the setup plan's last step, by the `verify` command and by the scheduled drift check.
 */
import { englishDate, say, sentences, type Message } from '../core';
import { notObservedLine, unknownLine, type ChecklistLine, type Observed } from './checklist';
import { CUSTOMER_KEY_LIMITS, CUSTOMIZED_RECOVERY_LEVEL, DOC_LINKS, REQUIRED_RECOVERY_LEVEL, type CommandSnippet } from './facts';
import { containerResourceId, type KeyRef } from './keyRefs';
import { parseKeyIdentifier } from './keyUris';
import { findRegion, regionRelation, sameRegionAdvice } from './regions';
import { CUSTOMER_KEY_KEY_OPS, M365_KEY_PERMISSIONS, ROLES } from './roles';
import { servicePrincipalFor, workloadName, WORKLOADS } from './workloads';

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

const cli = (script: string, note?: string): CommandSnippet =>
  note ? { shell: 'azureCli', script, documentedForCustomerKey: false, note } : { shell: 'azureCli', script, documentedForCustomerKey: false };

function target(ref: KeyRef): string {
  return ref.containerKind === 'vault' ? `--vault-name ${ref.containerName}` : `--hsm-name ${ref.containerName}`;
}

/** "Key A of Exchange mailboxes (ck-ex-key-a in vault kv-…)": who the lines are about. */
function label(ref: KeyRef): Message {
  const workload = workloadName(ref.workload);
  return say('readiness.keyLabel', `Key ${ref.site} of ${workload.text} (${ref.keyName} in ${ref.containerKind === 'vault' ? 'vault' : 'HSM'} ${ref.containerName})`, {
    site: ref.site,
    workload,
    key: ref.keyName,
    kind: ref.containerKind,
    container: ref.containerName,
  });
}

/** "Vault kv-… settings" / "HSM hsm-… settings" and the like: a container and what is said of it. */
function containerTitle(ref: KeyRef, what: 'settings' | 'premium' | 'softDelete' | 'activated' | 'purgeProtection'): Message {
  const kind = ref.containerKind;
  const name = ref.containerName;
  const noun = kind === 'vault' ? 'Vault' : 'HSM';
  switch (what) {
    case 'settings':
      return say('readiness.container.settings', `${noun} ${name} settings`, { kind, name });
    case 'premium':
      return say('readiness.container.premium', `Vault ${name} is Premium`, { name });
    case 'softDelete':
      return say('readiness.container.softDelete', `Vault ${name} has soft delete`, { name });
    case 'activated':
      return say('readiness.container.activated', `HSM ${name} is activated`, { name });
    case 'purgeProtection':
      return say('readiness.container.purgeProtection', `${noun} ${name} has purge protection`, { kind, name });
  }
}

/** What a line says about the key: "<label> exists", "<label> is enabled", … */
function keyTitle(name: Message, what: 'exists' | 'kty' | 'fips' | 'ops' | 'enabled' | 'expiry' | 'recoveryLevel' | 'backup'): Message {
  switch (what) {
    case 'exists':
      return say('readiness.title.exists', `${name.text} exists`, { key: name });
    case 'kty':
      return say('readiness.title.kty', `${name.text} is an HSM-protected RSA key`, { key: name });
    case 'fips':
      return say('readiness.title.fips', `${name.text} is on FIPS 140-3 Level 3 hardware`, { key: name });
    case 'ops':
      return say('readiness.title.ops', `${name.text} allows wrapKey and unwrapKey`, { key: name });
    case 'enabled':
      return say('readiness.title.enabled', `${name.text} is enabled`, { key: name });
    case 'expiry':
      return say('readiness.title.expiry', `${name.text} has no expiry date`, { key: name });
    case 'recoveryLevel':
      return say('readiness.title.recoveryLevel', `${name.text} is protected from deletion`, { key: name });
    case 'backup':
      return say('readiness.title.backup', `${name.text} is backed up`, { key: name });
  }
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
  if (!keyObs) return [notObservedLine(`${p}:exists`, keyTitle(name, 'exists'))];
  if (!keyObs.ok) {
    if (keyObs.error.code === 'KeyNotFound' || keyObs.error.code === 'NotFound') {
      return [
        {
          id: `${p}:exists`,
          status: 'fail',
          title: keyTitle(name, 'exists'),
          detail: say('readiness.key.notFound', `The key was not found at ${ref.versionlessUri}.`, { uri: ref.versionlessUri }),
          fix: { text: say('readiness.key.fixNotFound', 'Run the setup plan (or restore the key from its backup) so the key exists again.') },
        },
      ];
    }
    return [unknownLine(`${p}:exists`, keyTitle(name, 'exists'), keyObs.error)];
  }
  const key = keyObs.value;
  const current = parseKeyIdentifier(key.kid);
  const version = current.ok ? current.key.version : undefined;

  // Key type
  const kty = key.kty.toUpperCase();
  const ktyTitle = keyTitle(name, 'kty');
  if (kty === 'RSA-HSM') lines.push({ id: `${p}:kty`, status: 'pass', title: ktyTitle, detail: say('readiness.kty.hsm', 'kty RSA-HSM.', { kty: 'RSA-HSM' }) });
  else if (kty === 'RSA')
    lines.push(
      ref.containerKind === 'vault'
        ? {
            id: `${p}:kty`,
            status: 'warn',
            title: ktyTitle,
            detail: say('readiness.kty.software', 'kty RSA: a software-protected key. Customer Key accepts it, but Microsoft asks for HSM-protected keys in production.', {
              kty: 'RSA',
            }),
            fix: { text: say('readiness.kty.fixSoftware', 'Roll the key to a new RSA-HSM version (a Keyward key roll creates RSA-HSM).', { kty: 'RSA-HSM' }) },
          }
        : { id: `${p}:kty`, status: 'pass', title: ktyTitle, detail: say('readiness.kty.rsaInHsm', 'kty RSA (keys in a Managed HSM are always HSM-protected).', { kty: 'RSA' }) },
    );
  else
    lines.push({
      id: `${p}:kty`,
      status: 'fail',
      title: ktyTitle,
      detail: say('readiness.kty.wrong', `kty ${key.kty}: Customer Key needs RSA keys (other key types cannot wrap and unwrap for it).`, { kty: key.kty }),
      fix: { text: say('readiness.kty.fixWrong', 'Create a new RSA-HSM key and move the policy to it; this key cannot be converted.', { kty: 'RSA-HSM' }) },
    });

  if (ref.containerKind === 'vault' && key.hsmPlatform !== undefined) {
    const platform = key.hsmPlatform;
    const fipsTitle = keyTitle(name, 'fips');
    lines.push(
      platform === '2'
        ? { id: `${p}:fips`, status: 'pass', title: fipsTitle, detail: say('readiness.fips.ok', 'hsmPlatform 2.', { platform }) }
        : {
            id: `${p}:fips`,
            status: 'warn',
            title: fipsTitle,
            detail:
              platform === '1'
                ? say('readiness.fips.older', 'hsmPlatform 1: the older FIPS 140-2 Level 2 platform.', { platform })
                : platform === '0'
                  ? say('readiness.fips.software', 'hsmPlatform 0: a software-protected key (FIPS 140-2 Level 1).', { platform })
                  : say('readiness.fips.unknown', `hsmPlatform ${platform}: not a platform Keyward knows.`, { platform }),
            fix: { text: say('readiness.fips.fix', 'Roll the key: new versions land on hsmPlatform 2 (FIPS 140-3 Level 3).'), links: [DOC_LINKS.keyVaultAboutKeys] },
          },
    );
  }

  // Operations
  const ops = key.keyOps.map((o) => o.toLowerCase());
  const missingOps = CUSTOMER_KEY_KEY_OPS.filter((o) => !ops.includes(o.toLowerCase()));
  const extraOps = key.keyOps.filter((o) => !CUSTOMER_KEY_KEY_OPS.some((c) => c.toLowerCase() === o.toLowerCase()));
  const opsTitle = keyTitle(name, 'ops');
  if (missingOps.length > 0)
    lines.push({
      id: `${p}:ops`,
      status: 'fail',
      title: opsTitle,
      detail: say('readiness.ops.missing', `Missing operations: ${missingOps.join(', ')}. Microsoft 365 wraps and unwraps with the key.`, { operations: missingOps.join(', ') }),
      fix: {
        text: say('readiness.ops.fixMissing', 'Allow wrapKey and unwrapKey on the key.'),
        commands: [cli(`az keyvault key set-attributes ${target(ref)} --name ${ref.keyName} --ops wrapKey unwrapKey`)],
      },
    });
  else if (extraOps.length > 0)
    lines.push({
      id: `${p}:ops`,
      status: 'warn',
      title: opsTitle,
      detail: say('readiness.ops.extra', `It also allows ${extraOps.join(', ')}, which Customer Key does not need.`, { operations: extraOps.join(', ') }),
      fix: {
        text: say('readiness.ops.fixExtra', 'Restrict the key to wrapKey and unwrapKey.'),
        commands: [cli(`az keyvault key set-attributes ${target(ref)} --name ${ref.keyName} --ops wrapKey unwrapKey`)],
      },
    });
  else lines.push({ id: `${p}:ops`, status: 'pass', title: opsTitle, detail: say('readiness.ops.ok', 'Operations: wrapKey, unwrapKey.', { operations: 'wrapKey, unwrapKey' }) });

  // Enabled
  const enabledTitle = keyTitle(name, 'enabled');
  lines.push(
    key.enabled
      ? { id: `${p}:enabled`, status: 'pass', title: enabledTitle, detail: say('readiness.enabled.ok', 'Enabled.') }
      : {
          id: `${p}:enabled`,
          status: 'fail',
          title: enabledTitle,
          detail: say('readiness.enabled.disabled', 'The current version is disabled: Microsoft 365 cannot use it, and requests for data under this key fail.'),
          fix: {
            text: say('readiness.enabled.fix', 'Enable it again now.'),
            commands: [cli(`az keyvault key set-attributes ${target(ref)} --name ${ref.keyName} --enabled true`)],
          },
        },
  );

  // Expiry
  const accepted = CUSTOMER_KEY_LIMITS.acceptedExpiryDate;
  const expires = expiryMillis(key.expires);
  const expiryTitle = keyTitle(name, 'expiry');
  const expiryFix = {
    text: say('readiness.expiry.fix', `Set the expiry to ${accepted}, the only date Microsoft 365 validation accepts (Customer Key keys must not expire).`, { date: accepted }),
    commands: [
      cli(
        `az keyvault key set-attributes ${target(ref)} --name ${ref.keyName} --expires ${accepted}T00:00:00Z`,
        'Azure CLI on Windows and some Az PowerShell versions fail on year-9999 dates; run this in Azure Cloud Shell if it errors.',
      ),
    ],
  };
  if (expires === null) lines.push({ id: `${p}:expiry`, status: 'pass', title: expiryTitle, detail: say('readiness.expiry.none', 'No expiry date.') });
  else if (Number.isNaN(expires))
    lines.push({
      id: `${p}:expiry`,
      status: 'unknown',
      title: expiryTitle,
      detail: say('readiness.expiry.unreadable', `The expiry '${String(key.expires)}' could not be read.`, { value: String(key.expires) }),
      fix: expiryFix,
    });
  else if (isAcceptedExpiry(expires))
    lines.push({
      id: `${p}:expiry`,
      status: 'pass',
      title: expiryTitle,
      detail: say('readiness.expiry.accepted', `Expiry ${accepted}, which Microsoft 365 accepts.`, { date: accepted }),
    });
  else {
    const at = new Date(expires).toISOString();
    lines.push({
      id: `${p}:expiry`,
      status: 'fail',
      title: expiryTitle,
      detail:
        expires <= now.getTime()
          ? say('readiness.expiry.expired', `The key EXPIRED on ${englishDate(at)}: Microsoft 365 cannot use an expired key, which risks an outage.`, { at: { date: at } })
          : say(
              'readiness.expiry.set',
              `The key expires on ${englishDate(at)}; Microsoft 365 validation rejects any expiry other than ${accepted}, and an expired key stops the service.`,
              { at: { date: at }, accepted },
            ),
      fix: expiryFix,
    });
  }

  // Recovery level
  const level = key.recoveryLevel;
  const levelTitle = keyTitle(name, 'recoveryLevel');
  if (level === undefined)
    lines.push({ id: `${p}:recoveryLevel`, status: 'unknown', title: levelTitle, detail: say('readiness.recovery.unreported', 'The key did not report a recovery level.') });
  else if (level === REQUIRED_RECOVERY_LEVEL)
    lines.push({ id: `${p}:recoveryLevel`, status: 'pass', title: levelTitle, detail: say('readiness.recovery.ok', `Recovery level ${level}.`, { level }) });
  else if (level === CUSTOMIZED_RECOVERY_LEVEL)
    lines.push({
      id: `${p}:recoveryLevel`,
      status: 'warn',
      title: levelTitle,
      detail: say(
        'readiness.recovery.customized',
        `Recovery level ${level}: retention is under 90 days. Customer Key documents ${REQUIRED_RECOVERY_LEVEL}; whether Microsoft's validation accepts this one is not confirmed. Retention cannot be changed after creation.`,
        { level, required: REQUIRED_RECOVERY_LEVEL },
      ),
    });
  else {
    const noMrp = !level.includes('ProtectedSubscription');
    const parts: Message[] = [
      say('readiness.recovery.wrong', `Recovery level ${level}; Customer Key requires ${REQUIRED_RECOVERY_LEVEL}.`, { level, required: REQUIRED_RECOVERY_LEVEL }),
    ];
    if (noMrp) parts.push(say('readiness.recovery.noRetention', 'The subscription does not have the mandatory retention period.'));
    if (level.includes('Purgeable')) parts.push(say('readiness.recovery.purgeable', 'Purge protection is off.'));
    lines.push({
      id: `${p}:recoveryLevel`,
      status: 'fail',
      title: levelTitle,
      detail: sentences(parts[0]!, ...parts.slice(1)),
      fix: {
        text: noMrp
          ? say(
              'readiness.recovery.fixRetention',
              'Register the mandatory retention period on the subscription (see preflight for the exact commands) and wait for Microsoft to confirm it; switch on purge protection if it is off.',
            )
          : say('readiness.recovery.fixPurge', 'Switch on purge protection.'),
        links: [DOC_LINKS.customerKeySetUp],
      },
    });
  }

  // Container
  const c = observed.container;
  if (!c) lines.push(notObservedLine(`${p}:container`, containerTitle(ref, 'settings')));
  else if (!c.ok) lines.push(unknownLine(`${p}:container`, containerTitle(ref, 'settings'), c.error));
  else {
    const v = c.value;
    const container = ref.containerName;
    if (v.kind === 'vault') {
      lines.push(
        v.sku.toLowerCase() === 'premium'
          ? { id: `${p}:sku`, status: 'pass', title: containerTitle(ref, 'premium'), detail: say('readiness.sku.ok', 'SKU premium.', { sku: 'premium' }) }
          : {
              id: `${p}:sku`,
              status: 'warn',
              title: containerTitle(ref, 'premium'),
              detail: say('readiness.sku.standard', `SKU ${v.sku}: Microsoft recommends Premium with HSM-protected keys for production; Standard is for testing.`, { sku: v.sku }),
              fix: {
                text: say('readiness.sku.fix', `Upgrade the vault: az keyvault update --name ${container} --sku premium, then roll the key to RSA-HSM.`, {
                  command: `az keyvault update --name ${container} --sku premium`,
                }),
              },
            },
      );
      lines.push(
        v.softDeleteEnabled
          ? {
              id: `${p}:softDelete`,
              status: 'pass',
              title: containerTitle(ref, 'softDelete'),
              detail: say('readiness.softDelete.ok', `Soft delete on, ${v.softDeleteRetentionDays} days.`, { days: v.softDeleteRetentionDays }),
            }
          : {
              id: `${p}:softDelete`,
              status: 'fail',
              title: containerTitle(ref, 'softDelete'),
              detail: say('readiness.softDelete.off', 'Soft delete is off; Customer Key requires it.'),
              fix: { text: say('readiness.softDelete.fix', 'Soft delete cannot be added to this old vault in place; create a new vault (Keyward setup) and move the key.') },
            },
      );
    } else {
      const activation = v.activationStatus?.trim() ?? '';
      lines.push(
        activation === 'Active'
          ? { id: `${p}:activated`, status: 'pass', title: containerTitle(ref, 'activated'), detail: say('readiness.activated.ok', 'Security domain activated.') }
          : activation === '' || activation.toLowerCase() === 'unknown'
            ? // Never green on a value Keyward did not read (issue 11 item 3).
              {
                ...unknownLine(`${p}:activated`, containerTitle(ref, 'activated'), {
                  message:
                    activation === ''
                      ? 'Azure did not report the activation status of this HSM'
                      : 'Azure reports the activation status as Unknown (the HSM may still be provisioning)',
                }),
                detail:
                  activation === ''
                    ? say('readiness.activated.unreported', 'Keyward could not check this: Azure did not report the activation status of this HSM.')
                    : say('readiness.activated.unknown', 'Keyward could not check this: Azure reports the activation status as Unknown (the HSM may still be provisioning).', {
                        status: 'Unknown',
                      }),
                fix: {
                  text: say(
                    'readiness.activated.fixUnknown',
                    'Wait until the HSM shows provisioning state Succeeded and check again; if it reads NotActivated, complete the security-domain ceremony.',
                  ),
                  links: [DOC_LINKS.managedHsmSecurityDomain],
                },
              }
            : {
                id: `${p}:activated`,
                status: 'fail',
                title: containerTitle(ref, 'activated'),
                detail: say('readiness.activated.no', `Activation status ${v.activationStatus}: keys and role assignments are unusable until the security domain is downloaded.`, {
                  status: v.activationStatus ?? '',
                }),
                fix: {
                  text: say('readiness.activated.fix', 'Complete the security-domain ceremony (the activateSecurityDomain step).', { step: 'activateSecurityDomain' }),
                  links: [DOC_LINKS.managedHsmSecurityDomain],
                },
              },
      );
    }
    lines.push(
      v.purgeProtectionEnabled
        ? { id: `${p}:purgeProtection`, status: 'pass', title: containerTitle(ref, 'purgeProtection'), detail: say('readiness.purgeProtection.ok', 'Purge protection on.') }
        : {
            id: `${p}:purgeProtection`,
            status: 'fail',
            title: containerTitle(ref, 'purgeProtection'),
            detail: say('readiness.purgeProtection.off', 'Purge protection is off, so a deleted key could be purged before its retention period ends.'),
            fix: {
              text: say('readiness.purgeProtection.fix', 'Switch purge protection on (it cannot be switched off again).'),
              commands: [
                cli(
                  v.kind === 'vault'
                    ? `az keyvault update --name ${container} --enable-purge-protection true`
                    : `az keyvault update-hsm --hsm-name ${container} --enable-purge-protection true`,
                ),
              ],
            },
          },
    );
  }

  // Permission for the workload's service principal
  lines.push(accessLine(k, c?.ok ? c.value : undefined));

  // Backup
  const b = observed.backup;
  const backupTitle = keyTitle(name, 'backup');
  const backupFix = {
    text: say('readiness.backup.fix', 'Back the key up now and keep an offline copy (only a backup taken from Key Vault can be restored for Customer Key).'),
    commands: [cli(`az keyvault key backup ${target(ref)} --name ${ref.keyName} --file ${ref.keyName}.backup`)],
  };
  if (!b) lines.push(notObservedLine(`${p}:backup`, backupTitle));
  else if (!b.ok) lines.push(unknownLine(`${p}:backup`, backupTitle, b.error));
  else if (!b.value.present)
    lines.push({ id: `${p}:backup`, status: 'fail', title: backupTitle, detail: say('readiness.backup.none', 'Keyward has no backup of this key.'), fix: backupFix });
  else if (version && b.value.keyVersion && b.value.keyVersion.toLowerCase() !== version)
    lines.push({
      id: `${p}:backup`,
      status: 'warn',
      title: backupTitle,
      detail: b.value.takenAt
        ? say('readiness.backup.olderAt', `The latest backup (${b.value.takenAt}) predates the current version ${version}.`, { at: b.value.takenAt, version })
        : say('readiness.backup.older', `The latest backup predates the current version ${version}.`, { version }),
      fix: backupFix,
    });
  else
    lines.push({
      id: `${p}:backup`,
      status: 'pass',
      title: backupTitle,
      detail: b.value.takenAt ? say('readiness.backup.okAt', `Backed up ${b.value.takenAt}.`, { at: b.value.takenAt }) : say('readiness.backup.ok', 'Backed up.'),
    });

  // Optional live probe (emulator)
  const probe = observed.wrapProbe;
  if (probe) {
    const sp = servicePrincipalFor(ref.workload).displayName;
    const probeTitle = say('readiness.probe.title', `${sp} can wrap and unwrap with ${ref.keyName}`, { principal: sp, key: ref.keyName });
    if (!probe.ok) lines.push(unknownLine(`${p}:probe`, probeTitle, probe.error));
    else
      lines.push(
        probe.value.wrapped && probe.value.unwrapped
          ? { id: `${p}:probe`, status: 'pass', title: probeTitle, detail: say('readiness.probe.ok', 'A real wrap and unwrap as the service principal succeeded.') }
          : {
              id: `${p}:probe`,
              status: 'fail',
              title: probeTitle,
              detail: probe.value.wrapped
                ? say('readiness.probe.unwrapFailed', 'The unwrap as the service principal failed.')
                : say('readiness.probe.wrapFailed', 'The wrap as the service principal failed.'),
              fix: { text: say('readiness.probe.fix', 'Check the permission line above and the key operations.') },
            },
      );
  }
  return lines;
}

function accessLine(k: ReadinessKey, container: ObservedContainer | undefined): ChecklistLine {
  const { ref } = k;
  const sp = servicePrincipalFor(ref.workload);
  const id = `key:${ref.site}:${ref.workload}:access`;
  const title = say('readiness.access.title', `${sp.displayName} can use ${ref.keyName}`, { principal: sp.displayName, key: ref.keyName });
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
    const scope = roleHit.scope || '/';
    return broad
      ? {
          id,
          status: 'warn',
          title,
          detail: say('readiness.access.broad', `${roleId.name} is assigned at ${scope}, which covers every key in the HSM, not only ${ref.keyName}.`, {
            role: roleId.name,
            scope,
            key: ref.keyName,
          }),
          fix: {
            text: say('readiness.access.fixBroad', `Assign the role at scope /keys/${ref.keyName} instead and remove the broad assignment.`, { scope: `/keys/${ref.keyName}` }),
          },
        }
      : { id, status: 'pass', title, detail: say('readiness.access.role', `${roleId.name} assigned at ${roleHit.scope}.`, { role: roleId.name, scope: roleHit.scope }) };
  }
  if (useAccessPolicy && policy && policyOk) {
    const grants = extra.join(', ');
    return extra.length > 0
      ? {
          id,
          status: 'warn',
          title,
          detail: say('readiness.access.policyExtra', `The access policy also grants ${grants}; the service principal needs only get, wrapKey and unwrapKey.`, {
            permissions: grants,
          }),
          fix: {
            text: say('readiness.access.fixPolicyExtra', 'Reduce the access policy to get, wrapKey and unwrapKey.'),
            commands: [cli(`az keyvault set-policy --name ${ref.containerName} --object-id ${principal} --key-permissions get wrapKey unwrapKey`)],
          },
        }
      : { id, status: 'pass', title, detail: say('readiness.access.policy', 'Access policy grants get, wrapKey and unwrapKey.') };
  }
  const commands: CommandSnippet[] =
    ref.containerKind === 'managedHsm'
      ? [cli(`az keyvault role assignment create --hsm-name ${ref.containerName} --role "${roleId.name}" --assignee-object-id ${principal} --scope /keys/${ref.keyName}`)]
      : useRbac
        ? [
            cli(
              `az role assignment create --role ${roleId.id} --assignee-object-id ${principal} --assignee-principal-type ServicePrincipal --scope ${containerResourceId(ref)}`,
              roleId.name,
            ),
          ]
        : [cli(`az keyvault set-policy --name ${ref.containerName} --object-id ${principal} --key-permissions get wrapKey unwrapKey`)];
  const missing = useRbac
    ? say('readiness.access.missingRole', `${sp.displayName} (object id ${principal}) has no ${roleId.name} role on ${ref.keyName}.`, {
        principal: sp.displayName,
        objectId: principal,
        role: roleId.name,
        key: ref.keyName,
      })
    : say('readiness.access.missingPolicy', `${sp.displayName} (object id ${principal}) has no get/wrapKey/unwrapKey access policy on ${ref.keyName}.`, {
        principal: sp.displayName,
        objectId: principal,
        key: ref.keyName,
      });
  const mismatch =
    useRbac && policy
      ? say('readiness.access.policyIgnored', 'An access policy exists, but this vault uses Azure RBAC, which ignores access policies.')
      : !useRbac && roleHit
        ? say('readiness.access.roleIgnored', 'A role assignment exists, but this vault uses access policies.')
        : undefined;
  return {
    id,
    status: 'fail',
    title,
    detail: sentences(missing, mismatch),
    fix: {
      text: useRbac
        ? say('readiness.access.fixRole', `Grant it ${roleId.name} (use the object id, not the app id ${sp.appId}).`, { role: roleId.name, appId: sp.appId })
        : say('readiness.access.fixPolicy', `Grant it get, wrapKey and unwrapKey (use the object id, not the app id ${sp.appId}).`, { appId: sp.appId }),
      commands,
    },
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
    const name = workloadName(workload);
    const subscriptionsTitle = say('readiness.pair.subscriptions', `${name.text}: keys in two subscriptions`, { workload: name });
    lines.push(
      wa.subscriptionId.toLowerCase() !== wb.subscriptionId.toLowerCase()
        ? {
            id: `pair:${workload}:subscriptions`,
            status: 'pass',
            title: subscriptionsTitle,
            detail: say('readiness.pair.twoSubscriptions', `${wa.subscriptionId} and ${wb.subscriptionId}.`, { a: wa.subscriptionId, b: wb.subscriptionId }),
          }
        : {
            id: `pair:${workload}:subscriptions`,
            status: 'fail',
            title: subscriptionsTitle,
            detail: say('readiness.pair.oneSubscription', `Both keys are in subscription ${wa.subscriptionId}; Customer Key requires two subscriptions.`, {
              subscriptionId: wa.subscriptionId,
            }),
            fix: { text: say('readiness.pair.fixSubscription', 'Create key B in a second subscription (a new Keyward setup for that site) and move the policy to it.') },
          },
    );
    const relation = regionRelation(wa.region, wb.region);
    const ra = findRegion(wa.region)?.displayName ?? wa.region;
    const rb = findRegion(wb.region)?.displayName ?? wb.region;
    const regionsTitle = say('readiness.pair.regions', `${name.text}: keys in two regions`, { workload: name });
    lines.push(
      relation === 'same'
        ? { id: `pair:${workload}:regions`, status: 'warn', title: regionsTitle, detail: sameRegionAdvice(ra) }
        : relation === 'paired'
          ? {
              id: `pair:${workload}:regions`,
              status: 'warn',
              title: regionsTitle,
              detail: say('readiness.pair.paired', `${ra} and ${rb} are an Azure region pair; Microsoft prefers non-paired regions.`, { a: ra, b: rb }),
            }
          : {
              id: `pair:${workload}:regions`,
              status: relation === 'unknown' ? 'warn' : 'pass',
              title: regionsTitle,
              detail:
                relation === 'unknown'
                  ? say('readiness.pair.unknownRegions', `${ra} and ${rb} (not in Keyward's region list; pairing unknown).`, { a: ra, b: rb })
                  : say('readiness.pair.twoRegions', `${ra} and ${rb}.`, { a: ra, b: rb }),
            },
    );
  }
  return lines;
}

/** Evaluates every key, then the per-workload pair rules (two subscriptions, two regions). */
export function evaluateReadiness(input: ReadinessInput): ChecklistLine[] {
  return [...input.keys.flatMap((k) => keyLines(k, input.now)), ...pairLines(input.keys)];
}
