--[[ migrate: moves a batch of jobs that Kue 0.11 wrote under its prefix P into this package's
layout under B. Each job moves whole in this one call: its new record, index entry, id bit,
log and errors exist before its 0.11 hash and index entries are gone, so a run stopped at any
point loses and doubles nothing, and running it again finishes the work. P may equal B (Kue
0.11 on ioredis wrote `{q}:job:<id>`, the very name of this package's record): a job of
this package's is told from a 0.11 hash by its bit in B:present, never by its fields.

KEYS[1]  B:ids (routing; a Cluster needs P to carry B's hash tag, checked by the caller)
ARGV[1]  B
ARGV[2]  P, the Kue 0.11 prefix as in its key names ('q', or '{q}' when it ran on ioredis)
ARGV[3]  'run' to move; 'dry' to say what a run would do and write nothing; 'conflicts' to
         look for conflicts alone (a run's first pass: reads no hash of an id not taken)
ARGV[4]  the backoff that replaces a stored backoff function: 'fixed' or a strategy's name
ARGV[5]  its delay in ms; '' = the job's own delay
ARGV[6]  the type of the 0.11 index the ids come from ('' for P:jobs and P:jobs:<state>)
ARGV[7..] job ids, from Kue 0.11's indexes
Returns six values per id: id, outcome, its 0.11 state, its new state, its type, a note.
  moved     moved (dry: would move); note 'backoff replaced' when a function was replaced
  skipped   kept as it is in P; note says why (data that is not JSON, no state yet, ...)
  conflict  B already holds another job under this id; nothing written for it
  already   the job was moved before: the 0.11 index entries left are removed
  dangling  the 0.11 index names no 0.11 job: its entries are removed (as Kue 0.11 did)
  unread    ('conflicts' only) not a conflict; not looked at further
The id counter B:ids ends at least at P:ids and every id moved. Inactive jobs wake their
type's workers; delayed ones tell the promotion timers. No job events are published.
]]
--@include util, keys, index, present, wake, queueing, kue011_keys, kue011_record
local base, prefix, mode = ARGV[1], ARGV[2], ARGV[3]
local replacement_kind, replacement_delay = ARGV[4], tonumber(ARGV[5])
local source_type = ARGV[6] ~= '' and ARGV[6] or nil
local run = mode == 'run'
local conflicts_only = mode == 'conflicts'
-- One name for both records: a 0.11 hash is replaced where it lies.
local same = base == prefix
local now = now_ms()
local states = { 'inactive', 'delayed', 'active', 'complete', 'failed' }
local out, moved_ids, types, woken = {}, {}, {}, {}
local first_due, highest = nil, 0

local function reply(id, outcome, kue011_state, state, jtype, note)
  local n = #out
  out[n + 1], out[n + 2], out[n + 3], out[n + 4], out[n + 5], out[n + 6] =
    id, outcome, kue011_state or '', state or '', jtype or '', note or ''
end

-- Whether B holds a job of this package's under the id.
local function taken(id)
  local n = tonumber(id)
  if redis.call('GETBIT', key_present(base, math.floor(n / PRESENT_SPAN)), n % PRESENT_SPAN) == 1 then return true end
  return not same and redis.call('EXISTS', key_job(base, id)) == 1
end

-- Removes the id from every 0.11 index it may be in: Kue 0.11 left entries in indexes of other
-- states when a process died between two of its commands. `state` given: only the indexes of
-- that state, where a consistent job is (an entry left elsewhere comes up later in the run, as
-- 'already', and goes then).
local function unindex_kue011(id, jtype, state)
  local m = fifo(id)
  redis.call('ZREM', kue011_key_index(prefix), m)
  for _, s in ipairs(state and { state } or states) do
    redis.call('ZREM', kue011_key_index(prefix, s), m)
    if jtype then redis.call('ZREM', kue011_key_index(prefix, s, jtype), m) end
    if source_type and source_type ~= jtype then redis.call('ZREM', kue011_key_index(prefix, s, source_type), m) end
  end
end

local function move_log(id)
  local from, to = kue011_key_log(prefix, id), key_log(base, id)
  if redis.call('EXISTS', from) == 0 then return end
  if redis.call('EXISTS', to) == 0 then
    redis.call('RENAME', from, to)
    return
  end
  -- Never expected (a log is written only while its job exists), but lines are never lost.
  local lines = redis.call('LRANGE', from, 0, -1)
  for i = #lines, 1, -1 do redis.call('LPUSH', to, lines[i]) end
  redis.call('DEL', from)
end

local function write(id, job)
  local jk = key_job(base, id)
  redis.call('DEL', same and jk or kue011_key_job(prefix, id))
  redis.call('HSET', jk, unpack(job.fields))
  index_add(base, job.jtype, job.state, job.score, id)
  if job.errors_entry then redis.call('RPUSH', key_errors(base, id), job.errors_entry) end
  if not same then move_log(id) end
  unindex_kue011(id, job.jtype, job.kue011_state)
  moved_ids[#moved_ids + 1] = id
  types[job.jtype] = true
  if job.state == 'inactive' then woken[job.jtype] = true end
  if job.state == 'delayed' and (not first_due or job.score < first_due) then first_due = job.score end
  if tonumber(id) > highest then highest = tonumber(id) end
end

-- One id when looking for conflicts alone: whether B holds another job under it.
local function look(id, is_taken)
  -- When P is B a taken id holds this package's record, never a 0.11 one.
  local old = (is_taken and not same) and redis.call('HGET', kue011_key_job(prefix, id), 'type')
  if old then reply(id, 'conflict', nil, nil, old) else reply(id, 'unread') end
end

local function migrate(id, is_taken)
  -- When P is B, a taken id's record is this package's, not a 0.11 hash.
  local raw = (same and is_taken) and {} or redis.call('HGETALL', kue011_key_job(prefix, id))
  if #raw == 0 then
    local jtype = is_taken and redis.call('HGET', key_job(base, id), 'type') or nil
    if run then unindex_kue011(id, jtype) end
    reply(id, is_taken and 'already' or 'dangling', nil, nil, jtype)
    return
  end
  local h = {}
  for f = 1, #raw, 2 do h[raw[f]] = raw[f + 1] end
  if is_taken then
    if h.type then
      reply(id, 'conflict', h.state, nil, h.type, 'the queue holds another job with this id')
    else
      reply(id, 'skipped', h.state, nil, nil, 'written by a Kue 0.11 process after the job moved')
    end
    return
  end
  local job, why = kue011_job(h, now, replacement_kind, replacement_delay)
  if not job then
    reply(id, 'skipped', h.state, nil, h.type, why)
    return
  end
  if run then write(id, job) end
  reply(id, 'moved', job.kue011_state, job.state, job.jtype, job.replaced and 'backoff replaced' or nil)
end

for i = 7, #ARGV do
  local id = ARGV[i]
  if conflicts_only then look(id, taken(id)) else migrate(id, taken(id)) end
end

if run then
  if #moved_ids > 0 then
    table.sort(moved_ids, function(a, b) return tonumber(a) < tonumber(b) end)
    mark_present(base, moved_ids)
  end
  for jtype in pairs(types) do redis.call('SADD', key_types(base), jtype) end
  for jtype in pairs(woken) do wake(base, jtype) end
  if first_due then hint_due(base, first_due) end
  -- New ids continue above every id Kue 0.11 gave, moved or not.
  local counter = tonumber(redis.call('GET', key_ids(base))) or 0
  local last = math.max(highest, tonumber(redis.call('GET', kue011_key_ids(prefix))) or 0)
  if last > counter then redis.call('SET', key_ids(base), int(last)) end
end
return out
