--[[ schedule_upsert: create a schedule, or replace its rule and job template.

The client computes due times (Lua has no cron); this script only compares and sets, so
any number of processes may upsert the same schedule at once: the same rule and template
change nothing (the schedule keeps its next due time), and a write based on an old read
(another process changed the schedule since) is refused with CONFLICT, to be read again.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  schedule id
ARGV[3]  the revision the caller read ('0' when it found no schedule)
ARGV[4]  rule, JSON
ARGV[5]  job template, JSON (see includes/schedules.lua)
ARGV[6]  the first due time (ms) under this rule, '' for none; ignored when the rule is the
         stored one (the stored next stays) or the schedule is paused (it stays paused)
ARGV[7]  created_at (ms) for a new schedule: the time the caller anchored `every` rules at
Returns {status, revision}: STATUS.CREATED, STATUS.CHANGED, STATUS.UNCHANGED or
STATUS.CONFLICT.
]]
--@include util, keys, status, schedules
local base, id, expected, rule, job, next_due, created_at = unpack(ARGV, 1, 7)
local key = key_schedule(base, id)
local rev, stored_rule, stored_job, paused = unpack(redis.call('HMGET', key, 'rev', 'rule', 'job', 'paused'))
if rev and stored_rule == rule and stored_job == job then return { STATUS.UNCHANGED, rev } end
if (rev or '0') ~= expected then return { STATUS.CONFLICT, rev or '0' } end
local new_rev = int((tonumber(rev) or 0) + 1)
local now = int(now_ms())
redis.call('HSET', key, 'rule', rule, 'job', job, 'rev', new_rev, 'updated_at', now)
if not rev then redis.call('HSET', key, 'created_at', created_at, 'runs', '0') end
if stored_rule ~= rule and not paused then
  set_next(base, id, next_due)
  if next_due ~= '' then hint_schedule(base, next_due) end
end
return { rev and STATUS.CHANGED or STATUS.CREATED, new_rev }
