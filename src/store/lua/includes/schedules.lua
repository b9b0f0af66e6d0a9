--[[ schedules: what the schedule scripts share. Needs keys and status.

A schedule's hash B:schedule:<id> holds
  rule        the rule as JSON (read by the client only: Lua cannot compute cron times)
  job         the job template: a JSON array of the values save takes for one job
  rev         revision, raised by every change of rule, template or pause
  next        the next due time (ms), '' while paused or finished
  last        the latest due time handled (a run made, or skipped by overlap): never again
  last_job    the id of the latest run (scheduled or run now), last_due its due time
  runs        scheduled runs made so far
  paused      '1' while paused
  created_at, updated_at (ms)
and B:schedules scores the id by `next`, +inf when there is none. ]]
--@include keys, status

-- Sets a schedule's next due time ('' for none) in its hash and in B:schedules.
local function set_next(base, id, next_due)
  redis.call('HSET', key_schedule(base, id), 'next', next_due)
  redis.call('ZADD', key_schedules(base), next_due == '' and '+inf' or next_due, id)
end

-- Tells every process's schedule timer that a schedule falls due at `due` (ms).
local function hint_schedule(base, due)
  redis.call('PUBLISH', key_timers(base), 's' .. due)
end

-- The earliest next due time of any schedule (ms), or STATUS.NOTHING_DUE when none will run.
local function first_schedule_due(base)
  local first = redis.call('ZRANGEBYSCORE', key_schedules(base), '-inf', '(+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  return tonumber(first[2]) or STATUS.NOTHING_DUE
end
