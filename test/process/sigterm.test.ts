// A worker process and SIGTERM (test/reliability/09 races 20 worker processes).
// Child processes load dist/.
import { describe, expect, it } from 'vitest';
import { redisClient, testQueue, uniquePrefix, waitFor } from '../support/setup.js';
import { startWorker } from './worker-process.js';

describe('a worker process', () => {
  it('a worker process given SIGTERM lets its running job finish, then exits 0', async () => {
    const prefix = uniquePrefix('sigterm');
    const doneList = `${prefix}:test:done`;
    const queue = testQueue({ prefix });
    const redis = redisClient();
    const worker = await startWorker({
      KUE_PREFIX: prefix,
      KUE_TYPE: 'slow',
      KUE_CONCURRENCY: 1,
      KUE_MODE: 'normal',
      KUE_WORK_MS: 1_000,
      KUE_SHUTDOWN_TIMEOUT: 5_000,
      KUE_DONE_LIST: doneList,
    });
    const job = await queue.create('slow', {}).save();
    await waitFor(async () => (await queue.activeCount('slow')) === 1, 5_000, 'the job to become active');

    worker.child.kill('SIGTERM');
    const exit = await Promise.race([
      worker.exited,
      new Promise((r) => setTimeout(() => r('still running 8 s after SIGTERM'), 8_000)),
    ]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(await redis.lrange(doneList, 0, -1)).toEqual([`${job.id}:${worker.pid}`]);
    const stored = await queue.getJob(job.id!);
    expect(stored.state()).toBe('complete');
    expect(stored.result).toEqual({ pid: worker.pid });
    expect(worker.stderr()).toBe('');
  });
});
