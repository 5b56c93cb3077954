/**
 * Domain messages, English (the source): Plans: titles, step sentences, what cannot be undone, costs and Keyward's rights (planText.ts, facts.ts), and DEP names (depTypes.ts). The plan keeps these sentences in English inside its hash; the cards show them through this catalogue only where the catalogue's English is exactly the stored sentence.
 * The English must be exactly what the domain writes (`Message.text`); test/unit/bot/domainMessages.test.ts
 * checks it. Identifiers, names, GUIDs, cmdlets and numbers are placeholders.
 */
export const PLAN_EN = {
  'dep.name.multiWorkload': "multi-workload DEP ''{name}'",
  'dep.name.exchange': "Exchange mailbox DEP ''{name}'",
  'dep.name.sharePoint': 'SharePoint DEP of {adminUrl}',
  'cost.keyVaultPremium':
    'Key Vault Premium bills per operation plus a monthly charge per HSM-protected key; Microsoft 365 caches keys, so operations are few. See the Key Vault pricing page.',
  'cost.managedHsmHourly': 'Each Managed HSM bills a fixed hourly charge from the moment it is provisioned (before activation too), whether or not it is used.',
  'cost.managedHsmSoftDeleted':
    'A deleted Managed HSM keeps billing while soft-deleted, until it is purged; with purge protection it cannot be purged before the retention period ends, so you pay for the whole retention period.',
  'cost.managedHsmPair': 'Customer Key needs two HSMs, so the hourly charge applies twice.',
  'cost.managedHsmPrice': 'Keyward does not quote a price (UNCONFIRMED); check the Azure pricing page for your region.',
  'cost.teardownBillingUntilPurge': 'Billing for a Managed HSM stops only when its purge has completed; a Disabled subscription blocks the purge while billing continues.',
  'availabilityKey.what':
    'Besides your two keys, every Data Encryption Policy has a third root key, the availability key. Microsoft creates and holds it; you cannot see, use or roll it.',
  'availabilityKey.whenUsed':
    'Microsoft uses it only to keep data available when neither of your keys can be reached for a reason other than your deliberate action (an outage), and to recover data at your request if you lose both keys. If you revoke access to your keys on purpose, Exchange does not fall back to it.',
  'availabilityKey.roll':
    'Rolling key A or key B never touches the availability key: Microsoft rolls it. A new Exchange mailbox policy gets a new availability key; SharePoint rolls its intermediate key instead when a new policy is registered.',
  'plan.step.resourceGroup': 'Make sure resource group {resourceGroup} exists in subscription {subscriptionId} ({region}).',
  'plan.step.vaultRbac': 'Create Key Vault {vault} (Premium, {region}) for {workload}: soft delete {days} days, purge protection on, Azure RBAC.',
  'plan.step.vaultPolicies':
    'Create Key Vault {vault} (Premium, {region}) for {workload}: soft delete {days} days, purge protection on, access policies; Keyward gets {permissions} on keys (no delete).',
  'plan.step.keywardCustomRole': "Give Keyward's writer identity {role} on vault {vault}, so it can create and back up the key (no delete, no purge).",
  'plan.step.vaultPoliciesReader':
    'Create Key Vault {vault} (Premium, {region}) for {workload}: soft delete {days} days, purge protection on, access policies; Keyward gets {permissions} on keys (no delete), its reader identity {readerPermissions}.',
  'plan.step.readerRole': "Give Keyward's reader identity {role} on vault {vault}, so checks read the key without the writer's rights.",
  'plan.step.hsmReaderRole': "Give Keyward's reader identity {role} on the keys of HSM {hsm}, so checks read keys and their role assignments without the writer's rights.",
  'plan.step.keywardRole': "Give Keyward's writer identity {role} on vault {vault}, so it can create and back up the key.",
  'plan.step.serviceRole': 'Give {principal} the {role} role on vault {vault}.',
  'plan.step.servicePolicy': 'Give {principal} get, wrapKey and unwrapKey on the keys of vault {vault} (access policy).',
  'plan.step.key': 'Create key {key} in {kind, select, vault {vault} other {HSM}} {container}: RSA-HSM {size}-bit, wrapKey and unwrapKey only, no expiry date.',
  'plan.step.backupAgain': 'Back up key {key} again, now with its new version.',
  'plan.step.backup': 'Back up key {key} to the configured backup location (never to chat).',
  'plan.step.hsm':
    'Create Managed HSM {hsm} in {region} with {admins} initial administrators (including Keyward), soft delete {days} days and purge protection; hourly billing starts now. Takes about 25 minutes.',
  'plan.step.activate':
    'Activate HSM {hsm}: {officers} officers each hand in a public certificate, Keyward downloads the security domain with quorum {quorum} and stores it encrypted.',
  'plan.step.hsmKeywardRole':
    "Create the custom role {role} in HSM {hsm} and give it to Keyward's writer identity on the keys: read, create and back up keys; no delete, no purge.",
  'plan.step.hsmServiceRole': 'Give {principal} {role} on key {key} only (scope {scope}).',
  'plan.step.revokeAdmin': "Remove Keyward's own {role} role in HSM {hsm}; {count, plural, one {# human administrator keeps} other {# human administrators keep}} it.",
  'plan.step.verifyRoll': 'Check the new version of {key} against the Customer Key rules.',
  'plan.step.verifyDep': 'Check both keys against the Customer Key rules before the policy is created.',
  'plan.step.verify':
    'Check every key against the Customer Key rules (RSA, wrapKey/unwrapKey, enabled, no expiry, recovery level, purge protection, permissions, backup, two subscriptions and regions).',
  'plan.step.roll':
    'Create a new version of key {key} in {kind, select, vault {vault} other {HSM}} {container} (RSA-HSM {size}-bit, wrapKey/unwrapKey, no expiry); older versions stay enabled.',
  'plan.step.refreshSharePoint':
    'Operator runs Update-SPODataEncryptionPolicy -KeyType {keyType} for {adminUrl} with the new version, then waits for Registered before any other roll.',
  'plan.step.refreshByKeyward': 'Keyward runs {cmdlet} -Identity {name} -Refresh.',
  'plan.step.refreshByOperator': 'Operator runs {cmdlet} -Identity {name} -Refresh.',
  'plan.step.scriptTitle': '{title}',
  'plan.step.applyByKeywardLeftOut': 'Keyward runs the generated script with its managed identity: {title}. {leftOut}',
  'plan.step.applyByKeyward': 'Keyward runs the generated script with its managed identity: {title}.',
  'plan.step.applyByOperatorOnboarding': 'The operator runs the generated script: {title} (onboarding validation first).',
  'plan.step.applyByOperator': 'The operator runs the generated script: {title}.',
  'plan.step.recordRoll': 'Record the refreshed policy state from the pasted Get- output.',
  'plan.step.record': 'Record the policy state from the pasted Get- output.',
  'plan.step.delete': 'Delete {kind, select, managedHsm {Managed HSM} other {vault}} {name} ({resourceId}); it stays soft-deleted and recoverable for {days} days.',
  'plan.step.purgeLater':
    'Purge {kind, select, managedHsm {Managed HSM} other {vault}} {name} once its {days}-day retention has passed (purge protection makes Azure refuse earlier; Azure also purges it then).',
  'plan.step.purgeNow': 'Purge {kind, select, managedHsm {Managed HSM} other {vault}} {name} in {region} right after deletion.',
  'plan.title.premium': 'Customer Key on Key Vault Premium: {count} vaults for {workloads}',
  'plan.irreversible.premiumPurgeProtection':
    'Purge protection is switched on for all {count} vaults: it can never be switched off, and a deleted vault and its keys cannot be purged until its {days}-day retention ends.',
  'plan.irreversible.premiumNames':
    'Vault names, regions and retention cannot be changed after creation; a vault cannot move to another region, and its name stays reserved while it is soft-deleted.',
  'plan.irreversible.neverDeleteUsedKey': 'Never delete or disable a key (or an old key version) that a Data Encryption Policy has used: data wrapped with it becomes unreadable.',
  'plan.rights.vaultPolicy': 'On each vault: an access policy with keys {permissions} — read, create (and roll) and back up keys; no delete, no purge, no permission changes.',
  'plan.rights.vaultCustomRole': 'On each vault: {role} (custom role from {folder}) — read, create (and roll) and back up keys; no delete, no purge.',
  'plan.rights.vaultCryptoOfficer':
    'On each vault: {role}, which includes deleting and purging keys, because {setting} is not set. Deploy {file} and set it to drop those rights; purge protection still stops a purge before the retention period ends.',
  'plan.rights.premiumResourceGroups':
    'At the resource groups: the roles an administrator granted from {file} (create vaults, assign key roles); teardown needs them under the destructive approval rule.',
  'plan.title.hsm': 'Customer Key on Managed HSM: 2 HSMs for {workloads}',
  'plan.irreversible.hsmBilling': 'Each Managed HSM is billed hourly from the moment it is provisioned; deleting it does not stop billing until it is purged.',
  'plan.irreversible.hsmPurgeProtection':
    'Purge protection is switched on for both HSMs: it can never be switched off, and a deleted HSM cannot be purged for {days} days, during which it keeps billing.',
  'plan.irreversible.hsmMove': 'A Managed HSM cannot be moved to another resource group, subscription or region, and its retention period cannot be changed.',
  'plan.irreversible.hsmSecurityDomain':
    "If the security domain file and {quorum} of the {officers} officers' private keys are lost, the HSM cannot be recovered after a disaster; Microsoft cannot help.",
  'plan.rights.hsmRole': 'In each HSM: {role} on the keys — read, create (and roll) and back up keys, read role assignments; no delete, no purge, no role management.',
  'plan.rights.hsmGivesUpAdmin':
    'Keyward gives up {role} after activation; your {count, plural, one {# administrator keeps} other {# administrators keep}} it (and only they can give Keyward more, for example keys for a new workload).',
  'plan.rights.hsmStaysAdmin':
    'Keyward stays {role}, which can grant itself any role including key delete, because no other administrator was named. Name a person as initial administrator to avoid this.',
  'plan.rights.hsmResourceGroups': 'At the resource groups: {role} as granted from {file} (teardown needs it under the destructive approval rule).',
  'plan.title.roll': 'Roll key {site} ({key}) of {workload}',
  'plan.cost.rollVault': 'A new HSM-protected key version may add to the monthly per-key charge; see the Key Vault pricing page.',
  'plan.title.teardown': 'Remove {names}',
  'plan.irreversible.purgeDestroysKeys':
    'Purging {kind, select, managedHsm {Managed HSM} other {vault}} {name} destroys its keys ({keys}) for good; anything still wrapped with them becomes unreadable.',
  'plan.irreversible.purgeDestroysNoKeys':
    'Purging {kind, select, managedHsm {Managed HSM} other {vault}} {name} destroys its keys (none listed) for good; anything still wrapped with them becomes unreadable.',
  'plan.cost.hsmUntilPurgeDays': 'Managed HSM {name} keeps billing hourly for {days} days after deletion, until the purge completes.',
  'plan.cost.hsmUntilPurge': 'Managed HSM {name} keeps billing hourly until the purge completes.',
  'plan.cost.keepEnabled': 'Keep the subscriptions Enabled until every purge has completed: a Disabled subscription refuses the purge.',
  'plan.cost.retentionPurge':
    'With the mandatory retention period registered, Azure may refuse a purge by the customer; the service then removes the resource on its own schedule.',
} as const satisfies Record<string, string>;
