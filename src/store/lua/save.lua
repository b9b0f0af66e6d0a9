--[[ save: create one or more jobs, each in state inactive (or delayed when it has a delay).

KEYS[1]  B:ids, the id counter (declared so cluster clients route the call to B's slot)
ARGV[1]  B, the queue's key base
ARGV[2..] one group of 12 values per job:
  type          non-empty string
  data          JSON text
  priority      integer, lower runs first
  delay         ms before the job may run; 0 = inactive now
  attempts      integer >= 1
  backoff       '' | 'fixed' | 'exponential' | the name of a worker-side strategy
  backoff_delay ms, '' = the job's delay
  backoff_max   ms cap for exponential, '' = none
  ttl           ms an attempt may stay active, 0 = no limit
  remove_on_complete retention once complete: '' keep | '1' delete | 'c:<n>' | 'a:<ms>' | 'c:<n>,a:<ms>'
  remove_on_fail     the same once failed for good
  words         search words, space-separated and already stemmed ('' = not indexed)
Returns the new ids, as strings, in argument order.
Events: 'enqueue' [type] for inactive jobs, 'delayed' [due] for delayed ones, all in one
message (a JSON array when there are several); the 'enqueue' events of one type are one
entry listing their ids ("ids" instead of "id").
]]
--@include util, keys, index, data, search, present, wake, events, waiting
local base = ARGV[1]
local now = now_ms()
local now_text = int(now)
local per_job = 12
local count = (#ARGV - 1) / per_job
local first = redis.call('INCRBY', KEYS[1], count) - count + 1
local ids = {}
-- Work done once per call, not per job: each index gets one ZADD of all its entries (and its
-- name is built once), each type one SADD and one wake-up, and the events go out as one message.
local inactive = {}
-- Made by the first delayed job: most calls have none.
local delayed, all_delayed
local types, events = {}, {}
local first_due
-- Ids of the jobs made inactive, per type: one 'enqueue' event text per type lists them all.
local enqueued = {}

local function index(entries, score, member)
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

for n = 0, count - 1 do
  local g = 2 + n * per_job
  local jtype, data, priority, delay, attempts, backoff, backoff_delay, backoff_max, ttl, roc, rof, words =
    unpack(ARGV, g, g + per_job - 1)
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
  if d > 0 then
    local due = int(now + d)
    fields[#fields + 1] = 'state'
    fields[#fields + 1] = 'delayed'
    fields[#fields + 1] = 'promote_at'
    fields[#fields + 1] = due
    if not delayed then delayed, all_delayed = {}, {} end
    index(all_delayed, due, m)
    index(list_in(delayed, jtype), due, m)
    events[#events + 1] = event_text(id, jtype, 'delayed', '[' .. due .. ']')
    if not first_due or now + d < first_due then first_due = now + d end
  else
    fields[#fields + 1] = 'state'
    fields[#fields + 1] = 'inactive'
    index(list_in(inactive, jtype), priority, m)
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
return ids
