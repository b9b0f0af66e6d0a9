// A queue the real Kue 0.11.6 wrote, with jobs in every state (two left active by a SIGKILLed
// worker), moved by queue.admin.migrateFromKue011 and then processed by this package. Run
// once for Kue 0.11 on node_redis (keys `q:…`, other names than this layout's) and once on
// ioredis (keys `{q}:…`: the job hashes have the very names of this layout's records).
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/index.js';
import { expectConsistent } from '../support/check.js';
import { redisClient, testQueue, uniquePrefix, waitFor } from '../support/setup.js';
import { strandedKue011Queue } from './kue011.js';

/** Every key under the patterns with its content, to compare before and after a run. */
async function snapshot(redis: Redis, patterns: string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const pattern of patterns) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) out[key] = await redis.dump(key);
    } while (cursor !== '0');
  }
  return out;
}

const variants = [
  { client: 'node_redis' as const, from: (prefix: string) => prefix },
  { client: 'ioredis' as const, from: (prefix: string) => `{${prefix}}` },
];

describe.each(variants)('a queue Kue 0.11 wrote through $client', ({ client, from }) => {
  it('moves every state with its fields, logs and progress; processes by priority then FIFO; new ids continue above the old', async () => {
    const prefix = uniquePrefix('m011');
    const { ids, raw } = await strandedKue011Queue(prefix, client);
    const queue = testQueue({ prefix });
    const redis = redisClient();

    const report = await queue.admin.migrateFromKue011({ from: from(prefix) });
    expect(report.moved).toEqual({ inactive: 8, delayed: 2, active: 2, complete: 1, failed: 2 });
    expect(report.movedByType.email).toEqual({ inactive: 7, delayed: 1 });
    expect(report).toMatchObject({ requeued: 1, failedStranded: 1, backoffsReplaced: 1, left: 0, conflicts: [] });
    expect(report.skipped).toEqual([]);
    expect(report.nextId).toBe(16);
    await expectConsistent(queue, { inactive: 9, delayed: 2, complete: 1, failed: 3 });

    // Kue 0.11's own keys are gone; only its counter stays (a 0.11 producer still running
    // must not give ids from 1 again).
    const left = Object.keys(await snapshot(redis, [`${prefix}:*`]));
    if (client === 'node_redis') expect(left).toEqual([`${prefix}:ids`]);
    else expect(left).toEqual([]);
    const oldIndexes = await snapshot(redis, [`${from(prefix)}:jobs*`, `${from(prefix)}:job:types`]);
    expect(Object.keys(oldIndexes)).toEqual([]);

    const get = (name: string) => queue.getJob(ids[name]!);
    const failed = await get('fail');
    expect(failed.toJSON()).toMatchObject({
      state: 'failed',
      error: 'Error: boom',
      attempts: { made: 2, max: 2, remaining: 0 },
      backoff: { type: 'fixed', delay: 5 },
      failed_at: raw[ids.fail!]!.failed_at,
      created_at: raw[ids.fail!]!.created_at,
      data: { f: 1 },
    });
    expect(failed._stack).toMatch(/^Error: boom\n\s+at /);
    expect(await queue.admin.attemptErrors(ids.fail!)).toMatchObject([{ attempt: 2, error: 'Error: boom' }]);
    // A stored function is never run: a fixed backoff of the job's delay stands in for it.
    expect((await get('fnfail')).toJSON()).toMatchObject({ state: 'failed', backoff: { type: 'fixed' } });

    const report2 = (await get('delayedReport')).toJSON();
    expect(report2).toMatchObject({
      state: 'delayed',
      promote_at: raw[ids.delayedReport!]!.promote_at,
      delay: 120_000,
      attempts: { made: 0, max: 3 },
      backoff: { type: 'exponential', delay: 1000, maxDelay: 5000 },
    });
    expect((await get('delayedEmail')).toJSON().promote_at).toBe(raw[ids.delayedEmail!]!.promote_at);

    const ok = (await get('ok')).toJSON();
    expect(ok).toMatchObject({
      state: 'complete',
      result: { r: 42 },
      progress: 100,
      progress_data: { half: true },
      // Kue 0.11 counted the completing attempt; here only failed ones count.
      attempts: { made: 0, max: 1 },
      duration: raw[ids.ok!]!.duration,
      started_at: raw[ids.ok!]!.started_at,
    });
    expect(await queue.log(ids.ok!)).toEqual(['working on ok']);

    // Stranded active jobs: the attempt they were in counts.
    const last = (await get('hangLast')).toJSON();
    expect(last).toMatchObject({ state: 'failed', attempts: { made: 1, max: 1 }, progress: 25 });
    expect(last.error).toMatch(/active in Kue 0\.11/);
    // The Kue 0.11 worker that took it, as Kue 0.11 recorded it.
    expect(last.workerId).toBe(raw[ids.hangLast!]!.workerId);
    expect(last.workerId).toMatch(/\S/);
    expect(await queue.log(ids.hangLast!)).toEqual([`started ${ids.hangLast}`]);
    const retry = (await get('hangRetry')).toJSON();
    expect(retry).toMatchObject({ state: 'inactive', attempts: { made: 1, max: 3 }, progress_data: { step: 1 } });

    // A second run finds nothing to do and writes nothing.
    const patterns = [`${prefix}:*`, `{${prefix}}*`];
    const before = await snapshot(redis, patterns);
    const again = await queue.admin.migrateFromKue011({ from: from(prefix) });
    expect(again.moved).toEqual({ inactive: 0, delayed: 0, active: 0, complete: 0, failed: 0 });
    expect(again).toMatchObject({ alreadyMoved: 0, dangling: 0, left: 0, keysRemoved: 0 });
    expect(await snapshot(redis, patterns)).toEqual(before);

    // This package's workers take them: priority first, then FIFO within a priority.
    const order: number[] = [];
    const ran: Job[] = [];
    queue.process('email', (job, done) => {
      order.push(job.id!);
      done();
    });
    queue.process('hang', (job, done) => {
      ran.push(job);
      done(null, 'ok now');
    });
    await waitFor(() => order.length === 7 && ran.length === 1, 5_000, 'the inactive jobs to run');
    const byName = (...names: string[]) => names.map((n) => ids[`email-${n}`]);
    // critical, high, medium, normal, normal, low, low
    expect(order).toEqual(byName('4', '2', '6', '1', '5', '0', '3'));
    expect(ran[0]!.id).toBe(ids.hangRetry);
    await waitFor(async () => (await get('hangRetry')).state() === 'complete');
    // `made` counts failed attempts: the one the worker left stranded, not the one that completed.
    expect((await get('hangRetry')).toJSON().attempts).toMatchObject({ made: 1, max: 3 });

    const fresh = await queue.create('email', { fresh: true }).save();
    expect(fresh.id).toBe(16);
  });
});

describe('the jobs of a real Kue 0.11', () => {
  it('have the fields the volume tests write for them', async () => {
    const prefix = uniquePrefix('m011f');
    const { ids, raw } = await strandedKue011Queue(prefix, 'node_redis');
    // writeKue011Jobs (kue011.ts) writes exactly these for an inactive job saved with defaults.
    expect(Object.keys(raw[ids.sms!]!).sort()).toEqual(
      ['created_at', 'data', 'max_attempts', 'priority', 'promote_at', 'state', 'type', 'updated_at'].sort(),
    );
    const redis = redisClient();
    expect(await redis.zscore(`${prefix}:jobs`, `01|${ids.sms}`)).toBe('0');
    expect(await redis.zscore(`${prefix}:jobs:sms:inactive`, `01|${ids.sms}`)).toBe('0');
    expect(await redis.smembers(`${prefix}:job:types`)).toContain('sms');
  });
});
