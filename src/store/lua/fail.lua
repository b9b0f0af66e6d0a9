--[[ fail: end the current attempt of an active job with an error. While attempts remain
the job waits out its backoff in delayed (or goes straight back to inactive), else it
ends in failed. Then takes the next jobs of its type for the same worker.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  job id
ARGV[3]  lock the worker holds
ARGV[4]  error message
ARGV[5]  error stack ('' for none)
ARGV[6]  retry delay in ms computed by the worker, or -1 for the job's built-in backoff
ARGV[7]  how many jobs to take next (0 = none)
ARGV[8]  worker id
ARGV[9]  lock duration in ms
ARGV[10] optional, sent only by a worker whose tracer recorded the job's first attempt: that
         attempt's span as a W3C traceparent, stored as the job's field `sp1` (the retries'
         spans link to it)
Returns {status, taken, wait} (taken and wait as the take script's): status STATUS.RETRY ('retry') | STATUS.FAILED ('failed'), or
STATUS.NO_JOB (0) = no such job, STATUS.LOCK_LOST (-1) = lock not ours, STATUS.REPEATED (2) =
this very report was applied before (a resend after its reply was lost): nothing changed.
Events: 'failed attempt' [message, attempts made] or 'failed' [message].
]]
--@include util, keys, report, events, fail_attempt
local base, id, lock = ARGV[1], ARGV[2], ARGV[3]
local jk = key_job(base, id)
local now = now_ms()
local state, held, jtype, ended = unpack(redis.call('HMGET', jk, 'state', 'lock', 'type', 'ended'))
local status = report_refusal(base, state, held, ended, lock)
if not status then
  local child
  status, child = fail_attempt(base, id, jtype, ARGV[4], ARGV[5], tonumber(ARGV[6]), now, false)
  -- Unless removeOnFail deleted it.
  if redis.call('EXISTS', jk) == 1 then
    if ARGV[10] then
      redis.call('HSET', jk, 'ended', lock, 'sp1', ARGV[10])
    else
      redis.call('HSET', jk, 'ended', lock)
    end
  end
  if child then
    local settling = { child }
    --@block settle
  end
end
local taken, wait, start_event = {}, nil, nil
if jtype then
  local count, worker, lock_ms = tonumber(ARGV[7]), ARGV[8], tonumber(ARGV[9])
  local now_text = int(now)
  --@block take
  if start_event then emit_all(base, { start_event }) end
end
return { status, taken, wait }
