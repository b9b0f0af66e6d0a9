// Scenario 9: 20 worker processes race for 10,000 jobs of random priorities: every job is
// taken by one worker and completed exactly once, none is lost or left behind.
import { describe, expect, it } from 'vitest';
import { expectConsistent } from '../support/check.js';
import { redisClient, testQueue, uniquePrefix } from '../support/setup.js';
import { startWorker } from '../process/worker-process.js';

describe('scenario 9: 20 worker processes x 10,000 jobs', () => {
  it(
    '10,000 jobs of random priorities through 20 worker processes are each completed exactly once, none lost',
    { timeout: 180_000 },
    async () => {
      const TOTAL = 10_000;
      const WORKERS = 20;
      const prefix = uniquePrefix('many');
      const doneList = `${prefix}:test:done`;
      const queue = testQueue({ prefix, jobEvents: false });
      const redis = redisClient();
      const started = Date.now();

      // Workers first, so taking races with saving as it does in production.
      const workers = await Promise.all(
        Array.from({ length: WORKERS }, () =>
          startWorker({
            KUE_PREFIX: prefix,
            KUE_TYPE: 'bulk',
            KUE_CONCURRENCY: 5,
            KUE_MODE: 'normal',
            KUE_WORK_MS: 0,
            KUE_DONE_LIST: doneList,
          }),
        ),
      );

      const ids: number[] = [];
      for (let from = 0; from < TOTAL; from += 500) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(500, TOTAL - from) }, (_, k) =>
            queue
              .create('bulk', { n: from + k })
              .priority(Math.floor(Math.random() * 41) - 20)
              .save(),
          ),
        );
        for (const job of batch) ids.push(job.id!);
      }
      const savedMs = Date.now() - started;
      expect(new Set(ids).size).toBe(TOTAL);

      const deadline = Date.now() + 150_000;
      let complete = 0;
      while ((complete = await queue.completeCount('bulk')) < TOTAL) {
        if (Date.now() > deadline) {
          const counts = {
            complete,
            inactive: await queue.inactiveCount(),
            active: await queue.activeCount(),
            failed: await queue.failedCount(),
            delayed: await queue.delayedCount(),
            recorded: await redis.llen(doneList),
            exited: workers.map((w) => w.child.exitCode ?? w.child.signalCode),
            stderr: workers.map((w) => w.stderr()),
          };
          throw new Error(`not all ${TOTAL} jobs completed within 150 s: ${JSON.stringify(counts)}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      const totalMs = Date.now() - started;

      expect(await queue.completeCount()).toBe(TOTAL);
      expect(await queue.inactiveCount()).toBe(0);
      expect(await queue.activeCount()).toBe(0);
      expect(await queue.failedCount()).toBe(0);
      expect(await queue.delayedCount()).toBe(0);

      // Every saved id completed exactly once, by one of the processes.
      const completions = await redis.lrange(doneList, 0, -1);
      const timesById = new Map<number, number>();
      const pidById = new Map<number, number>();
      const perPid = new Map<number, number>(workers.map((w) => [w.pid, 0]));
      for (const entry of completions) {
        const [id, pid] = entry.split(':').map(Number) as [number, number];
        timesById.set(id, (timesById.get(id) ?? 0) + 1);
        pidById.set(id, pid);
        expect(perPid.has(pid), `completion ${entry} comes from a process this test started`).toBe(true);
        perPid.set(pid, perPid.get(pid)! + 1);
      }
      const twice = [...timesById].filter(([, n]) => n > 1).map(([id, n]) => `${id}x${n}`);
      const missing = ids.filter((id) => !timesById.has(id));
      expect(twice, 'jobs completed more than once').toEqual([]);
      expect(missing, 'jobs never completed').toEqual([]);
      expect(completions.length).toBe(TOTAL);
      expect(timesById.size).toBe(TOTAL);
      for (const [pid, n] of perPid) expect(n, `jobs completed by process ${pid}`).toBeGreaterThan(0);

      // What Redis stored agrees with who did the work.
      const jobs = await queue.rangeByState('complete', 0, TOTAL - 1);
      expect(jobs.length).toBe(TOTAL);
      const mismatched = jobs.filter(
        (job) => (job.result as { pid?: number } | undefined)?.pid !== pidById.get(job.id!),
      );
      expect(mismatched.map((j) => j.id)).toEqual([]);

      await expectConsistent(queue, { complete: TOTAL });
      console.log(
        `scenario 9: ${WORKERS} processes, ${TOTAL} jobs saved in ${savedMs} ms, all complete after ${totalMs} ms; ` +
          `per process: ${[...perPid.values()].join(', ')}`,
      );
      for (const w of workers) expect(w.stderr()).toBe('');
    },
  );
});
