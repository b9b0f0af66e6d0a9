// A worker process that dies without a word (SIGKILL) must not lose its jobs: their locks
// lapse, the stalled-job recovery (run by every process's Queue) puts them back, and another
// worker process completes each of them exactly once. Child processes load dist/.
import { describe, expect, it } from 'vitest';
import { redisClient, testQueue, uniquePrefix, waitFor } from '../support/setup.js';
import { startWorker } from './worker-process.js';

const LOCK_MS = 1_000;

describe('worker process killed with SIGKILL', () => {
  it('a worker process killed with SIGKILL mid-job loses no job: another worker completes it', async () => {
    const prefix = uniquePrefix('sigkill');
    const doneList = `${prefix}:test:done`;
    const startedList = `${prefix}:test:started`;
    const queue = testQueue({ prefix, lockDuration: LOCK_MS });
    const redis = redisClient();
    const stalled: Array<[number, number]> = [];
    queue.on('job stalled', (id: number, count: number) => stalled.push([id, count]));

    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await queue.create('work', { i }).save()).id!);

    const common = { KUE_PREFIX: prefix, KUE_TYPE: 'work', KUE_LOCK_DURATION: LOCK_MS, KUE_DONE_LIST: doneList, KUE_STARTED_LIST: startedList };
    const a = await startWorker({ ...common, KUE_MODE: 'hang', KUE_CONCURRENCY: 5 });
    await waitFor(async () => (await queue.activeCount('work')) === 5, 10_000, 'worker A to hold 5 active jobs');
    await waitFor(async () => (await redis.llen(startedList)) === 5, 5_000, 'worker A handler to receive 5 jobs');
    expect((await redis.lrange(startedList, 0, -1)).sort()).toEqual(ids.map((id) => `${id}:${a.pid}`).sort());

    // While A lives it keeps renewing its locks: well past lockDuration nothing is recovered.
    await new Promise((r) => setTimeout(r, LOCK_MS * 1.5));
    expect(await queue.activeCount('work')).toBe(5);
    expect(stalled).toEqual([]);

    a.child.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' });

    const b = await startWorker({ ...common, KUE_MODE: 'normal', KUE_CONCURRENCY: 5 });
    await waitFor(async () => (await queue.completeCount('work')) === 5, LOCK_MS + 10_000, 'all 5 jobs complete after the kill');
    const recoveryMs = Date.now() - killedAt;
    console.log(`sigkill: lockDuration ${LOCK_MS} ms, jobs recovered and completed ${recoveryMs} ms after SIGKILL`);
    expect(recoveryMs).toBeLessThan(LOCK_MS + 6_000);

    // Each job completed exactly once, by B.
    const completions = await redis.lrange(doneList, 0, -1);
    expect(completions.sort()).toEqual(ids.map((id) => `${id}:${b.pid}`).sort());
    expect(await queue.inactiveCount()).toBe(0);
    expect(await queue.activeCount()).toBe(0);
    expect(await queue.failedCount()).toBe(0);
    expect(await queue.delayedCount()).toBe(0);
    for (const id of ids) {
      const job = await queue.getJob(id);
      expect(job.state()).toBe('complete');
      expect(job.result).toEqual({ pid: b.pid });
    }
    // Each job stalled once (A's death), not more: recovery ran once per job.
    await waitFor(() => stalled.length >= 5, 2_000, '5 "job stalled" events');
    expect(stalled.sort((x, y) => x[0] - y[0])).toEqual(ids.map((id) => [id, 1]));
    // Nothing completes twice later on.
    await new Promise((r) => setTimeout(r, 300));
    expect(await redis.llen(doneList)).toBe(5);
    expect(b.stderr()).toBe('');
  });
});
