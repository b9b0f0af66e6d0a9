// Scenario 2: a job running three times the lock duration in a healthy process keeps its lock
// (renewed while it runs) and is never stalled; a job that blocks its process's event loop
// past the lock loses it, runs again elsewhere, and the blocked worker's late result is refused.
import { describe, expect, it } from 'vitest';
import { expectConsistent } from '../support/check.js';
import { redisClient, testQueue, uniquePrefix, waitFor } from '../support/setup.js';
import { startWorker } from '../process/worker-process.js';

const LOCK_MS = 1_000;

describe('scenario 2: long jobs and blocked event loops', () => {
  it(
    'a healthy long job is never stalled; a blocked one runs again and its stale result is refused',
    { timeout: 60_000 },
    async () => {
      const prefix = uniquePrefix('s2');
      const lists = {
        KUE_DONE_LIST: `${prefix}:t:done`,
        KUE_STARTED_LIST: `${prefix}:t:started`,
        KUE_LOST_LIST: `${prefix}:t:lost`,
      };
      const queue = testQueue({ prefix, lockDuration: LOCK_MS, maintenanceInterval: 200 });
      const redis = redisClient();
      const stalled: number[] = [];
      queue.on('job stalled', (id: number) => stalled.push(id));
      const common = { KUE_PREFIX: prefix, KUE_LOCK_DURATION: LOCK_MS, ...lists };

      const long = await queue.create('long', { work: LOCK_MS * 3 }).save();
      const healthy = await startWorker({ ...common, KUE_TYPE: 'long' });
      const blocked = await queue.create('block', { block: LOCK_MS * 3 }).save();
      const frozen = await startWorker({ ...common, KUE_TYPE: 'block' });
      await waitFor(
        async () => (await redis.lrange(lists.KUE_STARTED_LIST, 0, -1)).includes(`${blocked.id}:${frozen.pid}`),
        10_000,
        'the blocking job to start',
      );

      // Another worker (this process) takes over the blocked job once its lock lapses.
      queue.process('block', (_job, done) => done(null, 'rescued'));
      await waitFor(
        async () => (await queue.getJob(blocked.id!)).state() === 'complete',
        10_000,
        'the blocked job to complete elsewhere',
      );
      await waitFor(
        async () => (await queue.getJob(long.id!)).state() === 'complete',
        10_000,
        'the long job to complete',
      );
      await waitFor(
        async () => (await redis.llen(lists.KUE_LOST_LIST)) === 1,
        10_000,
        "the frozen worker's result to be refused",
      );

      expect(await redis.lrange(lists.KUE_LOST_LIST, 0, -1)).toEqual([`${blocked.id}:${frozen.pid}`]);
      const rescued = await queue.getJob(blocked.id!);
      expect(rescued.result).toBe('rescued');
      const finished = await queue.getJob(long.id!);
      expect(finished.result).toEqual({ pid: healthy.pid });
      expect(stalled).toEqual([blocked.id]);
      // The frozen worker called done (its entry is in the done list), but nothing changed.
      expect(await redis.lrange(lists.KUE_DONE_LIST, 0, -1)).toEqual(
        expect.arrayContaining([`${blocked.id}:${frozen.pid}`, `${long.id}:${healthy.pid}`]),
      );
      expect(healthy.stderr() + frozen.stderr()).toBe('');
      await expectConsistent(queue, { complete: 2 });
    },
  );
});
