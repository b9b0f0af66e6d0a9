--[[ pause: stop (or resume) the taking of jobs of one type by every worker, everywhere.
Running jobs finish normally. Resuming leaves a wake marker so idle workers look at once.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  type
ARGV[3]  '1' to pause, '0' to resume
Returns 1 when the setting changed, 0 when it already was so.
Events: 'paused' [] or 'resumed' [] (id 0).
]]
local base, jtype, pause = ARGV[1], ARGV[2], ARGV[3] == '1'
local changed
if pause then
  changed = redis.call('SADD', base .. ':paused', jtype)
else
  changed = redis.call('SREM', base .. ':paused', jtype)
  if redis.call('ZCARD', base .. ':type:' .. jtype .. ':inactive') > 0 then wake(base, jtype) end
end
if changed == 1 then emit(base, '0', jtype, pause and 'paused' or 'resumed', '[]') end
return changed
