/**
 * Preflight: pure evaluation of what the caller gathered read-only from Azure before anyone is
 * asked to approve. `preflightTargets(spec)` lists exactly what to observe;
 * `evaluatePreflight(spec, observations, context)` turns the observations into checklist lines,
 * each red line with a concrete fix. Anything not observed, or whose lookup failed, is `unknown`,
 * never green.
 */
import { englishDate, englishList, say, semicolonList, sentences, type Message } from '../core';
import { COST_NOTES, DOC_LINKS, MANDATORY_RETENTION_FEATURE, mandatoryRetentionCommands, CUSTOMER_KEY_LIMITS, type CommandSnippet } from './facts';
import { describeDep, type DepKeyUsage } from './depTypes';
import { containerResourceId } from './keyRefs';
import { parseKeyIdentifier, type KeyContainerKind } from './keyUris';
import { notObservedLine, unknownLine, type ChecklistLine, type Fix, type Observed } from './checklist';
import { licenceLine, type SubscribedSkuView } from './licences';
import { mandatoryRetentionWait } from './onboarding';
import { findRegion, managedHsmRegionStatus, normalizeRegionName } from './regions';
import { ROLES } from './roles';
import type { CustomerKeySpec, SiteId } from './spec';
import type { TeardownTarget } from './teardownPlan';
import { CUSTOMER_KEY_ONBOARDING_SP, servicePrincipalFor, type Workload } from './workloads';

// ------------------------------------------------------------------------------------------------
// Targets

export interface NameTarget {
  /** Key into `observations.names`: `vault:<name>` or `managedHsm:<name>`, lower case. */
  readonly key: string;
  readonly site: SiteId;
  readonly kind: KeyContainerKind;
  readonly name: string;
  readonly workload: Workload | null;
  /** Where the plan puts it; a resource already there is Keyward's own earlier attempt. */
  readonly expectedResourceId: string;
  readonly region: string;
}

/** An Azure RBAC permission Keyward's writer identity needs before the plan can run. */
export interface PermissionRequirement {
  /** Key into `observations.permissions`: `permission:A:subscription`, `permission:A:resourceGroup`. */
  readonly id: string;
  readonly site: SiteId;
  readonly scope: string;
  readonly actions: readonly string[];
  /** Built-in roles that grant the actions (least privileged first). */
  readonly suggestedRoles: ReadonlyArray<{ readonly name: string; readonly id: string }>;
  readonly reason: Message;
  /** Only needed when the resource group does not exist yet. */
  readonly onlyIfResourceGroupMissing: boolean;
}

export interface PreflightTargets {
  readonly subscriptions: ReadonlyArray<{ readonly site: SiteId; readonly subscriptionId: string }>;
  readonly mandatoryRetention: ReadonlyArray<{ readonly site: SiteId; readonly subscriptionId: string; readonly featureName: string; readonly providerNamespace: string }>;
  /** Key into `observations.resourceGroups`: `<subscriptionId>/<resourceGroup lower case>`. */
  readonly resourceGroups: ReadonlyArray<{ readonly key: string; readonly site: SiteId; readonly subscriptionId: string; readonly resourceGroup: string }>;
  readonly names: readonly NameTarget[];
  /** Managed HSM only. Key into `observations.hsmCounts`: `<subscriptionId>/<region>`. */
  readonly hsmQuotas: ReadonlyArray<{ readonly key: string; readonly site: SiteId; readonly subscriptionId: string; readonly region: string }>;
  /** Managed HSM only: read resource type `managedHSMs` locations from `GET /subscriptions/{id}/providers/Microsoft.KeyVault`. */
  readonly hsmLocations: ReadonlyArray<{ readonly site: SiteId; readonly subscriptionId: string }>;
  readonly permissions: readonly PermissionRequirement[];
  /** Key into `observations.servicePrincipals`: the app id. `required: false` = warn only. */
  readonly servicePrincipals: ReadonlyArray<{ readonly appId: string; readonly displayName: string; readonly required: boolean }>;
}

export const resourceGroupKey = (subscriptionId: string, resourceGroup: string): string => `${subscriptionId.toLowerCase()}/${resourceGroup.toLowerCase()}`;
export const hsmCountKey = (subscriptionId: string, region: string): string => `${subscriptionId.toLowerCase()}/${normalizeRegionName(region)}`;
export const nameKey = (kind: KeyContainerKind, name: string): string => `${kind}:${name.toLowerCase()}`;

/** What the caller must observe for this spec, so it gathers exactly that. */
export function preflightTargets(spec: CustomerKeySpec): PreflightTargets {
  const sites = ['A', 'B'] as const;
  const names: NameTarget[] = [];
  const permissions: PermissionRequirement[] = [];
  for (const site of sites) {
    const s = spec.sites[site];
    if (spec.protection === 'keyVaultPremium') {
      for (const v of spec.sites[site].vaults) {
        names.push({
          key: nameKey('vault', v.vaultName),
          site,
          kind: 'vault',
          name: v.vaultName,
          workload: v.workload,
          expectedResourceId: containerResourceId({ containerKind: 'vault', containerName: v.vaultName, subscriptionId: s.subscriptionId, resourceGroup: s.resourceGroup }),
          region: s.region,
        });
      }
    } else {
      const hsmName = spec.sites[site].hsmName;
      names.push({
        key: nameKey('managedHsm', hsmName),
        site,
        kind: 'managedHsm',
        name: hsmName,
        workload: null,
        expectedResourceId: containerResourceId({ containerKind: 'managedHsm', containerName: hsmName, subscriptionId: s.subscriptionId, resourceGroup: s.resourceGroup }),
        region: s.region,
      });
    }
    permissions.push({
      id: `permission:${site}:subscription`,
      site,
      scope: `/subscriptions/${s.subscriptionId}`,
      actions: ['Microsoft.Resources/subscriptions/resourceGroups/write'],
      suggestedRoles: [{ name: 'Contributor', id: 'b24988ac-6180-42a0-ab88-20f7382dd24c' }],
      reason: say('preflight.permission.reasonResourceGroup', `to create resource group ${s.resourceGroup} (not needed if you create it yourself)`, {
        resourceGroup: s.resourceGroup,
      }),
      onlyIfResourceGroupMissing: true,
    });
    const rgScope = `/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup}`;
    if (spec.protection === 'keyVaultPremium') {
      const rbac = spec.accessModel === 'rbac';
      permissions.push({
        id: `permission:${site}:resourceGroup`,
        site,
        scope: rgScope,
        actions: [
          'Microsoft.KeyVault/vaults/read',
          'Microsoft.KeyVault/vaults/write',
          rbac ? 'Microsoft.Authorization/roleAssignments/write' : 'Microsoft.KeyVault/vaults/accessPolicies/write',
        ],
        suggestedRoles: rbac
          ? [
              { name: ROLES.keyVaultContributor.name, id: ROLES.keyVaultContributor.id },
              { name: ROLES.keyVaultDataAccessAdministrator.name, id: ROLES.keyVaultDataAccessAdministrator.id },
            ]
          : [{ name: ROLES.keyVaultContributor.name, id: ROLES.keyVaultContributor.id }],
        reason: rbac
          ? say('preflight.permission.reasonVaultsRbac', 'to create the vaults and assign Key Vault data roles on them')
          : say('preflight.permission.reasonVaultsPolicies', 'to create the vaults and set their access policies'),
        onlyIfResourceGroupMissing: false,
      });
    } else {
      permissions.push({
        id: `permission:${site}:resourceGroup`,
        site,
        scope: rgScope,
        actions: ['Microsoft.KeyVault/managedHSMs/read', 'Microsoft.KeyVault/managedHSMs/write'],
        suggestedRoles: [{ name: ROLES.managedHsmContributor.name, id: ROLES.managedHsmContributor.id }],
        reason: say('preflight.permission.reasonHsm', 'to create the Managed HSM (keys and roles inside it come from being an initial administrator)'),
        onlyIfResourceGroupMissing: false,
      });
    }
  }
  return {
    subscriptions: sites.map((site) => ({ site, subscriptionId: spec.sites[site].subscriptionId })),
    mandatoryRetention: sites.map((site) => ({ site, subscriptionId: spec.sites[site].subscriptionId, ...MANDATORY_RETENTION_FEATURE })),
    resourceGroups: sites.map((site) => ({
      key: resourceGroupKey(spec.sites[site].subscriptionId, spec.sites[site].resourceGroup),
      site,
      subscriptionId: spec.sites[site].subscriptionId,
      resourceGroup: spec.sites[site].resourceGroup,
    })),
    names,
    hsmQuotas:
      spec.protection === 'managedHsm'
        ? sites.map((site) => ({
            key: hsmCountKey(spec.sites[site].subscriptionId, spec.sites[site].region),
            site,
            subscriptionId: spec.sites[site].subscriptionId,
            region: spec.sites[site].region,
          }))
        : [],
    hsmLocations: spec.protection === 'managedHsm' ? sites.map((site) => ({ site, subscriptionId: spec.sites[site].subscriptionId })) : [],
    permissions,
    servicePrincipals: [
      ...spec.workloads.map((w) => ({ appId: servicePrincipalFor(w).appId, displayName: servicePrincipalFor(w).displayName, required: true })),
      { appId: CUSTOMER_KEY_ONBOARDING_SP.appId, displayName: CUSTOMER_KEY_ONBOARDING_SP.displayName, required: false },
    ],
  };
}

// ------------------------------------------------------------------------------------------------
// Observations

/** `GET /subscriptions/{id}`. */
export interface SubscriptionObservation {
  /** `Enabled | Warned | PastDue | Disabled | Deleted`. */
  readonly state: string;
  readonly tenantId?: string;
  readonly displayName?: string;
  /** `subscriptionPolicies.quotaId`, e.g. `EnterpriseAgreement_2014-09-01`, `FreeTrial_2014-09-01`. */
  readonly quotaId?: string;
}

/** `Get-AzProviderFeature` / `GET …/features/mandatoryRetentionPeriodEnabled`: `properties.state`. */
export interface FeatureObservation {
  /** `Registered | Registering | Pending | NotRegistered | Unregistering | Unregistered`. */
  readonly state: string;
}

export interface ResourceGroupObservation {
  readonly exists: boolean;
}

/** Name availability, including soft-deleted resources (`checkNameAvailability` + deleted lookups). */
export type NameObservation =
  | { readonly status: 'available' }
  | { readonly status: 'taken'; readonly resourceId?: string }
  | { readonly status: 'softDeleted'; readonly location?: string; readonly scheduledPurgeDate?: string; readonly purgeProtectionEnabled?: boolean }
  | { readonly status: 'invalid'; readonly message?: string };

export interface HsmCountObservation {
  /** Managed HSMs in this subscription and region. */
  readonly active: number;
  /** Soft-deleted ones there (may count towards the limit; UNCONFIRMED). */
  readonly softDeleted?: number;
}

export interface HsmLocationsObservation {
  /** Locations (display or ARM names) of resource type `managedHSMs` for the subscription. */
  readonly locations: readonly string[];
}

export interface PermissionObservation {
  /** Required actions the writer identity does not hold at the scope (from `…/providers/Microsoft.Authorization/permissions`). */
  readonly missingActions: readonly string[];
}

export type ServicePrincipalObservation = { readonly objectId: string } | { readonly missing: true };

/** What the caller gathered, keyed as `preflightTargets` says. Missing entries show as unknown. */
export interface PreflightObservations {
  readonly subscriptions?: Readonly<Record<string, Observed<SubscriptionObservation>>>;
  readonly mandatoryRetention?: Readonly<Record<string, Observed<FeatureObservation>>>;
  readonly resourceGroups?: Readonly<Record<string, Observed<ResourceGroupObservation>>>;
  readonly names?: Readonly<Record<string, Observed<NameObservation>>>;
  readonly hsmCounts?: Readonly<Record<string, Observed<HsmCountObservation>>>;
  readonly hsmLocations?: Readonly<Record<string, Observed<HsmLocationsObservation>>>;
  readonly permissions?: Readonly<Record<string, Observed<PermissionObservation>>>;
  readonly servicePrincipals?: Readonly<Record<string, Observed<ServicePrincipalObservation>>>;
  /** The tenant's subscribed licences (Microsoft Graph subscribedSkus, reader identity). */
  readonly licences?: Observed<readonly SubscribedSkuView[]>;
}

export interface PreflightContext {
  /** Tenant of the Microsoft 365 organisation; both subscriptions must belong to it. */
  readonly tenantId: string;
  /** Object id of Keyward's writer identity, to put into role-assignment fixes. */
  readonly keywardWriterObjectId?: string;
  /** Now, and since when each subscription's mandatory retention registration has been pending (for the wait advice). */
  readonly now?: Date;
  readonly mandatoryRetentionPendingSince?: Readonly<Record<string, string>>;
}

// ------------------------------------------------------------------------------------------------
// Evaluation

function get<T>(map: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  if (!map) return undefined;
  if (key in map) return map[key];
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(map)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

const INELIGIBLE_OFFER = /(FreeTrial|Free_|MSDN|Sponsored|AzurePass|DreamSpark|Student|AzureForStudents|Trial)/i;

/** The fix for a subscription that is not Enabled. */
export function subscriptionStateFix(state: string, subscriptionId: string): Fix {
  const common = say(
    'preflight.subscription.fixWho',
    `An Account Administrator or billing owner of subscription ${subscriptionId} must resolve it in the Azure portal (Cost Management + Billing, or Subscriptions → the subscription → Overview → Reactivate/Re-enable).`,
    { subscriptionId },
  );
  if (state === 'Deleted')
    return { text: say('preflight.subscription.fixDeleted', 'A Deleted subscription cannot be used again; choose another subscription.'), links: [DOC_LINKS.subscriptionStates] };
  const specific =
    state === 'Disabled'
      ? say(
          'preflight.subscription.fixDisabled',
          'A subscription is Disabled when a credit or spending limit ran out, a payment failed, or it was cancelled; pay the outstanding balance or remove the spending limit, or reactivate a cancelled subscription (possible for a limited time after cancellation).',
        )
      : say('preflight.subscription.fixBilling', 'Resolve the billing problem the portal shows (for example a past-due payment).');
  return { text: sentences(specific, common), links: [DOC_LINKS.subscriptionStates] };
}

function subscriptionLines(
  site: SiteId,
  subscriptionId: string,
  obs: Observed<SubscriptionObservation> | undefined,
  context: PreflightContext,
  purpose: 'setup' | 'teardown',
): ChecklistLine[] {
  const id = `subscription:${site}`;
  const title = say('preflight.subscription.title', `Subscription ${site} is Enabled`, { site });
  if (!obs) return [notObservedLine(id, title)];
  if (!obs.ok) {
    return [
      unknownLine(id, title, obs.error, {
        text: say('preflight.subscription.fixUnknown', `Check that ${subscriptionId} is the right subscription id and that Keyward's reader identity has Reader on it.`, {
          subscriptionId,
        }),
      }),
    ];
  }
  const s = obs.value;
  const name = s.displayName ? `${s.displayName} (${subscriptionId})` : subscriptionId;
  const lines: ChecklistLine[] = [];
  const state = s.state;
  if (state === 'Enabled') lines.push({ id, status: 'pass', title, detail: say('preflight.subscription.enabled', `${name} is Enabled.`, { name }) });
  else if (state === 'Warned' || state === 'PastDue') {
    const warned = say(
      'preflight.subscription.warned',
      `${name} is ${state}. Microsoft's docs say all operations remain available, but Azure's resource-provider contract allows only reads and deletes in this state, so creating or purging may fail.`,
      { name, state },
    );
    lines.push({
      id,
      status: 'warn',
      title,
      detail:
        purpose === 'teardown' ? sentences(warned, say('preflight.subscription.warnedTeardown', 'If it becomes Disabled, purges are refused while billing continues.')) : warned,
      fix: subscriptionStateFix(state, subscriptionId),
    });
  } else {
    lines.push({
      id,
      status: 'fail',
      title,
      detail:
        purpose === 'teardown'
          ? say(
              'preflight.subscription.disabledTeardown',
              `${name} is ${state}. Azure allows only reads and deletes in this state, so a purge (a POST) is refused, while a soft-deleted Managed HSM keeps billing.`,
              { name, state },
            )
          : say('preflight.subscription.disabled', `${name} is ${state}. Azure refuses to create or change resources in it.`, { name, state }),
      fix: subscriptionStateFix(state, subscriptionId),
    });
  }
  if (s.tenantId && s.tenantId.toLowerCase() !== context.tenantId.toLowerCase()) {
    lines.push({
      id: `subscriptionTenant:${site}`,
      status: 'fail',
      title: say('preflight.tenant.title', `Subscription ${site} is in the Microsoft 365 tenant`, { site }),
      detail: say(
        'preflight.tenant.other',
        `${name} belongs to Entra tenant ${s.tenantId}, not ${context.tenantId}. Microsoft 365 can only use keys in subscriptions of its own tenant.`,
        { name, tenant: s.tenantId, expected: context.tenantId },
      ),
      fix: { text: say('preflight.tenant.fix', `Use a subscription created in the Microsoft 365 tenant (or transfer this one to it), then update site ${site}.`, { site }) },
    });
  }
  if (purpose === 'setup' && s.quotaId) {
    const bad = INELIGIBLE_OFFER.test(s.quotaId);
    const offerTitle = say('preflight.offer.title', `Subscription ${site} is a paid subscription`, { site });
    lines.push(
      bad
        ? {
            id: `subscriptionOffer:${site}`,
            status: 'fail',
            title: offerTitle,
            detail: say('preflight.offer.ineligible', `${name} has offer ${s.quotaId}. Customer Key does not accept free, trial, sponsorship, MSDN or similar subscriptions.`, {
              name,
              offer: s.quotaId,
            }),
            fix: {
              text: say('preflight.offer.fix', 'Use a paid subscription (for example Enterprise Agreement, CSP or Microsoft Customer Agreement) dedicated to Customer Key.'),
              links: [DOC_LINKS.customerKeySetUp],
            },
          }
        : { id: `subscriptionOffer:${site}`, status: 'pass', title: offerTitle, detail: say('preflight.offer.ok', `Offer ${s.quotaId}.`, { offer: s.quotaId }) },
    );
  }
  return lines;
}

function featureLine(site: SiteId, subscriptionId: string, obs: Observed<FeatureObservation> | undefined, context: PreflightContext = { tenantId: '' }): ChecklistLine {
  const id = `mandatoryRetention:${site}`;
  const title = say('preflight.retention.title', `Mandatory retention period registered on subscription ${site}`, { site });
  const commands: readonly CommandSnippet[] = mandatoryRetentionCommands(subscriptionId);
  const feature = MANDATORY_RETENTION_FEATURE.featureName;
  if (!obs) return notObservedLine(id, title);
  if (!obs.ok) {
    return unknownLine(id, title, obs.error, {
      text: say(
        'preflight.retention.fixUnknown',
        "Give Keyward's reader identity Reader on the subscription, or run the Get-AzProviderFeature command below and check RegistrationState.",
      ),
      commands,
    });
  }
  const state = obs.value.state;
  if (state === 'Registered')
    return { id, status: 'pass', title, detail: say('preflight.retention.registered', `Feature ${feature} is Registered on ${subscriptionId}.`, { feature, subscriptionId }) };
  if (state === 'Registering' || state === 'Pending') {
    const since = get(context.mandatoryRetentionPendingSince, subscriptionId);
    if (since && context.now) {
      // Never a silent wait: how long, what to do now, and when to contact Microsoft (issue 11 item 8).
      const wait = mandatoryRetentionWait(subscriptionId, state, new Date(since), context.now, 'setup');
      return {
        id,
        status: 'fail',
        title,
        detail: wait.advice,
        fix: { text: sentences(wait.recheckHint, say('preflight.keepsValues', 'The journey keeps your values.')), commands, links: [DOC_LINKS.customerKeySetUp] },
      };
    }
    return {
      id,
      status: 'fail',
      title,
      detail: say('preflight.retention.pending', `Registration of ${feature} on ${subscriptionId} is ${state}: Microsoft must confirm it, which can take days.`, {
        feature,
        subscriptionId,
        state,
      }),
      fix: {
        text: say(
          'preflight.retention.fixPending',
          'Wait for Microsoft to confirm the registration (contact Microsoft through your Customer Key onboarding channel if it stays pending for more than five business days), then re-run preflight. The journey keeps your values.',
        ),
        commands,
        links: [DOC_LINKS.customerKeySetUp],
      },
    };
  }
  const namespace = MANDATORY_RETENTION_FEATURE.providerNamespace;
  return {
    id,
    status: 'fail',
    title,
    detail: say(
      'preflight.retention.notRegistered',
      `Feature ${feature} is ${state} on ${subscriptionId}. Customer Key needs it so the subscription cannot be cancelled at once; keys then show Recoverable+ProtectedSubscription.`,
      { feature, subscriptionId, state, level: 'Recoverable+ProtectedSubscription' },
    ),
    fix: {
      text: say(
        'preflight.retention.fixRegister',
        `Run these commands as an Owner of the subscription (note the namespace ${namespace}, not Microsoft.KeyVault). Microsoft must then confirm the registration, which can take days; re-run preflight afterwards.`,
        { namespace, wrong: 'Microsoft.KeyVault' },
      ),
      commands,
      links: [DOC_LINKS.customerKeySetUp],
    },
  };
}

function recoverPurgeCommands(target: NameTarget, location: string | undefined): CommandSnippet[] {
  const loc = location ? normalizeRegionName(location) : target.region;
  const flag = target.kind === 'vault' ? '--name' : '--hsm-name';
  return [
    {
      shell: 'azureCli',
      script: [
        target.kind === 'managedHsm' ? 'az keyvault list-deleted --resource-type hsm' : 'az keyvault list-deleted --resource-type vault',
        `az keyvault recover ${flag} ${target.name}${target.kind === 'managedHsm' ? ` --location ${loc}` : ''}`,
        `az keyvault purge ${flag} ${target.name} --location ${loc}`,
      ].join('\n'),
      documentedForCustomerKey: false,
      note: 'Recover to reuse the soft-deleted resource, or purge it (refused while purge protection holds) to free the name. A purged HSM stops billing.',
    },
  ];
}

export function nameLine(target: NameTarget, obs: Observed<NameObservation> | undefined): ChecklistLine {
  const kind = target.kind;
  const name = target.name;
  const id = `name:${target.kind}:${target.site}${target.workload ? `:${target.workload}` : ''}`;
  const title = say('preflight.name.title', `${kind === 'vault' ? 'Vault' : 'HSM'} name ${name} is available`, { kind, name });
  if (!obs) return notObservedLine(id, title);
  if (!obs.ok) return unknownLine(id, title, obs.error);
  const o = obs.value;
  switch (o.status) {
    case 'available':
      return { id, status: 'pass', title, detail: say('preflight.name.free', `${name} is free.`, { name }) };
    case 'taken':
      if (o.resourceId && o.resourceId.toLowerCase() === target.expectedResourceId.toLowerCase()) {
        return {
          id,
          status: 'warn',
          title,
          detail: say(
            'preflight.name.ours',
            `${name} already exists exactly where the plan puts it (probably an earlier run). The plan will check its settings and reuse it instead of creating another.`,
            { name },
          ),
        };
      }
      return {
        id,
        status: 'fail',
        title,
        detail: o.resourceId
          ? say('preflight.name.takenBy', `${name} is taken by ${o.resourceId}.`, { name, resourceId: o.resourceId })
          : say('preflight.name.taken', `${name} is taken (names are global across Azure).`, { name }),
        fix: { text: say('preflight.name.fixTaken', `Choose another ${kind === 'vault' ? 'vault' : 'HSM'} name for site ${target.site}.`, { kind, site: target.site }) },
      };
    case 'softDeleted': {
      const parts: Message[] = [
        say(
          'preflight.name.softDeleted',
          `${name} belongs to a soft-deleted ${kind === 'vault' ? 'vault' : 'Managed HSM'}${o.location ? ` in ${o.location}` : ''}${o.scheduledPurgeDate ? `, scheduled for purge on ${englishDate(o.scheduledPurgeDate)}` : ''}; the name cannot be reused until it is purged.`,
          {
            name,
            kind,
            located: o.location ? 'yes' : 'no',
            location: o.location ?? '',
            scheduled: o.scheduledPurgeDate ? 'yes' : 'no',
            purgeDate: { date: o.scheduledPurgeDate ?? '' },
          },
        ),
      ];
      if (o.purgeProtectionEnabled) parts.push(say('preflight.name.softDeletedProtected', 'Purge protection is on, so it cannot be purged before that date.'));
      if (kind === 'managedHsm') parts.push(say('preflight.name.softDeletedBilling', 'A soft-deleted HSM keeps billing until it is purged.'));
      return {
        id,
        status: 'fail',
        title,
        detail: sentences(parts[0]!, ...parts.slice(1)),
        fix: { text: say('preflight.name.fixSoftDeleted', 'Recover it, purge it, or choose another name.'), commands: recoverPurgeCommands(target, o.location) },
      };
    }
    case 'invalid':
      return {
        id,
        status: 'fail',
        title,
        detail: o.message
          ? say('preflight.name.invalidWhy', `Azure rejects the name: ${o.message}`, { reason: o.message })
          : say('preflight.name.invalid', 'Azure rejects the name.'),
        fix: { text: say('preflight.name.fixInvalid', 'Choose another name that follows the naming rules.') },
      };
  }
}

function hsmQuotaLine(t: PreflightTargets['hsmQuotas'][number], obs: Observed<HsmCountObservation> | undefined): ChecklistLine {
  const limit = CUSTOMER_KEY_LIMITS.managedHsmsPerSubscriptionPerRegion;
  const id = `hsmQuota:${t.site}`;
  const region = t.region;
  const title = say('preflight.quota.title', `Room for another Managed HSM in subscription ${t.site} (${region})`, { site: t.site, region });
  if (!obs) return notObservedLine(id, title);
  if (!obs.ok) return unknownLine(id, title, obs.error);
  const { active, softDeleted = 0 } = obs.value;
  if (active + 1 > limit) {
    return {
      id,
      status: 'fail',
      title,
      detail: say('preflight.quota.full', `The subscription already has ${active} Managed HSMs in ${region}; the limit is ${limit} per subscription per region.`, {
        active,
        region,
        limit,
      }),
      fix: {
        text: say('preflight.quota.fixFull', 'Choose another region for this site, or delete and purge an unused HSM there (purging stops its billing).'),
        links: [DOC_LINKS.managedHsmLimits],
      },
    };
  }
  if (active + softDeleted + 1 > limit) {
    return {
      id,
      status: 'warn',
      title,
      detail: say(
        'preflight.quota.softDeleted',
        `${active} Managed HSMs plus ${softDeleted} soft-deleted ones in ${region}. Whether soft-deleted HSMs count towards the limit of ${limit} is not confirmed; creation may fail.`,
        { active, softDeleted, region, limit },
      ),
      fix: { text: say('preflight.quota.fixSoftDeleted', 'Purge soft-deleted HSMs you no longer need (they also keep billing), or choose another region.') },
    };
  }
  return { id, status: 'pass', title, detail: say('preflight.quota.ok', `${active} of ${limit} Managed HSMs used in ${region}.`, { active, limit, region }) };
}

function hsmRegionLine(site: SiteId, region: string, obs: Observed<HsmLocationsObservation> | undefined): ChecklistLine {
  const id = `hsmRegion:${site}`;
  const display = findRegion(region)?.displayName ?? region;
  const title = say('preflight.hsmRegion.title', `Managed HSM is offered in ${display}`, { region: display });
  if (obs?.ok) {
    const status = managedHsmRegionStatus(region, obs.value.locations);
    const listed = obs.value.locations.join(', ');
    return status === 'available'
      ? { id, status: 'pass', title, detail: say('preflight.hsmRegion.listed', `The subscription lists ${display} for Managed HSM.`, { region: display }) }
      : {
          id,
          status: 'fail',
          title,
          detail: say('preflight.hsmRegion.notListed', `The subscription does not list ${display} for Managed HSM.`, { region: display }),
          fix: {
            text: listed
              ? say('preflight.hsmRegion.fixChoose', `Choose one of: ${listed}.`, { regions: listed })
              : say('preflight.hsmRegion.fixNone', 'Choose one of: (none listed).'),
            links: [DOC_LINKS.managedHsmOverview],
          },
        };
  }
  const status = managedHsmRegionStatus(region);
  const error = obs && !obs.ok ? obs.error.message : undefined;
  if (status === 'available') {
    return {
      id,
      status: 'pass',
      title,
      detail:
        error === undefined
          ? say('preflight.hsmRegion.builtIn', `${display} is on Keyward's built-in list of Managed HSM regions.`, { region: display })
          : say('preflight.hsmRegion.builtInUnread', `${display} is on Keyward's built-in list of Managed HSM regions (the subscription's own list could not be read: ${error}).`, {
              region: display,
              error,
            }),
    };
  }
  const pool = 'Pool creation is disabled in this region';
  return {
    id,
    status: 'warn',
    title,
    detail:
      error === undefined
        ? say('preflight.hsmRegion.unlisted', `${display} is not on Keyward's conservative list of Managed HSM regions; creation may fail with "${pool}".`, {
            region: display,
            azureError: pool,
          })
        : say(
            'preflight.hsmRegion.unlistedUnread',
            `${display} is not on Keyward's conservative list of Managed HSM regions (the subscription's own list could not be read: ${error}); creation may fail with "${pool}".`,
            { region: display, error, azureError: pool },
          ),
    fix: { text: say('preflight.hsmRegion.fixUnlisted', 'Prefer a listed region, or proceed knowing the HSM step may fail and need a new region (and a new approval).') },
  };
}

function permissionLine(req: PermissionRequirement, obs: Observed<PermissionObservation> | undefined, rgExists: boolean | undefined, context: PreflightContext): ChecklistLine {
  const title = say('preflight.permission.title', `Keyward can act at ${req.scope}`, { scope: req.scope });
  if (req.onlyIfResourceGroupMissing && rgExists === true) {
    return { id: req.id, status: 'pass', title, detail: say('preflight.permission.rgExists', 'The resource group already exists, so Keyward does not need to create it.') };
  }
  if (!obs) return notObservedLine(req.id, title);
  if (!obs.ok) return unknownLine(req.id, title, obs.error);
  const missing = obs.value.missingActions;
  if (missing.length === 0) {
    return {
      id: req.id,
      status: 'pass',
      title,
      detail: say('preflight.permission.held', `Keyward's writer identity holds what it needs ${req.reason.text}.`, { reason: req.reason }),
    };
  }
  const assignee = context.keywardWriterObjectId ?? '<keyward-writer-object-id>';
  const actions = missing.join(', ');
  const roles = req.suggestedRoles.map((r) => r.name);
  return {
    id: req.id,
    status: 'fail',
    title,
    detail: say('preflight.permission.lacks', `Keyward's writer identity lacks ${actions} at ${req.scope}, needed ${req.reason.text}.`, {
      actions,
      scope: req.scope,
      reason: req.reason,
    }),
    fix: {
      text: req.onlyIfResourceGroupMissing
        ? say('preflight.permission.fixGrantOrCreate', `Grant ${englishList(roles)} to Keyward's writer identity at ${req.scope}, or create the resource group yourself.`, {
            roles,
            scope: req.scope,
          })
        : say('preflight.permission.fixGrant', `Grant ${englishList(roles)} to Keyward's writer identity at ${req.scope}.`, { roles, scope: req.scope }),
      commands: [
        {
          shell: 'azureCli',
          script: req.suggestedRoles
            .map((r) => `az role assignment create --assignee-object-id ${assignee} --assignee-principal-type ServicePrincipal --role ${r.id} --scope ${req.scope}`)
            .join('\n'),
          documentedForCustomerKey: false,
          note: req.suggestedRoles.map((r) => `${r.id} = ${r.name}`).join('; '),
        },
      ],
    },
  };
}

function servicePrincipalLine(t: PreflightTargets['servicePrincipals'][number], obs: Observed<ServicePrincipalObservation> | undefined): ChecklistLine {
  const id = `servicePrincipal:${t.appId}`;
  const title = say('preflight.servicePrincipal.title', `${t.displayName} exists in the tenant`, { name: t.displayName });
  const commands: CommandSnippet[] = [
    { shell: 'powershell', script: `New-AzADServicePrincipal -ApplicationId '${t.appId}'`, documentedForCustomerKey: true },
    { shell: 'azureCli', script: `az ad sp create --id ${t.appId}`, documentedForCustomerKey: false },
  ];
  if (!obs) return notObservedLine(id, title);
  if (!obs.ok) {
    return unknownLine(id, title, obs.error, {
      text: say(
        'preflight.servicePrincipal.fixUnknown',
        "Give Keyward's reader identity permission to read service principals (Microsoft Graph Application.Read.All), or configure the object id.",
      ),
    });
  }
  if ('objectId' in obs.value)
    return { id, status: 'pass', title, detail: say('preflight.servicePrincipal.found', `Object id ${obs.value.objectId}.`, { objectId: obs.value.objectId }) };
  return {
    id,
    status: t.required ? 'fail' : 'warn',
    title,
    detail: t.required
      ? say('preflight.servicePrincipal.missing', `The service principal of app ${t.appId} is not in the tenant, so its key access cannot be granted.`, { appId: t.appId })
      : say(
          'preflight.servicePrincipal.missingOnboarding',
          `The service principal of app ${t.appId} is not in the tenant. Community guides register it for the onboarding validation; its app id is not confirmed by Microsoft text.`,
          { appId: t.appId },
        ),
    fix: { text: say('preflight.servicePrincipal.fix', 'Register it (Application Administrator or Global Administrator), then re-run preflight.'), commands },
  };
}

/**
 * Evaluates preflight observations into checklist lines, in a stable order: subscriptions, the
 * licence, the mandatory retention period, names, Managed HSM region and quota, permissions, service principals.
 */
export function evaluatePreflight(spec: CustomerKeySpec, observations: PreflightObservations, context: PreflightContext): ChecklistLine[] {
  const targets = preflightTargets(spec);
  const lines: ChecklistLine[] = [];
  for (const t of targets.subscriptions) lines.push(...subscriptionLines(t.site, t.subscriptionId, get(observations.subscriptions, t.subscriptionId), context, 'setup'));
  lines.push(licenceLine(observations.licences));
  for (const t of targets.mandatoryRetention) lines.push(featureLine(t.site, t.subscriptionId, get(observations.mandatoryRetention, t.subscriptionId), context));
  for (const t of targets.names) lines.push(nameLine(t, get(observations.names, t.key)));
  for (const t of targets.hsmLocations) lines.push(hsmRegionLine(t.site, spec.sites[t.site].region, get(observations.hsmLocations, t.subscriptionId)));
  for (const t of targets.hsmQuotas) lines.push(hsmQuotaLine(t, get(observations.hsmCounts, t.key)));
  for (const req of targets.permissions) {
    const rgTarget = targets.resourceGroups.find((r) => r.site === req.site);
    const rg = rgTarget ? get(observations.resourceGroups, rgTarget.key) : undefined;
    lines.push(permissionLine(req, get(observations.permissions, req.id), rg?.ok ? rg.value.exists : undefined, context));
  }
  for (const t of targets.servicePrincipals) lines.push(servicePrincipalLine(t, get(observations.servicePrincipals, t.appId)));
  if (spec.protection === 'managedHsm') {
    lines.push({
      id: 'hsmBilling',
      status: 'pass',
      title: say('preflight.hsmBilling.title', 'Managed HSM billing acknowledged'),
      detail: sentences(COST_NOTES.managedHsmHourly, COST_NOTES.managedHsmSoftDeleted),
    });
  }
  return lines;
}

// ------------------------------------------------------------------------------------------------
// Teardown preflight

export interface TeardownPreflightObservations {
  /** By subscription id. */
  readonly subscriptions?: Readonly<Record<string, Observed<SubscriptionObservation>>>;
  /** Which keys the tenant's DEPs use (from the DEP cmdlets or Keyward's inventory). */
  readonly depUsages?: Observed<readonly DepKeyUsage[]>;
}

/**
 * Checks before a teardown: every subscription Enabled (a Disabled one blocks the purge while a
 * soft-deleted HSM keeps billing), and no DEP uses a key in the targets.
 */
export function evaluateTeardownPreflight(targets: readonly TeardownTarget[], observations: TeardownPreflightObservations, context: PreflightContext): ChecklistLine[] {
  const lines: ChecklistLine[] = [];
  const seen = new Set<string>();
  for (const t of targets) {
    const sub = t.subscriptionId.toLowerCase();
    if (seen.has(sub)) continue;
    seen.add(sub);
    lines.push(...subscriptionLines(t.site, sub, get(observations.subscriptions, sub), context, 'teardown'));
  }
  const id = 'depUsage';
  const title = say('preflight.depUsage.title', 'No Data Encryption Policy uses these keys');
  const usages = observations.depUsages;
  if (!usages) lines.push(notObservedLine(id, title));
  else if (!usages.ok) {
    lines.push(
      unknownLine(id, title, usages.error, { text: say('preflight.depUsage.fixUnknown', 'Paste the output of the Get- DEP cmdlets so Keyward can check which keys are in use.') }),
    );
  } else {
    const keyUris = new Set(
      targets.flatMap((t) =>
        t.keys.map((k) => `https://${t.name.toLowerCase()}.${t.containerKind === 'vault' ? 'vault' : 'managedhsm'}.azure.net/keys/${k.keyName}`.toLowerCase()),
      ),
    );
    const conflicts: Message[] = [];
    for (const usage of usages.value) {
      for (const uri of usage.keyUris) {
        const parsed = parseKeyIdentifier(uri);
        const normal = (parsed.ok ? parsed.key.versionlessUri : uri).toLowerCase();
        const dep = describeDep(usage.dep);
        if (keyUris.has(normal)) conflicts.push(say('preflight.depUsage.uses', `${dep.text} uses ${normal}`, { dep, key: normal }));
      }
    }
    lines.push(
      conflicts.length === 0
        ? { id, status: 'pass', title, detail: say('preflight.depUsage.none', 'None of the keys is used by a known DEP.') }
        : {
            id,
            status: 'fail',
            title,
            detail: say('preflight.depUsage.inUse', `${conflicts.map((c) => c.text).join('; ')}. Deleting these keys would make that data unreadable.`, {
              uses: semicolonList(conflicts),
            }),
            fix: {
              text: say(
                'preflight.depUsage.fix',
                'Move the policy to other keys (Set-…DataEncryptionPolicy -Replace, or a new SharePoint registration) or offboard it with Microsoft first.',
              ),
            },
          },
    );
  }
  const hsms = targets.filter((t) => t.containerKind === 'managedHsm');
  if (hsms.length > 0) {
    const bills = hsms.map((t) =>
      say('preflight.hsmBillingUntilPurge.bills', `${t.name} bills for up to ${t.softDeleteRetentionDays} days after deletion`, { name: t.name, days: t.softDeleteRetentionDays }),
    );
    lines.push({
      id: 'hsmBillingUntilPurge',
      status: 'warn',
      title: say('preflight.hsmBillingUntilPurge.title', 'Managed HSM billing continues until purge'),
      detail: sentences(
        say('preflight.hsmBillingUntilPurge.detail', `${bills.map((b) => b.text).join('; ')}.`, { bills: semicolonList(bills) }),
        COST_NOTES.teardownBillingUntilPurge,
      ),
    });
  }
  return lines;
}
