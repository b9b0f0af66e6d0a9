--[[ delete: deletes a job with every key and index entry it owns (remove, bulk removal,
removeOnComplete / removeOnFail and retention). Needs keys, index, search and present. ]]
--@include keys, index, search, present

local function delete_job(base, id, jtype, state)
  local words, group = unpack(redis.call('HMGET', key_job(base, id), 'words', 'group'))
  if state then index_remove(base, jtype, state, id, group) end
  unindex_words(base, id, words)
  unmark_present(base, id)
  redis.call('DEL', key_job(base, id), key_log(base, id), key_errors(base, id))
end
