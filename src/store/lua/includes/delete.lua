--[[ delete: deletes a job with every key and index entry it owns (remove, bulk removal,
removeOnComplete / removeOnFail and retention), freeing its unique key. Needs keys, index,
search, present and unique. ]]
--@include keys, index, search, present, unique

local function delete_job(base, id, jtype, state)
  local words, group, ukey = unpack(redis.call('HMGET', key_job(base, id), 'words', 'group', 'unique'))
  if state then index_remove(base, jtype, state, id, group) end
  unindex_words(base, id, words)
  release_unique(base, id, ukey)
  unmark_present(base, id)
  redis.call('DEL', key_job(base, id), key_log(base, id), key_errors(base, id))
end
