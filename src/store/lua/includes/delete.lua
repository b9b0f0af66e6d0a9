--[[ delete: deletes a job with every key and index entry it owns (remove, bulk removal,
removeOnComplete / removeOnFail and retention), freeing its unique key. A flow's parent
takes its children's results and errors along; its pending set stays while B:cascade still
has its children to cancel or remove. Needs keys, index, search, present and unique. ]]
--@include keys, index, search, present, unique

-- Whether B:cascade still has a parent's pending children to cancel or remove: its pending
-- set is then kept whatever becomes of the parent.
local function cascade_queued(base, id)
  local cascade = key_cascade(base)
  return redis.call('ZSCORE', cascade, 'cancel:' .. id) or redis.call('ZSCORE', cascade, 'remove:' .. id)
end

local function delete_job(base, id, jtype, state)
  local words, group, ukey, children = unpack(redis.call('HMGET', key_job(base, id), 'words', 'group', 'unique', 'children'))
  if state then index_remove(base, jtype, state, id, group) end
  unindex_words(base, id, words)
  release_unique(base, id, ukey)
  unmark_present(base, id)
  redis.call('DEL', key_job(base, id), key_log(base, id), key_errors(base, id))
  if children then
    redis.call('DEL', key_results(base, id), key_child_errors(base, id))
    if not cascade_queued(base, id) then redis.call('DEL', key_pending(base, id)) end
  end
end
