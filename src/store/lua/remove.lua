--[[ remove: delete a job, its log and every index entry, whatever its state.
An active job's worker loses its lock with it: its late reply is refused.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  job id
Returns 1 when removed, 0 when there was no such job.
Events: 'remove' [type].
]]
local base, id = ARGV[1], ARGV[2]
local jtype, state = unpack(redis.call('HMGET', job_key(base, id), 'type', 'state'))
if not jtype then return 0 end
delete_job(base, id, jtype, state)
emit(base, id, jtype, 'remove', '[' .. cjson.encode(jtype) .. ']')
return 1
