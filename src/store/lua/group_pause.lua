--[[ group_pause: stop (or resume) the taking of one group's jobs of a type, by every worker.
Running jobs finish normally; the group's waiting jobs stay where they are, in their order.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  type
ARGV[3]  group
ARGV[4]  '1' to pause, '0' to resume
Returns STATUS.CHANGED when the setting changed, STATUS.UNCHANGED when it already was so.
]]
--@include keys, status, wake
local base, jtype, group, pause = ARGV[1], ARGV[2], ARGV[3], ARGV[4] == '1'
local paused = key_state(base, 'group-paused', jtype)
local rotation = key_state(base, 'groups', jtype)
if pause then
  if redis.call('SADD', paused, group) == 0 then return STATUS.UNCHANGED end
  redis.call('ZREM', rotation, group)
  return STATUS.CHANGED
end
if redis.call('SREM', paused, group) == 0 then return STATUS.UNCHANGED end
if redis.call('EXISTS', key_group(base, jtype, 'jobs', group)) == 1 and not redis.call('ZSCORE', rotation, group) then
  redis.call('ZADD', rotation, redis.call('HINCRBY', key_flow(base, jtype), 'turn', 1), group)
  wake(base, jtype)
end
return STATUS.CHANGED
