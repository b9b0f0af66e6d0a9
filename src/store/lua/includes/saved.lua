--[[ saved: the record of a save call (B:saved:<call>), by which the same call sent again, or
a job of it retried in another call, makes no job twice (see save.lua). Needs nothing: the
caller reads the record. ]]

-- The replies of the first `count` jobs of a recorded call: a record '<first id>' says the
-- call made all its jobs, job i (from 1) as first + i - 1; any other record is the JSON array
-- of its replies ('<id>' made, '=<id>' resolved to an existing job by its unique key).
local function saved_replies(record, count)
  if string.sub(record, 1, 1) == '[' then return cjson.decode(record) end
  local first, replies = tonumber(record), {}
  for i = 1, count do replies[i] = string.format('%d', first + i - 1) end
  return replies
end
