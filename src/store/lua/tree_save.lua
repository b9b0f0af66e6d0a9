--[[ tree_save: create a flow, a parent and its children (children may be parents in turn),
all or none: the parents wait (state waiting) until their children settle (see
includes/parents.lua), the other jobs are made as save makes them. A child's hash names its
parent (field parent); a parent's names how many children it has (children), its policy
for a failed child (on_child_failure: absent = fail, 'ignore', 'remove-parent') and
cancel_children ('1'), and B:job:<id>:pending holds its children's ids.
A job whose unique key is held makes the whole flow fail with nothing written: a parent
would otherwise wait on a job that is not its own.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  the call's token, or '' (no record): as in save.lua, the same call again gets the
         recorded reply back and changes nothing
ARGV[3]  ms the record is kept
ARGV[4]  the tokens of earlier sends of this very flow (a caller's retry), space-separated:
         the first whose record exists gives the reply
ARGV[5]  per job, comma-separated, the place (from 1) of its parent in this call; 0 for the root
ARGV[6]  JSON {"<place>": [number of children, policy ('' = fail), cancel children (0|1)]}
         of the jobs that are parents
then 13 values per job as save.lua's, and last, when some job has a unique key or a trace
context, JSON {"<place>": {"unique", "ttl", "tp"}} as save.lua's options.
Returns the ids of the jobs in argument order (they are consecutive), or {'conflict',
place, holder id} when the unique key of the job at place is held by another job.
Events: as save's, and 'waiting' [children] per parent.
]]
--@include util, keys
local base, call, window = ARGV[1], ARGV[2], ARGV[3]
local values, from = ARGV, 7
local rest = #ARGV - from + 1
local count = (rest - rest % 13) / 13
local options = rest % 13 == 1 and cjson.decode(ARGV[#ARGV]) or nil

local function replies_from(first_text)
  local first, ids = tonumber(first_text), {}
  for n = 1, count do ids[n] = int(first + n - 1) end
  return ids
end

-- This very call again (ioredis resent it after its reply was lost): its reply, before the
-- unique keys, which its own jobs now hold.
if call ~= '' then
  local record = redis.call('GET', key_saved(base, call))
  if record then return replies_from(record) end
end
for send in string.gmatch(ARGV[4], '%S+') do
  local record = redis.call('GET', key_saved(base, send))
  if record then return replies_from(record) end
end

-- Every unique key must be free before anything is written.
if options then
  for place, opts in pairs(options) do
    -- A job whose only option is its trace context holds no key.
    local held = opts.unique and redis.call('GET', key_unique(base, opts.unique))
    local holder = held and string.match(held, '^%d+')
    if holder then
      local state, named = unpack(redis.call('HMGET', key_job(base, holder), 'state', 'unique'))
      local live = named == opts.unique and (state == 'inactive' or state == 'delayed' or state == 'active' or state == 'waiting')
      if live or string.sub(held, -4) == ' ttl' then return { 'conflict', tonumber(place), holder } end
    end
  end
end

local first = redis.call('INCRBY', key_ids(base), count) - count + 1
if call ~= '' and not redis.call('SET', key_saved(base, call), int(first), 'NX', 'PX', window) then
  redis.call('INCRBY', key_ids(base), -count)
  return replies_from(redis.call('GET', key_saved(base, call)))
end

local extra, waits, pending = {}, {}, {}
local n = 0
for link in string.gmatch(ARGV[5], '%d+') do
  n = n + 1
  local place = tonumber(link)
  if place > 0 then
    local parent = int(first + place - 1)
    extra[n] = { 'parent', parent }
    local children = list_in(pending, parent)
    children[#children + 1] = int(first + n - 1)
  end
end
for place, node in pairs(cjson.decode(ARGV[6])) do
  local p = tonumber(place)
  local fields = extra[p] or {}
  extra[p] = fields
  fields[#fields + 1] = 'children'
  fields[#fields + 1] = int(node[1])
  if node[2] ~= '' then
    fields[#fields + 1] = 'on_child_failure'
    fields[#fields + 1] = node[2]
  end
  if node[3] == 1 then
    fields[#fields + 1] = 'cancel_children'
    fields[#fields + 1] = '1'
  end
  waits[p] = int(node[1])
end

local ids, dups, made
--@block create
for parent, children in pairs(pending) do
  for i = 1, #children, 1000 do
    redis.call('SADD', key_pending(base, parent), unpack(children, i, math.min(i + 999, #children)))
  end
end
return ids
