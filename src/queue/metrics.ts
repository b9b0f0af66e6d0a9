import { JOB_STATES } from '../store/keys.js';
import { METRICS_BUCKETS_MS, type StoredHistogram, type StoredTypeMetrics } from '../store/metrics-store.js';
import type { Store } from '../store/store.js';
import { withCallback, type Callback } from './callback.js';

/** The content type of the Prometheus text format that `text()` writes (prom-client's registry's). */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The `type` label of the types past `maxTypes`, summed. */
export const OTHER_TYPES = '_other';

/** A registry metrics can be added to: a prom-client `Registry` (or anything with its `registerMetric`). */
export interface MetricsRegistry {
  registerMetric(metric: any): void;
  getSingleMetric(name: string): unknown;
}

/** One sample, in the shape prom-client's registry renders. */
interface Sample {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

type FamilyType = 'counter' | 'gauge' | 'histogram';

/** What one scrape read, for every queue of a registry. */
type Snapshot = Array<{ queue: string; types: StoredTypeMetrics[] }>;

/** How one family reads a queue's types, already folded by `type` label. */
interface FamilySpec {
  name: string;
  help: string;
  type: FamilyType;
  samples: (queue: string, types: StoredTypeMetrics[]) => Sample[];
}

function counter(name: string, help: string, value: (t: StoredTypeMetrics) => number): FamilySpec {
  return {
    name,
    help,
    type: 'counter',
    samples: (queue, types) => types.map((t) => ({ labels: { queue, type: t.type }, value: value(t) })),
  };
}

function histogram(name: string, help: string, of: (t: StoredTypeMetrics) => StoredHistogram): FamilySpec {
  return {
    name,
    help,
    type: 'histogram',
    samples: (queue, types) =>
      types.flatMap((t) => {
        const h = of(t);
        const labels = { queue, type: t.type };
        let cumulative = 0;
        const buckets = h.buckets.map((n, i) => {
          cumulative += n;
          const le = i < METRICS_BUCKETS_MS.length ? String(METRICS_BUCKETS_MS[i]! / 1000) : '+Inf';
          return { metricName: `${name}_bucket`, labels: { ...labels, le }, value: cumulative };
        });
        return [
          ...buckets,
          { metricName: `${name}_sum`, labels, value: h.sumMs / 1000 },
          { metricName: `${name}_count`, labels, value: h.count },
        ];
      }),
  };
}

const FAMILIES: FamilySpec[] = [
  counter('kue_jobs_completed_total', 'Jobs completed', (t) => t.run.count),
  counter(
    'kue_jobs_failed_total',
    'Jobs failed for good (no attempt left; cancelled jobs not included)',
    (t) => t.failed,
  ),
  counter('kue_jobs_retried_total', 'Failed attempts of jobs that will run again', (t) => t.retried),
  counter('kue_jobs_stalled_total', 'Stalls: jobs whose worker stopped renewing their lock', (t) => t.stalled),
  counter('kue_jobs_cancelled_total', 'Jobs cancelled', (t) => t.cancelled),
  histogram('kue_job_run_seconds', 'Run time of completed jobs, in seconds', (t) => t.run),
  histogram(
    'kue_job_wait_seconds',
    'Time completed jobs waited before their last attempt started, in seconds',
    (t) => t.wait,
  ),
  {
    name: 'kue_jobs',
    help: 'Jobs in each state now',
    type: 'gauge',
    samples: (queue, types) =>
      types.flatMap((t) =>
        JOB_STATES.map((state) => ({ labels: { queue, type: t.type, state }, value: t.states[state] })),
      ),
  },
];

function addHistogram(into: StoredHistogram, from: StoredHistogram): void {
  from.buckets.forEach((n, i) => (into.buckets[i]! += n));
  into.sumMs += from.sumMs;
  into.count += from.count;
}

/** The named types as they are, then the others summed as one `_other` (present once any type is folded). */
export function foldTypes(types: StoredTypeMetrics[]): StoredTypeMetrics[] {
  const named = types.filter((t) => t.named);
  const others = types.filter((t) => !t.named);
  if (others.length === 0) return named;
  const empty = (): StoredHistogram => ({
    buckets: new Array<number>(METRICS_BUCKETS_MS.length + 1).fill(0),
    sumMs: 0,
    count: 0,
  });
  const sum: StoredTypeMetrics = {
    type: OTHER_TYPES,
    named: false,
    failed: 0,
    retried: 0,
    stalled: 0,
    cancelled: 0,
    run: empty(),
    wait: empty(),
    states: Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as StoredTypeMetrics['states'],
  };
  for (const t of others) {
    sum.failed += t.failed;
    sum.retried += t.retried;
    sum.stalled += t.stalled;
    sum.cancelled += t.cancelled;
    addHistogram(sum.run, t.run);
    addHistogram(sum.wait, t.wait);
    for (const state of JOB_STATES) sum.states[state] += t.states[state];
  }
  return [...named, sum];
}

/**
 * The queues whose metrics one registry exports, and the one scrape they share: prom-client
 * asks each family for its values at once, and the first ask starts one script call per queue
 * that the others await.
 */
class Sources {
  private readonly queues: QueueMetrics[] = [];
  private pending?: Promise<Snapshot>;

  add(queue: QueueMetrics): void {
    if (this.queues.some((q) => q.queue === queue.queue))
      throw new Error(`the metrics of queue "${queue.queue}" are already in this registry`);
    this.queues.push(queue);
  }

  snapshot(): Promise<Snapshot> {
    if (!this.pending) {
      const pending = Promise.all(this.queues.map(async (q) => ({ queue: q.queue, types: foldTypes(await q.read()) })));
      this.pending = pending;
      // Shared by the asks made while it runs (a registry asks every family at once): an ask
      // after it settled is another scrape, and reads again.
      const clear = () => {
        if (this.pending === pending) this.pending = undefined;
      };
      pending.then(clear, clear);
    }
    return this.pending;
  }
}

/** A metric family in the shape a prom-client registry renders (name, help, type, aggregator, get). */
class KueFamily {
  readonly aggregator = 'first';
  readonly help: string;
  readonly type: FamilyType;
  name: string;

  constructor(
    private readonly spec: FamilySpec,
    readonly sources: Sources,
  ) {
    this.name = spec.name;
    this.help = spec.help;
    this.type = spec.type;
  }

  async get(): Promise<{ name: string; help: string; type: FamilyType; aggregator: string; values: Sample[] }> {
    const snapshot = await this.sources.snapshot();
    const values = snapshot.flatMap(({ queue, types }) => this.spec.samples(queue, types));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {}
}

/**
 * Prometheus metrics of a queue, read from Redis: every worker process's jobs, whichever
 * process is scraped (docs/metrics.md). The counters count from the first scrape on, and go
 * on while scrapes come at least once per `metrics.lease`.
 */
export class QueueMetrics {
  private ownRegistry?: Promise<{ metrics(): Promise<string> }>;

  /** @internal */
  constructor(
    private readonly store: Store,
    /** @internal The `queue` label: the queue's prefix. */
    readonly queue: string,
    private readonly options: { maxTypes: number; lease: number },
  ) {}

  /** @internal One scrape: every type's counters and gauges, in one script call. */
  read(): Promise<StoredTypeMetrics[]> {
    return this.store.metrics.scrape(this.options.maxTypes, this.options.lease);
  }

  /**
   * Adds the queue's metric families to a prom-client `Registry`; a scrape of the registry
   * then reads the queue with one script call. Several queues can share a registry: their
   * series differ by the `queue` label. Throws when this queue is already in it.
   */
  register(registry: MetricsRegistry): void {
    let sources: Sources | undefined;
    for (const spec of FAMILIES) {
      const found = registry.getSingleMetric(spec.name);
      if (found instanceof KueFamily) sources = found.sources;
      else if (found !== undefined)
        throw new Error(`the registry already holds a metric ${spec.name} that is not Kue's`);
    }
    sources ??= new Sources();
    sources.add(this);
    for (const spec of FAMILIES) {
      if (registry.getSingleMetric(spec.name) === undefined) registry.registerMetric(new KueFamily(spec, sources));
    }
  }

  /**
   * The queue's metrics in the Prometheus text format (content type `PROMETHEUS_CONTENT_TYPE`),
   * for a route of your own; `GET /metrics` of `kue.app` serves the same.
   */
  text(callback?: Callback<string>): Promise<string> {
    this.ownRegistry ??= import('prom-client').then(({ Registry }) => {
      const registry = new Registry();
      this.register(registry);
      return registry;
    });
    return withCallback(
      this.ownRegistry.then((registry) => registry.metrics()),
      callback,
    );
  }
}
