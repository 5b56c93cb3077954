import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import type { TokenCredential } from '@azure/core-auth';

/**
 * Keyward's Azure identity. With a client id it is that user-assigned managed identity — in Azure
 * (App Service) and against the local emulator alike, which serves the same managed-identity
 * endpoint. Without one, DefaultAzureCredential finds whatever the machine offers (an Azure CLI
 * login on an operator's laptop, workload identity, …).
 */
export function createAzureCredential(clientId?: string): TokenCredential {
  return clientId ? new ManagedIdentityCredential({ clientId }) : new DefaultAzureCredential();
}
