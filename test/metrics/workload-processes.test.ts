// The issue's done-when test for metrics: a known workload run by 3 worker processes (jobs
// completed, retried, failed for good, one stalled by a worker SIGKILLed while holding it and
// recovered by maintenance, cancellations), then GET /metrics over HTTP, parsed as the
// Prometheus text format: every counter and every histogram bucket is what the workload made.
import type { Server } from 'node:http';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type Queue } from '../../src/index.js';
import { keyBase, Keys } from '../../src/store/keys.js';
import { METRICS_BUCKETS_MS } from '../../src/store/metrics-store.js';
import { expectConsistent } from '../support/check.js';
import { redisClient, testQueue, uniquePrefix, waitFor } from '../support/setup.js';
import { startWorker } from '../process/worker-process.js';

const LOCK_MS = 1_500;
const WORKER = new URL('./fixtures/metrics-worker.mjs', import.meta.url).pathname;
const AUTH = { username: 'prometheus', password: 'scrape me' };
const TYPES = ['broken', 'flaky', 'hold', 'render'] as const;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function serveWithAuth(queue: Queue): Promise<string> {
  const app = createApp({ queue, auth: AUTH });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

interface Family {
  name: string;
  type: string;
  metrics: Array<{
    labels?: Record<string, string>;
    value?: string;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  }>;
}

interface Scrape {
  families: Map<string, Family>;
  /** One type's series of a histogram family, parsed on its own (see below). */
  histogram: (name: string, type: string) => Family;
}

async function scrape(base: string): Promise<Scrape> {
  const res = await fetch(`${base}/metrics`, {
    headers: { authorization: `Basic ${Buffer.from(`${AUTH.username}:${AUTH.password}`).toString('base64')}` },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const text = await res.text();
  const families = parsePrometheusTextFormat(text) as Family[];
  // The parser folds every series of a histogram family into one, and keeps a series' _sum and
  // _count only when they have no labels: each type's series is parsed alone, its labels
  // (checked here) taken off.
  const histogram = (name: string, type: string) => {
    const lines = text
      .split('\n')
      .filter(
        (line) =>
          line.startsWith(`# HELP ${name} `) ||
          line.startsWith(`# TYPE ${name} `) ||
          (line.startsWith(`${name}_`) && line.includes(`type="${type}"`)),
      );
    const series = lines.filter((line) => !line.startsWith('#'));
    expect(series.length).toBe(METRICS_BUCKETS_MS.length + 3);
    for (const line of series) expect(line).toMatch(/^\w+\{queue="[^"]+",type="[^"]+"(,le="[^"]+")?\} \S+$/);
    const alone = lines.map((line) =>
      line.replace(/\{queue="[^"]+",type="[^"]+"(?:,(le="[^"]+"))?\}/, (_m, le?: string) => (le ? `{${le}}` : '')),
    );
    return (parsePrometheusTextFormat(`${alone.join('\n')}\n`) as Family[])[0]!;
  };
  return { families: new Map(families.map((f) => [f.name, f])), histogram };
}

/** The value of a counter or gauge family per type (and state), as numbers. */
function valuesOf(scraped: Scrape, name: string, extra?: (labels: Record<string, string>) => string) {
  const out: Record<string, number> = {};
  for (const m of scraped.families.get(name)!.metrics) {
    const key = extra ? `${m.labels!.type}/${extra(m.labels!)}` : m.labels!.type!;
    out[key] = Number(m.value);
  }
  return out;
}

/** The expected cumulative buckets of observations in ms, keyed by `le` as prom-client writes it. */
function cumulative(observations: number[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const bound of METRICS_BUCKETS_MS)
    out[String(bound / 1000)] = String(observations.filter((ms) => ms <= bound).length);
  out['+Inf'] = String(observations.length);
  return out;
}

describe('metrics after a known workload of 3 worker processes', () => {
  it(
    'every counter and histogram of GET /metrics (over HTTP, with auth) counts what the workload did, from the first scrape on',
    { timeout: 90_000 },
    async () => {
      const prefix = uniquePrefix('metrics');
      const queue = testQueue({ prefix, lockDuration: LOCK_MS, maintenanceInterval: 250 });
      const redis = redisClient();
      const keys = new Keys(keyBase(prefix));
      const env = { KUE_PREFIX: prefix, KUE_LOCK_DURATION: LOCK_MS };
      const workers = await Promise.all([1, 2, 3].map(() => startWorker(env, [], WORKER)));
      const base = await serveWithAuth(queue);

      // Before any scrape nothing is counted, and nothing is written.
      const early = await queue.saveAll([0, 1, 2].map(() => queue.create('render', { ms: 0 })));
      await waitFor(async () => (await queue.completeCount('render')) === 3, 10_000, 'the early jobs');
      for (const type of TYPES) expect(await redis.exists(keys.metrics(type))).toBe(0);
      expect(await redis.exists(keys.metricsLease, keys.metricsNamed)).toBe(0);

      const first = await scrape(base);
      expect(valuesOf(first, 'kue_jobs_completed_total')).toEqual({ render: 0 });
      expect(valuesOf(first, 'kue_jobs', (l) => l.state!)['render/complete']).toBe(3);
      expect(await redis.pttl(keys.metricsLease)).toBeGreaterThan(3_000_000);
      // The worker processes learn of the lease within a second.
      await new Promise((r) => setTimeout(r, 1_100));

      // Completions of run times across the buckets, retries that then complete, attempts
      // failed until none is left, and two delayed jobs cancelled.
      const MS = [0, 15, 40, 80, 200, 400];
      await queue.saveAll([
        ...Array.from({ length: 24 }, (_, i) => queue.create('render', { ms: MS[i % MS.length] })),
        ...Array.from({ length: 6 }, () => queue.create('flaky', { failFirst: true }).attempts(3)),
        ...Array.from({ length: 4 }, () => queue.create('broken', { fail: true }).attempts(2)),
        ...Array.from({ length: 2 }, () => queue.create('broken', { fail: true })),
      ]);
      const delayed = await queue.saveAll([0, 1].map(() => queue.create('render', {}).delay(3_600_000)));
      expect(
        (
          await queue.admin.cancelJobs(
            delayed.map((j) => j.id!),
            'not needed',
          )
        ).cancelled,
      ).toHaveLength(2);
      await waitFor(
        async () =>
          (await queue.completeCount('render')) === 27 &&
          (await queue.completeCount('flaky')) === 6 &&
          (await queue.failedCount('broken')) === 6,
        30_000,
        'the workload',
      );

      // A stall: the process holding a job is SIGKILLed; maintenance puts the job back and
      // another process completes it.
      const runs = `${prefix}:t:runs`;
      const stalled = await queue.create('hold', { holdOnce: true }).save();
      const holder = await waitFor(async () => {
        const run = (await redis.lrange(runs, 0, -1)).find((r) => r.startsWith(`${stalled.id}:`));
        return run === undefined ? undefined : workers.find((w) => `${stalled.id}:${w.pid}` === run);
      }, 10_000);
      holder!.child.kill('SIGKILL');
      await holder!.exited;
      await waitFor(
        async () => (await queue.completeCount('hold')) === 1,
        LOCK_MS + 15_000,
        'the stalled job to complete',
      );

      // A cancellation of a running job.
      const running = await queue.create('hold', { holdOnce: true }).save();
      await waitFor(async () => (await redis.lrange(runs, 0, -1)).some((r) => r.startsWith(`${running.id}:`)), 10_000);
      expect(await running.cancel('stop it')).toBe(true);

      const scraped = await scrape(base);
      const { families } = scraped;
      const perType = (values: Partial<Record<(typeof TYPES)[number], number>>) =>
        Object.fromEntries(TYPES.map((t) => [t, values[t] ?? 0]));
      expect(valuesOf(scraped, 'kue_jobs_completed_total')).toEqual(perType({ render: 24, flaky: 6, hold: 1 }));
      expect(valuesOf(scraped, 'kue_jobs_retried_total')).toEqual(perType({ flaky: 6, broken: 4 }));
      expect(valuesOf(scraped, 'kue_jobs_failed_total')).toEqual(perType({ broken: 6 }));
      expect(valuesOf(scraped, 'kue_jobs_stalled_total')).toEqual(perType({ hold: 1 }));
      expect(valuesOf(scraped, 'kue_jobs_cancelled_total')).toEqual(perType({ render: 2, hold: 1 }));
      for (const name of [...families.keys()]) expect(name).toMatch(/^kue_/);
      // Labels: the queue and the type (and the state, for the gauge); never a job id or group.
      for (const family of families.values()) {
        if (family.type === 'HISTOGRAM') continue;
        const names = family.name === 'kue_jobs' ? ['queue', 'state', 'type'] : ['queue', 'type'];
        for (const m of family.metrics) expect(Object.keys(m.labels!).sort(), family.name).toEqual(names);
      }

      // Each histogram observes every completion counted, with the run and wait time its
      // job's record keeps (its last attempt's), in cumulative buckets.
      const earlyIds = new Set(early.map((j) => String(j.id)));
      for (const type of TYPES) {
        const ids = (await queue.store.ids('complete', 0, -1, 'asc', type))
          .map(String)
          .filter((id) => !earlyIds.has(id));
        const records = await Promise.all(ids.map((id) => redis.hmget(keys.job(id), 'duration', 'waited')));
        const observed = { run: records.map((r) => Number(r[0])), wait: records.map((r) => Number(r[1])) };
        for (const [what, values] of Object.entries(observed)) {
          const family = scraped.histogram(`kue_job_${what}_seconds`, type);
          expect(family.type).toBe('HISTOGRAM');
          const series = family.metrics[0]!;
          expect(series.buckets, `${type} ${what}`).toEqual(cumulative(values));
          expect(Number(series.count)).toBe(valuesOf(scraped, 'kue_jobs_completed_total')[type]);
          const sum = values.reduce((a, b) => a + b, 0) / 1000;
          expect(Number(series.sum)).toBeCloseTo(sum, 6);
        }
      }
      // Run times as the handlers spent them: at least their sleep.
      const renderRun = scraped.histogram('kue_job_run_seconds', 'render').metrics[0]!;
      expect(Number(renderRun.sum)).toBeGreaterThanOrEqual((4 * MS.reduce((a, b) => a + b, 0)) / 1000);

      const gauges = valuesOf(scraped, 'kue_jobs', (l) => l.state!);
      expect(gauges).toMatchObject({
        'render/complete': 27,
        'render/failed': 2,
        'flaky/complete': 6,
        'broken/failed': 6,
        'hold/complete': 1,
        'hold/failed': 1,
        'render/inactive': 0,
        'hold/active': 0,
      });
      expect(Object.keys(gauges)).toHaveLength(TYPES.length * 6);
      await expectConsistent(queue, { complete: 34, failed: 9 });
    },
  );
});
