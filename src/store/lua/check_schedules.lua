--[[ check_schedules: read-only check of a batch of schedules (`kue check`), each judged at
one instant: a schedule hash must be listed in B:schedules, scored by its next due time (+inf
while paused or finished), and must hold a revision, a rule and a job template; B:schedules
must list no schedule that does not exist.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  the longest lease a sweep takes (ms): a due schedule's score may be up to this far
         ahead of now while a sweep holds it (see schedule_due)
ARGV[3]  first schedule id, ARGV[4] ... the others (from B:schedules and from schedule keys)
Returns a flat list of schedule id, code, key triples.
]]
--@include util, keys
local base, lease = ARGV[1], tonumber(ARGV[2])
local now = now_ms()
local index = key_schedules(base)
local findings = {}

local function found(id, code, key)
  findings[#findings + 1] = id
  findings[#findings + 1] = code
  findings[#findings + 1] = key
end

-- Scored by its next due time, or leased: due, and scored up to `lease` ahead of now.
local function scored_right(score, next_due)
  if next_due == '' then return score == 'inf' end
  local s, n = tonumber(score), tonumber(next_due)
  return s == n or (n <= now and s > n and s <= now + lease)
end

for i = 3, #ARGV do
  local id = ARGV[i]
  local key = key_schedule(base, id)
  local score = redis.call('ZSCORE', index, id)
  local kind = redis.call('TYPE', key).ok
  if kind == 'none' then
    if score then found(id, 'schedule-orphan', index) end
  elseif kind == 'hash' then
    local rev, next_due, rule, job = unpack(redis.call('HMGET', key, 'rev', 'next', 'rule', 'job'))
    if not score then
      found(id, 'schedule-unindexed', index)
    elseif not scored_right(score, next_due or '') then
      found(id, 'schedule-bad-next', key)
    end
    if not (rev and rule and job) then found(id, 'schedule-incomplete', key) end
  end
end
return findings
