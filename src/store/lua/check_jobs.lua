--[[ check_jobs: read-only consistency check of a batch of jobs (`kue check`). Each job is
read in one script, so a queue that keeps working while it is checked yields no false
findings: every transition is atomic too.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  first id of the batch, ARGV[3] ... the others (ids found from job, log, errors
         and flow keys)
A flow's parent must hold every child it waits for in its pending set, and no child that
is finished or gone (unless B:cascade still has them to cancel or remove); a child of a
waiting parent must be pending, or have its result or error with the parent.
Returns {findings, counts}: findings a flat list of id, code, key triples; counts the jobs
of each state found, as a flat list of state, count pairs.
]]
--@include keys, index, present, data, delete
local FINISHED = { complete = true, failed = true }
local base = ARGV[1]
local states = { 'inactive', 'delayed', 'active', 'complete', 'failed', 'waiting' }
local last = tonumber(redis.call('GET', key_ids(base)) or '0') or 0
local findings, counts = {}, {}

local function found(id, code, key)
  findings[#findings + 1] = id
  findings[#findings + 1] = code
  findings[#findings + 1] = key
end

-- A key of the wrong type is reported by the caller; here it only reads as "not there".
local function has(command, key, member)
  local reply = redis.pcall(command, key, member)
  return type(reply) ~= 'table' and reply ~= false and reply ~= 0
end

local function is_state(s)
  for _, known in ipairs(states) do
    if s == known then return true end
  end
  return false
end

for i = 2, #ARGV do
  local id = ARGV[i]
  local jk = key_job(base, id)
  local kind = redis.call('TYPE', jk).ok
  if kind == 'hash' then
    local m = fifo(id)
    local state, jtype, words, group = unpack(redis.call('HMGET', jk, 'state', 'type', 'words', 'group'))
    local data = get_data(jk)
    counts[state or ''] = (counts[state or ''] or 0) + 1
    if (tonumber(id) or 0) > last then found(id, 'id-above-counter', key_ids(base)) end
    local n = tonumber(id)
    local present = key_present(base, math.floor(n / PRESENT_SPAN))
    if redis.pcall('GETBIT', present, n % PRESENT_SPAN) ~= 1 then found(id, 'missing-from-index', present) end
    if not is_state(state) then
      found(id, 'bad-state', jk)
    elseif swept(state) and not has('ZSCORE', key_state(base, state), m) then
      found(id, 'missing-from-index', key_state(base, state))
    end
    if not jtype or jtype == '' then
      found(id, 'no-type', jk)
    else
      if not has('SISMEMBER', key_types(base), jtype) then found(id, 'type-not-registered', key_types(base)) end
      -- A waiting job of a group is in its group's index and the type's `grouped` one.
      local indexes = { key_state(base, state, jtype) }
      if group and state == 'inactive' then
        indexes = { key_state(base, 'grouped', jtype), key_group(base, jtype, 'jobs', group) }
      end
      for _, index in ipairs(indexes) do
        if is_state(state) and not has('ZSCORE', index, m) then found(id, 'missing-from-index', index) end
      end
    end
    if data and not pcall(cjson.decode, data) then found(id, 'bad-data', jk) end
    local parent, children = unpack(redis.call('HMGET', jk, 'parent', 'children'))
    local pending = key_pending(base, id)
    if children and not cascade_queued(base, id) and redis.call('TYPE', pending).ok == 'set' then
      -- At most 1,000 members a parent (a random sample beyond), so that one batch of parents
      -- of 20,000 children each does not hold Redis for long.
      for _, child in ipairs(redis.call('SRANDMEMBER', pending, 1000)) do
        local cstate = redis.call('HGET', key_job(base, child), 'state')
        if not cstate or FINISHED[cstate] then found(child, 'tree-waits-on-finished', pending) end
      end
    end
    if state == 'waiting' and redis.call('EXISTS', pending) == 0 then found(id, 'tree-waiting-empty', pending) end
    if parent and redis.call('HGET', key_job(base, parent), 'state') == 'waiting' and
      not has('SISMEMBER', key_pending(base, parent), id) and not has('HEXISTS', key_results(base, parent), id) and
      not has('HEXISTS', key_child_errors(base, parent), id) then
      found(id, 'tree-child-unlisted', key_pending(base, parent))
    end
    for word in string.gmatch(words or '', '%S+') do
      if not has('SISMEMBER', key_search(base, word), id) then
        found(id, 'missing-from-index', key_search(base, word))
      end
    end
  elseif kind ~= 'none' then
    found(id, 'wrong-key-type', jk)
  end
  local owned = { { key_log(base, id), 'list' }, { key_errors(base, id), 'list' }, { key_pending(base, id), 'set' },
    { key_results(base, id), 'hash' }, { key_child_errors(base, id), 'hash' } }
  for k, key_type in ipairs(owned) do
    local key, expected = key_type[1], key_type[2]
    local kind_of = redis.call('TYPE', key).ok
    if kind_of ~= 'none' and kind_of ~= expected then
      found(id, 'wrong-key-type', key)
    elseif kind_of == expected and kind ~= 'hash' then
      -- A removed parent's children still to be removed or cancelled are in its pending set.
      if not (k == 3 and cascade_queued(base, id)) then found(id, 'orphan-key', key) end
    end
  end
end

local flat = {}
for state, n in pairs(counts) do
  flat[#flat + 1] = state
  flat[#flat + 1] = n
end
return { findings, flat }
