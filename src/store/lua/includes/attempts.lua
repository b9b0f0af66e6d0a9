--[[ Shared fragment: taking jobs and ending attempts. Needs core.lua. ]]

-- How a worker's report (complete or fail) under `lock` meets the job: nil when it may end
-- the attempt; else 0 = the job no longer exists, 2 = this very report was applied before
-- (it reached Redis twice), -1 = the lock is not ours (stalled, expired or moved).
local function report_refusal(state, held, ended, lock)
  if not state then return 0 end
  if ended == lock then return 2 end
  if state ~= 'active' or held ~= lock then return -1 end
  return nil
end

-- Built-in backoff for the attempt that just failed (made = failures so far, >= 1).
-- 'fixed' waits the same every time; 'exponential' doubles from the base delay; any
-- other name is a strategy that lives in a worker process, and a script that runs
-- without that process (ttl expiry) falls back to the fixed base delay.
local function backoff_delay(jk, made)
  local kind, base_delay, max_delay, job_delay =
    unpack(redis.call('HMGET', jk, 'backoff', 'backoff_delay', 'backoff_max', 'delay'))
  if not kind then return 0 end
  local d = tonumber(base_delay) or tonumber(job_delay) or 0
  if kind == 'exponential' then d = d * math.pow(2, made - 1) end
  local cap = tonumber(max_delay)
  if cap and d > cap then d = cap end
  return math.floor(d)
end

-- Moves up to count inactive jobs of jtype to active under fresh locks.
-- Returns {id, HGETALL} pairs in priority-then-FIFO order. The index updates and the 'start'
-- events of all the jobs are one command each.
local function take(base, jtype, count, worker, lock_ms, now)
  local key = base .. ':type:' .. jtype .. ':inactive'
  if count <= 0 or redis.call('SISMEMBER', base .. ':paused', jtype) == 1 then return {} end
  -- Lua spreads at most a few thousand values into one command (unpack below).
  if count > 1000 then count = 1000 end
  local popped = redis.call('ZPOPMIN', key, count)
  if #popped == 0 then
    redis.call('DEL', base .. ':type:' .. jtype .. ':wake')
    return {}
  end
  local jobs, active, started = {}, {}, {}
  local now_text = int(now)
  for i = 1, #popped, 2 do
    local m = popped[i]
    local id = id_of(m)
    local jk = job_key(base, id)
    local present, ttl, queued, takes, created = unpack(redis.call('HMGET', jk, 'type', 'ttl', 'updated_at', 'takes', 'created_at'))
    if present then
      local deadline = now + lock_ms
      -- The lock names the worker and the attempt, so a late reply from an earlier
      -- holder of the same job never matches.
      takes = (tonumber(takes) or 0) + 1
      -- updated_at of an inactive job (created_at until it first changes) is when it was
      -- queued: the wait ends now.
      local fields = { 'state', 'active', 'lock', worker .. ':' .. takes, 'takes', takes,
        'started_at', now_text, 'updated_at', now_text, 'waited', int(now - (tonumber(queued) or tonumber(created) or now)) }
      ttl = tonumber(ttl)
      if ttl and ttl > 0 then
        local ttl_at = now + ttl
        if ttl_at < deadline then deadline = ttl_at end
        fields[#fields + 1] = 'ttl_at'
        fields[#fields + 1] = int(ttl_at)
      end
      redis.call('HSET', jk, unpack(fields))
      active[#active + 1] = deadline
      active[#active + 1] = m
      jobs[#jobs + 1] = { id, redis.call('HGETALL', jk) }
      started[#started + 1] = id
    end
  end
  if #active > 0 then
    redis.call('ZADD', base .. ':active', unpack(active))
    redis.call('ZADD', base .. ':type:' .. jtype .. ':active', unpack(active))
    local t = cjson.encode(jtype)
    redis.call('PUBLISH', base .. ':events',
      '{"e":"start","ids":["' .. table.concat(started, '","') .. '"],"t":' .. t .. ',"a":[' .. t .. ']}')
  end
  -- Pass the wake marker on while jobs of this type remain, so other idle workers wake.
  if redis.call('ZCARD', key) == 0 then
    redis.call('DEL', base .. ':type:' .. jtype .. ':wake')
  else
    wake(base, jtype)
  end
  return jobs
end

-- Deletes a job and every key and index entry it owns.
local function delete_job(base, id, jtype, state)
  if state then index_remove(base, jtype, state, id) end
  unindex_words(base, id, redis.call('HGET', job_key(base, id), 'words'))
  unmark_present(base, id)
  redis.call('DEL', job_key(base, id), job_key(base, id) .. ':log', job_key(base, id) .. ':errors')
end

-- Most finished jobs one completion or failure deletes for retention: a backlog (a policy
-- just tightened, a burst) drains over the next finishes instead of in one long script.
local RETENTION_BATCH = 100

-- Applies a retention setting ('c:<count>', 'a:<age ms>' or both; see save.lua) to the
-- finished jobs of a type in state ('complete' or 'failed'), oldest first. The index is
-- scored by finish time, so "older than age" and "beyond the newest count" are both
-- prefixes of it, and their union, "whichever deletes more", is the longer prefix.
-- O(log n) to measure, plus the deletions.
local function retain(base, jtype, state, setting, now)
  local key = base .. ':type:' .. jtype .. ':' .. state
  local doomed = 0
  local count = tonumber(string.match(setting, 'c:(%d+)'))
  if count then doomed = redis.call('ZCARD', key) - count end
  local age = tonumber(string.match(setting, 'a:(%d+)'))
  if age then
    local old = redis.call('ZCOUNT', key, '-inf', '(' .. int(now - age))
    if old > doomed then doomed = old end
  end
  if doomed <= 0 then return end
  if doomed > RETENTION_BATCH then doomed = RETENTION_BATCH end
  for _, m in ipairs(redis.call('ZRANGE', key, 0, doomed - 1)) do
    local id = id_of(m)
    delete_job(base, id, jtype, state)
    emit(base, id, jtype, 'remove', '[' .. cjson.encode(jtype) .. ']')
  end
end

-- Ends the current attempt of an active job with an error. The caller has checked the
-- lock. retry_delay < 0 means "use the job's built-in backoff"; final = no retry whatever
-- attempts remain. Returns 'retry' when the job will run again, else 'failed'.
local function fail_attempt(base, id, jtype, message, stack, retry_delay, now, final)
  local jk = job_key(base, id)
  index_remove(base, jtype, 'active', id)
  local made = redis.call('HINCRBY', jk, 'made', 1)
  local max, started, rof = unpack(redis.call('HMGET', jk, 'attempts', 'started_at', 'remove_on_fail'))
  max = tonumber(max) or 1
  -- Every failed attempt is kept (the latest 50), not only the last error.
  local errors = jk .. ':errors'
  redis.call('RPUSH', errors, '{"attempt":' .. made .. ',"started_at":' .. (tonumber(started) and started or 'null') ..
    ',"failed_at":' .. int(now) .. ',"error":' .. cjson.encode(message) .. ',"stack":' .. cjson.encode(stack or '') .. '}')
  redis.call('LTRIM', errors, -50, -1)
  redis.call('HSET', jk, 'error', message, 'stack', stack or '', 'failed_at', int(now))
  redis.call('HDEL', jk, 'lock', 'ttl_at')
  if made < max and not final then
    local delay = retry_delay
    if delay < 0 then delay = backoff_delay(jk, made) end
    redis.call('HSET', jk, 'backoff_last', int(delay))
    if delay > 0 then
      schedule(base, id, jtype, now + delay, now)
      emit(base, id, jtype, 'delayed', '[' .. int(now + delay) .. ']')
    else
      enqueue(base, id, jtype, tonumber(redis.call('HGET', jk, 'priority')) or 0, now)
    end
    emit(base, id, jtype, 'failed attempt', '[' .. cjson.encode(message) .. ',' .. made .. ']')
    record_minute(base, jtype, now, 'retried', 1)
    return 'retry'
  end
  record_minute(base, jtype, now, 'failed', 1)
  emit(base, id, jtype, 'failed', '[' .. cjson.encode(message) .. ']')
  if rof == '1' then
    delete_job(base, id, jtype, nil)
    emit(base, id, jtype, 'remove', '[' .. cjson.encode(jtype) .. ']')
    return 'failed'
  end
  index_add(base, jtype, 'failed', now, id)
  redis.call('HSET', jk, 'state', 'failed', 'updated_at', int(now))
  if rof then retain(base, jtype, 'failed', rof, now) end
  return 'failed'
end
