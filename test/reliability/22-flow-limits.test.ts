// Scenario 22: limits of a job type hold over several worker processes. Start and end times
// are the Redis server's (the jobs' started_at and completed_at), so the clocks of the
// processes cannot blur the count.
import { describe, expect, it } from 'vitest';
import { startWorker } from '../process/worker-process.js';
import { testQueue, uniquePrefix, waitFor } from '../support/setup.js';
import { mostAtOnce, runsOf } from '../support/runs.js';

describe('scenario 22: limits over several worker processes', () => {
  it(
    '4 processes at concurrency 10 under a concurrency limit of 5 never run more than 5 at once',
    { timeout: 60_000 },
    async () => {
      const prefix = uniquePrefix('conc');
      const queue = testQueue({ prefix });
      await queue.limit('work', { concurrency: 5 });
      await Promise.all(
        Array.from({ length: 4 }, () =>
          startWorker({ KUE_PREFIX: prefix, KUE_TYPE: 'work', KUE_CONCURRENCY: 10, KUE_WORK_MS: 100 }),
        ),
      );
      const jobs = await queue.saveAll(Array.from({ length: 60 }, (_, n) => queue.create('work', { n })));
      await waitFor(async () => (await queue.completeCount('work')) === 60, 30_000, 'all 60 jobs');
      const runs = await runsOf(
        queue,
        jobs.map((j) => j.id),
      );
      // Never more than 5, and the limit was reached: it holds back, it does not starve.
      expect(mostAtOnce(runs)).toBe(5);
    },
  );

  it(
    'a rate of 20 per second over 10 s never allows 21 starts in any one-second window',
    { timeout: 60_000 },
    async () => {
      const prefix = uniquePrefix('rate');
      const queue = testQueue({ prefix });
      await queue.limit('work', { rate: { max: 20, duration: 1_000 } });
      const jobs = await queue.saveAll(Array.from({ length: 210 }, (_, n) => queue.create('work', { n })));
      await Promise.all(
        Array.from({ length: 4 }, () => startWorker({ KUE_PREFIX: prefix, KUE_TYPE: 'work', KUE_CONCURRENCY: 10 })),
      );
      await waitFor(async () => (await queue.completeCount('work')) === 210, 20_000, 'all 210 jobs');
      const starts = (
        await runsOf(
          queue,
          jobs.map((j) => j.id),
        )
      )
        .map((r) => r.start)
        .sort((a, b) => a - b);
      // Any 21 consecutive starts span at least a second: no window of 1,000 ms holds 21.
      const tightest = Math.min(...starts.slice(20).map((s, i) => s - starts[i]!));
      expect(tightest).toBeGreaterThanOrEqual(1_000);
      // And the rate is used: 210 starts take a little over 10 windows, not much more.
      expect(starts.at(-1)! - starts[0]!).toBeLessThan(11_500);
    },
  );

  it(
    "three groups, one with 10,000 jobs: the small groups' jobs all start among the first 40",
    { timeout: 60_000 },
    async () => {
      const prefix = uniquePrefix('fair');
      const queue = testQueue({ prefix });
      const big = await queue.saveAll(
        Array.from({ length: 10_000 }, (_, n) => queue.create('work', { n }).group('big')),
      );
      const small = await queue.saveAll(
        ['small-1', 'small-2'].flatMap((g) =>
          Array.from({ length: 10 }, (_, n) => queue.create('work', { n }).group(g)),
        ),
      );
      await Promise.all(
        Array.from({ length: 3 }, () => startWorker({ KUE_PREFIX: prefix, KUE_TYPE: 'work', KUE_CONCURRENCY: 2 })),
      );
      const smallIds = small.map((j) => j.id);
      await waitFor(
        async () => (await Promise.all(smallIds.map((id) => queue.getJob(id)))).every((j) => j.state() === 'complete'),
        20_000,
        'the small groups',
      );
      // The order of starts on the server's clock: the big group's first jobs (FIFO within a
      // group: only those can have started so early) and the small groups' jobs.
      const early = await runsOf(queue, [...big.slice(0, 200).map((j) => j.id), ...smallIds]);
      const starts = early.map((r) => r.start).filter((t) => t > 0);
      const places = (await runsOf(queue, smallIds)).map((r) => starts.filter((t) => t < r.start).length);
      expect(Math.max(...places)).toBeLessThan(40);
    },
  );
});
