--[[ parents: what the end of a flow's child does to its parent (docs/flows.md).
A child settles once: its id leaves the parent's pending set (SREM says whether this is the
first time, so a report applied twice or a child both failed and removed counts once), and
its result, or its error, is kept with the parent. When its last pending child settles, a
parent that still waits is released: it queues to run (delayed by its own delay, if any). A
child that failed for good, was cancelled, removed or moved to failed meets the parent's
policy (its field on_child_failure): absent ('fail') fails a waiting parent at once,
'ignore' counts the child as settled, 'remove-parent' deletes a waiting parent. A parent
failed or removed so settles its own parent in turn: the work list climbs the tree without
recursion. A parent with cancel_children queues its pending children for cancelling
(B:cascade, drained by tree_cascade) and says so on B:timers, which every process's
maintenance hears. Needs util, keys, index, queueing, events, failing and delete. ]]
--@include util, keys, index, queueing, events, failing, delete

-- work: a list of {parent id, child id, outcome, text}; outcome 'done' (text: the result as
-- JSON text, '' for none), or 'failed', 'cancelled', 'removed', 'moved' (text: the child's
-- error: its handler's message, 'cancelled[: reason]', 'removed', 'moved to failed').
local function settle(base, work, now)
  local i = 0
  while i < #work do
    i = i + 1
    local parent, child, outcome, text = unpack(work[i])
    local pending = key_pending(base, parent)
    local jk = key_job(base, parent)
    local jtype, state, policy, cascade, grand, priority, delay, group = unpack(redis.call('HMGET', jk, 'type',
      'state', 'on_child_failure', 'cancel_children', 'parent', 'priority', 'delay', 'group'))
    if jtype and redis.call('SREM', pending, child) == 1 then
      if outcome == 'done' then
        redis.call('HSET', key_results(base, parent), child, text ~= '' and text or 'null')
      else
        redis.call('HSET', key_child_errors(base, parent), child,
          '{"error":' .. cjson.encode(text) .. ',"code":"' .. string.upper(outcome) .. '"}')
        if policy == 'ignore' then
          emit(base, parent, jtype, 'child failed', '[' .. int(tonumber(child)) .. ',' .. cjson.encode(text) .. ']')
        elseif state == 'waiting' then
          local message = 'child ' .. child .. (outcome == 'failed' and (' failed: ' .. text) or (' was ' .. text))
          index_remove(base, jtype, 'waiting', parent)
          if cascade == '1' and redis.call('EXISTS', pending) == 1 then
            redis.call('ZADD', key_cascade(base), now, 'cancel:' .. parent)
            hint_due(base, now)
          end
          if policy == 'remove-parent' then
            delete_job(base, parent, jtype, nil)
            emit(base, parent, jtype, 'remove', '[' .. cjson.encode(jtype) .. ']')
            if grand then work[#work + 1] = { grand, parent, 'removed', 'removed (' .. message .. ')' } end
          else
            redis.call('HSET', jk, 'failed_child', child)
            end_failed(base, parent, jtype, message, 'CHILD_FAILED', 0, nil, now)
            if grand then work[#work + 1] = { grand, parent, 'failed', message } end
          end
          state = nil
        end
      end
      if state == 'waiting' and redis.call('EXISTS', pending) == 0 then
        index_remove(base, jtype, 'waiting', parent)
        redis.call('HSET', jk, 'released_at', int(now))
        emit(base, parent, jtype, 'released', '[]')
        local d = tonumber(delay) or 0
        if d > 0 then
          schedule(base, parent, jtype, now + d, now)
          emit(base, parent, jtype, 'delayed', '[' .. int(now + d) .. ']')
        else
          enqueue(base, parent, jtype, tonumber(priority) or 0, now, group)
          emit(base, parent, jtype, 'enqueue', '[' .. cjson.encode(jtype) .. ']')
        end
      end
    end
  end
end

-- Deletes a job as a removal by hand does (remove, bulk removal): a flow's child settles its
-- parent, and a parent's pending children are queued for removal too unless `children` is
-- 'keep' (they then keep a parent id that names no job).
local function remove_job(base, id, jtype, state, children, now)
  local parent, parent_of = unpack(redis.call('HMGET', key_job(base, id), 'parent', 'children'))
  if parent_of and children ~= 'keep' and redis.call('EXISTS', key_pending(base, id)) == 1 then
    redis.call('ZADD', key_cascade(base), now, 'remove:' .. id)
  end
  delete_job(base, id, jtype, state)
  emit(base, id, jtype, 'remove', '[' .. cjson.encode(jtype) .. ']')
  if parent then settle(base, { { parent, id, 'removed', 'removed' } }, now) end
end
