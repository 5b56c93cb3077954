import { metrics, type Attributes, type Counter, type Histogram, type Meter, type ObservableGauge, type ObservableResult } from '@opentelemetry/api';
import { safeAttributes } from './spans';

/**
 * Keyward's metrics: names, units and meanings in one table (the README's metrics section is
 * written from it, and a test keeps them equal). Attributes are low-cardinality: kinds, codes,
 * outcomes — never a request id or a person.
 */
export const METRICS = {
  turnDuration: {
    name: 'keyward.turn.duration',
    type: 'histogram',
    unit: 's',
    description: 'Time to answer one /api/messages request (a chat turn or a card click), by keyward.activity.type (message, invoke, …) and keyward.outcome (ok, refused, error).',
  },
  turnErrors: { name: 'keyward.turn.errors', type: 'counter', unit: '{turn}', description: 'Requests to /api/messages that ended in a 5xx, by keyward.activity.type.' },
  votes: { name: 'keyward.approval.votes', type: 'counter', unit: '{vote}', description: 'Votes counted, by keyward.vote.decision (approve, reject).' },
  refusals: {
    name: 'keyward.approval.refusals',
    type: 'counter',
    unit: '{refusal}',
    description: 'Approval actions refused, by keyward.error.code (SelfApprovalForbidden, PlanHashMismatch, RequestExpired, …) and keyward.action (vote, cancel, submit).',
  },
  approvalsPending: {
    name: 'keyward.approvals.pending',
    type: 'gauge',
    unit: '{request}',
    description: 'Approval requests waiting for votes (reported by the instance that leads the cluster only, so instances are not counted twice).',
  },
  approvalsOldestAge: {
    name: 'keyward.approvals.oldest_pending_age',
    type: 'gauge',
    unit: 's',
    description: 'Age of the oldest request waiting for votes (0 when none; leader only).',
  },
  approvalsNextExpiry: {
    name: 'keyward.approvals.next_expiry',
    type: 'gauge',
    unit: 's',
    description: 'Time until the soonest pending request expires (not reported when none is pending; leader only).',
  },
  clusterLeader: {
    name: 'keyward.cluster.leader',
    type: 'gauge',
    unit: '{instance}',
    description:
      'Every instance: 1 while it holds the cluster lease (runs the timers, delivers the outbox), else 0. Summed over the instances it is 1; 0 for longer than the lease means nobody runs the timers.',
  },
  outboxBacklog: {
    name: 'keyward.outbox.backlog',
    type: 'gauge',
    unit: '{event}',
    description: 'Approval changes committed but not yet delivered to cards, the executor and the journeys (leader only).',
  },
  outboxOldestAge: {
    name: 'keyward.outbox.oldest_undelivered_age',
    type: 'gauge',
    unit: 's',
    description: "Age of the oldest approval change not yet delivered (0 when none; leader only): the outbox's lag.",
  },
  runs: { name: 'keyward.runs', type: 'counter', unit: '{run}', description: 'Plan runs that ended a drive, by keyward.outcome (succeeded, waiting, stopped, failed).' },
  stepDuration: {
    name: 'keyward.step.duration',
    type: 'histogram',
    unit: 's',
    description: 'Time of one executor step (check, apply, verify, retries included), by keyward.step.kind and keyward.outcome (done, waiting, stopped).',
  },
  stepRetries: {
    name: 'keyward.step.retries',
    type: 'counter',
    unit: '{retry}',
    description: 'Step retries after a transient failure, by keyward.step.kind and keyward.error.code (AzureThrottled, AzureTransient, …).',
  },
  azureThrottled: {
    name: 'keyward.azure.throttled',
    type: 'counter',
    unit: '{response}',
    description: 'Azure answers with 429 (throttled), by keyward.azure.service (arm, keyvault, graph, other).',
  },
  retryAfterWaited: {
    name: 'keyward.azure.retry_after_waited',
    type: 'counter',
    unit: 's',
    description: 'Time the executor waited because Azure asked it to (Retry-After on throttling).',
  },
  auditDigests: { name: 'keyward.audit.digests', type: 'counter', unit: '{digest}', description: 'Audit digest rounds, by keyward.outcome (written, nothing_new, failed).' },
  auditDigestAge: {
    name: 'keyward.audit.digest_age',
    type: 'gauge',
    unit: 's',
    description: 'Time since the audit log was last known to be covered by a signed digest (a digest written, or nothing new to sign; leader only).',
  },
  healthDrift: {
    name: 'keyward.health.drift',
    type: 'counter',
    unit: '{finding}',
    description: 'Scheduled readiness re-checks that found drift (keyward.outcome=drift) or saw it fixed (fixed).',
  },
} as const;

type CounterKey = { [K in keyof typeof METRICS]: (typeof METRICS)[K]['type'] extends 'counter' ? K : never }[keyof typeof METRICS];
type HistogramKey = { [K in keyof typeof METRICS]: (typeof METRICS)[K]['type'] extends 'histogram' ? K : never }[keyof typeof METRICS];
type GaugeKey = { [K in keyof typeof METRICS]: (typeof METRICS)[K]['type'] extends 'gauge' ? K : never }[keyof typeof METRICS];

interface Instruments {
  meter: Meter;
  counters: Map<CounterKey, Counter>;
  histograms: Map<HistogramKey, Histogram>;
  gauges: Map<GaugeKey, ObservableGauge>;
}

let current: Instruments | undefined;
/** Gauge sources: each returns readings for some gauges (undefined = not reported). */
const gaugeSources = new Set<() => Promise<Partial<Record<GaugeKey, number>>> | Partial<Record<GaugeKey, number>>>();

function instruments(): Instruments {
  if (current) return current;
  const meter = metrics.getMeter('keyward');
  const made: Instruments = { meter, counters: new Map(), histograms: new Map(), gauges: new Map() };
  for (const [key, spec] of Object.entries(METRICS) as Array<[keyof typeof METRICS, (typeof METRICS)[keyof typeof METRICS]]>) {
    const options = { unit: spec.unit, description: spec.description };
    if (spec.type === 'counter') made.counters.set(key as CounterKey, meter.createCounter(spec.name, options));
    else if (spec.type === 'histogram') made.histograms.set(key as HistogramKey, meter.createHistogram(spec.name, options));
    else made.gauges.set(key as GaugeKey, meter.createObservableGauge(spec.name, options));
  }
  meter.addBatchObservableCallback(async (result) => observeGauges(made, result), [...made.gauges.values()]);
  current = made;
  return made;
}

async function observeGauges(made: Instruments, result: { observe(gauge: ObservableGauge, value: number, attributes?: Attributes): void }): Promise<void> {
  for (const source of [...gaugeSources]) {
    let readings: Partial<Record<GaugeKey, number>>;
    try {
      readings = await source();
    } catch {
      continue; // a store that cannot answer reports nothing this round
    }
    for (const [key, value] of Object.entries(readings) as Array<[GaugeKey, number | undefined]>) {
      const gauge = made.gauges.get(key);
      if (gauge && typeof value === 'number' && Number.isFinite(value)) result.observe(gauge, value);
    }
  }
}

/**
 * Forget the instruments made so far: call after registering a meter provider (instruments made
 * from the API's no-op meter would stay no-ops for ever).
 */
export function resetKeywardInstruments(): void {
  current = undefined;
}

export function countMetric(key: CounterKey, value = 1, attributes: Record<string, unknown> = {}): void {
  instruments().counters.get(key)?.add(value, safeAttributes(attributes));
}

export function recordMetric(key: HistogramKey, value: number, attributes: Record<string, unknown> = {}): void {
  instruments().histograms.get(key)?.record(value, safeAttributes(attributes));
}

/** Adds a source of gauge readings, read at each metric export; returns its removal. */
export function addGaugeSource(source: () => Promise<Partial<Record<GaugeKey, number>>> | Partial<Record<GaugeKey, number>>): () => void {
  gaugeSources.add(source);
  instruments();
  return () => gaugeSources.delete(source);
}

export type { GaugeKey, ObservableResult };
