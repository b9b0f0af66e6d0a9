import { JOB_STATES, type JobState } from './keys.js';
import type { ScriptRunner } from './schedule-store.js';

/**
 * The upper bounds (ms) of the run and wait time histograms' buckets, as metrics_bucket in
 * lua/includes/metrics.lua (a test compares them): prom-client's default buckets with a tail
 * for long jobs, up to 30 minutes; longer ones count in +Inf only.
 */
export const METRICS_BUCKETS_MS = [
  5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 1800000,
] as const;

/** A histogram as stored: counts per bucket (not cumulative; the last is +Inf) and the sum in ms. */
export interface StoredHistogram {
  buckets: number[];
  sumMs: number;
  count: number;
}

/** One type's counters since the first scrape, and its jobs per state now. */
export interface StoredTypeMetrics {
  type: string;
  /** Exported under its own name; the other types are summed as `_other`. */
  named: boolean;
  failed: number;
  retried: number;
  stalled: number;
  cancelled: number;
  run: StoredHistogram;
  wait: StoredHistogram;
  states: Record<JobState, number>;
}

function histogram(fields: Map<string, number>, prefix: 'r' | 'w'): StoredHistogram {
  const buckets = Array.from({ length: METRICS_BUCKETS_MS.length + 1 }, (_, i) => fields.get(`${prefix}${i}`) ?? 0);
  return { buckets, sumMs: fields.get(`${prefix}s`) ?? 0, count: buckets.reduce((a, b) => a + b, 0) };
}

/** The scrape script (lua/metrics.lua). */
export class MetricsStore {
  constructor(private readonly run: ScriptRunner) {}

  /**
   * Every type's metrics in one script call, which also (re)sets the lease that keeps the
   * scripts that end jobs counting for `leaseMs`; at most `maxTypes` types are ever named.
   */
  async scrape(maxTypes: number, leaseMs: number): Promise<StoredTypeMetrics[]> {
    const reply = (await this.run('metrics', [maxTypes, leaseMs, ...JOB_STATES])) as Array<
      [string, number, string[], number[]]
    >;
    return reply.map(([type, named, flat, counts]) => {
      const fields = new Map<string, number>();
      for (let i = 0; i < flat.length; i += 2) fields.set(flat[i]!, Number(flat[i + 1]));
      return {
        type,
        named: named === 1,
        failed: fields.get('f') ?? 0,
        retried: fields.get('t') ?? 0,
        stalled: fields.get('s') ?? 0,
        cancelled: fields.get('x') ?? 0,
        run: histogram(fields, 'r'),
        wait: histogram(fields, 'w'),
        states: Object.fromEntries(JOB_STATES.map((state, i) => [state, Number(counts[i] ?? 0)])) as Record<
          JobState,
          number
        >,
      };
    });
  }
}
