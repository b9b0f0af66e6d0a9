--[[ remove: delete a job, its log and every index entry, whatever its state.
An active job's worker loses its lock with it: its late reply is refused.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  job id
ARGV[3]  the states the caller expects the job in, comma-separated; '' for any
Returns STATUS.DONE (1) when removed, STATUS.NO_JOB (0) when there was no such job, or the
job's state (a string) when it is in none of the expected ones (nothing changed).
Events: 'remove' [type].
]]
--@include keys, status, events, delete, expected
local base, id, expected = ARGV[1], ARGV[2], ARGV[3]
local jtype, state = unpack(redis.call('HMGET', key_job(base, id), 'type', 'state'))
if not jtype then return STATUS.NO_JOB end
if not state_expected(expected, state) then return state or '' end
delete_job(base, id, jtype, state)
emit(base, id, jtype, 'remove', '[' .. cjson.encode(jtype) .. ']')
return STATUS.DONE
