--[[ limits: the limits of job types and how much of them is in use, read at one instant.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2..] types; none = every type of B:limited
Returns per type with limits: {type, its flow hash as HGETALL, jobs of the type active now,
starts within the last rate window (0 without a rate)}.
]]
--@include util, keys
local base = ARGV[1]
local now = now_ms()
local types = { unpack(ARGV, 2) }
if #types == 0 then types = redis.call('SMEMBERS', key_limited(base)) end

-- Starts newer than `cutoff` in a log kept newest first: a binary search of the log.
local function starts_since(key, cutoff)
  local low, high = 0, redis.call('LLEN', key)
  while low < high do
    local mid = math.floor((low + high) / 2)
    if tonumber(redis.call('LINDEX', key, mid)) > cutoff then low = mid + 1 else high = mid end
  end
  return low
end

local out = {}
for _, jtype in ipairs(types) do
  local flow = redis.call('HGETALL', key_flow(base, jtype))
  if #flow > 0 then
    local rate_ms
    for i = 1, #flow, 2 do
      if flow[i] == 'rate_ms' then rate_ms = tonumber(flow[i + 1]) end
    end
    local recent = rate_ms and starts_since(key_starts(base, jtype), now - rate_ms) or 0
    out[#out + 1] = { jtype, flow, redis.call('ZCARD', key_state(base, 'active', jtype)), recent }
  end
end
return out
