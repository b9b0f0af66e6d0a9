--[[ complete: finish the current attempt of an active job successfully, then take the
next jobs of the same type for the same worker (one round trip per job under load).

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  job id
ARGV[3]  lock the worker holds
ARGV[4]  result as JSON text, '' for none
ARGV[5]  how many jobs to take next (0 = none)
ARGV[6]  worker id
ARGV[7]  lock duration in ms
Returns {status, taken} with status 1 = completed, 0 = the job no longer exists,
-1 = the lock is not ours (the job stalled, expired or was moved): nothing changed,
2 = this very report was applied before: nothing changed. The job's 'ended' field keeps the
lock whose report ended its last attempt, because a report can reach Redis twice: ioredis
resends a command whose reply a dropped connection lost, and the worker retries a report
that timed out. Without it the second copy would look like a stale report (-1) and the
worker would announce a LockLostError for a result that was in fact stored.
Events: 'complete' [result], then 'remove' [type] for the job when it is removed on
completion, or for each older completed job of its type that its retention deletes
(remove_on_complete 'c:<n>' / 'a:<ms>', at most RETENTION_BATCH per call).
]]
local base, id, lock, result = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local jk = job_key(base, id)
local now = now_ms()
local state, held, jtype, started, roc, waited, ended =
  unpack(redis.call('HMGET', jk, 'state', 'lock', 'type', 'started_at', 'remove_on_complete', 'waited', 'ended'))
local status = 1
if not state then
  status = 0
elseif ended == lock then
  status = 2
elseif state ~= 'active' or held ~= lock then
  status = -1
else
  local duration = now - (tonumber(started) or now)
  redis.call('INCRBY', base .. ':stats:work-time', duration)
  record_minute(base, jtype, now, 'complete', 1)
  record_minute(base, jtype, now, 'run_ms', duration)
  record_minute(base, jtype, now, 'wait_ms', tonumber(waited) or 0)
  emit(base, id, jtype, 'complete', '[' .. (result ~= '' and result or 'null') .. ']')
  if roc == '1' then
    delete_job(base, id, jtype, 'active')
    emit(base, id, jtype, 'remove', '[' .. cjson.encode(jtype) .. ']')
  else
    index_remove(base, jtype, 'active', id)
    index_add(base, jtype, 'complete', now, id)
    local fields = { 'state', 'complete', 'completed_at', int(now), 'updated_at', int(now),
      'duration', int(duration), 'progress', '100', 'ended', lock }
    if result ~= '' then
      fields[#fields + 1] = 'result'
      fields[#fields + 1] = result
    end
    redis.call('HSET', jk, unpack(fields))
    redis.call('HDEL', jk, 'lock', 'ttl_at')
    if roc then retain(base, jtype, 'complete', roc, now) end
  end
end
local taken = {}
if jtype then
  taken = take(base, jtype, tonumber(ARGV[5]), ARGV[6], tonumber(ARGV[7]), now)
end
return { status, taken }
