--[[ bulk: one batch of an action over the jobs of a state index (the dashboard's "retry all
failed", "remove all complete older than ..."). The caller repeats it until nothing
remains, so no single call blocks Redis for long.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  action: 'retry' (-> inactive) | 'promote' (-> inactive) | 'remove'
ARGV[3]  state whose index is walked
ARGV[4]  type, '' for every type
ARGV[5]  only entries scored below this (ms, for complete / failed / delayed), '' for all
ARGV[6]  batch size
Returns {handled in this batch, entries still matching after it}.
Events: 'enqueue' [type] per job moved to inactive, 'remove' [type] per job removed.
]]
--@include util, keys, index, views, events, queueing, parents
local base, action, state, jtype_filter, before, limit =
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
local max = before ~= '' and ('(' .. before) or '+inf'
local now = now_ms()
local handled, remaining = 0, 0
-- Flows' children removed, settled last (made by the first).
local settling
for _, key in ipairs(state_keys(base, state, jtype_filter)) do
  if handled < limit then
    local members = redis.call('ZRANGEBYSCORE', key, '-inf', max, 'LIMIT', 0, limit - handled)
    handled = handled + #members
    for _, m in ipairs(members) do
      local id = id_of(m)
      local jk = key_job(base, id)
      local jtype, priority, group, parent = unpack(redis.call('HMGET', jk, 'type', 'priority', 'group', 'parent'))
      if not jtype then
        redis.call('ZREM', key, m)
      elseif action == 'remove' then
        local child = remove_job(base, id, jtype, state, '', now)
        if child then
          settling = settling or {}
          settling[#settling + 1] = child
        end
      else
        index_remove(base, jtype, state, id, group)
        redis.call('HDEL', jk, 'lock', 'ttl_at', 'cancelled', 'failed_child')
        if parent then wait_again(base, parent, id) end
        enqueue(base, id, jtype, tonumber(priority) or 0, now, group)
        emit(base, id, jtype, 'enqueue', '[' .. cjson.encode(jtype) .. ']')
      end
    end
  end
  remaining = remaining + redis.call('ZCOUNT', key, '-inf', max)
end
if settling then
  --@block settle
end
return { handled, remaining }
