/**
 * Validators for every name and identifier an operator types. Each returns null when the value is
 * valid, or one actionable sentence: what is wrong, the rule, and what to type instead. Values are
 * checked as typed except for surrounding whitespace, which cards routinely add and which callers
 * trim when they build a spec.
 *
 * Sources: facts §1.9, §3.7 ([S24], [S25], [S26]); Azure resource-group rules [S25].
 */
import { isGuid } from '../core';
import { CUSTOMER_KEY_LIMITS } from './facts';
import { unsafeCharacterMessage } from './powershell';
import { WELL_KNOWN_CLIENT_IDS } from './workloads';

/** Validation outcome: null = valid, otherwise the message. */
export type NameProblem = string | null;

const { containerNameMinLength: MIN, containerNameMaxLength: MAX } = CUSTOMER_KEY_LIMITS;

function quoted(value: string): string {
  return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
}

/** A suggestion with underscores and other separators turned into single hyphens. */
function hyphenated(value: string): string {
  return value
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
}

function containerNameProblem(kindLabel: string, value: string, extra = ''): NameProblem {
  const v = value.trim();
  const rule = `${kindLabel} names are ${MIN}–${MAX} characters: letters, digits and hyphens, starting with a letter, ending with a letter or digit, with no two hyphens in a row${extra}`;
  if (v === '') return `Enter a ${kindLabel.toLowerCase()} name. ${rule}.`;
  const unsafe = unsafeCharacterMessage(v);
  if (unsafe) return `The ${kindLabel.toLowerCase()} name ${unsafe}.`;
  if (v.includes('_')) {
    const suggestion = hyphenated(v);
    return `The ${kindLabel.toLowerCase()} name ${quoted(v)} contains an underscore, which Azure rejects (Microsoft's own Customer Key examples use underscores, but they do not work). ${rule}. Try ${quoted(suggestion)}.`;
  }
  const bad = [...new Set(v.replace(/[A-Za-z0-9-]/g, ''))];
  if (bad.length > 0) {
    return `The ${kindLabel.toLowerCase()} name ${quoted(v)} contains ${bad.map((c) => (c === ' ' ? 'a space' : `'${c}'`)).join(', ')}. ${rule}. Try ${quoted(hyphenated(v))}.`;
  }
  if (v.length < MIN || v.length > MAX) {
    return `The ${kindLabel.toLowerCase()} name ${quoted(v)} has ${v.length} characters. ${rule}.`;
  }
  if (!/^[A-Za-z]/.test(v)) return `The ${kindLabel.toLowerCase()} name ${quoted(v)} must start with a letter. ${rule}.`;
  if (!/[A-Za-z0-9]$/.test(v)) return `The ${kindLabel.toLowerCase()} name ${quoted(v)} must end with a letter or digit. ${rule}.`;
  if (v.includes('--')) return `The ${kindLabel.toLowerCase()} name ${quoted(v)} has two hyphens in a row. ${rule}.`;
  return null;
}

/**
 * Key Vault name rule: 3–24 characters, letters/digits/hyphens, start with a letter, end with a
 * letter or digit, no consecutive hyphens. ARM itself only enforces `^[a-zA-Z0-9-]{3,24}$`, then
 * fails later with VaultNameNotValid, so Keyward checks the stricter documented rule up front.
 * Global uniqueness is a preflight check, not a syntax rule.
 */
export function validateVaultName(value: string): NameProblem {
  return containerNameProblem('Vault', value);
}

/**
 * Managed HSM name. Microsoft documents 3–24 letters/digits/hyphens and no consecutive hyphens but
 * not the start/end rules (UNCONFIRMED), so Keyward applies the Key Vault rule, which is the
 * stricter reading and always valid for both.
 */
export function validateManagedHsmName(value: string): NameProblem {
  return containerNameProblem('HSM', value, ' (Keyward applies the Key Vault rule to HSM names)');
}

/** Key (object) names: 1–127 letters, digits and hyphens. */
export function validateKeyName(value: string): NameProblem {
  const v = value.trim();
  const rule = `Key names are 1–${CUSTOMER_KEY_LIMITS.keyNameMaxLength} characters: letters, digits and hyphens only`;
  if (v === '') return `Enter a key name. ${rule}.`;
  const unsafe = unsafeCharacterMessage(v);
  if (unsafe) return `The key name ${unsafe}.`;
  if (v.includes('_')) {
    return `The key name ${quoted(v)} contains an underscore, which Key Vault rejects (Microsoft's examples such as 'USA_key_01' do not work). ${rule}. Try ${quoted(hyphenated(v))}.`;
  }
  if (!/^[A-Za-z0-9-]+$/.test(v)) return `The key name ${quoted(v)} contains characters other than letters, digits and hyphens. ${rule}. Try ${quoted(hyphenated(v))}.`;
  if (v.length > CUSTOMER_KEY_LIMITS.keyNameMaxLength) return `The key name has ${v.length} characters. ${rule}.`;
  return null;
}

/**
 * Resource group names (Azure): 1–90 characters; letters, digits, underscores, hyphens, periods
 * and parentheses (Unicode letters and digits are allowed); must not end with a period.
 */
export function validateResourceGroupName(value: string): NameProblem {
  const v = value.trim();
  const rule = 'Resource group names are 1–90 characters: letters, digits, underscores, hyphens, periods and parentheses, not ending with a period';
  if (v === '') return `Enter a resource group name. ${rule}.`;
  const unsafe = unsafeCharacterMessage(v);
  if (unsafe) return `The resource group name ${unsafe}.`;
  if (v.length > 90) return `The resource group name has ${v.length} characters. ${rule}.`;
  if (!/^[-\w.()\p{L}\p{N}]+$/u.test(v)) {
    const bad = [...new Set(v.replace(/[-\w.()\p{L}\p{N}]/gu, ''))];
    return `The resource group name ${quoted(v)} contains ${bad.map((c) => (c === ' ' ? 'a space' : `'${c}'`)).join(', ')}. ${rule}.`;
  }
  if (v.endsWith('.')) return `The resource group name ${quoted(v)} ends with a period. ${rule}.`;
  return null;
}

/** Azure subscription id: a GUID, as shown in the portal's Subscriptions blade. */
export function validateSubscriptionId(value: string): NameProblem {
  const v = value.trim();
  if (v === '') return 'Enter the subscription id (a GUID such as 0b1f6471-1bf0-4dda-aec3-111111111111, shown in the Azure portal under Subscriptions).';
  if (!isGuid(v)) return `${quoted(v)} is not a subscription id. Copy the Subscription ID (a GUID) from the Azure portal, not the subscription's name.`;
  return null;
}

/** Entra tenant id: a GUID. */
export function validateTenantId(value: string): NameProblem {
  const v = value.trim();
  if (!isGuid(v)) return `${quoted(v)} is not a tenant id. Use the Microsoft Entra tenant id (a GUID) of the Microsoft 365 organisation.`;
  return null;
}

/** Options for object id checks. */
export interface ObjectIdCheckOptions {
  /** Client (application) ids Keyward knows, id → display name (e.g. its own managed identities). */
  readonly knownClientIds?: Readonly<Record<string, string>>;
  /** What the id is for, for the message ("initial administrator"). */
  readonly role?: string;
}

/**
 * An Entra object id (user, group or service principal). Client ids look the same (both are
 * GUIDs), so Keyward recognises well-known and configured client ids and explains why they are
 * wrong: Azure binds role assignments, access policies and HSM administrators to the object
 * (principal) id; a client id names the app registration, not the identity in your tenant.
 */
export function validateObjectId(value: string, options: ObjectIdCheckOptions = {}): NameProblem {
  const v = value.trim();
  const role = options.role ?? 'identity';
  if (v === '') return `Enter the object id of the ${role} (a GUID from Microsoft Entra ID: Users or Enterprise applications → Object ID).`;
  if (!isGuid(v)) return `${quoted(v)} is not an object id. Enter the ${role}'s Object ID from Microsoft Entra ID (a GUID), not a name or e-mail address.`;
  const lower = v.toLowerCase();
  const clientName = WELL_KNOWN_CLIENT_IDS[lower] ?? findCaseInsensitive(options.knownClientIds, lower);
  if (clientName) {
    return `${quoted(v)} is the application (client) id of ${clientName}, not an object id. Azure grants roles to the object id (also called principal id) of the identity in your tenant; a client id names the app registration, so Azure would reject it or grant nothing. Use the Object ID shown under Enterprise applications (or the managed identity's Principal ID).`;
  }
  return null;
}

function findCaseInsensitive(map: Readonly<Record<string, string>> | undefined, lowerKey: string): string | undefined {
  if (!map) return undefined;
  for (const [key, name] of Object.entries(map)) if (key.toLowerCase() === lowerKey) return name;
  return undefined;
}

/**
 * Data Encryption Policy name. Microsoft's Customer Key pages say names cannot contain spaces;
 * Keyward also limits them to letters, digits, periods, underscores and hyphens (1–64), which
 * every DEP cmdlet accepts and which needs no quoting anywhere.
 */
export function validateDepPolicyName(value: string): NameProblem {
  const v = value.trim();
  const rule = 'Policy names are 1–64 characters: letters, digits, periods, underscores and hyphens, no spaces';
  if (v === '') return `Enter a policy name. ${rule}.`;
  const unsafe = unsafeCharacterMessage(v);
  if (unsafe) return `The policy name ${unsafe}.`;
  if (/\s/.test(v)) return `The policy name ${quoted(v)} contains a space; Microsoft 365 does not allow spaces in DEP names. ${rule}. Try ${quoted(v.replace(/\s+/g, '-'))}.`;
  if (!/^[A-Za-z0-9._-]+$/.test(v)) return `The policy name ${quoted(v)} contains characters Keyward does not allow. ${rule}.`;
  if (v.length > 64) return `The policy name has ${v.length} characters. ${rule}.`;
  return null;
}

/** Free text such as a DEP description or an officer's display name. */
export function validateFreeText(value: string, label: string, maxLength: number, required = false): NameProblem {
  const v = value.trim();
  if (v === '') return required ? `Enter the ${label}.` : null;
  const unsafe = unsafeCharacterMessage(v);
  if (unsafe) return `The ${label} ${unsafe}.`;
  if (v.length > maxLength) return `The ${label} has ${v.length} characters; the limit is ${maxLength}.`;
  return null;
}

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const ALIAS = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * A mailbox for `Set-Mailbox -Identity`: a primary SMTP address or UPN, a GUID, or an alias.
 * Display names are refused because they are ambiguous and contain spaces.
 */
export function validateMailboxIdentity(value: string): NameProblem {
  const v = value.trim();
  if (v === '') return 'Enter a mailbox: its primary e-mail address or user principal name.';
  const unsafe = unsafeCharacterMessage(v);
  if (unsafe) return `The mailbox ${unsafe}.`;
  if (v.length > 320) return 'The mailbox identity is longer than 320 characters; use its primary e-mail address.';
  if (EMAIL.test(v) || isGuid(v) || ALIAS.test(v)) return null;
  return `${quoted(v)} is not a mailbox identity Keyward accepts. Use the mailbox's primary e-mail address or user principal name (for example adele@contoso.com), its GUID, or its alias.`;
}

/** SharePoint admin centre URL for one geo (`Connect-SPOService -Url`). */
export function validateSharePointAdminUrl(value: string): NameProblem {
  const v = value.trim();
  if (/^https:\/\/[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?-admin\.sharepoint\.(?:com|us)\/?$/.test(v)) return null;
  return `${quoted(v)} is not a SharePoint admin URL. Use the admin centre address of the geo, for example https://contoso-admin.sharepoint.com (multi-geo: https://contosoeur-admin.sharepoint.com).`;
}

/** A Key Vault / Managed HSM key version: 32 hexadecimal characters. */
export function validateKeyVersion(value: string): NameProblem {
  const v = value.trim();
  if (/^[0-9a-fA-F]{32}$/.test(v)) return null;
  return `${quoted(v)} is not a key version. A version is the 32 hexadecimal characters at the end of the key identifier (…/keys/<name>/<version>).`;
}
