// Scenario 3: a job that kills its worker process every time it runs. Each death is a stall;
// past maxStalls the job ends failed ("stalled too many times") and the other jobs, taken by
// the restarted workers, keep flowing. The test plays the process supervisor.
import { describe, expect, it } from 'vitest';
import { expectConsistent } from '../support/check.js';
import { nextEvent, redisClient, testQueue, uniquePrefix, waitFor } from '../support/setup.js';
import { startWorker, type WorkerProcess } from '../process/worker-process.js';

const LOCK_MS = 1_000;
const MAX_STALLS = 2;
const OTHERS = 200;

describe('scenario 3: a job that kills its worker every time', () => {
  it('ends failed after maxStalls while the other jobs keep flowing', { timeout: 90_000 }, async () => {
    const prefix = uniquePrefix('s3');
    const doneList = `${prefix}:t:done`;
    const queue = testQueue({ prefix, lockDuration: LOCK_MS, maxStalls: MAX_STALLS, maintenanceInterval: 200 });
    const redis = redisClient();
    const others = await queue.saveAll(
      Array.from({ length: OTHERS / 2 }, (_, i) => queue.create('work', { i, work: 20 })),
    );
    const poison = await queue.create('work', { die: true }).save();
    others.push(
      ...(await queue.saveAll(Array.from({ length: OTHERS / 2 }, (_, i) => queue.create('work', { i, work: 20 })))),
    );

    let deaths = 0;
    let supervising = true;
    const env = { KUE_PREFIX: prefix, KUE_LOCK_DURATION: LOCK_MS, KUE_MAX_STALLS: MAX_STALLS, KUE_DONE_LIST: doneList };
    const supervise = async (): Promise<void> => {
      const worker: WorkerProcess = await startWorker(env);
      void worker.exited.then(({ signal }) => {
        if (signal === 'SIGKILL' && supervising) {
          deaths++;
          void supervise();
        }
      });
    };
    await Promise.all([supervise(), supervise()]);

    const [id, message] = (await nextEvent(queue, 'job failed', 30_000)) as [number, string];
    expect(id).toBe(poison.id);
    expect(message).toMatch(/stalled too many times/);
    await waitFor(async () => (await redis.llen(doneList)) === OTHERS, 30_000, `all ${OTHERS} other jobs to complete`);
    supervising = false;

    expect(deaths).toBe(MAX_STALLS + 1);
    console.log(
      `scenario 3: the poison job killed ${deaths} worker processes and ended failed; the ${OTHERS} other jobs completed once each`,
    );
    const failed = await queue.getJob(poison.id!);
    expect(failed.state()).toBe('failed');
    expect(failed.toJSON().error).toMatch(/stalled too many times/);
    // Each other job completed exactly once, whichever worker incarnation ran it.
    const completed = (await redis.lrange(doneList, 0, -1)).map((entry) => Number(entry.split(':')[0]));
    expect(completed.sort((a, b) => a - b)).toEqual(others.map((j) => j.id!).sort((a, b) => a - b));
    await expectConsistent(queue, { complete: OTHERS, failed: 1 });
  });
});
