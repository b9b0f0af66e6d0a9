// Limits of a job type, set in Redis and obeyed by every worker: the API, bad input, a
// handler's ctx.rateLimit, changes at run time, and idle workers that wait instead of polling.
import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/index.js';
import { redisClient, testQueue, waitFor } from '../support/setup.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('queue.limit', () => {
  it('sets, merges and removes limits; limits() lists them with what is in use', async () => {
    const queue = testQueue();
    expect(await queue.limits()).toEqual([]);
    const set = await queue.limit('webhook', { rate: { max: 100, duration: 1000 }, concurrency: 20 });
    expect(set).toEqual({
      type: 'webhook',
      rate: { max: 100, duration: 1000 },
      concurrency: 20,
      group: null,
      heldUntil: null,
      active: 0,
      recentStarts: 0,
    });
    // Merges: what is left out stays, null removes.
    expect(await queue.limit('webhook', { concurrency: 5 })).toMatchObject({ rate: { max: 100 }, concurrency: 5 });
    expect(await queue.limit('webhook', { rate: null })).toMatchObject({ rate: null, concurrency: 5 });
    await queue.limit('email', { rate: { max: 1, duration: 60_000 } });
    expect((await queue.limits()).map((l) => l.type)).toEqual(['email', 'webhook']);
    expect(await queue.limit('webhook', null)).toMatchObject({ rate: null, concurrency: null });
    expect((await queue.limits()).map((l) => l.type)).toEqual(['email']);
    // Callbacks too.
    const listed = await new Promise((resolve, reject) => {
      void queue.limits((err, all) => (err ? reject(err) : resolve(all.length)));
    });
    expect(listed).toBe(1);
  });

  it('refuses bad input with a TypeError or RangeError naming the value, and writes nothing', async () => {
    const queue = testQueue();
    const bad: Array<[unknown, unknown, RegExp, ErrorConstructor]> = [
      ['', {}, /job type must be a non-empty string/, TypeError],
      ['t', { concurrency: 0 }, /limit concurrency must be a whole number from 1 .* got 0/, RangeError],
      ['t', { concurrency: 2.5 }, /got 2.5/, RangeError],
      ['t', { concurrency: '3' }, /limit concurrency must be a number, got "3"/, TypeError],
      ['t', { rate: { max: -1, duration: 1000 } }, /limit rate.max .* got -1/, RangeError],
      ['t', { rate: { max: 10 } }, /limit rate.duration must be a number, got undefined/, TypeError],
      ['t', { rate: { max: 10, duration: 1000, burst: 2 } }, /unknown option "burst"/, TypeError],
      ['t', { rate: 10 }, /limit rate must be \{max, duration\} or null, got 10/, TypeError],
      ['t', { concurency: 3 }, /unknown option "concurency"/, TypeError],
      ['t', 5, /limit options must be an object or null, got 5/, TypeError],
    ];
    for (const [type, options, message, kind] of bad) {
      const attempt = queue.limit(type as string, options as never);
      await expect(attempt).rejects.toThrow(message);
      await expect(attempt).rejects.toBeInstanceOf(kind);
    }
    expect(await queue.limits()).toEqual([]);
  });
});

describe('enforced in take', () => {
  it('holds jobs back in inactive, in order, without spending attempts, and lets them go when the limit goes', async () => {
    const queue = testQueue();
    await queue.limit('sync', { concurrency: 1 });
    const started: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const jobs = await queue.saveAll([
      queue.create('sync', { n: 0 }),
      queue.create('sync', { n: 1 }).priority('high'),
      queue.create('sync', { n: 2 }),
    ]);
    queue.process('sync', 3, async (job: Job) => {
      started.push(job.id!);
      await gate;
    });
    await waitFor(() => started.length === 1);
    await sleep(300);
    // One at a time, whatever the worker's concurrency; the others wait, in order, untouched.
    expect(started).toEqual([jobs[1]!.id]);
    const waiting = await Promise.all([jobs[0]!, jobs[2]!].map((j) => queue.getJob(j.id!)));
    expect(waiting.map((j) => [j.state(), j.attempts().made])).toEqual([
      ['inactive', 0],
      ['inactive', 0],
    ]);
    // Removing the limit frees the waiting worker within a second.
    const changed = Date.now();
    await queue.limit('sync', null);
    await waitFor(() => started.length === 3, 1_000, 'the other jobs to start');
    expect(Date.now() - changed).toBeLessThan(1_000);
    expect(started).toEqual([jobs[1]!.id, jobs[0]!.id, jobs[2]!.id]);
    release();
  });

  it('ctx.rateLimit(ms) holds the whole type back for ms, in every worker, and puts the job back without spending an attempt', async () => {
    const queue = testQueue();
    const other = testQueue({ prefix: queue.prefix });
    const starts: Array<{ id: number; at: number }> = [];
    let limitedAt = 0;
    const first = await queue.create('api', { n: 0 }).attempts(1).save();
    const handler = async (job: Job, ctx: { rateLimit(ms: number): Promise<void> }) => {
      starts.push({ id: job.id!, at: Date.now() });
      if (limitedAt === 0) {
        limitedAt = Date.now();
        return ctx.rateLimit(600);
      }
      return 'ok';
    };
    queue.process('api', 2, (job, ctx) => handler(job, ctx));
    other.process('api', 2, (job, ctx) => handler(job, ctx));
    await waitFor(async () => limitedAt > 0 && (await queue.getJob(first.id!)).state() === 'inactive');
    await queue.saveAll([1, 2, 3].map((n) => queue.create('api', { n })));
    await waitFor(async () => (await queue.completeCount('api')) === 4, 5_000, 'every job to complete');
    // Neither queue instance started a job during the hold (50 ms for the two clocks).
    expect(starts.slice(1).every((s) => s.at >= limitedAt + 550)).toBe(true);
    const job = await queue.getJob(first.id!);
    // Completed on its second take, its only attempt unspent by the hold.
    expect([job.state(), job.attempts().made, job.result]).toEqual(['complete', 0, 'ok']);
    expect(starts.filter((s) => s.id === first.id).length).toBe(2);
  });

  it('a handler that reports after ctx.rateLimit changes nothing; a bad ms fails the attempt with a RangeError', async () => {
    const queue = testQueue();
    const job = await queue.create('late', {}).save();
    let calls = 0;
    queue.process('late', (_j: Job, ctx, done) => {
      if (++calls === 1) {
        void ctx.rateLimit(200).then(() => done(null, 'too late'));
      } else {
        done(null, 'second run');
      }
    });
    await waitFor(async () => (await queue.getJob(job.id!)).state() === 'complete', 3_000);
    expect((await queue.getJob(job.id!)).result).toBe('second run');

    const bad = await queue.create('bad', {}).save();
    queue.process('bad', async (_j: Job, ctx) => ctx.rateLimit(Number(undefined)));
    await waitFor(async () => (await queue.getJob(bad.id!)).state() === 'failed', 3_000);
    expect((await queue.getJob(bad.id!)).toJSON().error).toMatch(
      /rateLimit\(ms\): ms must be a positive number .* got NaN/,
    );
  });

  it('idle workers held back by a rate wait for the window instead of polling', async () => {
    const queue = testQueue();
    const redis = redisClient();
    await queue.limit('slow', { rate: { max: 1, duration: 2_000 } });
    await queue.saveAll([queue.create('slow', {}), queue.create('slow', {})]);
    let done = 0;
    queue.process('slow', 4, async () => void done++);
    await waitFor(() => done === 1);
    const calls = async () => {
      const stats = await redis.info('commandstats');
      return [...stats.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
    };
    const before = await calls();
    await sleep(1_200);
    // Scripts only for the hold itself: a worker that polled would have sent dozens.
    expect((await calls()) - before).toBeLessThan(5);
    await waitFor(() => done === 2, 2_000, 'the second job when the window opens');
  });
});
