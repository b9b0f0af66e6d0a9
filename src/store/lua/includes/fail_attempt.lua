--[[ fail_attempt: ends an active job's attempt with an error (fail, and the ttl and stall
paths of expire): a retry after its backoff, or the final failure with its retention.
The final failure frees the job's unique key; a flow's child's is for its caller to settle
(the settle block). Needs util, keys, index, status, backoff, queueing, events, stats,
metrics, delete, retain and unique. ]]
--@include util, keys, index, status, backoff, queueing, events, stats, metrics, delete, retain, unique

-- The caller has checked the lock. retry_delay < 0 means "use the job's built-in backoff";
-- final = no retry whatever attempts remain. Returns STATUS.RETRY when the job will run
-- again, else STATUS.FAILED and, for a flow's child, the settle block's item.
local function fail_attempt(base, id, jtype, message, stack, retry_delay, now, final)
  local jk = key_job(base, id)
  local max, started, rof, priority, group, ukey, parent =
    unpack(redis.call('HMGET', jk, 'attempts', 'started_at', 'remove_on_fail', 'priority', 'group', 'unique', 'parent'))
  index_remove(base, jtype, 'active', id, group)
  local made = redis.call('HINCRBY', jk, 'made', 1)
  max = tonumber(max) or 1
  -- Every failed attempt is kept (the latest 50), not only the last error.
  local errors = key_errors(base, id)
  redis.call('RPUSH', errors, '{"attempt":' .. made .. ',"started_at":' .. (tonumber(started) and started or 'null') ..
    ',"failed_at":' .. int(now) .. ',"error":' .. cjson.encode(message) .. ',"stack":' .. cjson.encode(stack or '') .. '}')
  redis.call('LTRIM', errors, -50, -1)
  redis.call('HSET', jk, 'error', message, 'stack', stack or '', 'failed_at', int(now))
  redis.call('HDEL', jk, 'lock', 'ttl_at')
  if made < max and not final then
    local delay = retry_delay
    if delay < 0 then delay = backoff_delay(jk, made) end
    redis.call('HSET', jk, 'backoff_last', int(delay))
    if delay > 0 then
      schedule(base, id, jtype, now + delay, now)
      emit(base, id, jtype, 'delayed', '[' .. int(now + delay) .. ']')
    else
      enqueue(base, id, jtype, tonumber(priority) or 0, now, group)
    end
    emit(base, id, jtype, 'failed attempt', '[' .. cjson.encode(message) .. ',' .. made .. ']')
    record_minute(key_minute(base, math.floor(now / 60000)), jtype, 'retried', 1)
    if metrics_on == nil then metrics_on = redis.call('EXISTS', key_metrics_lease(base)) == 1 end
    if metrics_on then redis.call('HINCRBY', key_metrics(base, jtype), 't', 1) end
    return STATUS.RETRY
  end
  record_minute(key_minute(base, math.floor(now / 60000)), jtype, 'failed', 1)
  if metrics_on == nil then metrics_on = redis.call('EXISTS', key_metrics_lease(base)) == 1 end
  if metrics_on then redis.call('HINCRBY', key_metrics(base, jtype), 'f', 1) end
  release_unique(base, id, ukey)
  emit(base, id, jtype, 'failed', '[' .. cjson.encode(message) .. ']')
  if rof == '1' then
    delete_job(base, id, jtype, nil)
    emit(base, id, jtype, 'remove', '[' .. cjson.encode(jtype) .. ']')
  else
    index_add(base, jtype, 'failed', now, id)
    redis.call('HSET', jk, 'state', 'failed', 'updated_at', int(now))
    if rof then retain(base, jtype, 'failed', rof, now) end
  end
  return STATUS.FAILED, parent and { parent, id, 'failed', message } or nil
end
