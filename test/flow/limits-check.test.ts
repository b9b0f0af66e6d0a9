// kue check knows the limit keys: silent on limits at work, naming a limit take cannot obey,
// one that queue.limits() would not show, and a start log without a rate.
import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/index.js';
import { expectConsistent } from '../support/check.js';
import { redisClient, testQueue, waitFor } from '../support/setup.js';

describe('the invariant checker and limits', () => {
  it('finds nothing wrong with rate and concurrency limits at work and a handler hold', async () => {
    const queue = testQueue();
    await queue.limit('a', { rate: { max: 5, duration: 60_000 }, concurrency: 2 });
    await queue.limit('b', { concurrency: 1 });
    await queue.saveAll([1, 2, 3].map((n) => queue.create('a', { n })));
    await queue.create('b', {}).save();
    let held = false;
    queue.process('a', 3, async () => undefined);
    queue.process('b', async (_job: Job, ctx) => {
      if (!held) {
        held = true;
        return ctx.rateLimit(60_000);
      }
    });
    await waitFor(async () => (await queue.completeCount('a')) === 3 && held);
    const report = await expectConsistent(queue);
    expect(report.keys).toBeGreaterThan(5);
  });

  it('names a limit take cannot obey, an unlisted limit and a stray start log', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.limit('listed', { concurrency: 1 });
    const redis = redisClient();
    const base = `{${queue.prefix}}`;
    await redis.hset(`${base}:type:listed:flow`, 'rate_max', '5');
    await redis.hset(`${base}:type:hidden:flow`, 'concurrency', 'two');
    await redis.rpush(`${base}:type:other:starts`, '1');
    const report = await queue.admin.check();
    expect(report.findings.map((f) => [f.code, f.key]).sort()).toEqual([
      ['flow-invalid', `${base}:type:hidden:flow`],
      ['flow-invalid', `${base}:type:listed:flow`],
      ['flow-stray-log', `${base}:type:other:starts`],
      ['flow-unlisted', `${base}:type:hidden:flow`],
    ]);
    expect(report.findings.find((f) => f.key.includes('listed'))!.message).toMatch(/"rate_ms"/);
  });

  it('names a group whose count is not its number of waiting jobs, or that has waiting jobs and no count', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.saveAll(['a', 'a', 'b'].map((g) => queue.create('t', {}).group(g)));
    expect((await queue.admin.check()).findings).toEqual([]);
    const redis = redisClient();
    const counts = `{${queue.prefix}}:type:t:group-waiting`;
    await redis.zincrby(counts, 1, 'a');
    await redis.zrem(counts, 'b');
    const { findings } = await queue.admin.check();
    expect(findings.map((f) => [f.code, f.key, f.group]).sort()).toEqual([
      ['group-miscounted', counts, 'a'],
      ['group-miscounted', counts, 'b'],
    ]);
  });
});
