--[[ progress: record the progress of active jobs (every call of one tick, together).

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2..] one group of 3 values per update: job id, percentage 0..100, extra data as JSON
          text ('' for none)
Returns 1 per update, or 0 where there is no such job (nothing is written for it).
Events, in one message: 'progress' [percentage, data] per update.
]]
local base = ARGV[1]
local now_text = int(now_ms())
local written, events = {}, {}
for g = 2, #ARGV, 3 do
  local id, pct, data = ARGV[g], ARGV[g + 1], ARGV[g + 2]
  local jk = job_key(base, id)
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
  written[#written + 1] = jtype and 1 or 0
end
emit_all(base, events)
return written
