--[[ pause: stop (or resume) the taking of jobs of one type by every worker, everywhere.
Running jobs finish normally. Resuming leaves a wake marker so idle workers look at once.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  type
ARGV[3]  '1' to pause, '0' to resume
Returns STATUS.CHANGED (1) when the setting changed, STATUS.UNCHANGED (0) when it already
was so.
Events: 'paused' [] or 'resumed' [] (id 0).
]]
--@include keys, status, wake, events
local base, jtype, pause = ARGV[1], ARGV[2], ARGV[3] == '1'
local changed
if pause then
  changed = redis.call('SADD', key_paused(base), jtype) == 1
else
  changed = redis.call('SREM', key_paused(base), jtype) == 1
  if redis.call('ZCARD', key_state(base, 'inactive', jtype)) > 0 then wake(base, jtype) end
end
if not changed then return STATUS.UNCHANGED end
emit(base, '0', jtype, pause and 'paused' or 'resumed', '[]')
return STATUS.CHANGED
