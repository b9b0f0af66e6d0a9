--[[ page: one page of an index after a cursor, exact and O(log n + limit) however long the
index. The cursor is the score and member of the last entry already seen; when that entry
has gone meanwhile, it is put back for an instant to learn its rank and taken out again in
the same script, so no one ever sees it.

KEYS[1]  the index (a state zset or B:jobs)
ARGV[1]  cursor score, '' for the first page
ARGV[2]  cursor member, '' for the first page
ARGV[3]  page size
ARGV[4]  'asc' | 'desc'
Returns members and scores, flat (as ZRANGE WITHSCORES).
]]
local key, score, member, limit, desc = KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4] == 'desc'
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
return redis.call(desc and 'ZREVRANGE' or 'ZRANGE', key, start, start + limit - 1, 'WITHSCORES')
