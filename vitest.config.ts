import { defineConfig } from 'vitest/config';

/**
 * Test files that run one at a time, after all the others, with nothing else of the suite
 * running. Every test keeps to its own key prefix, so most files share the test redis-server
 * at the same time; these do not:
 * - test/reliability: processes and servers killed, frozen and restarted under load, with
 *   bounds on how soon work resumes (a p99 of 100 ms for a cancellation);
 * - test/maintenance: timers measured to the millisecond (a delayed job's lateness), and the
 *   commands the whole server ran counted (INFO stats);
 * - the files below that read figures of the whole shared server or measure latency.
 * A whole folder is listed where its files are of one kind, so that new files there land here
 * too. Everything else runs in parallel: a new file that reads or changes the whole shared
 * server (INFO, DBSIZE, CONFIG SET, FLUSHDB, KEYS, CLIENT KILL, MONITOR) or asserts how fast
 * something happens must be listed here; one that fills Redis with 100,000s of jobs takes a
 * server of its own (test/support/own-redis.ts).
 */
const ALONE = [
  'test/reliability/**/*.test.ts',
  'test/maintenance/**/*.test.ts',
  // Counts the scripts the shared server ran (INFO commandstats).
  'test/flow/limits.test.ts',
  // A schedule's runs made within 100-150 ms of their due time.
  'test/queue/schedules.test.ts',
  // The dashboard's first paint within a second, and a page answering within 500 ms.
  'test/ui/overview.test.ts',
  'test/ui/job-detail.test.ts',
];

/**
 * How many files run at once in the parallel group. Most of a file's time is spent waiting
 * (on Redis, on timers, on child processes), so more files than cores keep both cores busy.
 */
const PARALLEL_FILES = 3;

export default defineConfig({
  plugins: [
    {
      name: 'lua-as-text',
      transform(code, id) {
        if (id.endsWith('.lua')) return { code: `export default ${JSON.stringify(code)};`, map: null };
        return undefined;
      },
    },
  ],
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'parallel',
          include: ['test/**/*.test.ts'],
          exclude: ALONE,
          maxWorkers: PARALLEL_FILES,
        },
      },
      {
        // fileParallelism: false puts this group after every other one, one file at a time.
        extends: true,
        test: { name: 'alone', include: ALONE, fileParallelism: false },
      },
    ],
  },
});
