--[[ flow_admit: how many jobs of a type its limits let start now, over every worker: a rate
(at most rate_max starts in any window of rate_ms), a concurrency (at most that many of the
type active at once) and a hold a handler asked for (ctx.rateLimit, until a time). Pasted into
take, which runs it only for a type that has a flow hash; a function would cost every take
its making, on every call, limits or not.
Reads  base, jtype, now
       count   the jobs asked for
       flow    the type's flow hash as HGETALL gives it (not empty)
Sets   count   cut to the jobs that may start
       limits  the flow hash's fields, as numbers
       wait    when count is 0: the ms to wait before asking again (0: until an active job of
               the type ends) ]]
--@include keys
limits = {}
for i = 1, #flow, 2 do limits[flow[i]] = tonumber(flow[i + 1]) end
local held_until = limits['until']
if held_until and held_until <= now then
  redis.call('HDEL', key_flow(base, jtype), 'until')
  held_until = nil
end
if held_until then
  count, wait = 0, held_until - now
elseif limits.concurrency then
  local free = limits.concurrency - redis.call('ZCARD', key_state(base, 'active', jtype))
  if free < count then count = math.max(free, 0) end
  if count == 0 then wait = 0 end
end
-- A rate needs both fields: half of one (kue check reports it) limits nothing.
local max = limits.rate_ms and limits.rate_max
if max and count > 0 then
  if count > max then count = max end
  -- Starting k more keeps every window within the limit when the start k places from the end
  -- of the log (index max - k, newest first) is at least rate_ms old, or missing. Those places
  -- form a run at the log's old end, read here in one range.
  local log = redis.call('LRANGE', key_starts(base, jtype), max - count, max - 1)
  local free = count - #log
  local cutoff = now - limits.rate_ms
  for i = #log, 1, -1 do
    if tonumber(log[i]) > cutoff then break end
    free = free + 1
  end
  if free == 0 then wait = tonumber(log[#log]) + limits.rate_ms - now end
  count = free
end
