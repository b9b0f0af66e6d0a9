--[[ groups: the groups of a job type with jobs waiting or active, or paused, the largest first.
When the list is cut, the paused groups stay in it whatever their size: a group an operator
paused must stay in reach of resuming.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  type
ARGV[3]  the most groups to return
Returns {groups in all, then per group returned: name, waiting, active, '1' when paused else '0'}.
]]
--@include keys
local base, jtype, most = ARGV[1], ARGV[2], tonumber(ARGV[3])
local active = key_state(base, 'group-active', jtype)
local paused = key_state(base, 'group-paused', jtype)
local names, seen = {}, {}
local function add(list)
  for _, name in ipairs(list) do
    if name ~= '' and not seen[name] then
      seen[name] = true
      names[#names + 1] = name
    end
  end
end
-- Every group with waiting jobs is in the rotation, held back by its rate, paused, or out of
-- the rotation at its concurrency (and then has active jobs).
add(redis.call('ZRANGE', key_state(base, 'groups', jtype), 0, -1))
add(redis.call('ZRANGE', key_state(base, 'group-held', jtype), 0, -1))
add(redis.call('SMEMBERS', paused))
add(redis.call('HKEYS', active))
local rows = {}
for _, name in ipairs(names) do
  rows[#rows + 1] = {
    name,
    redis.call('ZCARD', key_group(base, jtype, 'jobs', name)),
    tonumber(redis.call('HGET', active, name)) or 0,
    redis.call('SISMEMBER', paused, name),
  }
end
table.sort(rows, function(a, b)
  if a[2] ~= b[2] then return a[2] > b[2] end
  if a[3] ~= b[3] then return a[3] > b[3] end
  return a[1] < b[1]
end)
local paused_count = 0
for _, row in ipairs(rows) do paused_count = paused_count + row[4] end
local out = { #rows }
local room = most - paused_count
for _, row in ipairs(rows) do
  local listed = row[4] == 1 or room > 0
  if row[4] == 0 and room > 0 then room = room - 1 end
  if listed and #out < 1 + 4 * most then
    out[#out + 1] = row[1]
    out[#out + 1] = row[2]
    out[#out + 1] = row[3]
    out[#out + 1] = row[4]
  end
end
return out
