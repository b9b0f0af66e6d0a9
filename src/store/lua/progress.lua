--[[ progress: record an active job's progress.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  job id
ARGV[3]  percentage 0..100
ARGV[4]  extra data as JSON text, '' for none
Returns 1, or 0 when there is no such job (nothing is written then).
Events: 'progress' [percentage, data].
]]
local base, id, pct, data = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local jk = job_key(base, id)
local jtype = redis.call('HGET', jk, 'type')
if not jtype then return 0 end
redis.call('HSET', jk, 'progress', pct, 'updated_at', int(now_ms()))
if data ~= '' then redis.call('HSET', jk, 'progress_data', data) else redis.call('HDEL', jk, 'progress_data') end
emit(base, id, jtype, 'progress', '[' .. pct .. ',' .. (data ~= '' and data or 'null') .. ']')
return 1
