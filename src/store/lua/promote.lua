--[[ promote: move delayed jobs whose due time has come to inactive.
Idempotent and safe to run from many processes at once: each job moves exactly once,
because the ZREM of its delayed entry and its enqueue happen in this one script.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  the most jobs to move in one call
Returns {moved, next due time in ms or -1 (STATUS.NOTHING_DUE), server now in ms, the first
next due time of any schedule in ms or -1, the number of flow parents whose children are
still to be cancelled or removed (tree_cascade)}: the promotion timer, which runs at least
every maintenance interval, is how each process learns of schedules and cascades without
polling for them.
Events: 'promotion' [] and 'enqueue' [type] per job.
]]
--@include util, keys, index, status, events, queueing, schedules
local base, limit = ARGV[1], tonumber(ARGV[2])
local now = now_ms()
local due = redis.call('ZRANGEBYSCORE', key_state(base, 'delayed'), '-inf', now, 'LIMIT', 0, limit)
for _, m in ipairs(due) do
  local id = id_of(m)
  local jk = key_job(base, id)
  local jtype, priority, group = unpack(redis.call('HMGET', jk, 'type', 'priority', 'group'))
  redis.call('ZREM', key_state(base, 'delayed'), m)
  if jtype then
    redis.call('ZREM', key_state(base, 'delayed', jtype), m)
    enqueue(base, id, jtype, tonumber(priority) or 0, now, group)
    emit(base, id, jtype, 'promotion', '[]')
    emit(base, id, jtype, 'enqueue', '[' .. cjson.encode(jtype) .. ']')
  end
end
local first = redis.call('ZRANGE', key_state(base, 'delayed'), 0, 0, 'WITHSCORES')
return { #due, tonumber(first[2]) or STATUS.NOTHING_DUE, now, first_schedule_due(base), redis.call('ZCARD', key_cascade(base)) }
