--[[ index: the member encoding of the state indexes and a job's moves in and out of them.
Needs keys. ]]
--@include keys

-- Ids are decimal integers below 10^99: a two-digit length prefix orders them numerically.
local function fifo(id)
  return string.format('%02d|%s', #id, id)
end

local function id_of(member)
  return string.sub(member, 4)
end

-- States indexed across every type as well as per type: the sweeps walk B:delayed by due
-- time and B:active by deadline. The other states are indexed per type only, and a view of
-- every type (lists, counts) merges the types' indexes, so a waiting job costs one index
-- entry (about 120 bytes) and not two. A function, not a table: a table costs more to build
-- on every call than this script's lookups save.
local function swept(state)
  return state == 'delayed' or state == 'active'
end

local function index_add(base, jtype, state, score, id)
  local m = fifo(id)
  if swept(state) then redis.call('ZADD', key_state(base, state), score, m) end
  redis.call('ZADD', key_state(base, state, jtype), score, m)
end

local function index_remove(base, jtype, state, id)
  local m = fifo(id)
  if swept(state) then redis.call('ZREM', key_state(base, state), m) end
  redis.call('ZREM', key_state(base, state, jtype), m)
end
