import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { ConsoleMetricExporter, MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, type ReadableSpan, type Span, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resetKeywardInstruments, safeValue } from '../telemetry';

/** What the composition root needs to stop telemetry (flushing what is buffered). */
export interface RunningTelemetry {
  /** Exports what is buffered now (tests, shutdown). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface OpenTelemetryOptions {
  /** Where spans go (batched). */
  spanExporters?: readonly SpanExporter[];
  /** Span processors as they are (tests use a SimpleSpanProcessor over an in-memory exporter). */
  spanProcessors?: readonly SpanProcessor[];
  metricReaders?: readonly MetricReader[];
  serviceName?: string;
  serviceVersion?: string;
  /** Registers the Azure SDKs' spans (src/azure/sdkTracing.ts); called once the tracer provider is in place. */
  instrumentAzureSdk?: () => void;
}

/**
 * Registers OpenTelemetry for this process (global tracer and meter providers, the
 * AsyncLocalStorage context manager, W3C trace context), with the scrubbing processor first, so
 * every exported span — Keyward's and the Azure SDKs' — has its attributes and events passed
 * through `safeAttributes` before any exporter sees them.
 */
export function startOpenTelemetry(options: OpenTelemetryOptions): RunningTelemetry {
  const resource = keywardResource(options.serviceName ?? 'keyward', options.serviceVersion);
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: [scrubbingSpanProcessor(), ...(options.spanExporters ?? []).map((exporter) => new BatchSpanProcessor(exporter)), ...(options.spanProcessors ?? [])],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  const meterProvider = new MeterProvider({ resource, readers: [...(options.metricReaders ?? [])] });
  metrics.setGlobalMeterProvider(meterProvider);
  resetKeywardInstruments();
  options.instrumentAzureSdk?.();
  let stopped: Promise<void> | undefined;
  return {
    async flush() {
      await tracerProvider.forceFlush();
      await meterProvider.forceFlush();
    },
    shutdown() {
      stopped ??= (async () => {
        await tracerProvider.shutdown().catch(() => undefined);
        await meterProvider.shutdown().catch(() => undefined);
        trace.disable();
        metrics.disable();
        propagation.disable();
        context.disable();
        resetKeywardInstruments();
      })();
      return stopped;
    },
  };
}

/** Local telemetry chosen by KEYWARD_TELEMETRY: spans and metrics on stderr, or to an OTLP/HTTP endpoint. */
export function startLocalTelemetry(settings: {
  exporter: 'console' | 'otlp';
  otlpEndpoint: string;
  metricsExportMs: number;
  serviceVersion?: string;
  instrumentAzureSdk?: () => void;
}): RunningTelemetry {
  const spanExporter = settings.exporter === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter({ url: `${settings.otlpEndpoint}/v1/traces` });
  const metricExporter = settings.exporter === 'console' ? new ConsoleMetricExporter() : new OTLPMetricExporter({ url: `${settings.otlpEndpoint}/v1/metrics` });
  return startOpenTelemetry({
    spanExporters: [spanExporter],
    metricReaders: [
      new PeriodicExportingMetricReader({
        exporter: metricExporter,
        exportIntervalMillis: settings.metricsExportMs,
        exportTimeoutMillis: Math.min(30_000, settings.metricsExportMs),
      }),
    ],
    ...(settings.serviceVersion ? { serviceVersion: settings.serviceVersion } : {}),
    ...(settings.instrumentAzureSdk ? { instrumentAzureSdk: settings.instrumentAzureSdk } : {}),
  });
}

export function keywardResource(serviceName: string, serviceVersion?: string): Resource {
  return resourceFromAttributes({ 'service.name': serviceName, 'service.namespace': 'keyward', ...(serviceVersion ? { 'service.version': serviceVersion } : {}) });
}

/**
 * Scrubs every span as it ends, before any exporter's processor sees it: attribute values and
 * event attributes go through `safeValue` (secret-looking names redacted, token- or key-shaped
 * values replaced, long text cut). Keyward sets only ids, codes and kinds; the Azure SDKs set
 * URLs (query strings already sanitised by core-rest-pipeline) and exception texts.
 */
export function scrubbingSpanProcessor(): SpanProcessor {
  return {
    onStart: () => undefined,
    onEnding(span: Span) {
      for (const [key, value] of Object.entries(span.attributes)) {
        const safe = safeValue(key, value);
        if (safe !== value) span.setAttribute(key, safe ?? '');
      }
      for (const event of span.events) {
        if (!event.attributes) continue;
        const attributes = event.attributes as Record<string, unknown>;
        for (const [key, value] of Object.entries(attributes)) {
          const safe = safeValue(key, value);
          if (safe === undefined) delete attributes[key];
          else attributes[key] = safe;
        }
      }
    },
    onEnd: (_span: ReadableSpan) => undefined,
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}
