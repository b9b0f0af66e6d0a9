--[[ events: the job events scripts append to the capped stream B:stream, which every process
reads from where it left off (src/events/event-stream.ts). Needs keys.
XADD may grow memory: it must never be a script's first write (Redis refuses such a script at
maxmemory; see complete.lua). ]]
--@include keys

-- Entries the stream keeps: the process's `events.maxLen`, written into this line of the
-- script when its scripts are defined (scripts.ts), so no call spends a read on it.
local STREAM_CAP = '100000'

-- Appends one entry: an event's text, or a JSON array of them. Trimming in every XADD would
-- cost each call a tenth more: the stream is trimmed by the calls of one millisecond in 100,
-- those whose entry id ('<ms>-<seq>', 13 digits of ms until the year 2286) ends its ms in
-- '00' (byte reads; string.match costs more than the trim), and by every 100th call of one
-- millisecond (its seq ends in '00'): a stream whose last id is ahead of the clock (the clock
-- stepped back, a failover to a replica behind) keeps one ms and counts only its seq. So the
-- stream runs over its cap by a node (MAXLEN ~ trims whole nodes of 100 entries) and the
-- entries of about 100 calls, or of 100 ms when calls come faster.
local function stream_add(base, text)
  local id = redis.call('XADD', key_stream(base), '*', 'm', text)
  if (string.byte(id, 13) == 48 and string.byte(id, 12) == 48)
    or (string.byte(id, -1) == 48 and string.byte(id, -2) == 48) then
    redis.call('XTRIM', key_stream(base), 'MAXLEN', '~', STREAM_CAP)
  end
end

-- One event as the JSON text the event reader parses. args_json is a JSON array text of the
-- event's arguments.
local function event_text(id, jtype, event, args_json)
  return '{"e":' .. cjson.encode(event) .. ',"id":' .. cjson.encode(id) ..
    ',"t":' .. cjson.encode(jtype) .. ',"a":' .. (args_json or '[]') .. '}'
end

-- Appends one event.
local function emit(base, id, jtype, event, args_json)
  stream_add(base, event_text(id, jtype, event, args_json))
end

-- Appends many events (texts from event_text) as one entry, a JSON array: one XADD per script
-- call instead of one per job.
local function emit_all(base, texts)
  if #texts == 1 then
    stream_add(base, texts[1])
  elseif #texts > 1 then
    stream_add(base, '[' .. table.concat(texts, ',') .. ']')
  end
end
