// Many worker processes racing for the same jobs: every job is taken by one worker and
// completed exactly once, none is lost or left behind. Child processes load dist/.
import { describe, expect, it } from 'vitest';
import { redisClient, testQueue, uniquePrefix, waitFor } from '../support/setup.js';
import { startWorker } from './worker-process.js';


describe('many worker processes', () => {
  it('10,000 jobs through 4 worker processes at concurrency 20 are each completed exactly once, none lost', { timeout: 120_000 }, async () => {
    const TOTAL = 10_000;
    const WORKERS = 4;
    const prefix = uniquePrefix('many');
    const doneList = `${prefix}:test:done`;
    const queue = testQueue({ prefix, jobEvents: false });
    const redis = redisClient();
    const started = Date.now();

    // Workers first, so taking races with saving as it does in production.
    const workers = await Promise.all(
      Array.from({ length: WORKERS }, () =>
        startWorker({ KUE_PREFIX: prefix, KUE_TYPE: 'bulk', KUE_CONCURRENCY: 20, KUE_MODE: 'normal', KUE_WORK_MS: 0, KUE_DONE_LIST: doneList }),
      ),
    );

    const ids: number[] = [];
    for (let from = 0; from < TOTAL; from += 500) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(500, TOTAL - from) }, (_, k) => queue.create('bulk', { n: from + k }).save()),
      );
      for (const job of batch) ids.push(job.id!);
    }
    const savedMs = Date.now() - started;
    expect(new Set(ids).size).toBe(TOTAL);

    const deadline = Date.now() + 100_000;
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
        throw new Error(`not all ${TOTAL} jobs completed within 100 s: ${JSON.stringify(counts)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const totalMs = Date.now() - started;

    expect(await queue.completeCount()).toBe(TOTAL);
    expect(await queue.inactiveCount()).toBe(0);
    expect(await queue.activeCount()).toBe(0);
    expect(await queue.failedCount()).toBe(0);
    expect(await queue.delayedCount()).toBe(0);

    // Every saved id completed exactly once, by one of the 4 processes.
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
    const mismatched = jobs.filter((job) => (job.result as { pid?: number } | undefined)?.pid !== pidById.get(job.id!));
    expect(mismatched.map((j) => j.id)).toEqual([]);

    console.log(
      `many-workers: ${TOTAL} jobs saved in ${savedMs} ms, all complete after ${totalMs} ms; ` +
        `per process: ${[...perPid.values()].join(', ')}`,
    );
    for (const w of workers) expect(w.stderr()).toBe('');
  });

  it('a worker process given SIGTERM lets its running job finish, then exits 0', async () => {
    const prefix = uniquePrefix('sigterm');
    const doneList = `${prefix}:test:done`;
    const queue = testQueue({ prefix });
    const redis = redisClient();
    const worker = await startWorker({
      KUE_PREFIX: prefix, KUE_TYPE: 'slow', KUE_CONCURRENCY: 1, KUE_MODE: 'normal',
      KUE_WORK_MS: 1_000, KUE_SHUTDOWN_TIMEOUT: 5_000, KUE_DONE_LIST: doneList,
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
