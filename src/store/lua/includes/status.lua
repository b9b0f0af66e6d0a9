--[[ status: the codes by which a script's reply says what became of a request, named once.
src/store/script-status.ts (ScriptStatus) names the same codes for the TypeScript side, and a
test compares the two. Needs nothing.
Scripts write STATUS.DONE and so on, but the table is never built when they run: the
assembler (src/store/lua-assembly.ts) writes each STATUS.<name> as its value: building this
table on every call measured 0.4 to 0.8 us, as much as eight to ten function definitions,
on complete and fail, which run once per job. ]]
--@inline

local STATUS = {
  -- complete, progress, update, remove, move: applied.
  DONE = 1,
  -- No such job: nothing was written (log replies with it too).
  NO_JOB = 0,
  -- complete, fail: the report's lock is not the job's (it stalled, expired or was moved).
  LOCK_LOST = -1,
  -- complete, fail: this very report was applied before (it reached Redis twice).
  REPEATED = 2,
  -- complete, fail: the attempt under this lock was cancelled (cancel.lua): nothing to report.
  CANCELLED = 3,
  -- fail: the attempt failed and the job will run again.
  RETRY = 'retry',
  -- fail: the job failed for good.
  FAILED = 'failed',
  -- pause: whether the type's setting changed.
  CHANGED = 1,
  UNCHANGED = 0,
  -- promote, expire: no entry falls due later.
  NOTHING_DUE = -1,
  -- schedule_*: no schedule has this id.
  NO_SCHEDULE = 'no-schedule',
  -- schedule_upsert, schedule_pause: the schedule changed since the caller read it; read again.
  CONFLICT = 'conflict',
  -- schedule_upsert: a new schedule was made.
  CREATED = 'created',
  -- schedule_fire: the schedule's revision or next due time is not what the caller read.
  STALE = 'stale',
}
