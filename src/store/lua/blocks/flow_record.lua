--[[ flow_record: after take started jobs of a type with limits: logs their start times for
its rate, and when its limits cut the request, says when to ask again. Pasted into take.
Reads  base, jtype, now, limits (as flow_admit set them)
       started  the ids of the jobs started
       spent    true when the limits cut the request
Sets   wait     when spent and not set before (by group_pop): the ms until the rate lets
                another job start (0: no rate, or it does now; the worker then waits for an
                active job of the type to end) ]]
--@include util, keys
local max = limits.rate_ms and limits.rate_max
if max then
  local log = key_starts(base, jtype)
  if #started > 0 then
    local times = {}
    local now_text = int(now)
    for i = 1, #started do times[i] = now_text end
    redis.call('LPUSH', log, unpack(times))
    redis.call('LTRIM', log, 0, max - 1)
    -- The log matters for one window: an idle type's log goes by itself.
    redis.call('PEXPIRE', log, limits.rate_ms)
  end
  if spent and not wait then
    local oldest = tonumber(redis.call('LINDEX', log, max - 1))
    wait = oldest and math.max(oldest + limits.rate_ms - now, 0)
  end
end
if spent and not wait then wait = 0 end
