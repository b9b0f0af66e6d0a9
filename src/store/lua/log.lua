--[[ log: append lines to a job's log.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  job id
ARGV[3..] lines
Returns the log's length, or 0 when there is no such job (nothing is written then).
]]
local jk = job_key(ARGV[1], ARGV[2])
if redis.call('EXISTS', jk) == 0 then return 0 end
return redis.call('RPUSH', jk .. ':log', unpack(ARGV, 3))
