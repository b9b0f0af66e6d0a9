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

-- Sets a group's count in `group-waiting` (integer scores set with ZADD: Redis writes the
-- double that ZINCRBY replies with slowly) to its number of waiting jobs, dropping it at 0.
local function count_waiting(base, jtype, group, jobs)
  local waiting = redis.call('ZCARD', jobs)
  if waiting > 0 then
    redis.call('ZADD', key_state(base, 'group-waiting', jtype), waiting, group)
  else
    redis.call('ZREM', key_state(base, 'group-waiting', jtype), group)
  end
end

-- A job of a group (its hash's `group` field; false or nil for none) is indexed as the others
-- except while inactive: then it waits in its group's index and in the type's `grouped` index
-- (lists and counts), its group's count in `group-waiting` grows (the dashboard's largest
-- groups, without counting every group), and its group joins the type's rotation (see take),
-- at the back.
local function index_add(base, jtype, state, score, id, group)
  local m = fifo(id)
  if swept(state) then redis.call('ZADD', key_state(base, state), score, m) end
  if group and state == 'inactive' then
    redis.call('ZADD', key_state(base, 'grouped', jtype), score, m)
    local jobs = key_group(base, jtype, 'jobs', group)
    redis.call('ZADD', jobs, score, m)
    redis.call('ZADD', key_state(base, 'group-waiting', jtype), redis.call('ZCARD', jobs), group)
    local rotation = key_state(base, 'groups', jtype)
    if not redis.call('ZSCORE', rotation, group) then
      -- 'grouped' tells take to go by the rotation: set whichever way the job came (a save, a
      -- promotion, a retry, a flow's parent released).
      redis.call('HSET', key_flow(base, jtype), 'grouped', '1')
      redis.call('ZADD', rotation, redis.call('HINCRBY', key_flow(base, jtype), 'turn', 1), group)
    end
    return
  end
  redis.call('ZADD', key_state(base, state, jtype), score, m)
  if group and state == 'active' then redis.call('HINCRBY', key_state(base, 'group-active', jtype), group, 1) end
end

local function index_remove(base, jtype, state, id, group)
  local m = fifo(id)
  if swept(state) then redis.call('ZREM', key_state(base, state), m) end
  if group and state == 'inactive' then
    -- Its group stays in the rotation, if it was there: take drops a group it finds empty.
    redis.call('ZREM', key_state(base, 'grouped', jtype), m)
    local jobs = key_group(base, jtype, 'jobs', group)
    if redis.call('ZREM', jobs, m) == 1 then count_waiting(base, jtype, group, jobs) end
    return
  end
  redis.call('ZREM', key_state(base, state, jtype), m)
  if group and state == 'active' then
    -- One fewer of the group runs, and a group its concurrency had taken out of the rotation
    -- returns to it (take checks its limits again when its turn comes).
    local active = key_state(base, 'group-active', jtype)
    if redis.call('HINCRBY', active, group, -1) <= 0 then redis.call('HDEL', active, group) end
    local rotation = key_state(base, 'groups', jtype)
    if not redis.call('ZSCORE', rotation, group) and redis.call('EXISTS', key_group(base, jtype, 'jobs', group)) == 1 then
      redis.call('ZADD', rotation, redis.call('HINCRBY', key_flow(base, jtype), 'turn', 1), group)
    end
  end
end
