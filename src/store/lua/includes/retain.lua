--[[ retain: the retention of finished jobs (remove_on_complete / remove_on_fail 'c:<n>',
'a:<ms>'). Needs util, keys, index, delete and events. ]]
--@include util, keys, index, delete, events

-- Most finished jobs one completion or failure deletes for retention: a backlog (a policy
-- just tightened, a burst) drains over the next finishes instead of in one long script.
local RETENTION_BATCH = 100

-- Applies a retention setting ('c:<count>', 'a:<age ms>' or both; see save.lua) to the
-- finished jobs of a type in state ('complete' or 'failed'), oldest first. The index is
-- scored by finish time, so "older than age" and "beyond the newest count" are both
-- prefixes of it, and their union, "whichever deletes more", is the longer prefix.
-- O(log n) to measure, plus the deletions.
local function retain(base, jtype, state, setting, now)
  local key = key_state(base, state, jtype)
  local doomed = 0
  local count = tonumber(string.match(setting, 'c:(%d+)'))
  if count then doomed = redis.call('ZCARD', key) - count end
  local age = tonumber(string.match(setting, 'a:(%d+)'))
  if age then
    local old = redis.call('ZCOUNT', key, '-inf', '(' .. int(now - age))
    if old > doomed then doomed = old end
  end
  if doomed <= 0 then return end
  if doomed > RETENTION_BATCH then doomed = RETENTION_BATCH end
  for _, m in ipairs(redis.call('ZRANGE', key, 0, doomed - 1)) do
    local id = id_of(m)
    delete_job(base, id, jtype, state)
    emit(base, id, jtype, 'remove', '[' .. cjson.encode(jtype) .. ']')
  end
end
