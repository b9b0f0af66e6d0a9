--[[ flow: the limits of one job type, which take obeys over every worker: a rate (at most
rate_max starts in any window of rate_ms), a concurrency (at most that many of the type
active at once) and a pause a handler asked for (ctx.rateLimit, until a time). A type without
limits has no flow hash: take reads it (one HGETALL of a missing key) and nothing more.
Needs util and keys. ]]
--@include util, keys

-- How many of `count` jobs of jtype may start at `now` under `flow` (the flow hash as HGETALL
-- gives it), the limits read from it, and, when none may, how long to wait in ms (0: until
-- an active job of the type ends).
local function flow_admits(base, jtype, count, flow, now)
  local limits = {}
  for i = 1, #flow, 2 do limits[flow[i]] = tonumber(flow[i + 1]) end
  local paused_until = limits['until']
  if paused_until then
    if paused_until > now then return 0, limits, paused_until - now end
    redis.call('HDEL', key_flow(base, jtype), 'until')
  end
  if limits.concurrency then
    local free = limits.concurrency - redis.call('ZCARD', key_state(base, 'active', jtype))
    if free <= 0 then return 0, limits, 0 end
    if free < count then count = free end
  end
  local max = limits.rate_max
  if max then
    if count > max then count = max end
    -- Starting k more keeps every window within the limit when the start k places from the
    -- end of the log (index max - k, newest first) is at least rate_ms old, or missing. Those
    -- places form a run at the log's old end, read here in one range.
    local log = redis.call('LRANGE', key_starts(base, jtype), max - count, max - 1)
    local free = count - #log
    local cutoff = now - limits.rate_ms
    for i = #log, 1, -1 do
      if tonumber(log[i]) > cutoff then break end
      free = free + 1
    end
    if free == 0 then return 0, limits, tonumber(log[#log]) + limits.rate_ms - now end
    count = free
  end
  return count, limits
end

-- Records that n jobs of jtype started at `now`, for its rate limit.
local function flow_started(base, jtype, limits, n, now)
  local max = limits.rate_max
  if not max or n == 0 then return end
  local key = key_starts(base, jtype)
  local times = {}
  local now_text = int(now)
  for i = 1, n do times[i] = now_text end
  redis.call('LPUSH', key, unpack(times))
  redis.call('LTRIM', key, 0, max - 1)
  -- The log matters for one window: an idle type's log goes by itself.
  redis.call('PEXPIRE', key, limits.rate_ms)
end

-- The ms until the rate of jtype lets another job start (0 without a rate, or when it does now).
local function flow_next_start(base, jtype, limits, now)
  if not limits.rate_max then return 0 end
  local oldest = tonumber(redis.call('LINDEX', key_starts(base, jtype), limits.rate_max - 1))
  return oldest and math.max(oldest + limits.rate_ms - now, 0) or 0
end
