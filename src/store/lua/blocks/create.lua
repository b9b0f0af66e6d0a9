--[[ create: makes new jobs, each inactive (or delayed when it has a delay): the body of save,
pasted into schedule_fire and schedule_run too, so a schedule's runs are ordinary jobs (events,
search, types, presence). A job makes nothing new when an earlier send of it was recorded (a
caller's retry names the calls it was sent in before) or when its unique key is held (the
unique block).
Reads  base    the queue's key base
       values  the jobs' values, 13 per job in the order of save.lua's contract (a schedule's
               template stored with 12 has no group)
       from    the index in `values` of the first job's first value
       count   the number of jobs
       first   the first of `count` ids the script reserved (INCRBY of B:ids): the new jobs
               take them in order, and the ids left over are given back
       extra   nil, or for job n a flat list of more fields to store (name, value, ...)
       options nil, or for job n (a string key) its options beyond the values, as save.lua's
               contract says (unique, ttl, replace, sends, tp); most jobs have none
       waits   nil, or for job n that is a flow's parent the number of its children: it is
               made in state waiting (see tree_save.lua)
Sets   ids     per job, in order, its id as a string: the new job's, or the existing job's
       dups    nil, or dups[n] = true when job n resolved to an existing job by its unique key
       made    how many jobs it made: they have the ids first .. first + made - 1 ]]
--@include util, keys, index, data, search, present, wake, events, queueing
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

local now = now_ms()
local now_text = int(now)
ids, made = {}, 0
-- Work done once per call, not per job: each index gets one ZADD of all its entries (and its
-- name is built once), each type one SADD and one wake-up, and the events go out as one message.
local inactive = {}
-- Made by the first delayed job: most calls have none.
local delayed, all_delayed
local types, events = {}, {}
local first_due
-- Ids of the jobs made inactive, per type: one 'enqueue' event text per type lists them all.
local enqueued = {}

for n = 1, count do
  local g = from + (n - 1) * NEW_JOB_VALUES
  local jtype, data, priority, delay, attempts, backoff, backoff_delay, backoff_max, ttl, roc, rof, words, group =
    unpack(values, g, g + NEW_JOB_VALUES - 1)
  if group == '' then group = nil end
  local id = int(first + made)
  local d = tonumber(delay)
  local opts = options and options[tostring(n)]
  -- Set when the job resolves to one that exists: '<id>', or '=<id>' for a unique key's holder.
  local reply
  -- Set when the new job takes its unique key.
  local claimed
  if opts then
    -- A retry: the first earlier send whose call Redis recorded ran, and made or found the job.
    for _, send in ipairs(opts.sends or {}) do
      local call, i = string.match(send, '^(.+)%.(%d+)$')
      local record = call and redis.call('GET', key_saved(base, call))
      if record then
        -- A record is the call's first id when it made every job in order, else its replies.
        if string.sub(record, 1, 1) == '[' then
          reply = cjson.decode(record)[tonumber(i) + 1]
        else
          reply = int(tonumber(record) + tonumber(i))
        end
        break
      end
    end
    if not reply and opts.unique then
      --@block unique
    end
  end
  if reply then
    if string.sub(reply, 1, 1) == '=' then
      reply = string.sub(reply, 2)
      dups = dups or {}
      dups[n] = true
    end
    ids[n] = reply
  else
    local m = fifo(id)
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
    if claimed then
      fields[#fields + 1] = 'unique'
      fields[#fields + 1] = opts.unique
      if opts.ttl then
        fields[#fields + 1] = 'unique_ttl'
        fields[#fields + 1] = int(opts.ttl)
      end
    end
    -- The trace context of the save's span (only when a tracer recorded it).
    if opts and opts.tp then
      fields[#fields + 1] = 'tp'
      fields[#fields + 1] = opts.tp
    end
    if extra and extra[n] then
      for _, v in ipairs(extra[n]) do fields[#fields + 1] = v end
    end
    -- A job that takes a unique key goes into its index at once, its events in order: a later
    -- job of this call with the same key may replace it (move it, rewrite it).
    if waits and waits[n] then
      -- A flow's parent: it waits for its children, and its delay counts from its release.
      fields[#fields + 1] = 'state'
      fields[#fields + 1] = 'waiting'
      index_add(base, jtype, 'waiting', now, id)
      events[#events + 1] = event_text(id, jtype, 'waiting', '[' .. waits[n] .. ']')
    elseif d > 0 then
      local due = int(now + d)
      fields[#fields + 1] = 'state'
      fields[#fields + 1] = 'delayed'
      fields[#fields + 1] = 'promote_at'
      fields[#fields + 1] = due
      if claimed then
        index_add(base, jtype, 'delayed', due, id)
      else
        if not delayed then delayed, all_delayed = {}, {} end
        pair_into(all_delayed, due, m)
        pair_into(list_in(delayed, jtype), due, m)
      end
      events[#events + 1] = event_text(id, jtype, 'delayed', '[' .. due .. ']')
      if not first_due or now + d < first_due then first_due = now + d end
    else
      fields[#fields + 1] = 'state'
      fields[#fields + 1] = 'inactive'
      if group or claimed then
        -- Indexed one by one: grouped and unique saves are the rarer kinds, and a grouped one
        -- may start a group.
        index_add(base, jtype, 'inactive', priority, id, group)
      else
        pair_into(list_in(inactive, jtype), priority, m)
      end
      if claimed then
        wake(base, jtype)
        events[#events + 1] = event_text(id, jtype, 'enqueue', '[' .. cjson.encode(jtype) .. ']')
      else
        local same_type = list_in(enqueued, jtype)
        same_type[#same_type + 1] = id
      end
    end
    redis.call('HSET', key_job(base, id), unpack(fields))
    index_words(base, id, words)
    types[jtype] = true
    made = made + 1
    ids[n] = id
  end
end

if delayed then
  zadd_all(key_state(base, 'delayed'), all_delayed)
  for jtype, entries in pairs(delayed) do zadd_all(key_state(base, 'delayed', jtype), entries) end
end
for jtype, entries in pairs(inactive) do zadd_all(key_state(base, 'inactive', jtype), entries) end
-- The new ids are first .. first + made - 1; those reserved for jobs that resolved to existing
-- ones go back, so ids stay dense.
if made < count then
  local made_ids = {}
  for k = 1, made do made_ids[k] = int(first + k - 1) end
  mark_present(base, made_ids)
  redis.call('INCRBY', key_ids(base), made - count)
else
  mark_present(base, ids)
end
for jtype in pairs(types) do redis.call('SADD', key_types(base), jtype) end
for jtype, same_type in pairs(enqueued) do
  wake(base, jtype)
  local t = cjson.encode(jtype)
  events[#events + 1] = '{"e":"enqueue","ids":["' .. table.concat(same_type, '","') .. '"],"t":' .. t .. ',"a":[' .. t .. ']}'
end
emit_all(base, events)
if first_due then hint_due(base, first_due) end
