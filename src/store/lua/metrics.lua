--[[ metrics: one scrape of the Prometheus metrics (docs/metrics.md): every type's counters and
histograms (includes/metrics.lua) and how many of its jobs are in each state, in one call
whatever the number of types; and it (re)sets the lease that keeps the scripts that end jobs
counting.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  maxTypes: how many types may be named in B:metrics:named
ARGV[3]  the lease, in ms: the scripts count while a scrape came within it
ARGV[4..] the states to count, in the order of the reply's counts
Returns one entry per type of B:types, sorted by type: {type, 1 when named (exported under
its own name) else 0, the flat HGETALL of B:type:<type>:metrics, {count per state}}. A state
count is the ZCARD of the type's index of it (inactive: plus its grouped jobs), as the count
script counts them.
B:metrics:named only grows: a type named stays named, so every exported series (and the sum
of the others, '_other') only ever grows. Types are named in their sorted order while room is
left. The writes are pcalls, last: at maxmemory a scrape still reads, names no new type and
leaves the lease as it was.
]]
--@include keys
local base, max_types, lease_ms = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local types = redis.call('SMEMBERS', key_types(base))
table.sort(types)
local named, room = {}, max_types
for _, jtype in ipairs(redis.call('SMEMBERS', key_metrics_named(base))) do
  named[jtype] = true
  room = room - 1
end
local naming = {}
for _, jtype in ipairs(types) do
  if room <= 0 then break end
  if not named[jtype] then
    naming[#naming + 1] = jtype
    room = room - 1
  end
end

local reply = {}
for _, jtype in ipairs(types) do
  local counts = {}
  for i = 4, #ARGV do
    local n = redis.call('ZCARD', key_state(base, ARGV[i], jtype))
    if ARGV[i] == 'inactive' then n = n + redis.call('ZCARD', key_state(base, 'grouped', jtype)) end
    counts[#counts + 1] = n
  end
  reply[#reply + 1] = { jtype, 0, redis.call('HGETALL', key_metrics(base, jtype)), counts }
end

if #naming > 0 then
  local added = redis.pcall('SADD', key_metrics_named(base), unpack(naming))
  if type(added) == 'number' then
    for _, jtype in ipairs(naming) do named[jtype] = true end
  end
end
redis.pcall('SET', key_metrics_lease(base), '1', 'PX', lease_ms)
for _, entry in ipairs(reply) do
  if named[entry[1]] then entry[2] = 1 end
end
return reply
