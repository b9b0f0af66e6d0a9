--[[ groups: the groups of a job type with jobs waiting or active, or paused, the largest first
(most waiting, then most active, then by name). It reads the `most` largest from the counts
kept in B:type:<type>:group-waiting, so its work does not grow with the number of groups: a
type with 100,000 tenants lists its largest as fast as one with ten. Groups with active jobs
but none waiting, and paused groups, are few (bounded by the workers' concurrency and by what
operators paused) and are read whole. When the list is cut, the paused groups stay in it
whatever their size: a group an operator paused must stay in reach of resuming.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  type
ARGV[3]  the most groups to return
Returns {groups in all, then per group returned: name, waiting, active, '1' when paused else '0'}.
]]
--@include keys
local base, jtype, most = ARGV[1], ARGV[2], tonumber(ARGV[3])
local sizes = key_state(base, 'group-waiting', jtype)
local active = key_state(base, 'group-active', jtype)
local paused = key_state(base, 'group-paused', jtype)
local rows, seen = {}, {}
local function add(name, waiting)
  if name == '' or seen[name] then return end
  seen[name] = true
  rows[#rows + 1] = {
    name,
    waiting or tonumber(redis.call('ZSCORE', sizes, name)) or 0,
    tonumber(redis.call('HGET', active, name)) or 0,
    redis.call('SISMEMBER', paused, name),
  }
end
local largest = redis.call('ZREVRANGE', sizes, 0, most - 1, 'WITHSCORES')
for i = 1, #largest, 2 do add(largest[i], tonumber(largest[i + 1])) end
-- Every group with waiting jobs is counted in sizes; beyond them, those running or paused.
local total = redis.call('ZCARD', sizes)
local function add_other(list)
  for _, name in ipairs(list) do
    if name ~= '' and not seen[name] and not redis.call('ZSCORE', sizes, name) then total = total + 1 end
    add(name)
  end
end
add_other(redis.call('HKEYS', active))
add_other(redis.call('SMEMBERS', paused))
table.sort(rows, function(a, b)
  if a[2] ~= b[2] then return a[2] > b[2] end
  if a[3] ~= b[3] then return a[3] > b[3] end
  return a[1] < b[1]
end)
local paused_count = 0
for _, row in ipairs(rows) do paused_count = paused_count + row[4] end
local out = { total }
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
