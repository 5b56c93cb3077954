import { CredentialUnavailableError, DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { appError, isLoopbackUrl } from '../core';

export interface AzureCredentialOptions {
  /**
   * Local mode (anonymous): only the local emulator's managed-identity endpoint may issue tokens,
   * never a developer login (DefaultAzureCredential: az login, environment secrets, …) and never a
   * real managed-identity endpoint (Azure's IMDS on a developer VM).
   */
  localOnly?: boolean;
}

/** The variables the Azure SDK's managed-identity credential reads to find its token endpoint. */
const IDENTITY_ENDPOINT_VARIABLES = ['IDENTITY_ENDPOINT', 'MSI_ENDPOINT', 'IMDS_ENDPOINT'] as const;

/**
 * Keyward's Azure identity. With a client id it is that user-assigned managed identity — in Azure
 * (App Service) and against the local emulator alike, which serves the same managed-identity
 * endpoint. Without one (production only), DefaultAzureCredential finds whatever the machine
 * offers (an Azure CLI login on an operator's laptop, workload identity, …).
 */
export function createAzureCredential(clientId?: string, options: AzureCredentialOptions = {}): TokenCredential {
  if (options.localOnly) {
    if (!clientId) {
      throw appError(
        'ConfigInvalid',
        "Local mode needs a managed identity client id (the emulator's keyward-writer by default); it never uses your own Azure login (DefaultAzureCredential).",
      );
    }
    return new LoopbackManagedIdentityCredential(new ManagedIdentityCredential({ clientId }));
  }
  return clientId ? new ManagedIdentityCredential({ clientId }) : new DefaultAzureCredential();
}

/**
 * A managed-identity credential that asks only a token endpoint on loopback (the local emulator's).
 * It reads the same environment variables the Azure SDK reads, at the moment of each request, and
 * refuses before the SDK sends anything when they point elsewhere or are missing (the SDK would
 * then ask Azure's instance metadata service).
 */
class LoopbackManagedIdentityCredential implements TokenCredential {
  constructor(private readonly inner: TokenCredential) {}

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const endpoints = IDENTITY_ENDPOINT_VARIABLES.map((name) => [name, process.env[name]] as const).filter(([, value]) => value);
    const outside = endpoints.find(([, value]) => !isLoopbackUrl(value!));
    if (endpoints.length === 0 || !process.env.IDENTITY_ENDPOINT || outside) {
      return Promise.reject(
        new CredentialUnavailableError(
          outside
            ? `Local mode takes Azure tokens only from the local emulator, but ${outside[0]} points at ${outside[1]}. Nothing was sent. Start the stack with npm start, or run in production mode (MicrosoftAppId).`
            : "Local mode takes Azure tokens only from the local emulator's managed-identity endpoint (IDENTITY_ENDPOINT on loopback, set by npm start), and none is set. Nothing was sent to Azure.",
        ),
      );
    }
    return this.inner.getToken(scopes, options);
  }
}
