--[[ keys: the name of every key and channel of a queue. Nothing else in lua/ puts a key name
together: these functions build what the class Keys in src/store/keys.ts builds, function for
property (key_job for job(id), key_present_spans for presentSpans, ...), and a test compares
the two sides. Needs nothing.

Key layout (B is the queue's base, e.g. "{q}", whose hash tag keeps every key in one slot):
  B:ids                  string  last job id (INCR)
  B:job:<id>             hash    the job record
  B:job:<id>:log         list    the job's log lines
  B:job:<id>:errors      list    its failed attempts, JSON {attempt, started_at, failed_at, error, stack}
  B:job:<id>:pending     set     a flow's parent: the ids of its children not yet settled
                                 (deleted once empty; see blocks/settle.lua)
  B:job:<id>:results     hash    a flow's parent: child id -> the child's result (JSON text)
  B:job:<id>:child-errors hash   a flow's parent: child id -> JSON {error, code} of a child
                                 that failed, was cancelled, removed or moved to failed
  B:cascade              zset    'cancel:<id>' or 'remove:<id>': a parent whose pending children
                                 are still to be cancelled or removed, scored by when queued
  B:present:<n>          string  bitmap: bit i is set while job n * PRESENT_SPAN + i exists
  B:present              zset    the <n> of every B:present:<n> (score = n)
  B:delayed, B:active    zset    delayed / active jobs of every type, for the sweeps
  B:type:<type>:<state>  zset    jobs of <type> in <state>
  B:type:<type>:wake     list    at most one marker: "jobs of <type> may be waiting"
  B:type:<type>:flow     hash    the type's limits, when it has any: rate_max, rate_ms,
                                 concurrency, until (ms: a pause a handler asked for)
  B:type:<type>:starts   list    start times (ms, newest first) of the type's latest rate_max
                                 jobs, while it has a rate limit
  B:type:<type>:grouped  zset    the type's inactive jobs that belong to a group (its other
                                 inactive jobs are in B:type:<type>:inactive)
  B:type:<type>:groups   zset    the rotation: groups whose jobs may be taken, scored by turn
                                 ('' stands for the type's jobs without a group)
  B:type:<type>:group-active  hash  active jobs per group
  B:type:<type>:group-paused  set   paused groups
  B:type:<type>:group-held    zset  groups held back by their rate, scored by when they may go
  B:type:<type>:group-waiting zset  groups with waiting jobs, scored by how many
  B:type:<type>:metrics  hash    the type's Prometheus counters, written only while
                                 B:metrics:lease exists (see includes/metrics.lua)
  B:group:<n>:<type>:jobs:<group>    zset  a group's inactive jobs (<n>: the type's length,
                                           so that no type and group make another's key)
  B:group:<n>:<type>:starts:<group>  list  a group's start times, for the group rate
  B:types                set     every job type ever saved
  B:stats:work-time      string  total milliseconds spent by completed jobs
  B:stats:<minute>       hash    per-minute counters by type (see record_minute), kept ~25 h
  B:metrics:lease        string  set (PX) by each scrape of the metrics: while it exists, the
                                 scripts that end jobs count into B:type:<type>:metrics
  B:metrics:named        set     the types a scrape exports under their own name (at most
                                 maxTypes; it only grows), the others are summed as '_other'
  B:search:<word>        set     ids of jobs whose search words include <word>
  B:paused               set     types no worker may take
  B:limited              set     types that have (or had) a flow hash, for listing limits
  B:stream               stream  the job events: one entry per emit, field 'm' = one JSON event or
                                 a JSON array of them; capped (MAXLEN ~) at events.maxLen entries
  B:cancel               channel one JSON message per running job cancelled: {id, lock, reason},
                                 for the worker holding it (see cancel.lua)
  B:timers               channel the due time (ms) of a job just delayed, for promotion timers;
                                 's' and a due time for a schedule, for the schedule timers
  B:schedules            zset    every schedule id, scored by its next due time (ms; +inf
                                 while paused or finished)
  B:schedule:<id>        hash    one schedule: rule, job template, next, last run, revision
  B:unique:<key>         string  the job holding a unique key (job.unique(key)): '<id>' while
                                 that job waits, is delayed or runs (it frees the key as it
                                 finishes); '<id> ttl' when held for a ttl (PX), whatever becomes
                                 of the job (see includes/unique.lua)
  B:cancelled:<lock>     string  the reason a running job's attempt under <lock> was cancelled, kept
                                 10 minutes past its lock's deadline (PX): its worker's late report
                                 and its next renewal learn why (see cancel.lua)
  B:saved:<call>         string  the reply of one save call, kept saveRetryWindow ms (PX), so the
                                 call sent again makes no job twice: '<first id>' when it made
                                 every job, else the JSON array of its replies (see save.lua)

Members of every zset are fifo(id): equal scores then sort by id, so one priority is FIFO.
Scores: inactive = priority, delayed = due time (ms), active = lock or ttl deadline
(the earlier, ms), complete / failed = time of the transition (ms), waiting = when the
parent began to wait (ms).
All times come from the Redis server's clock, so workers on many machines agree.
A job's data is stored in pieces of at most 64 bytes (data, data.1, ...; see data_fields).
]]

local function key_ids(base) return base .. ':ids' end
local function key_present_spans(base) return base .. ':present' end
local function key_types(base) return base .. ':types' end
local function key_paused(base) return base .. ':paused' end
local function key_limited(base) return base .. ':limited' end
local function key_work_time(base) return base .. ':stats:work-time' end
local function key_stream(base) return base .. ':stream' end
local function key_timers(base) return base .. ':timers' end
local function key_cancel(base) return base .. ':cancel' end
local function key_cancelled(base, lock) return base .. ':cancelled:' .. lock end
local function key_schedules(base) return base .. ':schedules' end
local function key_schedule(base, id) return base .. ':schedule:' .. id end

local function key_job(base, id) return base .. ':job:' .. id end
local function key_log(base, id) return base .. ':job:' .. id .. ':log' end
local function key_errors(base, id) return base .. ':job:' .. id .. ':errors' end
local function key_pending(base, id) return base .. ':job:' .. id .. ':pending' end
local function key_results(base, id) return base .. ':job:' .. id .. ':results' end
local function key_child_errors(base, id) return base .. ':job:' .. id .. ':child-errors' end
local function key_cascade(base) return base .. ':cascade' end
local function key_metrics_lease(base) return base .. ':metrics:lease' end
local function key_metrics_named(base) return base .. ':metrics:named' end

-- Spans and minutes are computed numbers: '%d' keeps a large one from turning into '1e+15'.
local function key_present(base, span) return base .. ':present:' .. string.format('%d', span) end

-- Without a type: the sweeps' index of the state (there is one for delayed and active only).
-- With a type it also names the type's other keys: 'grouped', 'groups', 'group-active', ...
local function key_state(base, state, jtype)
  if jtype then return base .. ':type:' .. jtype .. ':' .. state end
  return base .. ':' .. state
end

local function key_search(base, word) return base .. ':search:' .. word end
local function key_minute(base, minute) return base .. ':stats:' .. string.format('%d', minute) end
local function key_wake(base, jtype) return base .. ':type:' .. jtype .. ':wake' end
local function key_flow(base, jtype) return base .. ':type:' .. jtype .. ':flow' end
local function key_starts(base, jtype) return base .. ':type:' .. jtype .. ':starts' end
local function key_metrics(base, jtype) return base .. ':type:' .. jtype .. ':metrics' end
-- part: 'jobs' or 'starts'.
local function key_group(base, jtype, part, group)
  return base .. ':group:' .. #jtype .. ':' .. jtype .. ':' .. part .. ':' .. group
end
local function key_unique(base, key) return base .. ':unique:' .. key end
local function key_saved(base, call) return base .. ':saved:' .. call end
