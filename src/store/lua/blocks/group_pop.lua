--[[ group_pop: takes the next jobs of a type whose jobs are in groups, one per group in turn
(the rotation, B:type:<type>:groups, holds the groups that may go, scored by turn; a group
served goes to the back), so a group with 50,000 waiting jobs delays another's first job by
about one job per other group. Within a group, priority then FIFO. The type's jobs without a
group take their turn as the group ''. A group that is paused, or at its concurrency, leaves
the rotation (it returns when resumed, or when one of its jobs ends); one at its rate waits
in B:type:<type>:group-held until its window opens. Pasted into take.
Reads  base, jtype, now, count, limits (as flow_admit set them)
       key      the type's index of inactive jobs without a group
Sets   popped   {member, score, ...} as ZPOPMIN gives them
       grouped  the group of each popped job, by member (absent: no group)
       wait     when fewer jobs were popped than asked and a group is held back by its rate:
                ms until it may go; when none were popped and none is held: 0 (until a job of
                a group ends) ]]
--@include util, keys, index
local rotation = key_state(base, 'groups', jtype)
local held = key_state(base, 'group-held', jtype)
local flow_key = key_flow(base, jtype)
local function to_back(group)
  redis.call('ZADD', rotation, redis.call('HINCRBY', flow_key, 'turn', 1), group)
end
if not redis.call('ZSCORE', rotation, '') and redis.call('ZCARD', key) > 0 then to_back('') end
for _, group in ipairs(redis.call('ZRANGEBYSCORE', held, '-inf', now)) do
  redis.call('ZREM', held, group)
  if not redis.call('ZSCORE', rotation, group) then to_back(group) end
end
local g_conc, g_max, g_ms = limits.g_concurrency, limits.g_rate_ms and limits.g_rate_max, limits.g_rate_ms
local paused = key_state(base, 'group-paused', jtype)
-- Most types pause no group: then no group is asked about.
local any_paused = redis.call('EXISTS', paused) == 1
local active = key_state(base, 'group-active', jtype)
popped, grouped = {}, {}
-- Each blocked group leaves the rotation when looked at, so the looking stays bounded.
local looked = 0
while #popped < 2 * count and looked < count + 100 do
  local group = redis.call('ZRANGE', rotation, 0, 0)[1]
  if not group then break end
  looked = looked + 1
  local one
  if group == '' then
    one = redis.call('ZPOPMIN', key, 1)
  elseif any_paused and redis.call('SISMEMBER', paused, group) == 1 then
    one = nil
  elseif g_conc and (tonumber(redis.call('HGET', active, group)) or 0) >= g_conc then
    one = nil
  else
    local log = key_group(base, jtype, 'starts', group)
    local oldest = g_max and tonumber(redis.call('LINDEX', log, g_max - 1))
    if oldest and oldest > now - g_ms then
      redis.call('ZADD', held, oldest + g_ms, group)
      one = nil
    else
      local jobs = key_group(base, jtype, 'jobs', group)
      one = redis.call('ZPOPMIN', jobs, 1)
      if one[1] then
        redis.call('ZREM', key_state(base, 'grouped', jtype), one[1])
        count_waiting(base, jtype, group, jobs)
        -- Counted at once, so that this loop sees the group's own limits as it goes.
        redis.call('HINCRBY', active, group, 1)
        grouped[one[1]] = group
        if g_max then
          redis.call('LPUSH', log, int(now))
          redis.call('LTRIM', log, 0, g_max - 1)
          redis.call('PEXPIRE', log, g_ms)
        end
      end
    end
  end
  if one and one[1] then
    popped[#popped + 1] = one[1]
    popped[#popped + 1] = one[2]
    to_back(group)
  else
    redis.call('ZREM', rotation, group)
  end
end
-- Fewer than asked: ask again when the first held group may go (0, with nothing taken and no
-- group held: when a job of a group at its concurrency ends).
if #popped < 2 * count then
  local first = redis.call('ZRANGE', held, 0, 0, 'WITHSCORES')
  if first[2] then
    wait = math.max(tonumber(first[2]) - now, 1)
  elseif #popped == 0 then
    wait = 0
  end
end
