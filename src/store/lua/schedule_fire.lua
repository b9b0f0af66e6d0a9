--[[ schedule_fire: create the runs of schedules that fell due, and advance their next due
time. The exactly-once guarantee lives here: a schedule's runs are made only by this script,
only when its revision and next due time are still the ones the caller read (so of many
processes firing the same due time, one wins and the rest change nothing), and only for due
times later than every due time it handled before (`last`), whatever the caller sends.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2..] per schedule: id, revision read, next due read (ms), new next due (ms, '' = none:
          paused or finished), '1' to skip runs while the previous run is waiting or active
          (overlap: 'skip') else '0', the most runs the schedule makes in all ('' = no limit;
          reaching it finishes the schedule), the number n of due times, then n due times (ms,
          ascending)
Returns {server now (ms), first next due of any schedule (ms) or STATUS.NOTHING_DUE,
         per schedule: runs made, or STATUS.STALE when nothing was changed}.
Events: 'enqueue' for the runs, as save sends them.
]]
--@include util, keys, status, schedules
local base = ARGV[1]
local values, extra, made_for, replies = {}, {}, {}, {}

-- A run that is waiting or active: overlap 'skip' makes no new run meanwhile.
local function running(job_id)
  if not job_id then return false end
  local state = redis.call('HGET', key_job(base, job_id), 'state')
  return state == 'inactive' or state == 'active' or state == 'delayed' or state == 'waiting'
end

local i = 2
while i <= #ARGV do
  local id, rev, expected_next, new_next, skip, limit = unpack(ARGV, i, i + 5)
  local n = tonumber(ARGV[i + 6])
  local first_due = i + 7
  i = first_due + n
  local key = key_schedule(base, id)
  local stored_rev, stored_next, last, last_job, paused, job, runs =
    unpack(redis.call('HMGET', key, 'rev', 'next', 'last', 'last_job', 'paused', 'job', 'runs'))
  if stored_rev ~= rev or stored_next ~= expected_next or paused then
    replies[#replies + 1] = STATUS.STALE
  else
    local handled = tonumber(last) or -1
    local left = (tonumber(limit) or math.huge) - (tonumber(runs) or 0)
    local busy = skip == '1' and running(last_job)
    local template
    local made = 0
    for d = first_due, first_due + n - 1 do
      local due = tonumber(ARGV[d])
      -- Never a second run for a due time: every due time handled is below the next one.
      if due > handled and made < left then
        handled = due
        if not busy then
          template = template or cjson.decode(job)
          -- 13 values a job (NEW_JOB_VALUES of the create block): a template stored before
          -- groups has 12, the missing ones are the defaults.
          for v = 1, 13 do values[#values + 1] = template[v] or '' end
          extra[#extra + 1] = { 'schedule_id', id, 'schedule_due', ARGV[d] }
          made_for[#made_for + 1] = { key, ARGV[d] }
          made = made + 1
          busy = skip == '1'
        end
      end
    end
    if handled >= 0 then redis.call('HSET', key, 'last', int(handled)) end
    redis.call('HSET', key, 'runs', int((tonumber(runs) or 0) + made))
    set_next(base, id, made < left and new_next or '')
    replies[#replies + 1] = made
  end
end

if #made_for > 0 then
  local from, count, options, ids, dups, made, waits = 1, #made_for
  local first = redis.call('INCRBY', key_ids(base), count) - count + 1
  --@block create
  for n, run in ipairs(made_for) do
    redis.call('HSET', run[1], 'last_job', ids[n], 'last_due', run[2])
  end
end
return { now_ms(), first_schedule_due(base), replies }
