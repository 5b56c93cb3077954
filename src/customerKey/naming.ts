/**
 * Validators for every name and identifier an operator types. Each returns null when the value is
 * valid, or one actionable sentence: what is wrong, the rule, and what to type instead. Values are
 * checked as typed except for surrounding whitespace, which cards routinely add and which callers
 * trim when they build a spec.
 *
 * Sources: facts §1.9, §3.7 ([S24], [S25], [S26]); Azure resource-group rules [S25].
 */
import { englishList, isGuid, say, type Message } from '../core';
import { CUSTOMER_KEY_LIMITS } from './facts';
import { unsafeCharacterMessage } from './powershell';
import { WELL_KNOWN_CLIENT_IDS } from './workloads';

/** Validation outcome: null = valid, otherwise the message. */
export type NameProblem = Message | null;

const { containerNameMinLength: MIN, containerNameMaxLength: MAX } = CUSTOMER_KEY_LIMITS;

function quoted(value: string): string {
  return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
}

/** A suggestion with underscores and other separators turned into single hyphens, none at the ends. */
export function hyphenated(value: string): string {
  return value
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The characters a value must not contain, as a list: "a space", "'#'". */
function characters(bad: readonly string[]): Message[] {
  return bad.map((c) => (c === ' ' ? say('name.char.space', 'a space') : say('name.char.quoted', `'${c}'`, { character: c })));
}

/** "The vault name", "The key name", …: the subject of a naming message. */
const SUBJECTS = {
  vault: () => say('name.subject.vault', 'The vault name'),
  hsm: () => say('name.subject.hsm', 'The HSM name'),
  key: () => say('name.subject.key', 'The key name'),
  resourceGroup: () => say('name.subject.resourceGroup', 'The resource group name'),
  policy: () => say('name.subject.policy', 'The policy name'),
  mailbox: () => say('name.subject.mailbox', 'The mailbox'),
} as const;

/** "<subject> contains the typographic quote …." */
function unsafe(subject: Message, problem: Message): Message {
  return say('name.unsafe', `${subject.text} ${problem.text}.`, { subject, problem });
}

function containerNameProblem(kind: 'vault' | 'hsm', value: string): NameProblem {
  const v = value.trim();
  const subject = SUBJECTS[kind]();
  const rule =
    kind === 'vault'
      ? say(
          'name.rule.vault',
          `Vault names are ${MIN}–${MAX} characters: letters, digits and hyphens, starting with a letter, ending with a letter or digit, with no two hyphens in a row`,
          { min: MIN, max: MAX },
        )
      : say(
          'name.rule.hsm',
          `HSM names are ${MIN}–${MAX} characters: letters, digits and hyphens, starting with a letter, ending with a letter or digit, with no two hyphens in a row (Keyward applies the Key Vault rule to HSM names)`,
          { min: MIN, max: MAX },
        );
  if (v === '')
    return kind === 'vault' ? say('name.vault.empty', `Enter a vault name. ${rule.text}.`, { rule }) : say('name.hsm.empty', `Enter an HSM name. ${rule.text}.`, { rule });
  const problem = unsafeCharacterMessage(v);
  if (problem) return unsafe(subject, problem);
  const shown = quoted(v);
  if (v.includes('_')) {
    const suggestion = quoted(hyphenated(v));
    return say(
      'name.container.underscore',
      `${subject.text} ${shown} contains an underscore, which Azure rejects (Microsoft's own Customer Key examples use underscores, but they do not work). ${rule.text}. Try ${suggestion}.`,
      { subject, value: shown, rule, suggestion },
    );
  }
  const bad = [...new Set(v.replace(/[A-Za-z0-9-]/g, ''))];
  if (bad.length > 0) {
    const chars = characters(bad);
    const suggestion = quoted(hyphenated(v));
    return say('name.badCharacters', `${subject.text} ${shown} contains ${englishList(chars.map((c) => c.text))}. ${rule.text}. Try ${suggestion}.`, {
      subject,
      value: shown,
      characters: chars,
      rule,
      suggestion,
    });
  }
  if (v.length < MIN || v.length > MAX) {
    return say('name.length', `${subject.text} ${shown} has ${v.length} characters. ${rule.text}.`, { subject, value: shown, length: v.length, rule });
  }
  if (!/^[A-Za-z]/.test(v)) return say('name.start', `${subject.text} ${shown} must start with a letter. ${rule.text}.`, { subject, value: shown, rule });
  if (!/[A-Za-z0-9]$/.test(v)) return say('name.end', `${subject.text} ${shown} must end with a letter or digit. ${rule.text}.`, { subject, value: shown, rule });
  if (v.includes('--')) return say('name.doubleHyphen', `${subject.text} ${shown} has two hyphens in a row. ${rule.text}.`, { subject, value: shown, rule });
  return null;
}

/**
 * Key Vault name rule: 3–24 characters, letters/digits/hyphens, start with a letter, end with a
 * letter or digit, no consecutive hyphens. ARM itself only enforces `^[a-zA-Z0-9-]{3,24}$`, then
 * fails later with VaultNameNotValid, so Keyward checks the stricter documented rule up front.
 * Global uniqueness is a preflight check, not a syntax rule.
 */
export function validateVaultName(value: string): NameProblem {
  return containerNameProblem('vault', value);
}

/**
 * Managed HSM name. Microsoft documents 3–24 letters/digits/hyphens and no consecutive hyphens but
 * not the start/end rules (UNCONFIRMED), so Keyward applies the Key Vault rule, which is the
 * stricter reading and always valid for both.
 */
export function validateManagedHsmName(value: string): NameProblem {
  return containerNameProblem('hsm', value);
}

/** Key (object) names: 1–127 letters, digits and hyphens. */
export function validateKeyName(value: string): NameProblem {
  const v = value.trim();
  const max = CUSTOMER_KEY_LIMITS.keyNameMaxLength;
  const rule = say('name.rule.key', `Key names are 1–${max} characters: letters, digits and hyphens only`, { max });
  if (v === '') return say('name.key.empty', `Enter a key name. ${rule.text}.`, { rule });
  const problem = unsafeCharacterMessage(v);
  if (problem) return unsafe(SUBJECTS.key(), problem);
  const shown = quoted(v);
  const suggestion = quoted(hyphenated(v));
  if (v.includes('_')) {
    return say(
      'name.key.underscore',
      `The key name ${shown} contains an underscore, which Key Vault rejects (Microsoft's examples such as 'USA_key_01' do not work). ${rule.text}. Try ${suggestion}.`,
      { value: shown, example: "'USA_key_01'", rule, suggestion },
    );
  }
  if (!/^[A-Za-z0-9-]+$/.test(v)) {
    return say('name.key.characters', `The key name ${shown} contains characters other than letters, digits and hyphens. ${rule.text}. Try ${suggestion}.`, {
      value: shown,
      rule,
      suggestion,
    });
  }
  if (v.length > max) return say('name.tooLong', `The key name has ${v.length} characters. ${rule.text}.`, { subject: SUBJECTS.key(), length: v.length, rule });
  return null;
}

/**
 * Resource group names (Azure): 1–90 characters; letters, digits, underscores, hyphens, periods
 * and parentheses (Unicode letters and digits are allowed); must not end with a period.
 */
export function validateResourceGroupName(value: string): NameProblem {
  const v = value.trim();
  const subject = SUBJECTS.resourceGroup();
  const rule = say(
    'name.rule.resourceGroup',
    'Resource group names are 1–90 characters: letters, digits, underscores, hyphens, periods and parentheses, not ending with a period',
    { max: 90 },
  );
  if (v === '') return say('name.resourceGroup.empty', `Enter a resource group name. ${rule.text}.`, { rule });
  const problem = unsafeCharacterMessage(v);
  if (problem) return unsafe(subject, problem);
  if (v.length > 90) return say('name.tooLong', `The resource group name has ${v.length} characters. ${rule.text}.`, { subject, length: v.length, rule });
  const shown = quoted(v);
  if (!/^[-\w.()\p{L}\p{N}]+$/u.test(v)) {
    const chars = characters([...new Set(v.replace(/[-\w.()\p{L}\p{N}]/gu, ''))]);
    return say('name.contains', `The resource group name ${shown} contains ${englishList(chars.map((c) => c.text))}. ${rule.text}.`, {
      subject,
      value: shown,
      characters: chars,
      rule,
    });
  }
  if (v.endsWith('.')) return say('name.resourceGroup.period', `The resource group name ${shown} ends with a period. ${rule.text}.`, { value: shown, rule });
  return null;
}

/** Azure subscription id: a GUID, as shown in the portal's Subscriptions blade. */
export function validateSubscriptionId(value: string): NameProblem {
  const v = value.trim();
  if (v === '') {
    return say('name.subscription.empty', 'Enter the subscription id (a GUID such as 0b1f6471-1bf0-4dda-aec3-111111111111, shown in the Azure portal under Subscriptions).', {
      example: '0b1f6471-1bf0-4dda-aec3-111111111111',
    });
  }
  if (!isGuid(v))
    return say('name.subscription.invalid', `${quoted(v)} is not a subscription id. Copy the Subscription ID (a GUID) from the Azure portal, not the subscription's name.`, {
      value: quoted(v),
    });
  return null;
}

/** Entra tenant id: a GUID. */
export function validateTenantId(value: string): NameProblem {
  const v = value.trim();
  if (!isGuid(v))
    return say('name.tenant.invalid', `${quoted(v)} is not a tenant id. Use the Microsoft Entra tenant id (a GUID) of the Microsoft 365 organisation.`, { value: quoted(v) });
  return null;
}

/** Options for object id checks. */
export interface ObjectIdCheckOptions {
  /** Client (application) ids Keyward knows, id → display name (e.g. its own managed identities). */
  readonly knownClientIds?: Readonly<Record<string, string>>;
  /** What the id is for, for the message ("initial administrator"). */
  readonly role?: Message;
}

/**
 * An Entra object id (user, group or service principal). Client ids look the same (both are
 * GUIDs), so Keyward recognises well-known and configured client ids and explains why they are
 * wrong: Azure binds role assignments, access policies and HSM administrators to the object
 * (principal) id; a client id names the app registration, not the identity in your tenant.
 */
export function validateObjectId(value: string, options: ObjectIdCheckOptions = {}): NameProblem {
  const v = value.trim();
  const role = options.role ?? say('name.role.identity', 'identity');
  if (v === '')
    return say('name.objectId.empty', `Enter the object id of the ${role.text} (a GUID from Microsoft Entra ID: Users or Enterprise applications → Object ID).`, { role });
  if (!isGuid(v))
    return say('name.objectId.invalid', `${quoted(v)} is not an object id. Enter the ${role.text}'s Object ID from Microsoft Entra ID (a GUID), not a name or e-mail address.`, {
      value: quoted(v),
      role,
    });
  const lower = v.toLowerCase();
  const clientName = WELL_KNOWN_CLIENT_IDS[lower] ?? findCaseInsensitive(options.knownClientIds, lower);
  if (clientName) {
    return say(
      'name.objectId.clientId',
      `${quoted(v)} is the application (client) id of ${clientName}, not an object id. Azure grants roles to the object id (also called principal id) of the identity in your tenant; a client id names the app registration, so Azure would reject it or grant nothing. Use the Object ID shown under Enterprise applications (or the managed identity's Principal ID).`,
      { value: quoted(v), name: clientName },
    );
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
  const subject = SUBJECTS.policy();
  const rule = say('name.rule.policy', 'Policy names are 1–64 characters: letters, digits, periods, underscores and hyphens, no spaces', { max: 64 });
  if (v === '') return say('name.policy.empty', `Enter a policy name. ${rule.text}.`, { rule });
  const problem = unsafeCharacterMessage(v);
  if (problem) return unsafe(subject, problem);
  const shown = quoted(v);
  if (/\s/.test(v)) {
    const suggestion = quoted(v.replace(/\s+/g, '-'));
    return say('name.policy.space', `The policy name ${shown} contains a space; Microsoft 365 does not allow spaces in DEP names. ${rule.text}. Try ${suggestion}.`, {
      value: shown,
      rule,
      suggestion,
    });
  }
  if (!/^[A-Za-z0-9._-]+$/.test(v))
    return say('name.policy.characters', `The policy name ${shown} contains characters Keyward does not allow. ${rule.text}.`, { value: shown, rule });
  if (v.length > 64) return say('name.tooLong', `The policy name has ${v.length} characters. ${rule.text}.`, { subject, length: v.length, rule });
  return null;
}

/** Free text such as a DEP description or an officer's display name. */
export function validateFreeText(value: string, label: 'officerName' | 'depDescription', maxLength: number, required = false): NameProblem {
  const v = value.trim();
  const subject = label === 'officerName' ? say('name.subject.officerName', "The officer's display name") : say('name.subject.depDescription', 'The policy description');
  if (v === '')
    return required
      ? label === 'officerName'
        ? say('name.officerName.empty', "Enter the officer's display name.")
        : say('name.depDescription.empty', 'Enter the policy description.')
      : null;
  const problem = unsafeCharacterMessage(v);
  if (problem) return unsafe(subject, problem);
  if (v.length > maxLength)
    return say('name.freeText.tooLong', `${subject.text} has ${v.length} characters; the limit is ${maxLength}.`, { subject, length: v.length, max: maxLength });
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
  if (v === '') return say('name.mailbox.empty', 'Enter a mailbox: its primary e-mail address or user principal name.');
  const problem = unsafeCharacterMessage(v);
  if (problem) return unsafe(SUBJECTS.mailbox(), problem);
  if (v.length > 320) return say('name.mailbox.tooLong', 'The mailbox identity is longer than 320 characters; use its primary e-mail address.', { max: 320 });
  if (EMAIL.test(v) || isGuid(v) || ALIAS.test(v)) return null;
  return say(
    'name.mailbox.invalid',
    `${quoted(v)} is not a mailbox identity Keyward accepts. Use the mailbox's primary e-mail address or user principal name (for example adele@contoso.com), its GUID, or its alias.`,
    { value: quoted(v), example: 'adele@contoso.com' },
  );
}

/** SharePoint admin centre URL for one geo (`Connect-SPOService -Url`). */
export function validateSharePointAdminUrl(value: string): NameProblem {
  const v = value.trim();
  if (/^https:\/\/[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?-admin\.sharepoint\.(?:com|us)\/?$/.test(v)) return null;
  return say(
    'name.adminUrl.invalid',
    `${quoted(v)} is not a SharePoint admin URL. Use the admin centre address of the geo, for example https://contoso-admin.sharepoint.com (multi-geo: https://contosoeur-admin.sharepoint.com).`,
    { value: quoted(v), example: 'https://contoso-admin.sharepoint.com', multiGeo: 'https://contosoeur-admin.sharepoint.com' },
  );
}

/** A Key Vault / Managed HSM key version: 32 hexadecimal characters. */
export function validateKeyVersion(value: string): NameProblem {
  const v = value.trim();
  if (/^[0-9a-fA-F]{32}$/.test(v)) return null;
  return say(
    'name.keyVersion.invalid',
    `${quoted(v)} is not a key version. A version is the 32 hexadecimal characters at the end of the key identifier (…/keys/<name>/<version>).`,
    {
      value: quoted(v),
      form: '…/keys/<name>/<version>',
    },
  );
}
