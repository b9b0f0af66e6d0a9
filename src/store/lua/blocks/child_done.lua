--[[ child_done: settles the flow parents of the jobs this complete call finished (see
includes/parents.lua, whose settle does the same for every other way a child ends). A
block, not settle itself: complete is the hot path, and a script pays for every function
its text defines on every call, flows or not; here the text runs only for flows' children.
Reads  base, now, children  {parent id, child id, result JSON text or ''} per child
Each child leaves its parent's pending set once (SREM), its result goes to the parent's
results, and a parent still waiting whose pending set is now empty is released: inactive
(or delayed by its own delay), with the events 'released' then 'enqueue' (or 'delayed'). ]]
--@include util, keys, index, events, wake
for _, child in ipairs(children) do
  local parent, id, result = child[1], child[2], child[3]
  local pending = key_pending(base, parent)
  local pk = key_job(base, parent)
  local ptype, pstate, ppriority, pdelay, pgroup = unpack(redis.call('HMGET', pk, 'type', 'state', 'priority', 'delay', 'group'))
  if ptype and redis.call('SREM', pending, id) == 1 then
    redis.call('HSET', key_results(base, parent), id, result ~= '' and result or 'null')
    if pstate == 'waiting' and redis.call('EXISTS', pending) == 0 then
      index_remove(base, ptype, 'waiting', parent)
      emit(base, parent, ptype, 'released', '[]')
      local d = tonumber(pdelay) or 0
      if d > 0 then
        index_add(base, ptype, 'delayed', now + d, parent)
        redis.call('HSET', pk, 'state', 'delayed', 'promote_at', int(now + d), 'updated_at', int(now), 'released_at', int(now))
        redis.call('PUBLISH', key_timers(base), int(now + d))
        emit(base, parent, ptype, 'delayed', '[' .. int(now + d) .. ']')
      else
        index_add(base, ptype, 'inactive', tonumber(ppriority) or 0, parent, pgroup)
        redis.call('HSET', pk, 'state', 'inactive', 'updated_at', int(now), 'released_at', int(now))
        wake(base, ptype)
        emit(base, parent, ptype, 'enqueue', '[' .. cjson.encode(ptype) .. ']')
      end
    end
  end
end
