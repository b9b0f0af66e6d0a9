--[[ count: how many jobs are in a state (of one type or of every type), or exist at all.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  state, or 'all' for every job
ARGV[3]  type, '' for every type
Returns the count.
]]
--@include keys, views
local base, state, jtype = ARGV[1], ARGV[2], ARGV[3]
local n = 0
if state == 'all' then
  for _, span in ipairs(redis.call('ZRANGE', key_present_spans(base), 0, -1)) do
    n = n + redis.call('BITCOUNT', key_present(base, tonumber(span)))
  end
  return n
end
for _, key in ipairs(state_keys(base, state, jtype)) do
  n = n + redis.call('ZCARD', key)
end
return n
