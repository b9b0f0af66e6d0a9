--[[ tree_cascade: cancels or removes the pending children of flow parents queued in
B:cascade (a parent cancelled, removed, or failed by a child with cancel_children), a bounded
number per call: the maintenance of every process runs it when told on B:timers, and the
caller of a cancel or a removal runs it until it is done. A child that is itself a parent
with pending children is queued in turn, so a whole subtree goes. Each child leaves the
parent's pending set as it is handled (SPOP): a call cut short by a crash leaves the rest
for the next.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  the most children to handle in this call
Returns the number of parents still queued (0: done).
Events: those of cancel (cancelled, failed) or remove per child.
]]
--@include util, keys, cancel_job, parents
local base, limit = ARGV[1], tonumber(ARGV[2])
local now = now_ms()
local cascade = key_cascade(base)
for _, entry in ipairs(redis.call('ZRANGE', cascade, 0, 99)) do
  if limit <= 0 then break end
  local kind, parent = string.match(entry, '^(%a+):(.+)$')
  local pending = key_pending(base, parent)
  local children = redis.call('SPOP', pending, limit)
  limit = limit - #children
  local reason
  if kind == 'cancel' and #children > 0 then
    local pstate, pcancelled = unpack(redis.call('HMGET', key_job(base, parent), 'state', 'cancelled'))
    reason = 'parent ' .. parent .. (pcancelled and ' was cancelled' or (pstate and (' is ' .. pstate) or ' was removed'))
  end
  for _, child in ipairs(children) do
    if kind == 'cancel' then
      cancel_job(base, child, reason, '', now)
    else
      -- Its parent's settle item is moot: the child has left the pending set already.
      local jtype, state = unpack(redis.call('HMGET', key_job(base, child), 'type', 'state'))
      if jtype then remove_job(base, child, jtype, state, '', now) end
    end
  end
  if redis.call('EXISTS', pending) == 0 then redis.call('ZREM', cascade, entry) end
end
return redis.call('ZCARD', cascade)
