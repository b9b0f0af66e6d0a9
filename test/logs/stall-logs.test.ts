// Stalled jobs recovered, in the log: a worker process SIGKILLed while it holds jobs, and the
// maintenance of another process putting them back.
import { describe, expect, it } from 'vitest';
import { redisClient, testQueue, uniquePrefix, waitFor } from '../support/setup.js';
import { startWorker } from '../process/worker-process.js';
import { capturingLogger } from './capture.js';

const LOCK_MS = 1_000;
const JOBS = 3;

describe('the log of stall recovery', () => {
  it(
    'jobs of a SIGKILLed worker are logged at warn when maintenance recovers them: count, ids and type',
    { timeout: 30_000 },
    async () => {
      const prefix = uniquePrefix('stall-log');
      const started = `${prefix}:t:started`;
      const logger = capturingLogger();
      const queue = testQueue({ prefix, logger, lockDuration: LOCK_MS, maintenanceInterval: 200 });
      const redis = redisClient();
      const jobs = await queue.saveAll(Array.from({ length: JOBS }, () => queue.create('work')));

      const doomed = await startWorker({
        KUE_PREFIX: prefix,
        KUE_LOCK_DURATION: LOCK_MS,
        KUE_MODE: 'hang',
        KUE_CONCURRENCY: JOBS,
        KUE_MAINTENANCE: '0',
        KUE_STARTED_LIST: started,
      });
      await waitFor(async () => (await redis.llen(started)) === JOBS, 10_000, 'the worker to hold every job');
      expect(logger.find(/stalled/)).toEqual([]);
      doomed.child.kill('SIGKILL');
      await doomed.exited;

      await waitFor(() => logger.find(/stalled jobs recovered/).length > 0, LOCK_MS + 5_000, 'the recovery');
      const recovered = logger.find(/stalled jobs recovered/);
      const count = recovered.reduce((sum, e) => sum + (e.obj.count as number), 0);
      expect(count).toBe(JOBS);
      expect(recovered.flatMap((e) => e.obj.ids as number[]).sort()).toEqual(jobs.map((j) => j.id).sort());
      for (const entry of recovered) {
        expect(entry).toMatchObject({ level: 'warn', obj: { queue: prefix, types: ['work'] } });
      }
    },
  );

  it('one entry per recovery pass names at most 20 jobs, and counts them all', async () => {
    const logger = capturingLogger();
    const queue = testQueue({ logger, lockDuration: 100, maintenanceInterval: 50 });
    await queue.saveAll(Array.from({ length: 25 }, () => queue.create('many')));
    // A worker that takes the jobs and vanishes: their locks are never renewed.
    await queue.store.take({ type: 'many', count: 25, workerId: 'ghost', lockDuration: 100 });
    await waitFor(() => logger.find(/stalled jobs recovered/).length > 0, 5_000, 'the recovery');
    const [entry] = logger.find(/stalled jobs recovered/);
    expect(entry!.obj).toMatchObject({ queue: queue.prefix, count: 25, types: ['many'] });
    expect(entry!.obj.ids).toHaveLength(20);
  });
});
