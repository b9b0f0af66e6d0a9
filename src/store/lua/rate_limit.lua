--[[ rate_limit: a handler was told by the service it calls to slow down (ctx.rateLimit):
no worker takes jobs of its type for `ms`, and the handler's job goes back to inactive, in its
place (same priority, same id order), without spending an attempt.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  type
ARGV[3]  ms to hold the type back (a longer pause already set stays)
ARGV[4]  job id
ARGV[5]  the lock the worker holds
Returns STATUS.DONE when the job went back to inactive; STATUS.NO_JOB or STATUS.LOCK_LOST when
it is gone or no longer the worker's (the pause is set all the same).
]]
--@include util, keys, index, status
local base, jtype, id, lock = ARGV[1], ARGV[2], ARGV[4], ARGV[5]
local now = now_ms()
local flow = key_flow(base, jtype)
local held_until = now + tonumber(ARGV[3])
if (tonumber(redis.call('HGET', flow, 'until')) or 0) < held_until then
  redis.call('HSET', flow, 'until', int(held_until))
  redis.call('SADD', key_limited(base), jtype)
end
redis.call('DEL', key_wake(base, jtype))

local jk = key_job(base, id)
local state, held, priority, group = unpack(redis.call('HMGET', jk, 'state', 'lock', 'priority', 'group'))
if not state then return STATUS.NO_JOB end
if state ~= 'active' or held ~= lock then return STATUS.LOCK_LOST end
index_remove(base, jtype, 'active', id, group)
index_add(base, jtype, 'inactive', tonumber(priority) or 0, id, group)
redis.call('HSET', jk, 'state', 'inactive', 'updated_at', int(now))
redis.call('HDEL', jk, 'lock', 'ttl_at')
return STATUS.DONE
