import { appError } from '../core';
import type { AzureReader } from '../azure/ports';
import type { KeyContainerKind } from '../customerKey';
import type { Run } from './runTypes';

export interface ContainerAddress {
  kind: KeyContainerKind;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
}

/**
 * Where a vault's or HSM's data plane is. ARM says it (`vaultUri`, `hsmUri`), so the executor never
 * builds host names itself: the same code then works against Azure and the emulator, whose hosts
 * are `<name>.vault.localhost:<port>`. Answers from the run's own step outputs first (no request),
 * then from what this process already read, and only then asks ARM (one GET).
 */
export class ContainerLocator {
  private readonly known = new Map<string, string>();

  constructor(
    private readonly azure: Pick<AzureReader, 'getVault' | 'getManagedHsm'>,
    private readonly run?: Run,
  ) {}

  remember(kind: KeyContainerKind, name: string, url: string): void {
    if (url) this.known.set(key(kind, name), url.replace(/\/$/, ''));
  }

  async url(address: ContainerAddress): Promise<string> {
    const cached = this.known.get(key(address.kind, address.name)) ?? this.fromRun(address);
    if (cached) return cached;
    if (address.kind === 'vault') {
      const vault = await this.azure.getVault(address.subscriptionId, address.resourceGroup, address.name);
      if (!vault?.vaultUri)
        throw appError('AzureNotFound', `Vault ${address.name} was not found in resource group ${address.resourceGroup} of subscription ${address.subscriptionId}.`);
      this.remember('vault', address.name, vault.vaultUri);
    } else {
      const hsm = await this.azure.getManagedHsm(address.subscriptionId, address.resourceGroup, address.name);
      if (!hsm?.hsmUri)
        throw appError('AzureNotFound', `Managed HSM ${address.name} was not found in resource group ${address.resourceGroup} of subscription ${address.subscriptionId}.`);
      this.remember('managedHsm', address.name, hsm.hsmUri);
    }
    return this.known.get(key(address.kind, address.name)) as string;
  }

  private fromRun(address: ContainerAddress): string | undefined {
    for (const step of this.run?.steps ?? []) {
      const output = step.output;
      if (!output) continue;
      if (address.kind === 'vault' && step.kind === 'ensureVault' && typeof output.vaultUri === 'string' && sameName(output.vaultName, address.name))
        return output.vaultUri.replace(/\/$/, '');
      if (address.kind === 'managedHsm' && step.kind === 'ensureManagedHsm' && typeof output.hsmUri === 'string' && sameName(output.hsmName, address.name))
        return output.hsmUri.replace(/\/$/, '');
    }
    return undefined;
  }
}

function key(kind: KeyContainerKind, name: string): string {
  return `${kind}:${name.toLowerCase()}`;
}

function sameName(value: unknown, name: string): boolean {
  return typeof value === 'string' && value.toLowerCase() === name.toLowerCase();
}
