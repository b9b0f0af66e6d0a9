--[[ expire: recover active jobs whose deadline has passed. The deadline (the score in
B:active) is the earlier of the lock expiry and the ttl expiry.
- past its ttl: the attempt fails with 'TTL exceeded' (retried while attempts remain);
- lock expired (its worker died, froze or lost Redis): the job stalled. It goes back to
  inactive, or ends failed once it has stalled more than max_stalls times.
Safe from many processes at once; a job that was renewed in time is not touched.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  the most jobs to handle in one call
ARGV[3]  max stalls: how many times a job may stall and still be retried
Returns {handled, next deadline in ms or -1 (STATUS.NOTHING_DUE), server now in ms, jobs that
stalled, {id, type, ...} of the first STALLS_NAMED of them} (the last two for the log).
Events: 'stalled' [count] when requeued; 'failed attempt' or 'failed' otherwise.
]]
--@include util, keys, index, status, events, queueing, metrics, fail_attempt
local base, limit, max_stalls = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local now = now_ms()
local due = redis.call('ZRANGEBYSCORE', key_state(base, 'active'), '-inf', now, 'LIMIT', 0, limit)
local STALLS_NAMED = 20
local stalled, named = 0, {}
-- Flows' children failed for good, settled last (made by the first).
local settling
local function note_child(_, child)
  if child then
    settling = settling or {}
    settling[#settling + 1] = child
  end
end
for _, m in ipairs(due) do
  local id = id_of(m)
  local jk = key_job(base, id)
  local jtype, ttl_at, priority, group = unpack(redis.call('HMGET', jk, 'type', 'ttl_at', 'priority', 'group'))
  if not jtype then
    redis.call('ZREM', key_state(base, 'active'), m)
  elseif ttl_at and tonumber(ttl_at) <= now then
    note_child(fail_attempt(base, id, jtype, 'TTL exceeded', '', -1, now, false))
  else
    stalled = stalled + 1
    if stalled <= STALLS_NAMED then
      named[#named + 1] = id
      named[#named + 1] = jtype
    end
    local stalls = redis.call('HINCRBY', jk, 'stalls', 1)
    redis.call('HDEL', jk, 'lock', 'ttl_at')
    if metrics_on == nil then metrics_on = redis.call('EXISTS', key_metrics_lease(base)) == 1 end
    if metrics_on then redis.call('HINCRBY', key_metrics(base, jtype), 's', 1) end
    if stalls > max_stalls then
      -- The stall budget is spent: no further attempts, whatever remains of them.
      note_child(fail_attempt(base, id, jtype, 'job stalled too many times (' .. stalls .. ')', '', 0, now, true))
    else
      index_remove(base, jtype, 'active', id, group)
      enqueue(base, id, jtype, tonumber(priority) or 0, now, group)
      emit(base, id, jtype, 'stalled', '[' .. stalls .. ']')
    end
  end
end
if settling then
  --@block settle
end
local first = redis.call('ZRANGE', key_state(base, 'active'), 0, 0, 'WITHSCORES')
return { #due, tonumber(first[2]) or STATUS.NOTHING_DUE, now, stalled, named }
