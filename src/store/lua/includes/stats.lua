--[[ stats: the per-minute counters the dashboard's charts read. Needs nothing: the caller
names the minute's key. ]]

-- Adds to one minute's counters of a type (key: key_minute(base, floor(now / 60000))):
-- '<type>|<field>' += by. Cheap enough to run inside every completion: one hash per minute,
-- expiring on its own. The caller names the key, so that recording several counters builds
-- it once.
local STATS_TTL = 90000
local function record_minute(key, jtype, field, by)
  if redis.call('HINCRBY', key, jtype .. '|' .. field, by) == by then
    redis.call('EXPIRE', key, STATS_TTL)
  end
end
