--[[ update: rewrite a saved job's data and options (job.update(), priority changes).
An inactive job is re-ranked under its new priority at once.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  job id
ARGV[3..] field, value pairs from: data priority attempts backoff backoff_delay
          backoff_max delay ttl remove_on_complete remove_on_fail words; an empty value
          deletes the field
          (words are re-indexed for search)
Returns STATUS.DONE (1), or STATUS.NO_JOB (0) when there is no such job (nothing is written
then).
]]
--@include util, keys, index, status, data, search
local base, id = ARGV[1], ARGV[2]
local jk = key_job(base, id)
local jtype, state, group = unpack(redis.call('HMGET', jk, 'type', 'state', 'group'))
if not jtype then return STATUS.NO_JOB end
for i = 3, #ARGV, 2 do
  if ARGV[i] == 'words' then
    unindex_words(base, id, redis.call('HGET', jk, 'words'))
    index_words(base, id, ARGV[i + 1])
  end
  if ARGV[i] == 'data' and ARGV[i + 1] ~= '' then
    set_data(jk, ARGV[i + 1])
  elseif ARGV[i + 1] == '' then
    redis.call('HDEL', jk, ARGV[i])
  else
    redis.call('HSET', jk, ARGV[i], ARGV[i + 1])
  end
end
redis.call('HSET', jk, 'updated_at', int(now_ms()))
if state == 'inactive' then
  index_add(base, jtype, 'inactive', tonumber(redis.call('HGET', jk, 'priority')) or 0, id, group)
end
return STATUS.DONE
