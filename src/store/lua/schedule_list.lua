--[[ schedule_list: (read) schedules with every field, and the state of each one's latest run,
at one instant.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  the most schedules to return
ARGV[3..] schedule ids; none = every schedule, by next due time (paused and finished last)
Returns {server now (ms), per schedule found: {id, {field, value, ...}, state of its latest
run ('' when it has none or it is gone)}}.
]]
--@include util, keys
local base, limit = ARGV[1], tonumber(ARGV[2])
local ids = {}
if #ARGV > 2 then
  for n = 3, #ARGV do ids[#ids + 1] = ARGV[n] end
else
  ids = redis.call('ZRANGE', key_schedules(base), 0, limit - 1)
end
local found = {}
for _, id in ipairs(ids) do
  local fields = redis.call('HGETALL', key_schedule(base, id))
  if #fields > 0 then
    local last_job = redis.call('HGET', key_schedule(base, id), 'last_job')
    local state = last_job and redis.call('HGET', key_job(base, last_job), 'state') or ''
    found[#found + 1] = { id, fields, state or '' }
  end
end
return { now_ms(), found }
