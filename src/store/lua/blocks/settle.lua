--[[ settle: what the end of a flow's child does to its parent (docs/flows.md). A block, not a
function: the scripts that end jobs (complete, fail, expire, cancel, remove, move, bulk) carry
it, and a function capturing the helpers it calls would cost each of their calls some
thousands of Redis instructions to make, flows or not; a block's text runs only for children.
Reads  base, now
       settling  a list of {parent id, child id, outcome, text}; outcome 'done' (text: the
                 result as JSON text, '' for none), or 'failed', 'cancelled', 'removed',
                 'moved' (text: the child's error: its handler's message, 'cancelled[: reason]',
                 'removed', 'moved to failed')
A child settles once: its id leaves the parent's pending set (SREM says whether this is the
first time, so a report applied twice, or a child both failed and removed, counts once), and
its result, or its error, is kept with the parent. When its last pending child settles, a
parent that still waits is released: it queues to run (delayed by its own delay, if any),
with the events 'released' then 'enqueue' (or 'delayed'). A child that failed, was
cancelled, removed or moved to failed meets the parent's policy (on_child_failure): absent
('fail') fails a waiting parent at once, without an attempt ('failed' event, an entry with
code CHILD_FAILED, its unique key freed, removeOnFail and retention), 'ignore' counts the
child as settled ('child failed' event), 'remove-parent' deletes a waiting parent. A parent
failed or removed so settles its own parent in turn: the list grows up the tree, without
recursion. A parent with cancel_children queues its pending children for cancelling
(B:cascade, drained by tree_cascade) and says so on B:timers. ]]
--@include util, keys, index, events, wake, stats, metrics, delete, retain, unique
local i = 0
while i < #settling do
  i = i + 1
  local parent, child, outcome, text = unpack(settling[i])
  local pending = key_pending(base, parent)
  local pk = key_job(base, parent)
  local ptype, pstate, policy, cascade, grand, ppriority, pdelay, pgroup, rof, ukey = unpack(redis.call('HMGET', pk,
    'type', 'state', 'on_child_failure', 'cancel_children', 'parent', 'priority', 'delay', 'group', 'remove_on_fail', 'unique'))
  if ptype and redis.call('SREM', pending, child) == 1 then
    if outcome == 'done' then
      redis.call('HSET', key_results(base, parent), child, text ~= '' and text or 'null')
    else
      redis.call('HSET', key_child_errors(base, parent), child,
        '{"error":' .. cjson.encode(text) .. ',"code":"' .. string.upper(outcome) .. '"}')
      if policy == 'ignore' then
        emit(base, parent, ptype, 'child failed', '[' .. int(tonumber(child)) .. ',' .. cjson.encode(text) .. ']')
      elseif pstate == 'waiting' then
        local message = 'child ' .. child .. (outcome == 'failed' and (' failed: ' .. text) or (' was ' .. text))
        index_remove(base, ptype, 'waiting', parent)
        if cascade == '1' and redis.call('EXISTS', pending) == 1 then
          redis.call('ZADD', key_cascade(base), now, 'cancel:' .. parent)
          redis.call('PUBLISH', key_timers(base), int(now))
        end
        if policy == 'remove-parent' then
          delete_job(base, parent, ptype, nil)
          emit(base, parent, ptype, 'remove', '[' .. cjson.encode(ptype) .. ']')
          if grand then settling[#settling + 1] = { grand, parent, 'removed', 'removed (' .. message .. ')' } end
        else
          -- Failed for good, without an attempt of its own.
          local errors = key_errors(base, parent)
          redis.call('RPUSH', errors, '{"attempt": 0, "started_at": null, "failed_at":' .. int(now) .. ',"error":' ..
            cjson.encode(message) .. ',"stack":"","code":"CHILD_FAILED"}')
          redis.call('LTRIM', errors, -50, -1)
          redis.call('HSET', pk, 'error', message, 'stack', '', 'failed_at', int(now), 'failed_child', child)
          record_minute(key_minute(base, math.floor(now / 60000)), ptype, 'failed', 1)
          if metrics_on == nil then metrics_on = redis.call('EXISTS', key_metrics_lease(base)) == 1 end
          if metrics_on then redis.call('HINCRBY', key_metrics(base, ptype), 'f', 1) end
          release_unique(base, parent, ukey)
          emit(base, parent, ptype, 'failed', '[' .. cjson.encode(message) .. ']')
          if rof == '1' then
            delete_job(base, parent, ptype, nil)
            emit(base, parent, ptype, 'remove', '[' .. cjson.encode(ptype) .. ']')
          else
            index_add(base, ptype, 'failed', now, parent)
            redis.call('HSET', pk, 'state', 'failed', 'updated_at', int(now))
            if rof then retain(base, ptype, 'failed', rof, now) end
          end
          if grand then settling[#settling + 1] = { grand, parent, 'failed', message } end
        end
        pstate = nil
      end
    end
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
