--[[ parents: removing a job of a flow by hand (remove, bulk removal). What a child's end does
to its parent is the settle block. Needs keys, events and delete. ]]
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
