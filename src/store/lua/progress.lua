--[[ progress: record the progress of active jobs (every call of one tick, together).

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2..] one group of 3 values per update: job id, percentage 0..100, extra data as JSON
          text ('' for none)
Returns STATUS.DONE (1) per update, or STATUS.NO_JOB (0) where there is no such job (nothing
is written for it).
Events, in one message: 'progress' [percentage, data] per update.
]]
--@include util, keys, status, events
local base = ARGV[1]
local now_text = int(now_ms())
local written, events = {}, {}
for g = 2, #ARGV, 3 do
  local id, pct, data = ARGV[g], ARGV[g + 1], ARGV[g + 2]
  local jk = key_job(base, id)
  local jtype, had_data = unpack(redis.call('HMGET', jk, 'type', 'progress_data'))
  if jtype then
    if data ~= '' then
      redis.call('HSET', jk, 'progress', pct, 'updated_at', now_text, 'progress_data', data)
    else
      redis.call('HSET', jk, 'progress', pct, 'updated_at', now_text)
      if had_data then redis.call('HDEL', jk, 'progress_data') end
    end
    events[#events + 1] = event_text(id, jtype, 'progress', '[' .. pct .. ',' .. (data ~= '' and data or 'null') .. ']')
  end
  written[#written + 1] = jtype and STATUS.DONE or STATUS.NO_JOB
end
emit_all(base, events)
return written
