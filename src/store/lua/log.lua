--[[ log: append lines to a job's log.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  job id
ARGV[3..] lines
Returns the log's length, or STATUS.NO_JOB (0) when there is no such job (nothing is written then).
]]
--@include keys, status
local base, id = ARGV[1], ARGV[2]
if redis.call('EXISTS', key_job(base, id)) == 0 then return STATUS.NO_JOB end
return redis.call('RPUSH', key_log(base, id), unpack(ARGV, 3))
