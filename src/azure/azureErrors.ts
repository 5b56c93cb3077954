import { RestError } from '@azure/core-rest-pipeline';
import { appError, isAppError, retryAfterMs as retryAfterOf, type AppError, type ErrorCode } from '../core';

/** What the failing call was, so the error can say what to fix. */
export interface AzureCallContext {
  /** e.g. "create vault kv-a in rg-ck-a". */
  operation: string;
  /** ARM scope or data-plane URL of the target. */
  scope?: string;
  /** The built-in role (or access-policy permission) that allows the operation. */
  requiredRole?: string;
}

interface AzureErrorBody {
  /** `innererror` on the wire; `innerError` once @azure/keyvault-keys 4.10 has deserialized it into RestError.details. */
  error?: { code?: string; message?: string; innererror?: { code?: string }; innerError?: { code?: string } };
  code?: string;
  message?: string;
}

const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'REQUEST_SEND_ERROR', 'UND_ERR_SOCKET']);

/**
 * Translates an Azure SDK / REST failure into Keyward's error codes, keeping Azure's own code and
 * message as details (never a token or body with secrets). Domain code matches on `code` only.
 */
export function mapAzureError(error: unknown, context: AzureCallContext): AppError {
  if (isAppError(error)) return error;
  const restError = error instanceof RestError ? error : undefined;
  const status = restError?.statusCode;
  const body = parseBody(restError);
  const azureCode = body.error?.code ?? body.code ?? restError?.code;
  const innerCode = body.error?.innererror?.code ?? body.error?.innerError?.code;
  const azureMessage = body.error?.message ?? body.message ?? (error instanceof Error ? error.message : String(error));
  // Azure's HttpHeaders (case-insensitive get); the milliseconds headers first, as the SDK reads them.
  const retryAfterMs = retryAfterOf(restError?.response?.headers);
  const details = { status, azureCode, innerCode, azureMessage, operation: context.operation, scope: context.scope, requiredRole: context.requiredRole, retryAfterMs };
  const say = (code: ErrorCode, message: string) => appError(code, message, details, error);

  if (/failed to return collection response for type 'deletedManagedHSMs'/i.test(azureMessage) || azureCode === 'ProviderError') {
    return say('ProviderCollectionError', `Azure failed to list deleted Managed HSMs while trying to ${context.operation} (ProviderError, a known transient fault).`);
  }
  if (/pool creation is disabled in this region/i.test(azureMessage)) {
    return say('RegionUnavailable', `Azure cannot create a Managed HSM pool in that region right now (${context.operation}): "${azureMessage}". Choose another region.`);
  }
  if (azureCode === 'ReadOnlyDisabledSubscription' || /subscription .*(disabled|is not enabled)/i.test(azureMessage)) {
    return say(
      'SubscriptionNotEnabled',
      `The subscription is disabled, so Azure refuses to ${context.operation}. Re-enable it (Azure portal → Subscriptions → Reactivate, or pay the outstanding balance), then retry.`,
    );
  }
  if (azureCode === 'QuotaExceeded' || /quota/i.test(azureCode ?? '')) {
    return say('QuotaExceeded', `Azure quota reached: cannot ${context.operation}. ${azureMessage}`);
  }
  if (status === 429)
    return say('AzureThrottled', `Azure throttled the request to ${context.operation}${retryAfterMs ? `; it asked to wait ${Math.ceil(retryAfterMs / 1000)} s` : ''}.`);
  if (status !== undefined && status >= 500) return say('AzureTransient', `Azure answered ${status} (${azureCode ?? 'server error'}) to ${context.operation}: ${azureMessage}`);
  if (status === undefined && restError && TRANSIENT_NETWORK.has(restError.code ?? '')) {
    return say('AzureTransient', `The connection to Azure failed while trying to ${context.operation} (${restError.code}).`);
  }
  if (!restError && error instanceof Error && error.name === 'AbortError') {
    // core-rest-pipeline aborts a request that outlived its timeout (requestTimeoutPolicy).
    return say('AzureTransient', `Azure did not answer in time while Keyward tried to ${context.operation}; the request was abandoned.`);
  }
  if (status === 401) return say('AzureUnauthorized', `Azure did not accept Keyward's credential for ${context.operation}: ${azureMessage}`);
  if (status === 403 && (innerCode === 'HsmNotActivated' || /not (yet )?activated/i.test(azureMessage))) {
    return say(
      'HsmNotActivated',
      `The Managed HSM is not activated, so Azure refused to ${context.operation}. Complete the security-domain ceremony (download with the officers' certificates) first.`,
    );
  }
  if (status === 403) {
    const role = context.requiredRole ? ` Grant "${context.requiredRole}"${context.scope ? ` at scope ${context.scope}` : ''} to Keyward's identity.` : '';
    return say('AzureForbidden', `Azure refused to ${context.operation} (${innerCode ?? azureCode ?? 'Forbidden'}).${role}`);
  }
  if (status === 404) return say('AzureNotFound', `Azure found nothing for ${context.operation} (${azureCode ?? 'NotFound'}).`);
  if (status === 409 && (innerCode === 'ObjectIsBeingDeleted' || innerCode === 'ObjectIsBeingRecovered')) {
    // Key Vault finishes soft deletes and recovers asynchronously: for seconds (no SLA) the object
    // is neither readable nor reusable, and the same call succeeds, or fails for good, once it settles.
    return say(
      'AzureTransient',
      `Azure is still ${innerCode === 'ObjectIsBeingDeleted' ? 'deleting' : 'recovering'} what Keyward tried to ${context.operation} (${innerCode}); that settles by itself, so the step is tried again.`,
    );
  }
  if (status === 409) return say('AzureConflict', `Azure reports a conflict for ${context.operation} (${innerCode ?? azureCode ?? 'Conflict'}): ${azureMessage}`);
  if (status === 400) return say('AzureBadRequest', `Azure rejected the parameters to ${context.operation} (${azureCode ?? 'BadRequest'}): ${azureMessage}`);
  if (status === 501 && azureCode === 'NotImplementedByEmulator')
    return say('NotImplementedByEmulator', `The local emulator does not implement ${context.operation}: ${azureMessage}`);
  return say('AzureFailed', `Azure failed to ${context.operation}: ${azureMessage}`);
}

/** Retryable without changing anything: throttling, 5xx, dropped connections, the ProviderError. */
export function isRetryableAzureError(error: AppError): boolean {
  return error.code === 'AzureThrottled' || error.code === 'AzureTransient' || error.code === 'ProviderCollectionError';
}

function parseBody(error: RestError | undefined): AzureErrorBody {
  const raw = error?.response?.bodyAsText;
  if (raw) {
    try {
      return JSON.parse(raw) as AzureErrorBody;
    } catch {
      return {};
    }
  }
  const details = error?.details as AzureErrorBody | undefined;
  return details && typeof details === 'object' ? details : {};
}
