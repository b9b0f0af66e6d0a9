// Scenario 4: SIGTERM to a worker process holding 20 active jobs, with a 2 s shutdown
// timeout. The jobs that finish in time complete; the others fail with the shutdown reason
// and are retried elsewhere. The process exits promptly; nothing is lost or left active.
import { describe, expect, it } from 'vitest';
import { expectConsistent } from '../support/check.js';
import { redisClient, testQueue, uniquePrefix, waitFor } from '../support/setup.js';
import { startWorker } from '../process/worker-process.js';

const SHUTDOWN_MS = 2_000;

describe('scenario 4: SIGTERM with 20 active jobs and a 2 s shutdown timeout', () => {
  it('finishes what it can, hands the rest back, exits 0', { timeout: 60_000 }, async () => {
    const prefix = uniquePrefix('s4');
    const lists = { KUE_DONE_LIST: `${prefix}:t:done`, KUE_STARTED_LIST: `${prefix}:t:started` };
    const queue = testQueue({ prefix });
    const redis = redisClient();
    const quick = await queue.saveAll(
      Array.from({ length: 10 }, (_, i) => queue.create('work', { i, work: 500 }).attempts(2)),
    );
    const slow = await queue.saveAll(
      Array.from({ length: 10 }, (_, i) => queue.create('work', { i, work: 60_000 }).attempts(2)),
    );
    const worker = await startWorker({
      KUE_PREFIX: prefix,
      KUE_CONCURRENCY: 20,
      KUE_SHUTDOWN_TIMEOUT: SHUTDOWN_MS,
      ...lists,
    });
    await waitFor(async () => (await redis.llen(lists.KUE_STARTED_LIST)) === 20, 10_000, '20 jobs to start');

    worker.child.kill('SIGTERM');
    const signalledAt = Date.now();
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    const exitMs = Date.now() - signalledAt;
    console.log(`scenario 4: worker exited ${exitMs} ms after SIGTERM (shutdown timeout ${SHUTDOWN_MS} ms)`);
    expect(exitMs).toBeLessThan(SHUTDOWN_MS + 3_000);
    expect(worker.stderr()).toBe('');

    // Nothing is left active: the quick jobs completed, the slow ones went back for a retry.
    expect(await queue.activeCount()).toBe(0);
    for (const job of quick) expect((await queue.getJob(job.id!)).state()).toBe('complete');
    for (const job of slow) {
      const back = await queue.getJob(job.id!);
      expect(back.state()).toBe('inactive');
      const attempts = await queue.admin.attemptErrors(job.id!);
      expect(attempts.map((a) => a.error)).toEqual(['Shutdown']);
    }

    queue.process('work', 10, (_job, done) => done(null, 'retried'));
    await waitFor(async () => (await queue.completeCount()) === 20, 10_000, 'the slow jobs to complete on retry');
    for (const job of slow) expect((await queue.getJob(job.id!)).result).toBe('retried');
    await expectConsistent(queue, { complete: 20 });
  });
});
