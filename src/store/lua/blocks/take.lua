--[[ take: moves up to `count` inactive jobs of a type to active under fresh locks, as far as
the type's limits allow: the take script's body, and what complete and fail run for the next
jobs of the same worker. A block, not a function: a function this size captures some twenty
locals of the chunk, and making it on every call cost more than its own lookups.
Reads  base, jtype, now, now_text (int(now): complete.lua has made it already)
       count    the worker's free slots
       worker   the lock owner (the worker's id and its request number)
       lock_ms  the lock duration
Sets   taken    {id, HGETALL} pairs in priority-then-FIFO order (the script declares it, {})
       wait     when the limits held jobs back: the ms to wait before asking again (0: until
                an active job of the type ends)
       start_event  the 'start' event of the jobs taken, or nil: the script writes it with its
                own events, in one entry
The index updates of all the jobs are one command each, and their 'start' events one event. ]]
--@include util, keys, index, wake
-- `break` leaves the block early: Lua 5.1 has no goto.
repeat
  local key = key_state(base, 'inactive', jtype)
  if count <= 0 or redis.call('SISMEMBER', key_paused(base), jtype) == 1 then break end
  -- Lua spreads at most a few thousand values into one command (unpack below).
  if count > 1000 then count = 1000 end
  local limits, spent
  local flow = redis.call('HGETALL', key_flow(base, jtype))
  if #flow > 0 then
    local asked = count
    --@block flow_admit
    if count == 0 then
      -- Idle workers of the type would only be held back too: they wait for their own turn.
      redis.call('DEL', key_wake(base, jtype))
      break
    end
    -- A limit that cut this request leaves nothing for another worker either.
    spent = count < asked
  end
  local popped, grouped
  if limits and limits.grouped then
    --@block group_pop
  else
    popped = redis.call('ZPOPMIN', key, int(count))
  end
  if #popped == 0 then
    redis.call('DEL', key_wake(base, jtype))
    break
  end
  local jobs, active, started = {}, {}, {}
  -- Numbers go to Redis as text made once: Lua turns a number argument into text with a
  -- format, at some 3,000 instructions, at every use.
  local lock_until = now + lock_ms
  local lock_until_text = int(lock_until)
  -- The worker's own id: the lock owner without its request number (see Worker#request).
  local worker_id = string.match(worker, '^(.*)/%d+$') or worker
  for i = 1, #popped, 2 do
    local m = popped[i]
    local id = id_of(m)
    local jk = key_job(base, id)
    local present, ttl, queued, takes, created = unpack(redis.call('HMGET', jk, 'type', 'ttl', 'updated_at', 'takes', 'created_at'))
    if present then
      local deadline = lock_until_text
      -- The lock names the worker and the attempt, so a late reply from an earlier
      -- holder of the same job never matches.
      takes = int((tonumber(takes) or 0) + 1)
      -- updated_at of an inactive job (created_at until it first changes) is when it was
      -- queued: the wait ends now.
      local fields = { 'state', 'active', 'lock', worker .. ':' .. takes, 'takes', takes, 'worker_id', worker_id,
        'started_at', now_text, 'updated_at', now_text, 'waited', int(now - (tonumber(queued) or tonumber(created) or now)) }
      ttl = tonumber(ttl)
      if ttl and ttl > 0 then
        local ttl_at = int(now + ttl)
        if now + ttl < lock_until then deadline = ttl_at end
        fields[#fields + 1] = 'ttl_at'
        fields[#fields + 1] = ttl_at
      end
      redis.call('HSET', jk, unpack(fields))
      active[#active + 1] = deadline
      active[#active + 1] = m
      jobs[#jobs + 1] = { id, redis.call('HGETALL', jk) }
      started[#started + 1] = id
    elseif grouped and grouped[m] then
      -- Counted by group_pop, but the job is gone: it does not run.
      redis.call('HINCRBY', key_state(base, 'group-active', jtype), grouped[m], -1)
    end
  end
  if limits then
    --@block flow_record
  end
  if #active > 0 then
    redis.call('ZADD', key_state(base, 'active'), unpack(active))
    redis.call('ZADD', key_state(base, 'active', jtype), unpack(active))
    local t = cjson.encode(jtype)
    start_event = '{"e":"start","ids":["' .. table.concat(started, '","') .. '"],"t":' .. t .. ',"a":[' .. t .. ']}'
  end
  -- Pass the wake marker on while jobs of this type remain, so other idle workers wake.
  local waiting = key
  if grouped then waiting = key_state(base, 'groups', jtype) end
  if spent or redis.call('ZCARD', waiting) == 0 then
    redis.call('DEL', key_wake(base, jtype))
  else
    wake(base, jtype)
  end
  taken = jobs
until true
