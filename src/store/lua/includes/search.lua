--[[ search: the sets that find jobs by their search words. Needs keys. ]]
--@include keys

-- Indexes a job under its search words (a space-separated list, already stemmed).
local function index_words(base, id, words)
  for word in string.gmatch(words, '%S+') do
    redis.call('SADD', key_search(base, word), id)
  end
end

local function unindex_words(base, id, words)
  for word in string.gmatch(words or '', '%S+') do
    redis.call('SREM', key_search(base, word), id)
  end
end
