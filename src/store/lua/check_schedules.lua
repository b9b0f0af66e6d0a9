--[[ check_schedules: read-only check of a batch of schedules (`kue check`), each judged at
one instant: a schedule hash must be listed in B:schedules, scored by its next due time (+inf
while paused or finished), and must hold a revision, a rule and a job template; B:schedules
must list no schedule that does not exist.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  first schedule id, ARGV[3] ... the others (from B:schedules and from schedule keys)
Returns a flat list of schedule id, code, key triples.
]]
--@include keys
local base = ARGV[1]
local index = key_schedules(base)
local findings = {}

local function found(id, code, key)
  findings[#findings + 1] = id
  findings[#findings + 1] = code
  findings[#findings + 1] = key
end

for i = 2, #ARGV do
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
    elseif (next_due or '') == '' and score ~= 'inf' or (next_due or '') ~= '' and tonumber(score) ~= tonumber(next_due) then
      found(id, 'schedule-bad-next', key)
    end
    if not (rev and rule and job) then found(id, 'schedule-incomplete', key) end
  end
end
return findings
