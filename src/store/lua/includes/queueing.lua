--[[ queueing: puts a job that is out of its previous state index into inactive or delayed,
where it waits to run, and tells the promotion timers when delayed jobs fall due. Needs util,
keys, index and wake. ]]
--@include util, keys, index, wake

-- Tells every process's promotion timer that a delayed job falls due at `due` (ms), on a
-- channel of its own: processes that want no job events still hear of due times.
local function hint_due(base, due)
  redis.call('PUBLISH', key_timers(base), int(due))
end

-- group: the job's group (its hash's field), false or nil for none.
local function enqueue(base, id, jtype, priority, now, group)
  index_add(base, jtype, 'inactive', priority, id, group)
  redis.call('HSET', key_job(base, id), 'state', 'inactive', 'updated_at', int(now))
  wake(base, jtype)
end

-- Puts a job into delayed until due (ms). The due time rides along in the event so every
-- process's promotion timer can wake exactly then.
local function schedule(base, id, jtype, due, now)
  index_add(base, jtype, 'delayed', due, id)
  redis.call('HSET', key_job(base, id), 'state', 'delayed', 'promote_at', int(due),
    'updated_at', int(now))
  hint_due(base, due)
end
