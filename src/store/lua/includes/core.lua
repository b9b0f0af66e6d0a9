--[[ Shared fragment: helpers every transition script uses.

Key layout (B is the queue's base, e.g. "{q}", whose hash tag keeps every key in one slot):
  B:ids                  string  last job id (INCR)
  B:job:<id>             hash    the job record
  B:job:<id>:log         list    the job's log lines
  B:job:<id>:errors      list    its failed attempts, JSON {attempt, started_at, failed_at, error, stack}
  B:jobs                 zset    every job, score = id
  B:<state>              zset    jobs in <state>, for every type
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
(the earlier, ms), complete / failed = time of the transition (ms), jobs = id.
All times come from the Redis server's clock, so workers on many machines agree.
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

local function index_add(base, jtype, state, score, id)
  local m = fifo(id)
  redis.call('ZADD', base .. ':' .. state, score, m)
  redis.call('ZADD', base .. ':type:' .. jtype .. ':' .. state, score, m)
end

local function index_remove(base, jtype, state, id)
  local m = fifo(id)
  redis.call('ZREM', base .. ':' .. state, m)
  redis.call('ZREM', base .. ':type:' .. jtype .. ':' .. state, m)
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
