--[[ backoff: the built-in wait before a failed job's next attempt. Needs nothing. ]]

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
