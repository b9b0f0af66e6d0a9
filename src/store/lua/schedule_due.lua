--[[ schedule_due: (read) the schedules whose next due time has come, with what the client
needs to compute their runs and to fire them (schedule_fire).

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  the most schedules to return
Returns {server now (ms), first next due after now (ms) or STATUS.NOTHING_DUE,
         per due schedule: {id, rev, next, last, runs, created_at, rule}}.
]]
--@include util, keys, status
local base, limit = ARGV[1], tonumber(ARGV[2])
local now = now_ms()
local ids = redis.call('ZRANGEBYSCORE', key_schedules(base), '-inf', now, 'LIMIT', 0, limit)
local due = {}
for n, id in ipairs(ids) do
  local fields = redis.call('HMGET', key_schedule(base, id), 'rev', 'next', 'last', 'runs', 'created_at', 'rule')
  due[n] = { id, fields[1] or '', fields[2] or '', fields[3] or '', fields[4] or '', fields[5] or '', fields[6] or '' }
end
local after = redis.call('ZRANGEBYSCORE', key_schedules(base), '(' .. int(now), '(+inf', 'WITHSCORES', 'LIMIT', 0, 1)
return { now, tonumber(after[2]) or STATUS.NOTHING_DUE, due }
