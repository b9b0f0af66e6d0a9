// 100,000 Kue 0.11 jobs moved in one run, timed. The jobs are written straight into Redis in
// the shape Kue 0.11 gives them (writeKue011Jobs: the fields of a real 0.11 job, checked in
// every-state.test.ts), since saving 100,000 through Kue 0.11 itself would take minutes.
// Separate from the other migration tests so that it can run beside them, on a redis-server
// of its own (see test/support/own-redis.ts).
import { describe, expect, it } from 'vitest';
import { ownRedis } from '../support/own-redis.js';
import { redisClient, testQueue, uniquePrefix } from '../support/setup.js';
import { writeKue011Jobs, type Kue011Hash } from './kue011.js';

const JOBS = 100_000;
const server = ownRedis();

describe('a Kue 0.11 queue of 100,000 jobs', () => {
  it('moves in one run (the time is printed and recorded in docs/migrating.md)', async () => {
    const prefix = uniquePrefix('m100k');
    const redis = redisClient(server.port);
    const now = Date.now();
    const types = ['email', 'sms', 'video', 'report'];
    const jobs: Kue011Hash[] = [];
    for (let id = 1; id <= JOBS; id++) {
      const type = types[id % types.length]!;
      // 90 % waiting, the rest finished or delayed: the shape of a busy queue.
      const pick = id % 20;
      if (pick === 0) jobs.push({ id, type, state: 'complete', fields: { result: '{"ok":true}', duration: '12' } });
      else if (pick === 1)
        jobs.push({ id, type, state: 'failed', fields: { error: 'Error: boom\n    at x', attempts: '1' } });
      else if (pick === 2)
        jobs.push({ id, type, state: 'delayed', fields: { delay: '60000', promote_at: String(now + 60_000) } });
      else
        jobs.push({
          id,
          type,
          state: 'inactive',
          priority: (id % 3) * -5,
          data: JSON.stringify({ to: `user${id}@example.com`, n: id }),
        });
    }
    const writeStart = Date.now();
    await writeKue011Jobs(redis, prefix, jobs, now);
    console.log(`100k: wrote ${JOBS} Kue 0.11 jobs in ${Date.now() - writeStart} ms`);

    const queue = testQueue({ prefix, redis: { port: server.port }, maintenance: false });
    const started = performance.now();
    let moveStarted = 0;
    const report = await queue.admin.migrateFromKue011({
      from: prefix,
      onProgress: (p) => {
        if (p.pass === 'move' && !moveStarted) moveStarted = performance.now();
      },
    });
    console.log(
      `100k: read-only pass ${Math.round(moveStarted - started)} ms, moves ${Math.round(performance.now() - moveStarted)} ms`,
    );
    const ms = performance.now() - started;
    console.log(
      `100k: migrated ${JOBS} jobs in ${(ms / 1000).toFixed(1)} s (${Math.round(JOBS / (ms / 1000))} jobs/s)`,
    );

    expect(report.moved).toEqual({ inactive: 85_000, delayed: 5_000, active: 0, complete: 5_000, failed: 5_000 });
    expect(report.skipped).toEqual([]);
    expect(report.left).toBe(0);
    expect(report.nextId).toBe(JOBS + 1);
    expect(await queue.inactiveCount()).toBe(85_000);
    expect(await queue.delayedCount()).toBe(5_000);
    expect(await queue.completeCount()).toBe(5_000);
    expect(await queue.failedCount()).toBe(5_000);
    expect(
      await redis.exists(`${prefix}:jobs`, `${prefix}:jobs:inactive`, `${prefix}:job:1`, `${prefix}:job:${JOBS}`),
    ).toBe(0);
    const last = (await queue.getJob(JOBS - 1)).toJSON();
    expect(last).toMatchObject({ state: 'inactive', data: { to: `user${JOBS - 1}@example.com`, n: JOBS - 1 } });
  }, 180_000);
});
