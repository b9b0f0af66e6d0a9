--[[ wake: the wake marker idle workers of a type block on. Needs keys. ]]
--@include keys

-- Leaves one wake marker for idle workers of the type. A single marker is enough: the
-- worker that takes it passes it on (see take) while jobs remain.
local function wake(base, jtype)
  local key = key_wake(base, jtype)
  if redis.call('LLEN', key) == 0 then
    redis.call('RPUSH', key, '1')
  end
end
