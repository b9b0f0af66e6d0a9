--[[ cancel: end jobs that are waiting, delayed or running, for good, whatever attempts they
have left (job.cancel, Job.cancel, the dashboard's cancel, `kue cancel`). A cancelled job ends
failed: its error is 'cancelled' (and the reason), its field 'cancelled' keeps the reason, its
failed attempts list gets an entry with "code":"CANCELLED", its unique key is freed and its
removeOnFail and retention apply as for any final failure. A waiting or delayed job never
starts and spends no attempt; a running one counts the attempt it was making, loses its lock
(its worker's later report is refused as CANCELLED, B:cancelled:<lock> says so) and B:cancel
tells the worker holding it to abort its handler's signal. A running job of a type with a concurrency limit frees its
place at once: the type's idle workers are woken.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  the reason ('' for none)
ARGV[3..] job ids
Returns per id, in order: 'cancelled', the state of a job that had already finished
('complete' or 'failed'), or '' when there is no such job.
Events per job cancelled: 'cancelled' [reason], then 'failed' [message] (and 'remove' [type]
when removeOnFail deletes it).
]]
--@include util, keys, index, events, stats, delete, retain, unique, wake
local base, reason = ARGV[1], ARGV[2]
local now = now_ms()
local now_text = int(now)
local message = reason == '' and 'cancelled' or ('cancelled: ' .. reason)
-- How long past its lock's deadline a cancelled attempt's lock is remembered.
local CANCELLED_KEPT_MS = 600000
local replies = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  local jk = key_job(base, id)
  local jtype, state, lock, started, made, rof, group, ukey = unpack(redis.call('HMGET', jk, 'type', 'state',
    'lock', 'started_at', 'made', 'remove_on_fail', 'group', 'unique'))
  if not jtype then
    replies[#replies + 1] = ''
  elseif state ~= 'inactive' and state ~= 'delayed' and state ~= 'active' then
    replies[#replies + 1] = state or ''
  else
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
    local errors = key_errors(base, id)
    redis.call('RPUSH', errors, '{"attempt":' .. made .. ',"started_at":' ..
      (state == 'active' and tonumber(started) and started or 'null') .. ',"failed_at":' .. now_text ..
      ',"error":' .. cjson.encode(message) .. ',"stack":"","code":"CANCELLED"}')
    redis.call('LTRIM', errors, -50, -1)
    redis.call('HSET', jk, 'error', message, 'stack', '', 'failed_at', now_text, 'cancelled', reason)
    record_minute(key_minute(base, math.floor(now / 60000)), jtype, 'failed', 1)
    release_unique(base, id, ukey)
    if state == 'active' then
      redis.call('PUBLISH', key_cancel(base),
        '{"id":' .. cjson.encode(id) .. ',"lock":' .. cjson.encode(lock or '') .. ',"reason":' .. cjson.encode(reason) .. '}')
      wake(base, jtype)
    end
    emit(base, id, jtype, 'cancelled', '[' .. cjson.encode(reason) .. ']')
    emit(base, id, jtype, 'failed', '[' .. cjson.encode(message) .. ']')
    if rof == '1' then
      delete_job(base, id, jtype, nil)
      emit(base, id, jtype, 'remove', '[' .. cjson.encode(jtype) .. ']')
    else
      index_add(base, jtype, 'failed', now, id)
      redis.call('HSET', jk, 'state', 'failed', 'updated_at', now_text)
      if rof then retain(base, jtype, 'failed', rof, now) end
    end
    replies[#replies + 1] = 'cancelled'
  end
end
return replies
