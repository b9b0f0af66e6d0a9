--[[ parents: what a change by hand does to a flow (remove, bulk removal and retry, move, the
removals of tree_cascade). What a child's end does to its parent is the settle block. Needs
keys, events and delete. ]]
--@include keys, events, delete

-- Deletes a job as a removal by hand does: a parent's pending children are queued for
-- removal too unless `children` is 'keep' (they then keep a parent id that names no job).
-- Returns the settle block's item for a flow's child ({parent, id, 'removed', 'removed'}),
-- else nil.
local function remove_job(base, id, jtype, state, children, now)
  local parent, parent_of = unpack(redis.call('HMGET', key_job(base, id), 'parent', 'children'))
  if parent_of then
    -- A removal decides what becomes of the children, over a cancel queued before it.
    redis.call('ZREM', key_cascade(base), 'cancel:' .. id)
    if children ~= 'keep' and redis.call('EXISTS', key_pending(base, id)) == 1 then
      redis.call('ZADD', key_cascade(base), now, 'remove:' .. id)
    end
  end
  delete_job(base, id, jtype, state)
  emit(base, id, jtype, 'remove', '[' .. cjson.encode(jtype) .. ']')
  return parent and { parent, id, 'removed', 'removed' } or nil
end

-- A flow's child run again by hand (moved back, retried in bulk): a parent that still waits
-- waits for it once more, and forgets how it had settled.
local function wait_again(base, parent, id)
  if redis.call('HGET', key_job(base, parent), 'state') ~= 'waiting' then return end
  redis.call('SADD', key_pending(base, parent), id)
  redis.call('HDEL', key_results(base, parent), id)
  redis.call('HDEL', key_child_errors(base, parent), id)
end
