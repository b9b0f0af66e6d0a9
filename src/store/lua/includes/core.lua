--[[ Shared fragment: helpers every transition script uses.

Key layout (B is the queue's base, e.g. "{q}", whose hash tag keeps every key in one slot):
  B:ids                  string  last job id (INCR)
  B:job:<id>             hash    the job record
  B:job:<id>:log         list    the job's log lines
  B:job:<id>:errors      list    its failed attempts, JSON {attempt, started_at, failed_at, error, stack}
  B:present:<n>          string  bitmap: bit i is set while job n * PRESENT_SPAN + i exists
  B:present              zset    the <n> of every B:present:<n> (score = n)
  B:delayed, B:active    zset    delayed / active jobs of every type, for the sweeps
  B:type:<type>:<state>  zset    jobs of <type> in <state>
  B:type:<type>:wake     list    at most one marker: "jobs of <type> may be waiting"
  B:types                set     every job type ever saved
  B:stats:work-time      string  total milliseconds spent by completed jobs
  B:stats:<minute>       hash    per-minute counters by type (see record_minute), kept ~25 h
  B:search:<word>        set     ids of jobs whose search words include <word>
  B:paused               set     types no worker may take
  B:events               channel one JSON message per transition (or a JSON array of them)
  B:timers               channel the due time (ms) of a job just delayed, for promotion timers

Members of every zset are fifo(id): equal scores then sort by id, so one priority is FIFO.
Scores: inactive = priority, delayed = due time (ms), active = lock or ttl deadline
(the earlier, ms), complete / failed = time of the transition (ms).
All times come from the Redis server's clock, so workers on many machines agree.
A job's data is stored in pieces of at most 64 bytes (data, data.1, ...; see data_fields).
]]

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Ids are decimal integers below 10^99: a two-digit length prefix orders them numerically.
local function fifo(id)
  return string.format('%02d|%s', #id, id)
end

local function id_of(member)
  return string.sub(member, 4)
end

-- The list kept in map[key], made empty on first use: for grouping work by index or type.
local function list_in(map, key)
  local list = map[key]
  if not list then
    list = {}
    map[key] = list
  end
  return list
end

local function int(n)
  return string.format('%d', n)
end

local function job_key(base, id)
  return base .. ':job:' .. id
end

-- States indexed across every type as well as per type: the sweeps walk B:delayed by due
-- time and B:active by deadline. The other states are indexed per type only, and a view of
-- every type (lists, counts) merges the types' indexes, so a waiting job costs one index
-- entry (about 120 bytes) and not two.
local SWEPT = { delayed = true, active = true }

local function index_add(base, jtype, state, score, id)
  local m = fifo(id)
  if SWEPT[state] then redis.call('ZADD', base .. ':' .. state, score, m) end
  redis.call('ZADD', base .. ':type:' .. jtype .. ':' .. state, score, m)
end

local function index_remove(base, jtype, state, id)
  local m = fifo(id)
  if SWEPT[state] then redis.call('ZREM', base .. ':' .. state, m) end
  redis.call('ZREM', base .. ':type:' .. jtype .. ':' .. state, m)
end

-- The indexes that together hold the jobs in a state: the type's own, or for every type
-- the sweeps' index where there is one, else every type's.
local function state_keys(base, state, jtype)
  if jtype and jtype ~= '' then return { base .. ':type:' .. jtype .. ':' .. state } end
  if SWEPT[state] then return { base .. ':' .. state } end
  local keys = {}
  for _, t in ipairs(redis.call('SMEMBERS', base .. ':types')) do
    keys[#keys + 1] = base .. ':type:' .. t .. ':' .. state
  end
  return keys
end

-- Orders merged index entries {member, score} as ZRANGE (or ZREVRANGE) orders one index:
-- by score, then by member.
local function entry_order(desc)
  if desc then
    return function(a, b)
      if a[2] ~= b[2] then return a[2] > b[2] end
      return a[1] > b[1]
    end
  end
  return function(a, b)
    if a[2] ~= b[2] then return a[2] < b[2] end
    return a[1] < b[1]
  end
end

-- Which ids exist, for listing every job by id: one bit per id in bitmaps of PRESENT_SPAN
-- ids (B:present:<n>, 1 KB each), whose numbers the small zset B:present lists. An id costs
-- an eighth of a byte instead of a zset entry, and a span whose jobs are all gone is deleted.
local PRESENT_SPAN = 8192

local function present_key(base, span)
  return base .. ':present:' .. int(span)
end

-- Sets the bits of new ids (a list of id strings, ascending): one command per span touched.
local function mark_present(base, ids)
  local span_of, ops = nil, nil
  local function flush()
    if ops then
      redis.call('BITFIELD', present_key(base, span_of), unpack(ops))
      redis.call('ZADD', base .. ':present', span_of, int(span_of))
    end
  end
  for _, id in ipairs(ids) do
    local n = tonumber(id)
    local span = math.floor(n / PRESENT_SPAN)
    if span ~= span_of then
      flush()
      span_of, ops = span, {}
    end
    ops[#ops + 1] = 'SET'
    ops[#ops + 1] = 'u1'
    ops[#ops + 1] = int(n % PRESENT_SPAN)
    ops[#ops + 1] = '1'
  end
  flush()
end

local function unmark_present(base, id)
  local n = tonumber(id)
  local span = math.floor(n / PRESENT_SPAN)
  local key = present_key(base, span)
  redis.call('SETBIT', key, n % PRESENT_SPAN, 0)
  if redis.call('BITCOUNT', key) == 0 then
    redis.call('DEL', key)
    redis.call('ZREM', base .. ':present', int(span))
  end
end

-- Ids of existing jobs in id order (descending when desc), strictly after the id `after`
-- (nil: from the first), skipping the first `skip`, at most `limit` of them.
local function present_ids(base, after, skip, limit, desc)
  local ids = {}
  local after_span = after and math.floor(after / PRESENT_SPAN)
  local spans
  if desc then
    spans = redis.call('ZREVRANGEBYSCORE', base .. ':present', after_span or '+inf', '-inf')
  else
    spans = redis.call('ZRANGEBYSCORE', base .. ':present', after_span or '-inf', '+inf')
  end
  for _, s in ipairs(spans) do
    if #ids >= limit then break end
    local span = tonumber(s)
    local key = present_key(base, span)
    -- A whole span is skipped by its count, without reading it.
    local skipped = false
    if skip > 0 and span ~= after_span then
      local n = redis.call('BITCOUNT', key)
      if n <= skip then
        skip = skip - n
        skipped = true
      end
    end
    if not skipped then
      local bits = redis.call('GET', key) or ''
      local first = span * PRESENT_SPAN
      local from_byte, to_byte, step = 1, #bits, 1
      if desc then from_byte, to_byte, step = #bits, 1, -1 end
      for i = from_byte, to_byte, step do
        local byte = string.byte(bits, i)
        if byte ~= 0 then
          -- Bit 7 of a byte is its lowest offset.
          for k = 0, 7 do
            local b = desc and k or 7 - k
            if bit.band(byte, bit.lshift(1, b)) ~= 0 then
              local id = first + (i - 1) * 8 + (7 - b)
              if not after or (desc and id < after) or (not desc and id > after) then
                if skip > 0 then
                  skip = skip - 1
                else
                  ids[#ids + 1] = id
                  if #ids >= limit then return ids end
                end
              end
            end
          end
        end
      end
    end
  end
  return ids
end

-- A job's data goes into fields of at most 64 bytes (data, data.1, data.2, ...), cut
-- between UTF-8 characters, when it is short enough: Redis keeps a hash whose values are all
-- this small as one compact listpack (hash-max-listpack-value, 64 by default), a third of the
-- size of the table it becomes when one value is longer. Longer data stays in one field.
local DATA_PIECE, DATA_PIECES_MAX = 64, 256

local function data_fields(data)
  if #data <= DATA_PIECE or #data > DATA_PIECES_MAX then return { 'data', data } end
  local fields, at, n = {}, 1, 0
  while at <= #data do
    local stop = at + DATA_PIECE - 1
    -- Never cut before a continuation byte (10xxxxxx) of a character.
    while stop < #data and stop > at do
      local next_byte = string.byte(data, stop + 1)
      if next_byte < 128 or next_byte >= 192 then break end
      stop = stop - 1
    end
    fields[#fields + 1] = n == 0 and 'data' or ('data.' .. n)
    fields[#fields + 1] = string.sub(data, at, stop)
    at, n = stop + 1, n + 1
  end
  return fields
end

-- Writes a job's data, deleting pieces left over from longer data.
local function set_data(jk, data)
  local fields = data_fields(data)
  redis.call('HSET', jk, unpack(fields))
  local n = #fields / 2
  while redis.call('HDEL', jk, 'data.' .. n) == 1 do n = n + 1 end
end

local function get_data(jk)
  local data = redis.call('HGET', jk, 'data')
  if not data then return nil end
  local pieces, n = { data }, 1
  while true do
    local piece = redis.call('HGET', jk, 'data.' .. n)
    if not piece then break end
    pieces[#pieces + 1] = piece
    n = n + 1
  end
  return table.concat(pieces)
end

-- One event as the JSON text the event bus reads. args_json is a JSON array text of the
-- event's arguments.
local function event_text(id, jtype, event, args_json)
  return '{"e":' .. cjson.encode(event) .. ',"id":' .. cjson.encode(id) ..
    ',"t":' .. cjson.encode(jtype) .. ',"a":' .. (args_json or '[]') .. '}'
end

-- Publishes one event.
local function emit(base, id, jtype, event, args_json)
  redis.call('PUBLISH', base .. ':events', event_text(id, jtype, event, args_json))
end

-- Publishes many events (texts from event_text) as one message, a JSON array: one PUBLISH
-- per script call instead of one per job.
local function emit_all(base, texts)
  if #texts == 1 then
    redis.call('PUBLISH', base .. ':events', texts[1])
  elseif #texts > 1 then
    redis.call('PUBLISH', base .. ':events', '[' .. table.concat(texts, ',') .. ']')
  end
end

-- ZADDs many score, member pairs to one key, in commands of at most 1,000 pairs (Lua's
-- unpack has a limit on how many values it spreads).
local function zadd_all(key, pairs_flat)
  for i = 1, #pairs_flat, 2000 do
    redis.call('ZADD', key, unpack(pairs_flat, i, math.min(i + 1999, #pairs_flat)))
  end
end

-- Tells every process's promotion timer that a delayed job falls due at `due` (ms), on a
-- channel of its own: processes that want no job events still hear of due times.
local function hint_due(base, due)
  redis.call('PUBLISH', base .. ':timers', int(due))
end

-- Leaves one wake marker for idle workers of the type. A single marker is enough: the
-- worker that takes it passes it on (see take) while jobs remain.
local function wake(base, jtype)
  local key = base .. ':type:' .. jtype .. ':wake'
  if redis.call('LLEN', key) == 0 then
    redis.call('RPUSH', key, '1')
  end
end

-- Adds to this minute's counters of a type: '<type>|<field>' += by. Cheap enough to run
-- inside every completion: one hash per minute, expiring on its own.
local STATS_TTL = 90000
local function record_minute(base, jtype, now, field, by)
  local key = base .. ':stats:' .. int(math.floor(now / 60000))
  if redis.call('HINCRBY', key, jtype .. '|' .. field, by) == by then
    redis.call('EXPIRE', key, STATS_TTL)
  end
end

-- Indexes a job under its search words (a space-separated list, already stemmed).
local function index_words(base, id, words)
  for word in string.gmatch(words, '%S+') do
    redis.call('SADD', base .. ':search:' .. word, id)
  end
end

local function unindex_words(base, id, words)
  for word in string.gmatch(words or '', '%S+') do
    redis.call('SREM', base .. ':search:' .. word, id)
  end
end

-- Puts a job into inactive (the job must already be out of its previous state index).
local function enqueue(base, id, jtype, priority, now)
  index_add(base, jtype, 'inactive', priority, id)
  redis.call('HSET', job_key(base, id), 'state', 'inactive', 'updated_at', int(now))
  wake(base, jtype)
end

-- Puts a job into delayed until due (ms). The due time rides along in the event so every
-- process's promotion timer can wake exactly then.
local function schedule(base, id, jtype, due, now)
  index_add(base, jtype, 'delayed', due, id)
  redis.call('HSET', job_key(base, id), 'state', 'delayed', 'promote_at', int(due),
    'updated_at', int(now))
  hint_due(base, due)
end

-- Whether a job's state is one the caller of a move expects ('' expects any): a move asked
-- for by an operator is refused, atomically, when the job moved on since they looked.
local function state_expected(expected, state)
  if expected == '' then return true end
  for s in string.gmatch(expected, '[^,]+') do
    if s == state then return true end
  end
  return false
end
