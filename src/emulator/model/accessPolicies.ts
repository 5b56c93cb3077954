import { isGuid } from './names';
import type { AccessPolicyEntry } from './records';
import { badRequest } from './serviceError';

/** Permission names per category, as the Key Vault RP accepts them (matched case-insensitively). */
const PERMISSIONS = {
  keys: [
    'all',
    'encrypt',
    'decrypt',
    'wrapKey',
    'unwrapKey',
    'sign',
    'verify',
    'get',
    'list',
    'create',
    'update',
    'import',
    'delete',
    'backup',
    'restore',
    'recover',
    'purge',
    'release',
    'rotate',
    'getrotationpolicy',
    'setrotationpolicy',
  ],
  secrets: ['all', 'get', 'list', 'set', 'delete', 'backup', 'restore', 'recover', 'purge'],
  certificates: [
    'all',
    'get',
    'list',
    'delete',
    'create',
    'import',
    'update',
    'managecontacts',
    'getissuers',
    'listissuers',
    'setissuers',
    'deleteissuers',
    'manageissuers',
    'recover',
    'purge',
    'backup',
    'restore',
  ],
  storage: ['all', 'get', 'list', 'delete', 'set', 'update', 'regeneratekey', 'recover', 'purge', 'backup', 'restore', 'setsas', 'listsas', 'getsas', 'deletesas'],
} as const;

type Category = keyof typeof PERMISSIONS;
const CATEGORIES = Object.keys(PERMISSIONS) as Category[];

export function parseAccessPolicies(value: unknown, defaultTenantId?: string): AccessPolicyEntry[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest('BadRequest', 'The property accessPolicies must be an array.');
  if (value.length > 1024) throw badRequest('BadRequest', 'A vault can hold at most 1024 access policies.');
  return value.map((entry, index) => parseEntry(entry, index, defaultTenantId));
}

function parseEntry(entry: unknown, index: number, defaultTenantId?: string): AccessPolicyEntry {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw badRequest('BadRequest', `accessPolicies[${index}] must be an object.`);
  const raw = entry as Record<string, unknown>;
  const tenantId = raw.tenantId ?? defaultTenantId;
  if (!isGuid(tenantId)) throw badRequest('BadRequest', `accessPolicies[${index}].tenantId must be a GUID.`);
  if (!isGuid(raw.objectId)) throw badRequest('BadRequest', `accessPolicies[${index}].objectId must be a GUID (the principal's object id, not its application id).`);
  if (raw.applicationId !== undefined && raw.applicationId !== null && !isGuid(raw.applicationId)) {
    throw badRequest('BadRequest', `accessPolicies[${index}].applicationId must be a GUID when given.`);
  }
  const permissionsRaw = raw.permissions;
  if (permissionsRaw === null || typeof permissionsRaw !== 'object' || Array.isArray(permissionsRaw)) {
    throw badRequest('BadRequest', `accessPolicies[${index}].permissions must be an object.`);
  }
  const permissions: AccessPolicyEntry['permissions'] = {};
  for (const category of CATEGORIES) {
    const list = (permissionsRaw as Record<string, unknown>)[category];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw badRequest('BadRequest', `accessPolicies[${index}].permissions.${category} must be an array.`);
    permissions[category] = list.map((permission) => {
      const known = PERMISSIONS[category].find((p) => typeof permission === 'string' && p.toLowerCase() === permission.toLowerCase());
      if (!known) {
        throw badRequest('BadRequest', `Invalid ${category} permission '${String(permission)}' in accessPolicies[${index}]. Valid values: ${PERMISSIONS[category].join(', ')}.`);
      }
      return permission as string;
    });
  }
  return {
    tenantId: tenantId.toLowerCase(),
    objectId: raw.objectId.toLowerCase(),
    ...(typeof raw.applicationId === 'string' ? { applicationId: raw.applicationId.toLowerCase() } : {}),
    permissions,
  };
}

export type AccessPolicyUpdateKind = 'add' | 'replace' | 'remove';

/** `PUT …/accessPolicies/{add|replace|remove}`: merges into the vault's list and returns the new list. */
export function applyAccessPolicyUpdate(current: AccessPolicyEntry[], kind: AccessPolicyUpdateKind, changes: AccessPolicyEntry[]): AccessPolicyEntry[] {
  const next = current.map((entry) => ({ ...entry, permissions: { ...entry.permissions } }));
  for (const change of changes) {
    const index = next.findIndex((entry) => sameIdentity(entry, change));
    const existing = index >= 0 ? next[index] : undefined;
    if (kind === 'add') {
      if (!existing) next.push(change);
      else for (const category of CATEGORIES) existing.permissions[category] = union(existing.permissions[category], change.permissions[category]);
    } else if (kind === 'replace') {
      if (!existing) next.push(change);
      else existing.permissions = { ...change.permissions };
    } else if (existing) {
      for (const category of CATEGORIES) existing.permissions[category] = difference(existing.permissions[category], change.permissions[category]);
      if (CATEGORIES.every((category) => (existing.permissions[category] ?? []).length === 0)) next.splice(index, 1);
    }
  }
  return next;
}

/** Does this policy list grant `permission` (a key permission) to the caller? */
export function accessPolicyGrants(policies: AccessPolicyEntry[], objectId: string, tenantId: string, appId: string | undefined, permission: string): boolean {
  const wanted = permission.toLowerCase();
  return policies.some((entry) => {
    if (entry.objectId !== objectId.toLowerCase() || entry.tenantId !== tenantId.toLowerCase()) return false;
    // A compound entry (objectId + applicationId) applies only when the caller acts through that app.
    if (entry.applicationId && entry.applicationId !== appId?.toLowerCase()) return false;
    return (entry.permissions.keys ?? []).some((p) => p.toLowerCase() === wanted || p.toLowerCase() === 'all');
  });
}

function sameIdentity(a: AccessPolicyEntry, b: AccessPolicyEntry): boolean {
  return a.tenantId === b.tenantId && a.objectId === b.objectId && (a.applicationId ?? '') === (b.applicationId ?? '');
}

function union(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (!a && !b) return undefined;
  const out = [...(a ?? [])];
  for (const item of b ?? []) if (!out.some((x) => x.toLowerCase() === item.toLowerCase())) out.push(item);
  return out;
}

function difference(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (!a) return undefined;
  return a.filter((x) => !(b ?? []).some((y) => y.toLowerCase() === x.toLowerCase()));
}
