--[[ events: the job events scripts publish on B:events. Needs keys. ]]
--@include keys

-- One event as the JSON text the event bus reads. args_json is a JSON array text of the
-- event's arguments.
local function event_text(id, jtype, event, args_json)
  return '{"e":' .. cjson.encode(event) .. ',"id":' .. cjson.encode(id) ..
    ',"t":' .. cjson.encode(jtype) .. ',"a":' .. (args_json or '[]') .. '}'
end

-- Publishes one event.
local function emit(base, id, jtype, event, args_json)
  redis.call('PUBLISH', key_events(base), event_text(id, jtype, event, args_json))
end

-- Publishes many events (texts from event_text) as one message, a JSON array: one PUBLISH
-- per script call instead of one per job.
local function emit_all(base, texts)
  if #texts == 1 then
    redis.call('PUBLISH', key_events(base), texts[1])
  elseif #texts > 1 then
    redis.call('PUBLISH', key_events(base), '[' .. table.concat(texts, ',') .. ']')
  end
end
