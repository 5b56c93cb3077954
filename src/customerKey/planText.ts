/**
 * What a plan says, as messages. The plan itself keeps English sentences (`title`, each step's
 * `summary`, `irreversible`, `costNotes`, `keywardRights`): they are inside the hashed plan, so
 * approvers approve exactly those words, and they must never depend on who reads the plan. The
 * builders take their English from the functions here (`.text`), and `planText` makes the same
 * messages again from a stored plan's own data, so a card can say them in the reader's language.
 * Where a stored sentence is not what `planText` makes (a plan from an older version), the card
 * shows the stored English (see `Localizer.sayStored`).
 */
import { commaList, say, type Message } from '../core';
import { COST_NOTES, CUSTOMER_KEY_LIMITS } from './facts';
import { APP_ONLY_LEAVES_OUT_ONBOARDING, DEP_OFFBOARDING, depScriptTitle } from './depScripts';
import type { KeyContainerKind } from './keyUris';
import type { KeyRef } from './keyRefs';
import type { PlanKind, Plan, PlanStep, StepDraft } from './plan';
import { KEYWARD_HSM_KEY_ROLE, KEYWARD_KEY_PERMISSIONS, KEYWARD_READER_KEY_PERMISSIONS, KEYWARD_VAULT_KEY_ROLE_NAME, ROLES } from './roles';
import type { AccessModel } from './spec';
import { WORKLOAD_INFO, WORKLOADS, workloadName, type Workload } from './workloads';

/** A step as a builder has it before its summary is written. */
export type UnsummarisedStep = StepDraft extends infer S ? (S extends StepDraft ? Omit<S, 'summary'> : never) : never;

/** The messages of a plan, index for index with its English sentences. */
export interface PlanText {
  readonly title: Message;
  readonly steps: readonly Message[];
  readonly irreversible: readonly Message[];
  readonly costNotes: readonly Message[];
  readonly keywardRights: readonly Message[];
}

/** What a step's sentence needs beyond the step's own data. */
export interface StepContext {
  /** applyDep: what the script is, what it leaves out, whether it validates onboarding first. */
  readonly apply?: { readonly title: Message; readonly leftOut: readonly Message[]; readonly onboardingFirst: boolean };
  /** deleteVault, deleteManagedHsm: how long the container stays recoverable (its purge step keeps it). */
  readonly retentionDays?: number;
}

const WHERE = (kind: KeyContainerKind, name: string): string => (kind === 'vault' ? `vault ${name}` : `HSM ${name}`);
const names = (workloads: readonly Workload[]): Message => commaList(workloads.map(workloadName));
const text = (workloads: readonly Workload[]): string => workloads.map((w) => WORKLOAD_INFO[w].displayName).join(', ');

/** The step with its summary: the builders' way to write a step. */
export function withSummary(kind: PlanKind, step: UnsummarisedStep, context: StepContext = {}): StepDraft {
  return { ...step, summary: stepMessage(kind, step, context).text } as StepDraft;
}

/** One step's sentence, from its own data and the kind of plan it is in. */
export function stepMessage(kind: PlanKind, step: UnsummarisedStep | PlanStep, context: StepContext = {}): Message {
  const apply = context.apply;
  switch (step.kind) {
    case 'ensureResourceGroup': {
      const { resourceGroup, subscriptionId, region } = step.params;
      return say('plan.step.resourceGroup', `Make sure resource group ${resourceGroup} exists in subscription ${subscriptionId} (${region}).`, {
        resourceGroup,
        subscriptionId,
        region,
      });
    }
    case 'ensureVault': {
      const p = step.params;
      const workload = workloadOfTags(p.tags);
      const rbac = p.accessModel === 'rbac';
      const values = { vault: p.vaultName, region: p.region, workload: workloadName(workload), days: p.softDeleteRetentionInDays };
      return rbac
        ? say(
            'plan.step.vaultRbac',
            `Create Key Vault ${p.vaultName} (Premium, ${p.region}) for ${WORKLOAD_INFO[workload].displayName}: soft delete ${p.softDeleteRetentionInDays} days, purge protection on, Azure RBAC.`,
            values,
          )
        : p.accessPolicies.length > 1
          ? say(
              'plan.step.vaultPoliciesReader',
              `Create Key Vault ${p.vaultName} (Premium, ${p.region}) for ${WORKLOAD_INFO[workload].displayName}: soft delete ${p.softDeleteRetentionInDays} days, purge protection on, access policies; Keyward gets ${KEYWARD_KEY_PERMISSIONS.join(', ')} on keys (no delete), its reader identity ${KEYWARD_READER_KEY_PERMISSIONS.join(', ')}.`,
              { ...values, permissions: KEYWARD_KEY_PERMISSIONS.join(', '), readerPermissions: KEYWARD_READER_KEY_PERMISSIONS.join(', ') },
            )
          : say(
              'plan.step.vaultPolicies',
              `Create Key Vault ${p.vaultName} (Premium, ${p.region}) for ${WORKLOAD_INFO[workload].displayName}: soft delete ${p.softDeleteRetentionInDays} days, purge protection on, access policies; Keyward gets ${KEYWARD_KEY_PERMISSIONS.join(', ')} on keys (no delete).`,
              { ...values, permissions: KEYWARD_KEY_PERMISSIONS.join(', ') },
            );
    }
    case 'grantKeyAccess': {
      const p = step.params;
      if (p.principal.token === 'keyward-reader' && p.grant.mode === 'rbac') {
        return say('plan.step.readerRole', `Give Keyward's reader identity ${p.grant.roleName} on vault ${p.vaultName}, so checks read the key without the writer's rights.`, {
          role: p.grant.roleName,
          vault: p.vaultName,
        });
      }
      if (p.principal.kind === 'keyward' && p.grant.mode === 'rbac') {
        const custom = p.grant.roleName === KEYWARD_VAULT_KEY_ROLE_NAME;
        return custom
          ? say(
              'plan.step.keywardCustomRole',
              `Give Keyward's writer identity ${p.grant.roleName} on vault ${p.vaultName}, so it can create and back up the key (no delete, no purge).`,
              { role: p.grant.roleName, vault: p.vaultName },
            )
          : say('plan.step.keywardRole', `Give Keyward's writer identity ${p.grant.roleName} on vault ${p.vaultName}, so it can create and back up the key.`, {
              role: p.grant.roleName,
              vault: p.vaultName,
            });
      }
      return p.grant.mode === 'rbac'
        ? say('plan.step.serviceRole', `Give ${p.principal.displayName} the ${p.grant.roleName} role on vault ${p.vaultName}.`, {
            principal: p.principal.displayName,
            role: p.grant.roleName,
            vault: p.vaultName,
          })
        : say('plan.step.servicePolicy', `Give ${p.principal.displayName} get, wrapKey and unwrapKey on the keys of vault ${p.vaultName} (access policy).`, {
            principal: p.principal.displayName,
            vault: p.vaultName,
          });
    }
    case 'ensureKey': {
      const p = step.params;
      const size = String(p.keySize);
      return say('plan.step.key', `Create key ${p.keyName} in ${WHERE(p.container.kind, p.container.name)}: RSA-HSM ${size}-bit, wrapKey and unwrapKey only, no expiry date.`, {
        key: p.keyName,
        kind: p.container.kind,
        container: p.container.name,
        size,
      });
    }
    case 'backupKey':
      return kind === 'keyRoll'
        ? say('plan.step.backupAgain', `Back up key ${step.params.keyName} again, now with its new version.`, { key: step.params.keyName })
        : say('plan.step.backup', `Back up key ${step.params.keyName} to the configured backup location (never to chat).`, { key: step.params.keyName });
    case 'ensureManagedHsm': {
      const p = step.params;
      return say(
        'plan.step.hsm',
        `Create Managed HSM ${p.hsmName} in ${p.region} with ${p.initialAdminObjectIds.length} initial administrators (including Keyward), soft delete ${p.softDeleteRetentionInDays} days and purge protection; hourly billing starts now. Takes about 25 minutes.`,
        { hsm: p.hsmName, region: p.region, admins: p.initialAdminObjectIds.length, days: p.softDeleteRetentionInDays, minutes: 25 },
      );
    }
    case 'activateSecurityDomain': {
      const p = step.params;
      return say(
        'plan.step.activate',
        `Activate HSM ${p.hsmName}: ${p.officers.length} officers each hand in a public certificate, Keyward downloads the security domain with quorum ${p.quorum} and stores it encrypted.`,
        { hsm: p.hsmName, officers: p.officers.length, quorum: p.quorum },
      );
    }
    case 'assignHsmRole': {
      const p = step.params;
      if (p.principal.token === 'keyward-reader') {
        return say(
          'plan.step.hsmReaderRole',
          `Give Keyward's reader identity ${p.roleName} on the keys of HSM ${p.hsmName}, so checks read keys and their role assignments without the writer's rights.`,
          { role: p.roleName, hsm: p.hsmName },
        );
      }
      if (p.principal.kind === 'keyward') {
        return say(
          'plan.step.hsmKeywardRole',
          `Create the custom role ${p.roleName} in HSM ${p.hsmName} and give it to Keyward's writer identity on the keys: read, create and back up keys; no delete, no purge.`,
          {
            role: p.roleName,
            hsm: p.hsmName,
          },
        );
      }
      const keyName = p.scope.replace(/^\/keys\//, '');
      return say('plan.step.hsmServiceRole', `Give ${p.principal.displayName} ${p.roleName} on key ${keyName} only (scope ${p.scope}).`, {
        principal: p.principal.displayName,
        role: p.roleName,
        key: keyName,
        scope: p.scope,
      });
    }
    case 'revokeHsmRole': {
      const p = step.params;
      const n = p.keepAdministrators.length;
      return say(
        'plan.step.revokeAdmin',
        `Remove Keyward's own ${p.roleName} role in HSM ${p.hsmName}; ${n} human administrator${n === 1 ? '' : 's'} keep${n === 1 ? 's' : ''} it.`,
        { role: p.roleName, hsm: p.hsmName, count: n },
      );
    }
    case 'verifyReadiness': {
      if (kind === 'keyRoll') {
        const keyName = step.params.keys[0]?.keyName ?? '';
        return say('plan.step.verifyRoll', `Check the new version of ${keyName} against the Customer Key rules.`, { key: keyName });
      }
      if (kind === 'dep') return say('plan.step.verifyDep', 'Check both keys against the Customer Key rules before the policy is created.');
      return say(
        'plan.step.verify',
        'Check every key against the Customer Key rules (RSA, wrapKey/unwrapKey, enabled, no expiry, recovery level, purge protection, permissions, backup, two subscriptions and regions).',
      );
    }
    case 'rollKey': {
      const p = step.params;
      const size = String(p.keySize);
      return say(
        'plan.step.roll',
        `Create a new version of key ${p.keyName} in ${WHERE(p.container.kind, p.container.name)} (RSA-HSM ${size}-bit, wrapKey/unwrapKey, no expiry); older versions stay enabled.`,
        {
          key: p.keyName,
          kind: p.container.kind,
          container: p.container.name,
          size,
        },
      );
    }
    case 'refreshDep': {
      const p = step.params;
      if (p.scope === 'sharePoint') {
        const keyType = p.sharePointKeyType ?? 'Primary';
        return say(
          'plan.step.refreshSharePoint',
          `Operator runs Update-SPODataEncryptionPolicy -KeyType ${keyType} for ${p.adminUrl ?? ''} with the new version, then waits for Registered before any other roll.`,
          {
            keyType,
            adminUrl: p.adminUrl ?? '',
          },
        );
      }
      const cmdlet = p.scope === 'multiWorkload' ? 'Set-M365DataAtRestEncryptionPolicy' : 'Set-DataEncryptionPolicy';
      const values = { cmdlet, name: p.policyName ?? '' };
      return p.runner === 'executor'
        ? say('plan.step.refreshByKeyward', `Keyward runs ${cmdlet} -Identity ${p.policyName ?? ''} -Refresh.`, values)
        : say('plan.step.refreshByOperator', `Operator runs ${cmdlet} -Identity ${p.policyName ?? ''} -Refresh.`, values);
    }
    case 'applyDep': {
      const p = step.params;
      const title = apply?.title ?? say('plan.step.scriptTitle', p.title, { title: p.title });
      if (p.runner === 'executor') {
        const leftOut = apply?.leftOut ?? [];
        return leftOut.length > 0
          ? say('plan.step.applyByKeywardLeftOut', `Keyward runs the generated script with its managed identity: ${title.text}. ${leftOut.map((m) => m.text).join(' ')}`, {
              title,
              leftOut: leftOut[0]!,
            })
          : say('plan.step.applyByKeyward', `Keyward runs the generated script with its managed identity: ${title.text}.`, { title });
      }
      return apply?.onboardingFirst
        ? say('plan.step.applyByOperatorOnboarding', `The operator runs the generated script: ${title.text} (onboarding validation first).`, { title })
        : say('plan.step.applyByOperator', `The operator runs the generated script: ${title.text}.`, { title });
    }
    case 'recordDep':
      return kind === 'keyRoll'
        ? say('plan.step.recordRoll', 'Record the refreshed policy state from the pasted Get- output.')
        : say('plan.step.record', 'Record the policy state from the pasted Get- output.');
    case 'deleteVault':
    case 'deleteManagedHsm': {
      const p = step.params;
      const containerKind = step.kind === 'deleteVault' ? 'vault' : 'managedHsm';
      const resourceId = `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroup}/providers/Microsoft.KeyVault/${containerKind === 'vault' ? 'vaults' : 'managedHSMs'}/${p.name}`;
      const days = context.retentionDays ?? 0;
      return say('plan.step.delete', `Delete ${teardownLabel(containerKind, p.name)} (${resourceId}); it stays soft-deleted and recoverable for ${days} days.`, {
        kind: containerKind,
        name: p.name,
        resourceId,
        days,
      });
    }
    case 'purgeVault':
    case 'purgeManagedHsm': {
      const p = step.params;
      const containerKind = step.kind === 'purgeVault' ? 'vault' : 'managedHsm';
      const label = teardownLabel(containerKind, p.name);
      return p.purgeProtectionEnabled
        ? say(
            'plan.step.purgeLater',
            `Purge ${label} once its ${p.softDeleteRetentionInDays}-day retention has passed (purge protection makes Azure refuse earlier; Azure also purges it then).`,
            {
              kind: containerKind,
              name: p.name,
              days: p.softDeleteRetentionInDays,
            },
          )
        : say('plan.step.purgeNow', `Purge ${label} in ${p.region} right after deletion.`, { kind: containerKind, name: p.name, region: p.region });
    }
  }
}

function teardownLabel(kind: KeyContainerKind, name: string): string {
  return kind === 'managedHsm' ? `Managed HSM ${name}` : `vault ${name}`;
}

function workloadOfTags(tags: Readonly<Record<string, string>>): Workload {
  const value = tags['keyward-workload'];
  return (WORKLOADS as readonly string[]).includes(value ?? '') ? (value as Workload) : 'exchange';
}

// ------------------------------------------------------------------------------------------------
// Setup

export function premiumTitle(vaultCount: number, workloads: readonly Workload[]): Message {
  return say('plan.title.premium', `Customer Key on Key Vault Premium: ${vaultCount} vaults for ${text(workloads)}`, { count: vaultCount, workloads: names(workloads) });
}

export function premiumIrreversible(vaultCount: number, retention: number): Message[] {
  return [
    say(
      'plan.irreversible.premiumPurgeProtection',
      `Purge protection is switched on for all ${vaultCount} vaults: it can never be switched off, and a deleted vault and its keys cannot be purged until its ${retention}-day retention ends.`,
      { count: vaultCount, days: retention },
    ),
    say(
      'plan.irreversible.premiumNames',
      'Vault names, regions and retention cannot be changed after creation; a vault cannot move to another region, and its name stays reserved while it is soft-deleted.',
    ),
    NEVER_DELETE_USED_KEY(),
  ];
}

const NEVER_DELETE_USED_KEY = () =>
  say(
    'plan.irreversible.neverDeleteUsedKey',
    'Never delete or disable a key (or an old key version) that a Data Encryption Policy has used: data wrapped with it becomes unreadable.',
  );

/** What Keyward keeps on Premium vaults after the plan, in words (issue 11 item 7). */
export function premiumRights(accessModel: AccessModel, role: { readonly name: string; readonly custom: boolean }): Message[] {
  const own =
    accessModel !== 'rbac'
      ? say(
          'plan.rights.vaultPolicy',
          `On each vault: an access policy with keys ${KEYWARD_KEY_PERMISSIONS.join(', ')} — read, create (and roll) and back up keys; no delete, no purge, no permission changes.`,
          { permissions: KEYWARD_KEY_PERMISSIONS.join(', ') },
        )
      : role.custom
        ? say('plan.rights.vaultCustomRole', `On each vault: ${role.name} (custom role from infra/) — read, create (and roll) and back up keys; no delete, no purge.`, {
            role: role.name,
            folder: 'infra/',
          })
        : say(
            'plan.rights.vaultCryptoOfficer',
            `On each vault: ${role.name}, which includes deleting and purging keys, because KEYWARD_VAULT_KEY_ROLE_ID is not set. Deploy infra/keywardRoles.bicep and set it to drop those rights; purge protection still stops a purge before the retention period ends.`,
            { role: role.name, setting: 'KEYWARD_VAULT_KEY_ROLE_ID', file: 'infra/keywardRoles.bicep' },
          );
  return [
    own,
    say(
      'plan.rights.premiumResourceGroups',
      'At the resource groups: the roles an administrator granted from infra/README.md (create vaults, assign key roles); teardown needs them under the destructive approval rule.',
      { file: 'infra/README.md' },
    ),
  ];
}

export function hsmTitle(workloads: readonly Workload[]): Message {
  return say('plan.title.hsm', `Customer Key on Managed HSM: 2 HSMs for ${text(workloads)}`, { workloads: names(workloads) });
}

export function hsmIrreversible(days: number, quorum: number, officers: number): Message[] {
  return [
    say('plan.irreversible.hsmBilling', 'Each Managed HSM is billed hourly from the moment it is provisioned; deleting it does not stop billing until it is purged.'),
    say(
      'plan.irreversible.hsmPurgeProtection',
      `Purge protection is switched on for both HSMs: it can never be switched off, and a deleted HSM cannot be purged for ${days} days, during which it keeps billing.`,
      { days },
    ),
    say('plan.irreversible.hsmMove', 'A Managed HSM cannot be moved to another resource group, subscription or region, and its retention period cannot be changed.'),
    say(
      'plan.irreversible.hsmSecurityDomain',
      `If the security domain file and ${quorum} of the ${officers} officers' private keys are lost, the HSM cannot be recovered after a disaster; Microsoft cannot help.`,
      { quorum, officers },
    ),
    NEVER_DELETE_USED_KEY(),
  ];
}

export const HSM_COST_NOTES: readonly Message[] = [COST_NOTES.managedHsmHourly, COST_NOTES.managedHsmPair, COST_NOTES.managedHsmSoftDeleted, COST_NOTES.managedHsmPrice];

export function hsmRights(humans: number): Message[] {
  const role = KEYWARD_HSM_KEY_ROLE.name;
  const admin = ROLES.managedHsmAdministrator.name;
  return [
    say('plan.rights.hsmRole', `In each HSM: ${role} on the keys — read, create (and roll) and back up keys, read role assignments; no delete, no purge, no role management.`, {
      role,
    }),
    humans > 0
      ? say(
          'plan.rights.hsmGivesUpAdmin',
          `Keyward gives up ${admin} after activation; your ${humans} administrator${humans === 1 ? '' : 's'} keep${humans === 1 ? 's' : ''} it (and only they can give Keyward more, for example keys for a new workload).`,
          { role: admin, count: humans },
        )
      : say(
          'plan.rights.hsmStaysAdmin',
          `Keyward stays ${admin}, which can grant itself any role including key delete, because no other administrator was named. Name a person as initial administrator to avoid this.`,
          { role: admin },
        ),
    say(
      'plan.rights.hsmResourceGroups',
      'At the resource groups: Managed HSM Contributor as granted from infra/README.md (teardown needs it under the destructive approval rule).',
      {
        role: 'Managed HSM Contributor',
        file: 'infra/README.md',
      },
    ),
  ];
}

// ------------------------------------------------------------------------------------------------
// Key roll, teardown, DEP

export function rollTitle(key: Pick<KeyRef, 'site' | 'keyName' | 'workload'>): Message {
  return say('plan.title.roll', `Roll key ${key.site} (${key.keyName}) of ${WORKLOAD_INFO[key.workload].displayName}`, {
    site: key.site,
    key: key.keyName,
    workload: workloadName(key.workload),
  });
}

export const ROLL_VAULT_COST: Message = say('plan.cost.rollVault', 'A new HSM-protected key version may add to the monthly per-key charge; see the Key Vault pricing page.');

export function teardownTitle(names: readonly string[]): Message {
  return say('plan.title.teardown', `Remove ${names.join(', ')}`, { names: names.join(', ') });
}

export function teardownIrreversible(kind: KeyContainerKind, name: string, keyNames: readonly string[]): Message {
  const keys = keyNames.join(', ');
  return keys
    ? say(
        'plan.irreversible.purgeDestroysKeys',
        `Purging ${teardownLabel(kind, name)} destroys its keys (${keys}) for good; anything still wrapped with them becomes unreadable.`,
        { kind, name, keys },
      )
    : say(
        'plan.irreversible.purgeDestroysNoKeys',
        `Purging ${teardownLabel(kind, name)} destroys its keys (none listed) for good; anything still wrapped with them becomes unreadable.`,
        { kind, name },
      );
}

export function teardownHsmCost(name: string, purgeProtectionEnabled: boolean, days: number): Message {
  return purgeProtectionEnabled
    ? say('plan.cost.hsmUntilPurgeDays', `Managed HSM ${name} keeps billing hourly for ${days} days after deletion, until the purge completes.`, { name, days })
    : say('plan.cost.hsmUntilPurge', `Managed HSM ${name} keeps billing hourly until the purge completes.`, { name });
}

export const TEARDOWN_COST_NOTES: readonly Message[] = [
  say('plan.cost.keepEnabled', 'Keep the subscriptions Enabled until every purge has completed: a Disabled subscription refuses the purge.'),
  say(
    'plan.cost.retentionPurge',
    'With the mandatory retention period registered, Azure may refuse a purge by the customer; the service then removes the resource on its own schedule.',
  ),
];

// ------------------------------------------------------------------------------------------------
// From a stored plan

/**
 * The messages of a stored plan, made from its own data. Index for index with the plan's English;
 * a card shows a message only where its English is the stored sentence.
 */
export function planText(plan: Plan): PlanText {
  const workloads = WORKLOADS.filter((w) => plan.keys.some((k) => k.workload === w));
  const find = <K extends PlanStep['kind']>(kind: K) => plan.steps.find((s): s is Extract<PlanStep, { kind: K }> => s.kind === kind);
  const applies = applyTexts(plan);
  const steps = plan.steps.map((step) => {
    if (step.kind === 'deleteVault' || step.kind === 'deleteManagedHsm') {
      const purge = plan.steps.find((s) => (s.kind === 'purgeVault' || s.kind === 'purgeManagedHsm') && s.params.name === step.params.name && s.site === step.site);
      return stepMessage(plan.kind, step, { retentionDays: purge?.kind === 'purgeVault' || purge?.kind === 'purgeManagedHsm' ? purge.params.softDeleteRetentionInDays : 0 });
    }
    if (step.kind === 'applyDep') {
      // Whether the script left the onboarding check out is not in the step; the stored sentence says which.
      const candidates = applies.map((apply) => stepMessage(plan.kind, step, { apply }));
      return candidates.find((m) => m.text === step.summary) ?? candidates[0]!;
    }
    return stepMessage(plan.kind, step);
  });
  const none: Message[] = [];
  switch (plan.kind) {
    case 'setup': {
      if (plan.protection === 'keyVaultPremium') {
        const vault = find('ensureVault');
        const grant = plan.steps.find((s) => s.kind === 'grantKeyAccess' && s.params.principal.kind === 'keyward');
        const roleName = grant?.kind === 'grantKeyAccess' && grant.params.grant.mode === 'rbac' ? grant.params.grant.roleName : ROLES.keyVaultCryptoOfficer.name;
        return {
          title: premiumTitle(plan.keys.length, workloads),
          steps,
          irreversible: premiumIrreversible(plan.keys.length, vault?.params.softDeleteRetentionInDays ?? CUSTOMER_KEY_LIMITS.recommendedRetentionDays),
          costNotes: [COST_NOTES.keyVaultPremium],
          keywardRights: premiumRights(vault?.params.accessModel ?? 'rbac', { name: roleName, custom: roleName === KEYWARD_VAULT_KEY_ROLE_NAME }),
        };
      }
      const hsm = find('ensureManagedHsm');
      const activate = find('activateSecurityDomain');
      const revoke = find('revokeHsmRole');
      return {
        title: hsmTitle(workloads),
        steps,
        irreversible: hsmIrreversible(hsm?.params.softDeleteRetentionInDays ?? 0, activate?.params.quorum ?? 0, activate?.params.officers.length ?? 0),
        costNotes: HSM_COST_NOTES,
        keywardRights: hsmRights(revoke?.params.keepAdministrators.length ?? 0),
      };
    }
    case 'keyRoll': {
      const key = plan.keys[0];
      return {
        title: key ? rollTitle(key) : say('plan.step.scriptTitle', plan.title, { title: plan.title }),
        steps,
        irreversible: none,
        costNotes: key?.containerKind === 'vault' ? [ROLL_VAULT_COST] : none,
        keywardRights: none,
      };
    }
    case 'teardown': {
      const deletes = plan.steps.filter((s) => s.kind === 'deleteVault' || s.kind === 'deleteManagedHsm');
      const purges = plan.steps.filter((s) => s.kind === 'purgeVault' || s.kind === 'purgeManagedHsm');
      const costNotes: Message[] = [];
      for (const purge of purges)
        if (purge.kind === 'purgeManagedHsm') costNotes.push(teardownHsmCost(purge.params.name, purge.params.purgeProtectionEnabled, purge.params.softDeleteRetentionInDays));
      if (purges.some((p) => p.kind === 'purgeManagedHsm')) costNotes.push(COST_NOTES.teardownBillingUntilPurge);
      costNotes.push(...TEARDOWN_COST_NOTES);
      return {
        title: teardownTitle(deletes.map((d) => (d.kind === 'deleteVault' || d.kind === 'deleteManagedHsm' ? d.params.name : ''))),
        steps,
        irreversible: deletes.map((d) =>
          d.kind === 'deleteVault' || d.kind === 'deleteManagedHsm'
            ? teardownIrreversible(d.kind === 'deleteVault' ? 'vault' : 'managedHsm', d.params.name, d.params.keyNames)
            : NEVER_DELETE_USED_KEY(),
        ),
        costNotes,
        keywardRights: none,
      };
    }
    case 'dep': {
      const applyStep = find('applyDep');
      const scope = applyStep?.params.scope ?? 'exchange';
      return {
        title: applies[0]?.title ?? depScriptTitle(scope, null, 0),
        steps,
        irreversible: [DEP_OFFBOARDING[scope]],
        costNotes: none,
        keywardRights: none,
      };
    }
  }
}

/** The applyDep sentence's parts, as a DEP plan's other steps tell them (both readings of "left out"). */
function applyTexts(plan: Plan): Array<NonNullable<StepContext['apply']>> {
  const applyStep = plan.steps.find((s) => s.kind === 'applyDep');
  const record = plan.steps.find((s) => s.kind === 'recordDep');
  if (!applyStep || applyStep.kind !== 'applyDep') return [];
  const policyName = record?.kind === 'recordDep' ? record.params.policyName : null;
  const geos = record?.kind === 'recordDep' ? record.params.adminUrls.length : 0;
  const title = depScriptTitle(applyStep.params.scope, policyName, geos);
  const onboardingFirst = applyStep.params.script.includes('New-CustomerKeyOnboardingRequest');
  return [
    { title, leftOut: [], onboardingFirst },
    { title, leftOut: [APP_ONLY_LEAVES_OUT_ONBOARDING], onboardingFirst },
  ];
}
