import { metrics, trace } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { shutdownAzureMonitor, useAzureMonitor } from '@azure/monitor-opentelemetry';
import { resetKeywardInstruments } from '../telemetry';
import { instrumentAzureSdk } from './sdkTracing';

export interface AzureMonitorTelemetryOptions {
  /** APPLICATIONINSIGHTS_CONNECTION_STRING. Never logged. */
  connectionString: string;
  resource: Resource;
  /** Run before the exporter (Keyward's scrubbing processor). */
  spanProcessors: SpanProcessor[];
}

/**
 * Traces and metrics to Application Insights through the Azure Monitor OpenTelemetry distro.
 * Keyward makes its own server span for /api/messages (kind SERVER, so it becomes a "request" in
 * Application Insights) and the Azure SDKs make theirs (kind CLIENT: "dependencies"), so the
 * distro's generic HTTP instrumentation is off — it would double every request — and so are the
 * database and logging-library instrumentations Keyward has no use for. Sampling keeps every
 * trace: Keyward's traffic is small and a missing trace of an approved change is worse than cost.
 * Source: https://learn.microsoft.com/azure/azure-monitor/app/opentelemetry-configuration?tabs=nodejs
 */
export function startAzureMonitorTelemetry(options: AzureMonitorTelemetryOptions): { shutdown(): Promise<void>; flush(): Promise<void> } {
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString: options.connectionString },
    resource: options.resource,
    samplingRatio: 1,
    tracesPerSecond: 0,
    enableLiveMetrics: false,
    spanProcessors: options.spanProcessors,
    instrumentationOptions: {
      azureSdk: { enabled: true },
      http: { enabled: false },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
      bunyan: { enabled: false },
      winston: { enabled: false },
    },
  });
  instrumentAzureSdk();
  resetKeywardInstruments();
  return {
    shutdown: () => shutdownAzureMonitor(),
    async flush() {
      const proxy = trace.getTracerProvider() as { getDelegate?: () => unknown };
      const provider = (proxy.getDelegate?.() ?? proxy) as { forceFlush?: () => Promise<void> };
      await provider.forceFlush?.();
      const meters = metrics.getMeterProvider() as { forceFlush?: () => Promise<void> };
      await meters.forceFlush?.();
    },
  };
}
