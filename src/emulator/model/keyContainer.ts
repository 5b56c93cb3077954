import type { ManagedHsmRecord, VaultRecord } from './records';

/** What the keys API needs to know about the vault or Managed HSM that holds the keys. */
export interface KeyContainer {
  kind: 'vault' | 'hsm';
  uid: string;
  name: string;
  subscriptionId: string;
  location: string;
  /** Premium vaults and Managed HSMs hold HSM-protected keys; standard vaults do not. */
  hsmCapable: boolean;
  softDeleteRetentionInDays: number;
  purgeProtection: boolean;
}

export function vaultContainer(vault: VaultRecord): KeyContainer {
  return {
    kind: 'vault',
    uid: vault.uid,
    name: vault.name,
    subscriptionId: vault.subscriptionId,
    location: vault.location,
    hsmCapable: vault.sku === 'premium',
    softDeleteRetentionInDays: vault.softDeleteRetentionInDays,
    purgeProtection: vault.enablePurgeProtection,
  };
}

export function hsmContainer(hsm: ManagedHsmRecord): KeyContainer {
  return {
    kind: 'hsm',
    uid: hsm.uid,
    name: hsm.name,
    subscriptionId: hsm.subscriptionId,
    location: hsm.location,
    hsmCapable: true,
    softDeleteRetentionInDays: hsm.softDeleteRetentionInDays,
    purgeProtection: hsm.enablePurgeProtection,
  };
}

/** The vault or Managed HSM a data-plane request is addressed to, resolved from its host name. */
export type KeyHost =
  { kind: 'vault'; vault: VaultRecord; container: KeyContainer; tenantId: string } | { kind: 'hsm'; hsm: ManagedHsmRecord; container: KeyContainer; tenantId: string };
