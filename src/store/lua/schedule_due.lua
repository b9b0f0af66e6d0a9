--[[ schedule_due: the schedules whose next due time has come, leased to the caller: with what
the client needs to compute their runs and fire them (schedule_fire).

The lease moves each one's score in B:schedules (not its `next`) to now + lease, so the
sweeps of other processes skip it meanwhile and do not repeat the work. It decides nothing:
schedule_fire compares and sets on the revision and `next` whoever holds a lease, and sets the
score to the new next due time. A caller that dies before firing leaves the lease to lapse:
the schedule falls due again `lease` ms later, late but well within scheduleMissedAfter.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  the most schedules to return
ARGV[3]  lease (ms)
Returns {server now (ms), first next due after now (ms) or STATUS.NOTHING_DUE,
         per due schedule: {id, rev, next, last, runs, created_at, rule}}.
]]
--@include util, keys, status
local base, limit, lease = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local index = key_schedules(base)
local now = now_ms()
local ids = redis.call('ZRANGEBYSCORE', index, '-inf', now, 'LIMIT', 0, limit)
local due, leased = {}, {}
for n, id in ipairs(ids) do
  local fields = redis.call('HMGET', key_schedule(base, id), 'rev', 'next', 'last', 'runs', 'created_at', 'rule')
  due[n] = { id, fields[1] or '', fields[2] or '', fields[3] or '', fields[4] or '', fields[5] or '', fields[6] or '' }
  leased[#leased + 1] = int(now + lease)
  leased[#leased + 1] = id
end
if #leased > 0 then redis.call('ZADD', index, 'XX', unpack(leased)) end
local after = redis.call('ZRANGEBYSCORE', index, '(' .. int(now), '(+inf', 'WITHSCORES', 'LIMIT', 0, 1)
return { now, tonumber(after[2]) or STATUS.NOTHING_DUE, due }
