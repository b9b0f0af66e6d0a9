// Scenario 11: a worker process frozen with SIGSTOP while its job runs past its TTL. Another
// process fails the job with "TTL exceeded" on time; when the frozen worker resumes (SIGCONT)
// its stale report is refused and the job stays failed, once.
import { describe, expect, it } from 'vitest';
import { expectConsistent } from '../support/check.js';
import { nextEvent, redisClient, testQueue, uniquePrefix, waitFor } from '../support/setup.js';
import { startWorker } from '../process/worker-process.js';

const TTL_MS = 1_000;

describe("scenario 11: a worker frozen with SIGSTOP past its job's TTL", () => {
  it(
    'the job fails "TTL exceeded" on time; after SIGCONT the stale report is refused',
    { timeout: 60_000 },
    async () => {
      const prefix = uniquePrefix('s11');
      const lists = {
        KUE_DONE_LIST: `${prefix}:t:done`,
        KUE_STARTED_LIST: `${prefix}:t:started`,
        KUE_LOST_LIST: `${prefix}:t:lost`,
      };
      const queue = testQueue({ prefix, maintenanceInterval: 200 });
      const redis = redisClient();
      const job = await queue
        .create('work', { work: TTL_MS * 2 })
        .ttl(TTL_MS)
        .save();
      const worker = await startWorker({ KUE_PREFIX: prefix, ...lists });
      await waitFor(async () => (await redis.llen(lists.KUE_STARTED_LIST)) === 1, 10_000, 'the job to start');
      worker.child.kill('SIGSTOP');

      const [id, message] = (await nextEvent(queue, 'job failed', 30_000)) as [number, string];
      expect(id).toBe(job.id);
      expect(message).toBe('TTL exceeded');
      const [startedAt, failedAt] = (await redis.hmget(`{${prefix}}:job:${job.id}`, 'started_at', 'failed_at')).map(
        Number,
      ) as [number, number];
      const lateMs = failedAt - startedAt - TTL_MS;
      console.log(
        `scenario 11: failed "TTL exceeded" ${lateMs} ms after the TTL ran out (TTL ${TTL_MS} ms, worker frozen)`,
      );
      expect(lateMs).toBeGreaterThanOrEqual(0);
      expect(lateMs).toBeLessThan(2_000);

      worker.child.kill('SIGCONT');
      await waitFor(
        async () => (await redis.llen(lists.KUE_LOST_LIST)) === 1,
        10_000,
        "the frozen worker's report to be refused",
      );
      expect(await redis.lrange(lists.KUE_LOST_LIST, 0, -1)).toEqual([`${job.id}:${worker.pid}`]);
      // Given time to do more harm, the resumed worker changes nothing.
      await new Promise((r) => setTimeout(r, TTL_MS * 2));
      const failed = await queue.getJob(job.id!);
      expect(failed.state()).toBe('failed');
      expect(await queue.admin.attemptErrors(job.id!)).toEqual([expect.objectContaining({ error: 'TTL exceeded' })]);
      expect(worker.stderr()).toBe('');
      await expectConsistent(queue, { failed: 1 });
    },
  );
});
