--[[ complete: finish the current attempts of active jobs successfully (every job a worker
settled in one tick, of one type), then take the next jobs of that type for the same worker:
one round trip per batch of jobs under load.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  how many jobs to take next (0 = none)
ARGV[3]  worker id
ARGV[4]  lock duration in ms
ARGV[5..] one group of 3 values per job: id, the lock the worker holds, the result as JSON
          text ('' for none)
Returns {statuses, taken, wait} (taken and wait as the take script's), a status per job in argument order: STATUS.DONE (1) = completed,
STATUS.NO_JOB (0) = the job no longer exists, STATUS.LOCK_LOST (-1) = the lock is not ours
(the job stalled, expired or was moved): nothing changed, STATUS.REPEATED (2) = this very
report was applied before: nothing changed. The job's 'ended' field keeps the lock whose
report ended its last attempt, because a report can reach Redis twice: ioredis resends a
command whose reply a dropped connection lost, and the worker retries a report that timed
out. Without it the second copy would look like a stale report (LOCK_LOST) and the worker
would announce a LockLostError for a result that was in fact stored.
A job's unique key is freed (includes/unique.lua). A flow's child settles its parent with its
result (blocks/settle.lua), after this call's own events.
Events, in one message: 'complete' [result] per job, then 'remove' [type] for a job removed
on completion, and for each older completed job of its type that its retention deletes
(remove_on_complete 'c:<n>' / 'a:<ms>', at most RETENTION_BATCH per call).
]]
--@include util, keys, index, status, report, events, delete, retain, stats, metrics, unique
local base = ARGV[1]
local now = now_ms()
local now_text = int(now)
local statuses, events = {}, {}
local finishing = {}
local jtype_taken

-- First every report is judged, without writing.
for g = 5, #ARGV, 3 do
  local id, lock, result = ARGV[g], ARGV[g + 1], ARGV[g + 2]
  local state, held, jtype, started, roc, waited, ended, group, ukey, parent =
    unpack(redis.call('HMGET', key_job(base, id), 'state', 'lock', 'type', 'started_at', 'remove_on_complete', 'waited', 'ended', 'group', 'unique', 'parent'))
  local status = report_refusal(base, state, held, ended, lock)
  if not status then
    status = STATUS.DONE
    finishing[#finishing + 1] = { id = id, m = fifo(id), lock = lock, result = result, jtype = jtype,
      duration = now - (tonumber(started) or now), roc = roc, waited = tonumber(waited) or 0, group = group,
      ukey = ukey, parent = parent }
  end
  statuses[#statuses + 1] = status
  jtype_taken = jtype_taken or jtype
end

-- Then the active entries go, in one ZREM per index. Writing first what frees memory also
-- lets the call through when Redis is at maxmemory (it refuses a script whose first write
-- may grow memory), so workers drain the queue while saves are refused.
local by_type = {}
for _, job in ipairs(finishing) do
  if job.group then
    -- A job of a group also frees its group's place: one at a time.
    index_remove(base, job.jtype, 'active', job.id, job.group)
  else
    local of_type = list_in(by_type, job.jtype)
    of_type[#of_type + 1] = job.m
  end
end
for jtype, members in pairs(by_type) do
  redis.call('ZREM', key_state(base, 'active'), unpack(members))
  redis.call('ZREM', key_state(base, 'active', jtype), unpack(members))
end

-- Complete entries are added in one ZADD per index, except before retention, which counts them.
local completed = {}
local function index_completed()
  for jtype, scored in pairs(completed) do
    redis.call('ZADD', key_state(base, 'complete', jtype), unpack(scored))
  end
  completed = {}
end

-- The per-minute counters and the work time are written once per call, per type; so are the
-- metrics' histograms, while a scrape's lease is on (includes/metrics.lua).
local done = {}
if finishing[1] and metrics_on == nil then metrics_on = redis.call('EXISTS', key_metrics_lease(base)) == 1 end
-- Flows' children, settled last: made only by the first of them.
local settling
local work_time = 0
for _, job in ipairs(finishing) do
  local id, jtype = job.id, job.jtype
  work_time = work_time + job.duration
  local counts = done[jtype]
  if not counts then
    counts = { n = 0, run = 0, wait = 0 }
    done[jtype] = counts
  end
  counts.n = counts.n + 1
  counts.run = counts.run + job.duration
  counts.wait = counts.wait + job.waited
  if metrics_on then
    local duration, waited = job.duration, job.waited
    local run_bucket, wait_bucket = 'r' .. metrics_bucket(duration), 'w' .. metrics_bucket(waited)
    counts[run_bucket] = (counts[run_bucket] or 0) + 1
    counts[wait_bucket] = (counts[wait_bucket] or 0) + 1
  end
  events[#events + 1] = event_text(id, jtype, 'complete', '[' .. (job.result ~= '' and job.result or 'null') .. ']')
  release_unique(base, id, job.ukey)
  if job.parent then
    settling = settling or {}
    settling[#settling + 1] = { job.parent, id, 'done', job.result }
  end
  if job.roc == '1' then
    delete_job(base, id, jtype, nil)
    events[#events + 1] = event_text(id, jtype, 'remove', '[' .. cjson.encode(jtype) .. ']')
  else
    local jk = key_job(base, id)
    local fields = { 'state', 'complete', 'completed_at', now_text, 'updated_at', now_text,
      'duration', int(job.duration), 'progress', '100', 'ended', job.lock }
    if job.result ~= '' then
      fields[#fields + 1] = 'result'
      fields[#fields + 1] = job.result
    end
    redis.call('HSET', jk, unpack(fields))
    redis.call('HDEL', jk, 'lock', 'ttl_at')
    local scored = list_in(completed, jtype)
    scored[#scored + 1] = now_text
    scored[#scored + 1] = job.m
    if job.roc then
      -- Retention deletes older jobs now: their 'remove' events follow this job's.
      index_completed()
      emit_all(base, events)
      events = {}
      retain(base, jtype, 'complete', job.roc, now)
    end
  end
end

index_completed()
if settling then
  -- A parent settles after its children's events.
  emit_all(base, events)
  events = {}
  --@block settle
end
if work_time > 0 then redis.call('INCRBY', key_work_time(base), work_time) end
local minute
for jtype, counts in pairs(done) do
  minute = minute or key_minute(base, math.floor(now / 60000))
  record_minute(minute, jtype, 'complete', counts.n)
  record_minute(minute, jtype, 'run_ms', counts.run)
  record_minute(minute, jtype, 'wait_ms', counts.wait)
  if metrics_on then
    -- An HINCRBY per field: one HMGET and one HSET of them all measured no cheaper.
    local histograms = key_metrics(base, jtype)
    for field, by in pairs(counts) do
      if field == 'run' then field = 'rs' elseif field == 'wait' then field = 'ws' end
      if field ~= 'n' and by > 0 then redis.call('HINCRBY', histograms, field, by) end
    end
  end
end
local taken, wait, start_event = {}, nil, nil
if jtype_taken then
  local jtype, count, worker, lock_ms = jtype_taken, tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
  --@block take
end
-- This call's events and the next jobs' start: one stream entry.
events[#events + 1] = start_event
emit_all(base, events)
return { statuses, taken, wait }
