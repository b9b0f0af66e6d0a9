--[[ remove: delete a job, its log and every index entry, whatever its state.
An active job's worker loses its lock with it: its late reply is refused.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  job id
Returns STATUS.DONE (1) when removed, STATUS.NO_JOB (0) when there was no such job.
Events: 'remove' [type].
]]
--@include keys, status, events, delete
local base, id = ARGV[1], ARGV[2]
local jtype, state = unpack(redis.call('HMGET', key_job(base, id), 'type', 'state'))
if not jtype then return STATUS.NO_JOB end
delete_job(base, id, jtype, state)
emit(base, id, jtype, 'remove', '[' .. cjson.encode(jtype) .. ']')
return STATUS.DONE
