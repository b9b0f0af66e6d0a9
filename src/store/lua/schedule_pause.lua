--[[ schedule_pause: pause a schedule (no runs, next due time none) or resume it (next due
time: the first one after now, which the caller computed from the revision it read; the due
times that passed while paused get no runs).

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  schedule id
ARGV[3]  '1' to pause, '0' to resume
ARGV[4]  resume: the revision the caller read
ARGV[5]  resume: the next due time (ms), '' for none (finished)
Returns STATUS.CHANGED, STATUS.UNCHANGED (already so), STATUS.NO_SCHEDULE or, on resume,
STATUS.CONFLICT (the schedule changed since it was read: read again).
]]
--@include util, keys, status, schedules
local base, id, pause, expected, next_due = ARGV[1], ARGV[2], ARGV[3] == '1', ARGV[4], ARGV[5]
local key = key_schedule(base, id)
local rev, paused = unpack(redis.call('HMGET', key, 'rev', 'paused'))
if not rev then return STATUS.NO_SCHEDULE end
if pause == (paused == '1') then return STATUS.UNCHANGED end
if not pause and rev ~= expected then return STATUS.CONFLICT end
redis.call('HSET', key, 'rev', int(tonumber(rev) + 1), 'updated_at', int(now_ms()))
if pause then
  redis.call('HSET', key, 'paused', '1')
  set_next(base, id, '')
else
  redis.call('HDEL', key, 'paused')
  set_next(base, id, next_due)
  if next_due ~= '' then hint_schedule(base, next_due) end
end
return STATUS.CHANGED
