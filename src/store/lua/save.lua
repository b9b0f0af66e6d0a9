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
Events: 'enqueue' [type] for inactive jobs, 'delayed' [due] for delayed ones.
]]
local base = ARGV[1]
local now = now_ms()
local ids = {}
local fields_per_job = 12

for g = 2, #ARGV, fields_per_job do
  local jtype, data, priority, delay, attempts, backoff, backoff_delay, backoff_max, ttl, roc, rof, words =
    unpack(ARGV, g, g + fields_per_job - 1)
  local id = tostring(redis.call('INCR', KEYS[1]))
  local jk = job_key(base, id)
  -- Only fields that differ from their defaults are stored: a waiting job stays small.
  local fields = { 'type', jtype, 'data', data, 'priority', priority, 'created_at', int(now) }
  local function opt(name, value, default)
    if value ~= default and value ~= '' then
      fields[#fields + 1] = name
      fields[#fields + 1] = value
    end
  end
  opt('delay', delay, '0')
  opt('attempts', attempts, '1')
  opt('backoff', backoff, '')
  opt('backoff_delay', backoff_delay, '')
  opt('backoff_max', backoff_max, '')
  opt('ttl', ttl, '0')
  opt('remove_on_complete', roc, '')
  opt('remove_on_fail', rof, '')
  opt('words', words, '')
  redis.call('HSET', jk, unpack(fields))
  index_words(base, id, words)
  redis.call('ZADD', base .. ':jobs', tonumber(id), fifo(id))
  redis.call('SADD', base .. ':types', jtype)
  local d = tonumber(delay)
  if d > 0 then
    schedule(base, id, jtype, now + d, now)
    emit(base, id, jtype, 'delayed', '[' .. int(now + d) .. ']')
  else
    enqueue(base, id, jtype, tonumber(priority), now)
    emit(base, id, jtype, 'enqueue', '[' .. cjson.encode(jtype) .. ']')
  end
  ids[#ids + 1] = id
end
return ids
