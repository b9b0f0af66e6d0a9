// kue check knows the schedule keys: silent on schedules at work, naming a broken one.
import { describe, expect, it } from 'vitest';
import { expectConsistent } from '../support/check.js';
import { redisClient, testQueue } from '../support/setup.js';

describe('the invariant checker and schedules', () => {
  it('finds nothing wrong with schedules running, paused and finished, and their runs', async () => {
    const queue = testQueue();
    await queue.schedule('running', { every: 50 }, queue.create('a'));
    await queue.schedule('paused', { cron: '0 3 * * *', tz: 'Europe/Berlin' }, queue.create('b'));
    await queue.pauseSchedule('paused');
    await queue.schedule('finished', { every: 50, limit: 1 }, queue.create('c'));
    await new Promise((r) => setTimeout(r, 300));
    const report = await expectConsistent(queue);
    expect(report.states.inactive).toBeGreaterThan(3);
  });

  it('names a schedule missing from the index, an index entry without schedule and a wrong score', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.schedule('unindexed', { every: 60_000 }, queue.create('a'));
    await queue.schedule('moved', { every: 60_000 }, queue.create('a'));
    const redis = redisClient();
    const index = `{${queue.prefix}}:schedules`;
    await redis.zrem(index, 'unindexed');
    await redis.zadd(index, 1, 'ghost');
    await redis.zadd(index, 2, 'moved');
    const report = await queue.admin.check();
    expect(report.findings.map((f) => [f.code, f.schedule]).sort()).toEqual([
      ['schedule-bad-next', 'moved'],
      ['schedule-orphan', 'ghost'],
      ['schedule-unindexed', 'unindexed'],
    ]);
  });
});
