// The invariant checker (queue.admin.check, `kue check`) that every fault test ends with:
// silent on a consistent queue, even one that keeps working while it is checked, and naming
// each kind of damage it is shown.
import { describe, expect, it } from 'vitest';
import type { CheckCode, Queue } from '../../src/index.js';
import { expectConsistent } from '../support/check.js';
import { redisClient, testQueue, waitFor } from '../support/setup.js';

/** A queue with jobs in every state, logs, failed attempts and search words. */
async function populated(): Promise<{ queue: Queue; base: string }> {
  const queue = testQueue({ disableSearch: false, lockDuration: 60_000 });
  for (let i = 0; i < 3; i++) await queue.create('mail', { to: `user${i}@example.com` }).save();
  await queue.create('video', { file: 'a.mp4' }).delay(60_000).save();
  const failing = await queue.create('report', { name: 'weekly' }).attempts(1).save();
  await queue.create('mail', { to: 'done@example.com' }).save();
  await new Promise<void>((resolve) => {
    let handled = 0;
    queue.process('report', (job, done) => {
      job.log('about to fail');
      done(new Error('boom'));
      if (++handled === 1) resolve();
    });
  });
  await waitFor(async () => (await queue.getJob(failing.id!)).state() === 'failed', 5_000, 'the report job to fail');
  const hold = new Promise<void>((resolve) => {
    queue.process('video', () => new Promise<void>(() => resolve())); // stays active
  });
  const video = await queue.create('video', { file: 'b.mp4' }).save();
  await hold;
  expect((await queue.getJob(video.id!)).state()).toBe('active');
  return { queue, base: `{${queue.prefix}}` };
}

async function codesAfter(queue: Queue): Promise<Array<[CheckCode, string, number | undefined]>> {
  const report = await queue.admin.check();
  return report.findings.map((f) => [f.code, f.key, f.id]);
}

describe('the invariant checker', () => {
  it('finds nothing on a consistent queue and counts its jobs per state', async () => {
    const { queue } = await populated();
    const report = await expectConsistent(queue, { inactive: 4, delayed: 1, active: 1, failed: 1 });
    expect(report.jobs).toBe(7);
    expect(report.keys).toBeGreaterThan(10);
  });

  it('names each kind of damage', async () => {
    const { queue, base } = await populated();
    const redis = redisClient();
    const m = (id: number) => `${String(id).length.toString().padStart(2, '0')}|${id}`;

    // A job in two state indexes (the sweeps' index and a type's).
    await redis.zadd(`${base}:active`, 1, m(1));
    await redis.zadd(`${base}:type:mail:delayed`, 1, m(1));
    // A job in no state index, and one missing from the bitmap of ids that exist.
    await redis.zrem(`${base}:type:mail:inactive`, m(2));
    await redis.setbit(`${base}:present:0`, 6, 0);
    // A stored state that disagrees with its index.
    await redis.hset(`${base}:job:3`, 'state', 'complete');
    // Orphans: an index entry, an id bit, a log and an errors list, a search entry of no job.
    await redis.zadd(`${base}:type:mail:failed`, 5, m(999));
    await redis.setbit(`${base}:present:0`, 995, 1);
    await redis.rpush(`${base}:job:998:log`, 'left behind');
    await redis.rpush(`${base}:job:997:errors`, '{}');
    await redis.sadd(`${base}:search:orphan`, '996');
    // A malformed index member, a key kue never writes, a job with corrupt data.
    await redis.zadd(`${base}:type:mail:inactive`, 0, 'garbage');
    await redis.set(`${base}:stray`, 'x');
    await redis.hset(`${base}:job:4`, 'data', '{not json');
    // Unique keys: one naming a job that never held it, one naming no job, one held for a ttl
    // that never expires; a save record that never expires.
    await redis.set(`${base}:unique:stale`, '1');
    await redis.set(`${base}:unique:gone`, '990');
    await redis.set(`${base}:unique:forever`, '1 ttl');
    await redis.set(`${base}:saved:forever`, '1');

    const found = await codesAfter(queue);
    const expected: Array<[CheckCode, string, number | undefined]> = [
      ['extra-index', `${base}:active`, 1],
      ['extra-index', `${base}:type:mail:delayed`, 1],
      ['missing-from-index', `${base}:type:mail:inactive`, 2],
      ['missing-from-index', `${base}:present:0`, 6],
      ['missing-from-index', `${base}:type:mail:complete`, 3],
      ['extra-index', `${base}:type:mail:inactive`, 3],
      ['orphan-member', `${base}:type:mail:failed`, 999],
      ['orphan-member', `${base}:present:0`, 995],
      ['orphan-key', `${base}:job:998:log`, 998],
      ['orphan-key', `${base}:job:997:errors`, 997],
      ['orphan-member', `${base}:search:orphan`, 996],
      ['malformed-member', `${base}:type:mail:inactive`, undefined],
      ['unknown-key', `${base}:stray`, undefined],
      ['bad-data', `${base}:job:4`, 4],
      ['unique-stale', `${base}:unique:stale`, 1],
      ['unique-stale', `${base}:unique:gone`, 990],
      ['bad-unique', `${base}:unique:forever`, 1],
      ['bad-save-record', `${base}:saved:forever`, undefined],
    ];
    expect(found).toEqual(expect.arrayContaining(expected));
    expect(found).toHaveLength(expected.length);
  });

  it('finds search words a job lost and a job hash beyond the id counter', async () => {
    const { queue, base } = await populated();
    const redis = redisClient();
    const words = await redis.hget(`${base}:job:1`, 'words');
    const word = words!.split(' ')[0]!;
    await redis.srem(`${base}:search:${word}`, '1');
    await redis.hset(`${base}:job:50`, 'type', 'mail', 'state', 'inactive', 'data', '{}');
    await redis.zadd(`${base}:type:mail:inactive`, 0, '02|50');
    await redis.setbit(`${base}:present:0`, 50, 1);
    await redis.set(`${base}:job:51`, 'a string, not a hash');
    expect(await codesAfter(queue)).toEqual(
      expect.arrayContaining([
        ['missing-from-index', `${base}:search:${word}`, 1],
        ['id-above-counter', `${base}:ids`, 50],
        ['wrong-key-type', `${base}:job:51`, 51],
      ]),
    );
  });

  it('finds nothing while workers keep moving 2,000 jobs through every state', { timeout: 60_000 }, async () => {
    const queue = testQueue({ disableSearch: false });
    const completed = new Set<number>();
    const failed = new Set<number>();
    queue.on('job complete', (id: number) => completed.add(Number(id)));
    queue.on('job failed', (id: number) => failed.add(Number(id)));
    let n = 0;
    queue.process('churn', 4, (job, done) => {
      job.log('step');
      setTimeout(() => done(++n % 5 === 0 ? new Error('every fifth attempt fails') : null), 3);
    });
    // Some hold unique keys, freed as they finish (or held 60 s); saveAll leaves save records.
    const jobs = Array.from({ length: 2_000 }, (_, i) => {
      const job = queue
        .create('churn', { i, word: `w${i % 50}` })
        .attempts(2)
        .backoff({ delay: 5, type: 'fixed' })
        .removeOnComplete(i % 3 === 0);
      return i % 4 === 0 ? job.unique(`u${i}`, i % 8 === 0 ? { ttl: 60_000 } : {}) : job;
    });
    await queue.saveAll(jobs);
    let checks = 0;
    while (completed.size + failed.size < 2_000) {
      const report = await queue.admin.check();
      checks++;
      expect(report.findings.map((f) => f.message)).toEqual([]);
    }
    expect(checks).toBeGreaterThan(1);
    const removed = jobs.filter((job, i) => i % 3 === 0 && completed.has(job.id!)).length;
    await expectConsistent(queue, { complete: completed.size - removed, failed: failed.size });
  });
});
