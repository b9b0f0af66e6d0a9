--[[ failing: ends a job failed for good with no worker's failed attempt behind it: a job
cancelled, or a flow's parent failed by its child. Needs util, keys, index, events, stats,
metrics, delete, retain and unique. ]]
--@include util, keys, index, events, stats, metrics, delete, retain, unique

-- The caller has taken the job out of its state's index and set any fields of its own. The
-- job's failed attempts get an entry with `code` (attempt: the attempts made; started: its
-- start time text or nil), its unique key is freed, then removeOnFail deletes it or it joins
-- the failed index under its retention.
local function end_failed(base, id, jtype, message, code, attempt, started, now)
  local jk = key_job(base, id)
  local rof, ukey = unpack(redis.call('HMGET', jk, 'remove_on_fail', 'unique'))
  local now_text = int(now)
  local errors = key_errors(base, id)
  redis.call('RPUSH', errors, '{"attempt":' .. attempt .. ',"started_at":' .. (started or 'null') .. ',"failed_at":' ..
    now_text .. ',"error":' .. cjson.encode(message) .. ',"stack":"","code":' .. cjson.encode(code) .. '}')
  redis.call('LTRIM', errors, -50, -1)
  redis.call('HSET', jk, 'error', message, 'stack', '', 'failed_at', now_text)
  record_minute(key_minute(base, math.floor(now / 60000)), jtype, 'failed', 1)
  -- A cancelled job counts as cancelled only: failed counts the failures nobody asked for.
  if metrics_on == nil then metrics_on = redis.call('EXISTS', key_metrics_lease(base)) == 1 end
  if metrics_on then redis.call('HINCRBY', key_metrics(base, jtype), code == 'CANCELLED' and 'x' or 'f', 1) end
  release_unique(base, id, ukey)
  emit(base, id, jtype, 'failed', '[' .. cjson.encode(message) .. ']')
  if rof == '1' then
    delete_job(base, id, jtype, nil)
    emit(base, id, jtype, 'remove', '[' .. cjson.encode(jtype) .. ']')
  else
    index_add(base, jtype, 'failed', now, id)
    redis.call('HSET', jk, 'state', 'failed', 'updated_at', now_text)
    if rof then retain(base, jtype, 'failed', rof, now) end
  end
end
