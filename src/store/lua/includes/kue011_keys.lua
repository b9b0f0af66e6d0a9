--[[ kue011_keys: the names of the keys Kue 0.11 wrote under its prefix P, which the migration
reads and retires. As `keys` is for this package's layout, this is the one place Lua puts a
Kue 0.11 key name together; src/store/kue011/keys.ts builds the same names (a test compares
the two). Needs nothing.

P is the prefix as it appears in the key names: `q` for Kue 0.11 on node_redis (its default
client), `{q}` when Kue 0.11 ran on ioredis (it wrapped the prefix in a hash tag there).
  P:ids                     string  last job id (INCR)
  P:job:<id>                hash    the job (fields: see kue011_record)
  P:job:<id>:log            list    the job's log lines
  P:jobs                    zset    every job, scored by priority
  P:jobs:<state>            zset    jobs in <state> (inactive, delayed, active, complete, failed)
  P:jobs:<type>:<state>     zset    jobs of <type> in <state>
  P:job:types               set     every type saved
  P:<type>:jobs             list    wake-up markers of the type's workers
  P:stats:work-time         string  total milliseconds of completed jobs
Members of every zset are `len|id` as in this package: the same member names the same job.
]]

local function kue011_key_ids(prefix) return prefix .. ':ids' end
local function kue011_key_job(prefix, id) return prefix .. ':job:' .. id end
local function kue011_key_log(prefix, id) return prefix .. ':job:' .. id .. ':log' end
local function kue011_key_types(prefix) return prefix .. ':job:types' end
local function kue011_key_work_time(prefix) return prefix .. ':stats:work-time' end
local function kue011_key_wake(prefix, jtype) return prefix .. ':' .. jtype .. ':jobs' end

-- Without a state: every job (P:jobs). With a state and no type: P:jobs:<state>.
local function kue011_key_index(prefix, state, jtype)
  if not state then return prefix .. ':jobs' end
  if jtype then return prefix .. ':jobs:' .. jtype .. ':' .. state end
  return prefix .. ':jobs:' .. state
end
