import { badParameter, badRequest } from './serviceError';

/**
 * Name rules Azure enforces. Vaults: 3–24 characters, letters, digits and hyphens, starting with a
 * letter, ending with a letter or digit, no consecutive hyphens (Azure's VaultNameNotValid rule).
 * Managed HSMs: the same rule (start/end rules for HSMs are UNCONFIRMED; the vault rule is applied).
 */
const VAULT_NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;
const KEY_NAME = /^[0-9a-zA-Z-]{1,127}$/;
const RESOURCE_GROUP_NAME = /^[-\w._()]{1,90}$/u;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY_VERSION = /^[0-9a-f]{32}$/i;

export function isValidVaultName(name: string): boolean {
  return VAULT_NAME.test(name) && !name.includes('--');
}

export function assertVaultName(name: string): void {
  if (!isValidVaultName(name)) {
    throw badRequest(
      'VaultNameNotValid',
      `The name '${name}' is invalid. A vault's name must be between 3-24 alphanumeric characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens. Follow this link for more information: https://go.microsoft.com/fwlink/?linkid=2147742`,
    );
  }
}

export function assertHsmName(name: string): void {
  if (!isValidVaultName(name)) {
    throw badRequest(
      'BadRequest',
      `The name '${name}' is invalid. A managed HSM's name must be between 3-24 alphanumeric characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens.`,
    );
  }
}

export function assertKeyName(name: string): void {
  if (!KEY_NAME.test(name)) throw badParameter(`The request URI contains an invalid name: ${name}`);
}

export function isValidKeyVersion(version: string): boolean {
  return KEY_VERSION.test(version);
}

export function assertResourceGroupName(name: string): void {
  if (!RESOURCE_GROUP_NAME.test(name) || name.endsWith('.')) {
    throw badRequest(
      'InvalidResourceGroup',
      `The provided resource group name '${name}' has these invalid characters or is too long. The name can only be a letter, digit, '-', '.', '(', ')' or '_', up to 90 characters, and cannot end with '.'.`,
    );
  }
}

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value);
}

/** Case-insensitive key for maps: Azure names are case-preserving but case-insensitive. */
export function nameKey(name: string): string {
  return name.toLowerCase();
}
