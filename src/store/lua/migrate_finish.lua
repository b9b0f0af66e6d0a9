--[[ migrate_finish: what a migration from Kue 0.11 does once the jobs have moved. Every step
is idempotent, so it runs at the end of every run.
- The id counter B:ids goes up to Kue 0.11's P:ids at least, plus the ids reserved: new ids
  never reuse an old one, nor one a Kue 0.11 producer still running takes from P:ids (when P
  is not B, the two counters count apart).
- P's work-time total is added to B's and removed (when P is not B: then it is one key).
- When no job is left in any 0.11 index, the 0.11 keys that only served those jobs go: the
  type set P:job:types and the workers' wake-up lists P:<type>:jobs. P:ids stays: a Kue 0.11
  producer still running would otherwise start its ids again from 1.

KEYS[1]  B:ids (routing)
ARGV[1]  B
ARGV[2]  P, the Kue 0.11 prefix as in its key names
ARGV[3]  'run', or 'dry' to write nothing
ARGV[4]  ids reserved above P:ids for Kue 0.11 producers still saving (0 = none)
Returns {next id, jobs left in 0.11's indexes, work-time ms carried over, keys removed}.
]]
--@include util, keys, kue011_keys
local base, prefix, run, reserve = ARGV[1], ARGV[2], ARGV[3] == 'run', tonumber(ARGV[4])
local same = base == prefix
local states = { 'inactive', 'delayed', 'active', 'complete', 'failed' }

local counter = tonumber(redis.call('GET', key_ids(base))) or 0
local last = math.max(counter, (tonumber(redis.call('GET', kue011_key_ids(prefix))) or 0) + reserve)
if run and last > counter then redis.call('SET', key_ids(base), int(last)) end

local carried = 0
if not same then
  carried = tonumber(redis.call('GET', kue011_key_work_time(prefix))) or 0
  if run and carried > 0 then
    redis.call('INCRBY', key_work_time(base), int(carried))
    redis.call('DEL', kue011_key_work_time(prefix))
  end
end

-- A job is in three indexes (every job, its state, its type's state), or fewer when Kue 0.11
-- lost an entry: the largest of the three counts is the number of jobs.
local kue011_types = redis.call('SMEMBERS', kue011_key_types(prefix))
local in_all, in_states, in_types = redis.call('ZCARD', kue011_key_index(prefix)), 0, 0
for _, state in ipairs(states) do
  in_states = in_states + redis.call('ZCARD', kue011_key_index(prefix, state))
  for _, jtype in ipairs(kue011_types) do in_types = in_types + redis.call('ZCARD', kue011_key_index(prefix, state, jtype)) end
end
local left = math.max(in_all, in_states, in_types)

local removed = 0
if run and left == 0 then
  for _, jtype in ipairs(kue011_types) do
    local wake_list = kue011_key_wake(prefix, jtype)
    -- When P is B a key of that name could be this package's: only a list is Kue 0.11's.
    if redis.call('TYPE', wake_list).ok == 'list' then removed = removed + redis.call('DEL', wake_list) end
  end
  removed = removed + redis.call('DEL', kue011_key_types(prefix))
end
return { last + 1, left, carried, removed }
