--[[ stats: the per-minute counters the dashboard's charts read. Needs util; the caller
names the minute's key. ]]
--@include util

-- Adds to one minute's counters of a type (key: key_minute(base, floor(now / 60000))):
-- '<type>|<field>' += by. Cheap enough to run inside every completion: one hash per minute,
-- expiring on its own. The caller names the key, so that recording several counters builds
-- it once.
local STATS_TTL = 90000
local function record_minute(key, jtype, field, by)
  -- Adding 0 would change nothing. A number argument costs a format (some 3,000
  -- instructions): 1, the usual count, goes as text.
  if by == 0 then return end
  if redis.call('HINCRBY', key, jtype .. '|' .. field, by == 1 and '1' or int(by)) == by then
    redis.call('EXPIRE', key, STATS_TTL)
  end
end
