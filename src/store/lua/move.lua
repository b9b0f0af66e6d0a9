--[[ move: put a job into a state by hand (job.inactive(), job.complete(), ... and the
JSON API's PUT /job/:id/state/:state). Any worker holding the job loses its lock. A job moved
to complete or failed frees its unique key; one moved back does not take it again.
A flow's child moved to complete settles its parent as done (its result, if it has one), one
moved to failed settles it as 'moved' (the parent's policy applies); a settled child moved
back while its parent still waits is pending again. A waiting parent moved out of waiting
runs without waiting for the rest of its children. Nothing moves into waiting.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  job id
ARGV[3]  target state: inactive | delayed | active | complete | failed
ARGV[4]  lock duration in ms (an active job with no worker is recovered after it)
ARGV[5]  the states the caller expects the job in, comma-separated; '' for any
Returns STATUS.DONE (1) when moved, STATUS.NO_JOB (0) when there was no such job, or the
job's state (a string) when it is in none of the expected ones: then nothing changed, and a
worker holding it keeps its lock.
Events: 'moved' [to, from] for every move, then 'enqueue' [type] when moved to inactive or
'delayed' [due] when moved to delayed.
]]
--@include util, keys, index, status, events, queueing, expected, unique, parents
local base, id, target, lock_ms, expected = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local jk = key_job(base, id)
local jtype, state, priority, promote_at, delay, group, ukey, parent, result =
  unpack(redis.call('HMGET', jk, 'type', 'state', 'priority', 'promote_at', 'delay', 'group', 'unique', 'parent', 'result'))
if not jtype then return STATUS.NO_JOB end
if target == 'waiting' then return state or '' end
if not state_expected(expected, state) then return state or '' end
local now = now_ms()
index_remove(base, jtype, state, id, group)
-- A job moved on by hand is no longer a cancelled one.
redis.call('HDEL', jk, 'lock', 'ttl_at', 'cancelled', 'failed_child')
emit(base, id, jtype, 'moved', '[' .. cjson.encode(target) .. ',' .. cjson.encode(state or '') .. ']')
if target == 'inactive' then
  enqueue(base, id, jtype, tonumber(priority) or 0, now, group)
  emit(base, id, jtype, 'enqueue', '[' .. cjson.encode(jtype) .. ']')
elseif target == 'delayed' then
  -- Keep a due time still ahead; otherwise wait the job's delay again from now.
  local due = tonumber(promote_at) or 0
  if due <= now then due = now + (tonumber(delay) or 0) end
  schedule(base, id, jtype, due, now)
  emit(base, id, jtype, 'delayed', '[' .. int(due) .. ']')
else
  local score = now
  if target == 'active' then score = now + lock_ms end
  index_add(base, jtype, target, score, id, group)
  redis.call('HSET', jk, 'state', target, 'updated_at', int(now))
  -- Finished by hand, as by a worker: its unique key is free.
  if target ~= 'active' then release_unique(base, id, ukey) end
end
if parent then
  if target == 'complete' or target == 'failed' then
    local settling = { { parent, id, target == 'complete' and 'done' or 'moved', target == 'complete' and (result or '') or 'moved to failed' } }
    --@block settle
  else
    wait_again(base, parent, id)
  end
end
return STATUS.DONE
