--[[ schedule_remove: delete a schedule. Its runs already made stay (ordinary jobs); a
schedule added again under the same id starts afresh.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  schedule id
Returns STATUS.DONE, or STATUS.NO_SCHEDULE when there was none.
]]
--@include keys, status
local base, id = ARGV[1], ARGV[2]
redis.call('ZREM', key_schedules(base), id)
if redis.call('DEL', key_schedule(base, id)) == 0 then return STATUS.NO_SCHEDULE end
return STATUS.DONE
