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
  /** complete, fail: the attempt under this lock was cancelled: the report is moot. */
  CANCELLED: 3,
  /** fail: the attempt failed and the job will run again. */
  RETRY: 'retry',
  /** fail: the job failed for good. */
  FAILED: 'failed',
  /** pause: whether the type's setting changed. */
  CHANGED: 1,
  UNCHANGED: 0,
  /** promote, expire: no entry falls due later (in place of a due time). */
  NOTHING_DUE: -1,
  /** schedule_*: no schedule has this id. */
  NO_SCHEDULE: 'no-schedule',
  /** schedule_upsert, schedule_pause: the schedule changed since the caller read it; read again. */
  CONFLICT: 'conflict',
  /** schedule_upsert: a new schedule was made. */
  CREATED: 'created',
  /** schedule_fire: the schedule's revision or next due time is not what the caller read. */
  STALE: 'stale',
} as const;

/** What `complete` and `fail` reply for one job. */
export type FinishStatus = (typeof ScriptStatus)[
  'DONE' | 'NO_JOB' | 'LOCK_LOST' | 'REPEATED' | 'CANCELLED' | 'RETRY' | 'FAILED'];
