// Which test files run side by side and which run alone: vitest.config.ts makes the two
// groups (vitest projects) from these lists, and test/architecture/test-groups.test.ts checks
// that no file of the parallel group reads or changes the whole shared test Redis.
//
// Every test keeps to its own key prefix (uniquePrefix()), so most files share the test
// redis-server at the same time. The files listed here run one at a time after all the
// others, with nothing else of the suite running:
// - test/reliability: processes and servers killed, frozen and restarted under load, with
//   bounds on how soon work resumes (a p99 of 100 ms for a cancellation);
// - test/maintenance: timers measured to the millisecond (a delayed job's lateness), and the
//   commands the whole server ran counted (INFO stats);
// - the files that read figures of the whole shared server or measure latency.
// A whole folder is listed where its files are of one kind, so that new files there land here
// too. Everything else runs in parallel: a new file that reads or changes the whole shared
// server (INFO, DBSIZE, CONFIG SET, FLUSHDB, KEYS, CLIENT KILL, MONITOR) or asserts how fast
// something happens belongs here; one that fills Redis with 100,000s of jobs takes a server
// of its own (test/support/own-redis.ts).

/** Folders whose every test file runs alone. */
export const ALONE_FOLDERS = ['test/reliability', 'test/maintenance'];

/** Single files that run alone, each with its reason. */
export const ALONE_FILES = [
  // Counts the scripts the shared server ran (INFO commandstats).
  'test/flow/limits.test.ts',
  // A schedule's runs made within 100-150 ms of their due time.
  'test/queue/schedules.test.ts',
  // The dashboard's first paint within a second, and a page answering within 500 ms.
  'test/ui/overview.test.ts',
  'test/ui/job-detail.test.ts',
  // SIGKILLs a worker process and waits for its job's lock to lapse (1.5 s) and be recovered.
  'test/metrics/workload-processes.test.ts',
];

/** The same as globs, for vitest's include and exclude. */
export const ALONE = [...ALONE_FOLDERS.map((folder) => `${folder}/**/*.test.ts`), ...ALONE_FILES];

/** Whether a test file (its path from the repository's root, with '/') runs alone. */
export function runsAlone(file: string): boolean {
  return ALONE_FILES.includes(file) || ALONE_FOLDERS.some((folder) => file.startsWith(`${folder}/`));
}

/**
 * How many files of the parallel group run at once. Most of a file's time is spent waiting (on
 * Redis, on timers, on child processes), so more files than the two cores keep both busy; 4
 * was no faster than 3.
 */
export const PARALLEL_FILES = 3;
