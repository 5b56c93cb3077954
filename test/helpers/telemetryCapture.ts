import { AggregationTemporality, MetricReader, type DataPoint, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startOpenTelemetry, type RunningTelemetry } from '../../src/observability/telemetrySdk';
import { instrumentAzureSdk } from '../../src/azure/sdkTracing';

class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * OpenTelemetry for a test: every span ends up in memory (scrubbed first, exactly as Keyward's
 * exporters get them) and metrics are read on demand. Global for the process while it runs, as
 * the SDK is in production; `stop()` unregisters it.
 */
export interface TelemetryCapture {
  spans(): ReadableSpan[];
  metrics(): Promise<ResourceMetrics>;
  /** Data points of one metric by name (empty when never recorded). */
  points(name: string): Promise<Array<DataPoint<unknown>>>;
  reset(): void;
  stop(): Promise<void>;
}

export function captureTelemetry(): TelemetryCapture {
  const exporter = new InMemorySpanExporter();
  const reader = new CollectingReader();
  const running: RunningTelemetry = startOpenTelemetry({ spanProcessors: [new SimpleSpanProcessor(exporter)], metricReaders: [reader], instrumentAzureSdk });
  const metrics = async () => (await reader.collect()).resourceMetrics;
  return {
    spans: () => exporter.getFinishedSpans(),
    metrics,
    async points(name) {
      const collected = await metrics();
      return collected.scopeMetrics.flatMap((scope) =>
        scope.metrics.filter((metric) => metric.descriptor.name === name).flatMap((metric) => metric.dataPoints as Array<DataPoint<unknown>>),
      );
    },
    reset: () => exporter.reset(),
    stop: () => running.shutdown(),
  };
}
