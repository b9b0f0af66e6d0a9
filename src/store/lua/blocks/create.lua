--[[ create: makes new jobs, each inactive (or delayed when it has a delay): the body of save,
pasted into schedule_fire and schedule_run too, so a schedule's runs are ordinary jobs (events,
search, types, presence).
Reads  base    the queue's key base
       values  the jobs' values, 13 per job in the order of save.lua's contract (a schedule's
               template stored with 12 has no group)
       from    the index in `values` of the first job's first value
       count   the number of jobs (nil: every job from `from` to the end of `values`)
       extra   nil, or for job n a flat list of more fields to store (name, value, ...)
Sets   ids     the new ids, as strings, in order (the script declares it). ]]
--@include util, keys, index, data, search, present, wake, events, waiting
-- Values one job takes in `values` (see the contract of save.lua for their order).
local NEW_JOB_VALUES = 13

-- Appends a score, member pair to a flat list of ZADD arguments.
local function pair_into(entries, score, member)
  entries[#entries + 1] = score
  entries[#entries + 1] = member
end

-- ZADDs many score, member pairs to one key, in commands of at most 1,000 pairs (Lua's
-- unpack has a limit on how many values it spreads).
local function zadd_all(key, pairs_flat)
  for i = 1, #pairs_flat, 2000 do
    redis.call('ZADD', key, unpack(pairs_flat, i, math.min(i + 1999, #pairs_flat)))
  end
end

local function optional(fields, name, value, default)
  if value ~= default and value ~= '' then
    fields[#fields + 1] = name
    fields[#fields + 1] = value
  end
end

local job_count = count or (#values - from + 1) / NEW_JOB_VALUES
local now = now_ms()
local now_text = int(now)
local first = redis.call('INCRBY', key_ids(base), job_count) - job_count + 1
ids = {}
-- Work done once per call, not per job: each index gets one ZADD of all its entries (and its
-- name is built once), each type one SADD and one wake-up, and the events go out as one message.
local inactive = {}
-- Made by the first delayed job: most calls have none.
local delayed, all_delayed
local types, events = {}, {}
-- Made by the first job of a group: most calls have none.
local grouped_types
local first_due
-- Ids of the jobs made inactive, per type: one 'enqueue' event text per type lists them all.
local enqueued = {}

for n = 0, job_count - 1 do
  local g = from + n * NEW_JOB_VALUES
  local jtype, data, priority, delay, attempts, backoff, backoff_delay, backoff_max, ttl, roc, rof, words, group =
    unpack(values, g, g + NEW_JOB_VALUES - 1)
  if group == '' then group = nil end
  local id = int(first + n)
  local m = fifo(id)
  local d = tonumber(delay)
  -- Only fields that differ from their defaults are stored: a waiting job stays small
  -- (priority 0 and updated_at = created_at are what a reader assumes when they are absent).
  local fields = data_fields(data)
  fields[#fields + 1] = 'type'
  fields[#fields + 1] = jtype
  fields[#fields + 1] = 'created_at'
  fields[#fields + 1] = now_text
  optional(fields, 'priority', priority, '0')
  optional(fields, 'delay', delay, '0')
  optional(fields, 'attempts', attempts, '1')
  optional(fields, 'backoff', backoff, '')
  optional(fields, 'backoff_delay', backoff_delay, '')
  optional(fields, 'backoff_max', backoff_max, '')
  optional(fields, 'ttl', ttl, '0')
  optional(fields, 'remove_on_complete', roc, '')
  optional(fields, 'remove_on_fail', rof, '')
  optional(fields, 'words', words, '')
  if group then
    fields[#fields + 1] = 'group'
    fields[#fields + 1] = group
  end
  if extra then
    for _, v in ipairs(extra[n + 1]) do fields[#fields + 1] = v end
  end
  if d > 0 then
    local due = int(now + d)
    fields[#fields + 1] = 'state'
    fields[#fields + 1] = 'delayed'
    fields[#fields + 1] = 'promote_at'
    fields[#fields + 1] = due
    if not delayed then delayed, all_delayed = {}, {} end
    pair_into(all_delayed, due, m)
    pair_into(list_in(delayed, jtype), due, m)
    events[#events + 1] = event_text(id, jtype, 'delayed', '[' .. due .. ']')
    if not first_due or now + d < first_due then first_due = now + d end
  else
    fields[#fields + 1] = 'state'
    fields[#fields + 1] = 'inactive'
    if group then
      -- Indexed one by one: grouped saves are the rarer kind, and each may start a group.
      grouped_types = grouped_types or {}
      if not grouped_types[jtype] then
        grouped_types[jtype] = true
        redis.call('HSET', key_flow(base, jtype), 'grouped', '1')
      end
      index_add(base, jtype, 'inactive', priority, id, group)
    else
      pair_into(list_in(inactive, jtype), priority, m)
    end
    local same_type = list_in(enqueued, jtype)
    same_type[#same_type + 1] = id
  end
  redis.call('HSET', key_job(base, id), unpack(fields))
  index_words(base, id, words)
  types[jtype] = true
  ids[#ids + 1] = id
end

if delayed then
  zadd_all(key_state(base, 'delayed'), all_delayed)
  for jtype, entries in pairs(delayed) do zadd_all(key_state(base, 'delayed', jtype), entries) end
end
for jtype, entries in pairs(inactive) do zadd_all(key_state(base, 'inactive', jtype), entries) end
mark_present(base, ids)
for jtype in pairs(types) do redis.call('SADD', key_types(base), jtype) end
for jtype, same_type in pairs(enqueued) do
  wake(base, jtype)
  local t = cjson.encode(jtype)
  events[#events + 1] = '{"e":"enqueue","ids":["' .. table.concat(same_type, '","') .. '"],"t":' .. t .. ',"a":[' .. t .. ']}'
end
emit_all(base, events)
if first_due then hint_due(base, first_due) end
