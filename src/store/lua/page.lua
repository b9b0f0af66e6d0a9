--[[ page: one page of the jobs in a state (or of every job) after a cursor, exact and
O(log n + limit) per index however long the index. The cursor is the score and member of
the last entry already seen; when that entry has gone meanwhile, it is put back for an
instant to learn its rank and taken out again in the same script, so no one ever sees it.
Without a type, the states indexed per type only are the merge of every type's page.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  state, or 'all' for every job by id
ARGV[3]  type, '' for every type
ARGV[4]  cursor score, '' for the first page
ARGV[5]  cursor member, '' for the first page
ARGV[6]  page size
ARGV[7]  'asc' | 'desc'
Returns members and scores, flat (as ZRANGE WITHSCORES); for 'all' the score is the id.
]]
--@include util, index, views, present_ids
local base, state, jtype, score, member, limit, desc =
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7] == 'desc'

if state == 'all' then
  local after = member ~= '' and tonumber(id_of(member)) or nil
  local flat = {}
  for _, id in ipairs(present_ids(base, after, 0, limit, desc)) do
    flat[#flat + 1] = fifo(int(id))
    flat[#flat + 1] = id
  end
  return flat
end

local entries = {}
for _, key in ipairs(state_keys(base, state, jtype)) do
  local start = 0
  if member ~= '' then
    local added = redis.call('ZADD', key, 'NX', score, member)
    local rank = redis.call(desc and 'ZREVRANK' or 'ZRANK', key, member)
    if added == 1 then
      redis.call('ZREM', key, member)
      start = rank
    else
      start = rank + 1
    end
  end
  local page = redis.call(desc and 'ZREVRANGE' or 'ZRANGE', key, start, start + limit - 1, 'WITHSCORES')
  for i = 1, #page, 2 do
    entries[#entries + 1] = { page[i], tonumber(page[i + 1]), page[i + 1] }
  end
end
table.sort(entries, entry_order(desc))
local flat = {}
for i = 1, math.min(limit, #entries) do
  flat[#flat + 1] = entries[i][1]
  flat[#flat + 1] = entries[i][3]
end
return flat
