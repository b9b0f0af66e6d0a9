--[[ remove: delete a job, its log and every index entry, whatever its state.
An active job's worker loses its lock with it: its late reply is refused.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  job id
ARGV[3]  the states the caller expects the job in, comma-separated; '' for any
Returns 1 when removed, 0 when there was no such job, or the job's state (a string) when it
is in none of the expected ones (nothing changed).
Events: 'remove' [type].
]]
local base, id, expected = ARGV[1], ARGV[2], ARGV[3]
local jtype, state = unpack(redis.call('HMGET', job_key(base, id), 'type', 'state'))
if not jtype then return 0 end
if not state_expected(expected, state) then return state or '' end
delete_job(base, id, jtype, state)
emit(base, id, jtype, 'remove', '[' .. cjson.encode(jtype) .. ']')
return 1
