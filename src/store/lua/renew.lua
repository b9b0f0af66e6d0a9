--[[ renew: extend the locks a worker holds, all in one call.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  lock duration in ms
ARGV[3..] pairs of job id, lock
Returns, for each job whose lock is no longer held (stalled, expired, moved or cancelled),
its id and then 'c:<reason>' when that attempt was cancelled (B:cancelled:<lock>, see
cancel.lua), else '': its worker must
stop reporting for it, and tells the handler why. A worker learns of a cancellation from
B:cancel at once; this is the way it learns when that message did not reach it.
]]
--@include util, keys, index
local base, lock_ms = ARGV[1], tonumber(ARGV[2])
local now = now_ms()
local lost = {}
for i = 3, #ARGV, 2 do
  local id, lock = ARGV[i], ARGV[i + 1]
  local jk = key_job(base, id)
  local state, held, jtype, ttl_at = unpack(redis.call('HMGET', jk, 'state', 'lock', 'type', 'ttl_at'))
  if state == 'active' and held == lock then
    local deadline = now + lock_ms
    local t = tonumber(ttl_at)
    if t and t < deadline then deadline = t end
    index_add(base, jtype, 'active', deadline, id)
  else
    lost[#lost + 1] = id
    local cancelled = redis.call('GET', key_cancelled(base, lock))
    lost[#lost + 1] = cancelled and ('c:' .. cancelled) or ''
  end
end
return lost
