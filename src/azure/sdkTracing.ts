import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { createAzureSdkInstrumentation } from '@azure/opentelemetry-instrumentation-azure-sdk';

let registered = false;

/**
 * Lets the Azure SDKs emit spans through @azure/core-tracing: one per SDK operation
 * ("KeyClient.createKey") and one per HTTP request ("HTTP PUT", with the pipeline's request id,
 * which Keyward sets to the correlation id it sends as x-ms-client-request-id), as children of
 * whatever span is active — the executor's step, a turn's preflight. The instrumentation patches
 * core-tracing when it is next required, so it is required here once more after registering (the
 * SDKs loaded it long before). Once per process; the spans follow whichever tracer provider is
 * registered globally.
 * Source: https://learn.microsoft.com/javascript/api/overview/azure/opentelemetry-instrumentation-azure-sdk-readme
 */
export function instrumentAzureSdk(): void {
  if (registered) return;
  registered = true;
  registerInstrumentations({ instrumentations: [createAzureSdkInstrumentation()] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh require is what lets the instrumentation patch the already-loaded module
  require('@azure/core-tracing');
}
