--[[ range: the ids at ranks from..to (inclusive, as ZRANGE) of the jobs in a state, or of
every job by id (Job.range, Job.rangeByState, queue.inactive() ...). Without a type, the
states indexed per type only are merged from every type's first to+1 entries.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  state, or 'all' for every job by id
ARGV[3]  type, '' for every type
ARGV[4]  from (>= 0)
ARGV[5]  to (>= from, or -1 for the end)
ARGV[6]  'asc' | 'desc'
Returns the ids, as strings for states and as integers for 'all'.
]]
--@include index, views, present_ids
local base, state, jtype, from, to, desc =
  ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6] == 'desc'

if state == 'all' then
  return present_ids(base, nil, from, to < 0 and math.huge or to - from + 1, desc)
end

local keys = state_keys(base, state, jtype)
local ids = {}
if #keys == 1 then
  for _, m in ipairs(redis.call(desc and 'ZREVRANGE' or 'ZRANGE', keys[1], from, to)) do
    ids[#ids + 1] = id_of(m)
  end
  return ids
end
local entries = {}
for _, key in ipairs(keys) do
  local page = redis.call(desc and 'ZREVRANGE' or 'ZRANGE', key, 0, to, 'WITHSCORES')
  for i = 1, #page, 2 do
    entries[#entries + 1] = { page[i], tonumber(page[i + 1]) }
  end
end
table.sort(entries, entry_order(desc))
local last = #entries
if to >= 0 and to + 1 < last then last = to + 1 end
for i = from + 1, last do
  ids[#ids + 1] = id_of(entries[i][1])
end
return ids
