--[[ schedule_run: run a schedule now: one run due now, made from its template, whether it is
paused or not. Its next due time, its count of runs and `last` stay as they are.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  schedule id
Returns {the new job's id, its due time (ms)}, or STATUS.NO_SCHEDULE.
Events: 'enqueue', as save sends it.
]]
--@include util, keys, status
local base, id = ARGV[1], ARGV[2]
local key = key_schedule(base, id)
local job = redis.call('HGET', key, 'job')
if not job then return STATUS.NO_SCHEDULE end
local due = int(now_ms())
local values, from, count, extra, options, ids, dups, made, waits = cjson.decode(job), 1, 1, { { 'schedule_id', id, 'schedule_due', due } }
local first = redis.call('INCRBY', key_ids(base), count) - count + 1
--@block create
redis.call('HSET', key, 'last_job', ids[1], 'last_due', due)
return { ids[1], due }
