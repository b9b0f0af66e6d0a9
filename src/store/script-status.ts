/**
 * The codes by which a script's reply says what became of a request. The Lua scripts name the
 * same codes in their table STATUS (lua/includes/status.lua), and a test compares the two.
 */
export const ScriptStatus = {
  /** complete, progress, update, remove, move: applied. */
  DONE: 1,
  /** No such job: nothing was written (log replies with it too). */
  NO_JOB: 0,
  /** complete, fail: the report's lock is not the job's (it stalled, expired or was moved). */
  LOCK_LOST: -1,
  /** complete, fail: this very report was applied before (it reached Redis twice). */
  REPEATED: 2,
  /** fail: the attempt failed and the job will run again. */
  RETRY: 'retry',
  /** fail: the job failed for good. */
  FAILED: 'failed',
  /** pause: whether the type's setting changed. */
  CHANGED: 1,
  UNCHANGED: 0,
  /** promote, expire: no entry falls due later (in place of a due time). */
  NOTHING_DUE: -1,
} as const;

/** What `complete` and `fail` reply for one job. */
export type FinishStatus = (typeof ScriptStatus)['DONE' | 'NO_JOB' | 'LOCK_LOST' | 'REPEATED' | 'RETRY' | 'FAILED'];
