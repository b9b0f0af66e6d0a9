// queue.metrics on a real Redis: nothing is written before the first scrape, the lease keeps
// counting on, types past maxTypes fold into "_other" with series that never go down, one
// scrape of a prom-client registry is one script call, bad options are refused, the Lua
// buckets are the TypeScript ones, and `kue check` knows the keys.
import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { createApp, createQueue, type Queue } from '../../src/index.js';
import { PROMETHEUS_CONTENT_TYPE } from '../../src/queue/metrics.js';
import { keyBase, Keys } from '../../src/store/keys.js';
import { assemble } from '../../src/store/lua-assembly.js';
import { METRICS_BUCKETS_MS } from '../../src/store/metrics-store.js';
import { luaIncludes } from '../../src/store/scripts.js';
import { serve } from '../support/serve.js';
import { redisClient, redisPort, testQueue, waitFor } from '../support/setup.js';

/** Runs `count` jobs of `type` to completion (or to failure with `fail`) in this process. */
async function runJobs(queue: Queue, type: string, count: number, fail = false): Promise<void> {
  const jobs = await queue.saveAll(Array.from({ length: count }, (_, i) => queue.create(type, { i })));
  let settled = 0;
  await new Promise<void>((resolve) => {
    queue.process(type, 4, (_job, done) => {
      done(fail ? new Error('no') : null);
      if (++settled === jobs.length) resolve();
    });
  });
  const finished = fail ? () => queue.failedCount(type) : () => queue.completeCount(type);
  await waitFor(async () => (await finished()) >= count, 5_000, `${count} jobs of ${type}`);
}

/** `name{labels} value` lines of the text, as a map from `name{labels}` to the value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\S+) (\S+)$/.exec(line);
    if (m && !line.startsWith('#')) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

describe('queue.metrics', () => {
  it('writes nothing before the first scrape; counts from it on, while the lease lasts', async () => {
    const queue = testQueue({ metrics: { lease: 1_000 } });
    const keys = new Keys(keyBase(queue.prefix));
    const redis = redisClient();
    await runJobs(queue, 'early', 3);
    await runJobs(queue, 'early-fail', 1, true);
    expect(await redis.exists(keys.metrics('early'), keys.metrics('early-fail'), keys.metricsLease)).toBe(0);

    const first = samples(await queue.metrics.text());
    expect(first.get(`kue_jobs_completed_total{queue="${queue.prefix}",type="early"}`)).toBe(0);
    expect(first.get(`kue_jobs{queue="${queue.prefix}",type="early",state="complete"}`)).toBe(3);
    const lease = await redis.pttl(keys.metricsLease);
    expect(lease).toBeGreaterThan(0);
    expect(lease).toBeLessThanOrEqual(1_000);

    await runJobs(queue, 'later', 2);
    const counted = await redis.hgetall(keys.metrics('later'));
    const runBuckets = Object.entries(counted).filter(([field]) => /^r\d+$/.test(field));
    expect(runBuckets.reduce((n, [, v]) => n + Number(v), 0)).toBe(2);
    const second = samples(await queue.metrics.text());
    expect(second.get(`kue_jobs_completed_total{queue="${queue.prefix}",type="later"}`)).toBe(2);
    expect(second.get(`kue_job_run_seconds_count{queue="${queue.prefix}",type="later"}`)).toBe(2);

    // No scrape within the lease: the scripts stop counting.
    await waitFor(async () => (await redis.exists(keys.metricsLease)) === 0, 3_000, 'the lease to lapse');
    const before = await redis.hgetall(keys.metrics('later'));
    await runJobs(queue, 'unwatched', 2);
    expect(await redis.exists(keys.metrics('unwatched'))).toBe(0);
    expect(await redis.hgetall(keys.metrics('later'))).toEqual(before);
  });

  it('names at most maxTypes types; the rest fold into "_other", and no series ever goes down', async () => {
    const queue = testQueue({ metrics: { maxTypes: 2 } });
    const label = (type: string) => `kue_jobs_completed_total{queue="${queue.prefix}",type="${type}"}`;
    // Types exist once a job of theirs is saved.
    for (const type of ['d', 'b', 'c', 'a']) await queue.create(type, {}).delay(60_000).save();
    const first = samples(await queue.metrics.text());
    expect([...first.keys()].filter((k) => k.startsWith('kue_jobs_completed_total'))).toEqual([
      label('a'),
      label('b'),
      label('_other'),
    ]);
    await runJobs(queue, 'c', 2);
    await runJobs(queue, 'a', 1);
    const second = samples(await queue.metrics.text());
    expect([second.get(label('a')), second.get(label('b')), second.get(label('_other'))]).toEqual([1, 0, 2]);

    // A new type that sorts first does not take a name: the named set is full, and only grows.
    await runJobs(queue, '0-new', 3);
    const third = samples(await queue.metrics.text());
    expect([third.get(label('a')), third.get(label('b')), third.get(label('_other'))]).toEqual([1, 0, 5]);
    expect(third.has(label('0-new'))).toBe(false);
    expect(third.get(`kue_jobs{queue="${queue.prefix}",type="_other",state="delayed"}`)).toBe(2);
    for (const [key, value] of second)
      if (!key.startsWith('kue_jobs{')) expect(third.get(key)).toBeGreaterThanOrEqual(value);

    // A queue with a higher maxTypes on the same Redis names more, and the first two stay named.
    const wider = createQueue({
      prefix: queue.prefix,
      redis: { port: redisPort },
      metrics: { maxTypes: 10 },
    });
    try {
      const all = samples(await wider.metrics.text());
      for (const type of ['0-new', 'a', 'b', 'c', 'd']) expect(all.has(label(type)), type).toBe(true);
      expect(all.has(label('_other'))).toBe(false);
    } finally {
      await wider.shutdown(1_000);
    }
  });

  it('register(registry): every family in a prom-client Registry, one script call per scrape, and two queues side by side', async () => {
    const one = testQueue();
    const two = testQueue();
    await runJobs(one, 'mail', 2);
    const registry = new Registry();
    one.metrics.register(registry);
    two.metrics.register(registry);
    expect(() => one.metrics.register(registry)).toThrow(/already in this registry/);
    const reads = [vi.spyOn(one.store.metrics, 'scrape'), vi.spyOn(two.store.metrics, 'scrape')];
    const text = await registry.metrics();
    expect(reads.map((r) => r.mock.calls.length)).toEqual([1, 1]);
    expect(registry.contentType).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(text).toContain('# TYPE kue_jobs_completed_total counter');
    expect(text).toContain('# TYPE kue_job_run_seconds histogram');
    expect(text).toContain('# TYPE kue_jobs gauge');
    expect(text).toContain(`kue_jobs{queue="${one.prefix}",type="mail",state="complete"} 2`);
    expect(text).toContain(`kue_job_run_seconds_bucket{queue="${one.prefix}",type="mail",le="+Inf"} 0`);
    // The next scrape reads again.
    await registry.metrics();
    expect(reads.map((r) => r.mock.calls.length)).toEqual([2, 2]);

    const other = new Registry();
    other.registerMetric({ name: 'kue_jobs', help: 'x', type: 'gauge', get: () => ({}) } as never);
    expect(() => one.metrics.register(other)).toThrow(/not Kue's/);

    // The callback form of text().
    const viaCallback = await new Promise<string>(
      (resolve, reject) => void one.metrics.text((err, value) => (err ? reject(err) : resolve(value!))),
    );
    expect(viaCallback).toContain('kue_jobs_completed_total');
  });

  it('refuses bad options with errors that name them', () => {
    const bad: Array<[unknown, RegExp, ErrorConstructor]> = [
      [5, /metrics must be an object \{maxTypes, lease\}, got 5/, TypeError],
      [[], /metrics must be an object/, TypeError],
      [{ maxTypes: -1 }, /metrics\.maxTypes must be a whole number from 0 to 100000, got -1/, RangeError],
      [{ maxTypes: 1.5 }, /metrics\.maxTypes must be a whole number/, RangeError],
      [{ maxTypes: '10' }, /metrics\.maxTypes must be a number, got "10"/, TypeError],
      [{ lease: 10 }, /metrics\.lease must be a number of milliseconds from 1000/, RangeError],
      [{ leases: 10 }, /metrics takes maxTypes and lease, not leases/, RangeError],
    ];
    for (const [metrics, message, type] of bad) {
      const make = () => createQueue({ metrics: metrics as never, redis: { lazyConnect: true } as never });
      expect(make, JSON.stringify(metrics)).toThrow(message);
      expect(make, JSON.stringify(metrics)).toThrow(type);
    }
    expect(() => createApp({ queue: testQueue({ maintenance: false }), metrics: 'off' as never })).toThrow(
      /metrics must be true or false, got "off"/,
    );
  });

  it('GET /metrics: the Prometheus text, no-store; gone with createApp({metrics: false})', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.create('mail', {}).save();
    const request = await serve(queue);
    const res = await request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.text).toContain(`kue_jobs{queue="${queue.prefix}",type="mail",state="inactive"} 1`);
    const off = await serve(queue, { metrics: false });
    expect((await off('/metrics')).status).toBe(404);
  });

  it('counts in the Lua scripts with the bounds of METRICS_BUCKETS_MS', async () => {
    const probe = `--@include metrics
local out = {}
for i = 1, #ARGV do out[i] = metrics_bucket(tonumber(ARGV[i])) end
return out`;
    const values = METRICS_BUCKETS_MS.flatMap((bound) => [bound, bound + 1]);
    const reply = await redisClient().eval(assemble('bucket probe', probe, luaIncludes).text, 0, 0, ...values);
    expect(reply).toEqual([0, ...METRICS_BUCKETS_MS.flatMap((_, i) => [i, i + 1])]);
  });

  it('kue check: the metrics keys are no orphans; a bad field and a lease without expiry are found', async () => {
    const queue = testQueue({ maintenance: false });
    const keys = new Keys(keyBase(queue.prefix));
    const redis = redisClient();
    await runJobs(queue, 'mail', 1);
    await queue.metrics.text();
    await runJobs(queue, 'mail-2', 1);
    expect((await queue.admin.check()).findings).toEqual([]);
    await redis.hset(keys.metrics('mail-2'), 'r3', 'many', 'zz', '1');
    await redis.persist(keys.metricsLease);
    const codes = (await queue.admin.check()).findings.map((f) => [f.code, f.key]);
    expect(codes).toEqual(
      expect.arrayContaining([
        ['metrics-invalid', keys.metrics('mail-2')],
        ['metrics-lease-forever', keys.metricsLease],
      ]),
    );
    await redis.set(keys.metricsNamed, 'not a set');
    expect((await queue.admin.check()).findings.map((f) => f.code)).toContain('wrong-key-type');
  });
});
