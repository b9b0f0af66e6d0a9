--[[ cancel_job: ends one job that waits, is delayed, runs or (a flow's parent) waits for its
children, for good, whatever attempts it has left (see cancel.lua). Needs keys, index,
events, wake, queueing and failing. ]]
--@include keys, index, events, wake, queueing, failing

-- How long past its lock's deadline a cancelled attempt's lock is remembered.
local CANCELLED_KEPT_MS = 600000

-- children: 'keep' leaves a cancelled parent's pending children be, else they are cancelled
-- too (queued in B:cascade). Returns 'cancelled', the state of a job that had already
-- finished ('complete' or 'failed'), or '' when there is no such job; and for a flow's child
-- cancelled, the settle block's item.
local function cancel_job(base, id, reason, children, now)
  local jk = key_job(base, id)
  local jtype, state, lock, started, made, group, parent, parent_of = unpack(redis.call('HMGET', jk, 'type', 'state',
    'lock', 'started_at', 'made', 'group', 'parent', 'children'))
  if not jtype then return '' end
  if state ~= 'inactive' and state ~= 'delayed' and state ~= 'active' and state ~= 'waiting' then return state or '' end
  local message = reason == '' and 'cancelled' or ('cancelled: ' .. reason)
  -- Kept past the lock's deadline: whatever the worker says under this lock meanwhile (a
  -- report, a renewal) learns that the attempt was cancelled, and why.
  if state == 'active' and lock then
    local deadline = tonumber(redis.call('ZSCORE', key_state(base, 'active'), fifo(id))) or now
    redis.call('SET', key_cancelled(base, lock), reason, 'PX', math.max(deadline - now, 0) + CANCELLED_KEPT_MS)
  end
  index_remove(base, jtype, state, id, group)
  redis.call('HDEL', jk, 'lock', 'ttl_at')
  made = tonumber(made) or 0
  if state == 'active' then made = redis.call('HINCRBY', jk, 'made', 1) end
  redis.call('HSET', jk, 'cancelled', reason)
  if state == 'active' then
    redis.call('PUBLISH', key_cancel(base),
      '{"id":' .. cjson.encode(id) .. ',"lock":' .. cjson.encode(lock or '') .. ',"reason":' .. cjson.encode(reason) .. '}')
    wake(base, jtype)
  end
  emit(base, id, jtype, 'cancelled', '[' .. cjson.encode(reason) .. ']')
  if parent_of and children ~= 'keep' and redis.call('EXISTS', key_pending(base, id)) == 1 then
    redis.call('ZADD', key_cascade(base), now, 'cancel:' .. id)
    hint_due(base, now)
  end
  end_failed(base, id, jtype, message, 'CANCELLED', made, state == 'active' and tonumber(started) and started or nil, now)
  return 'cancelled', parent and { parent, id, 'cancelled', message } or nil
end
