import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { AggregationTemporality, PeriodicExportingMetricReader, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { instrumentAzureSdk } from '../../src/azure/sdkTracing';
import { startOpenTelemetry, type RunningTelemetry } from '../../src/observability/telemetrySdk';

/**
 * "Tracing on" for the benchmarks: the same SDK set-up Keyward uses (scrubbing processor, batch
 * span processor, metric reader, Azure SDK instrumentation), with exporters that serialise what
 * they are given as an OTLP/JSON exporter would and then drop it — the process pays for making,
 * scrubbing, batching and encoding every span and metric, not for a network it does not have.
 */
export function startBenchTelemetry(): RunningTelemetry & { spans(): number } {
  let spans = 0;
  const spanExporter: SpanExporter = {
    export(batch: ReadableSpan[], done: (result: ExportResult) => void) {
      spans += batch.length;
      JSON.stringify(
        batch.map((span) => ({
          name: span.name,
          kind: span.kind,
          traceId: span.spanContext().traceId,
          spanId: span.spanContext().spanId,
          parent: span.parentSpanContext?.spanId,
          start: span.startTime,
          end: span.endTime,
          attributes: span.attributes,
          events: span.events,
          links: span.links,
          status: span.status,
        })),
      );
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: () => Promise.resolve(),
  };
  const metricExporter: PushMetricExporter = {
    export(metrics: ResourceMetrics, done: (result: ExportResult) => void) {
      JSON.stringify(metrics.scopeMetrics);
      done({ code: ExportResultCode.SUCCESS });
    },
    selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE,
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const running = startOpenTelemetry({
    spanExporters: [spanExporter],
    metricReaders: [new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 1000 })],
    instrumentAzureSdk,
  });
  return { ...running, spans: () => spans };
}
