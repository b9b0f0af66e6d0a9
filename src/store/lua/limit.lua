--[[ limit: set, change or remove the limits of one job type (B:type:<type>:flow), which every
worker's take obeys from its next call; idle workers of the type are woken to look at once.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  type
ARGV[3]  '1' to remove every limit first (and a pause a handler asked for), else '0'
ARGV[4..] field, value pairs (rate_max, rate_ms, concurrency; checked by the caller):
          '' removes the field
Returns STATUS.DONE.
]]
--@include keys, status, wake
local base, jtype = ARGV[1], ARGV[2]
local flow = key_flow(base, jtype)
if ARGV[3] == '1' then redis.call('DEL', flow) end
for i = 4, #ARGV, 2 do
  if ARGV[i + 1] == '' then
    redis.call('HDEL', flow, ARGV[i])
  else
    redis.call('HSET', flow, ARGV[i], ARGV[i + 1])
  end
end
if redis.call('EXISTS', flow) == 1 then
  redis.call('SADD', key_limited(base), jtype)
else
  redis.call('SREM', key_limited(base), jtype)
end
-- Without a rate there is nothing to count starts for.
if redis.call('HEXISTS', flow, 'rate_max') == 0 then redis.call('DEL', key_starts(base, jtype)) end
if redis.call('ZCARD', key_state(base, 'inactive', jtype)) > 0 then wake(base, jtype) end
return STATUS.DONE
