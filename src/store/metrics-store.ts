import type { RedisClient } from './connection.js';
import { JOB_STATES, type JobState, type Keys } from './keys.js';
import type { ScriptRunner } from './schedule-store.js';

/**
 * How long this process trusts what it learnt of the scrape lease (ms) at most: within it, the
 * scripts that end jobs are told whether to count and ask Redis nothing; past it, the next one
 * asks (one EXISTS) while the lease is looked up again in the background (one PTTL). A lease
 * that ends sooner is trusted only until it ends.
 */
const LEASE_KNOWN_MS = 1_000;

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
  /** What this process learnt of the lease, trusted until `until` (performance.now()). */
  private known?: { on: boolean; until: number };
  private asking = false;
  /**
   * When this process's last scrape was answered: a lookup sent before then knows less (on
   * a replica, one sent during the scrape may not see its lease yet).
   */
  private scrapedAt = -Infinity;

  constructor(
    private readonly run: ScriptRunner,
    private readonly client: RedisClient,
    private readonly keys: Keys,
  ) {}

  /**
   * The variant of the scripts that end jobs to run: `_on` (count) or `_off` (do not) from
   * what this process learnt of the lease within the last second, else '' (the script looks
   * the lease up itself). A queue nobody scrapes then pays one PTTL per process per second,
   * not one per call; counting starts within a second of the first scrape, and stops when the
   * lease ends: a lease looked up is trusted no longer than the time it had left.
   */
  variant(): '' | '_on' | '_off' {
    if (this.known && performance.now() < this.known.until) return this.known.on ? '_on' : '_off';
    if (!this.asking) {
      this.asking = true;
      // The lease had at least its PTTL left from when the lookup was sent.
      const sentAt = performance.now();
      this.client.pttl(this.keys.metricsLease).then(
        (ms) => {
          // -2: no lease; -1: a lease without an expiry (not one a scrape sets), kept as on.
          const on = ms !== -2;
          const trusted = on && ms >= 0 ? Math.min(ms, LEASE_KNOWN_MS) : LEASE_KNOWN_MS;
          if (sentAt >= this.scrapedAt) this.known = { on, until: (on ? sentAt : performance.now()) + trusted };
          this.asking = false;
        },
        () => {
          this.asking = false;
        },
      );
    }
    return '';
  }

  /**
   * Every type's metrics in one script call, which also (re)sets the lease that keeps the
   * scripts that end jobs counting for `leaseMs`; at most `maxTypes` types are ever named.
   */
  async scrape(maxTypes: number, leaseMs: number): Promise<StoredTypeMetrics[]> {
    const sentAt = performance.now();
    const reply = (await this.run('metrics', [maxTypes, leaseMs, ...JOB_STATES])) as Array<
      [string, number, string[], number[]]
    >;
    this.scrapedAt = performance.now();
    // The lease set by this call ends no sooner than leaseMs after it was sent.
    this.known = { on: true, until: sentAt + Math.min(leaseMs, LEASE_KNOWN_MS) };
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
