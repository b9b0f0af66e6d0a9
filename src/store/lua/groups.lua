--[[ groups: the groups of a job type with jobs waiting or active, or paused, the largest first.

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
local out = { #rows }
for i = 1, math.min(most, #rows) do
  local row = rows[i]
  out[#out + 1] = row[1]
  out[#out + 1] = row[2]
  out[#out + 1] = row[3]
  out[#out + 1] = row[4]
end
return out
