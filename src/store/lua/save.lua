--[[ save: create one or more jobs, each in state inactive (or delayed when it has a delay).
A job whose unique key is held resolves to the job holding it (see blocks/unique.lua), and a
call that reaches Redis twice makes its jobs once: ioredis resends a command whose reply a
dropped connection lost, and a caller retries a save that failed with "may have been saved".

KEYS[1]  B:ids, the id counter (declared so cluster clients route the call to B's slot)
ARGV[1]  B, the queue's key base
ARGV[2]  the call's token, a string no other call has, or '' (no record; the jobs' values then
         start at ARGV[3]): the reply is recorded in B:saved:<token>, and the same call again
         gets that reply back and changes nothing
ARGV[3]  with a token, ms the record is kept (the queue's saveRetryWindow)
then 13 values per job (below), and last, only when some job has more than its values, JSON of
what those jobs have, by their place in the call (from 1): {"<n>": {
  "unique":  the job's unique key,
  "ttl":     ms the key stays held after this save whatever becomes of the job (absent: held
             until the job completes, fails for good or is removed),
  "replace": true: a waiting or delayed job holding the key takes this job's data and delay
             instead,
  "sends":   the earlier sends of this very job (a caller's retry), '<call token>.<index from
             0>' each: the first whose call Redis recorded gives the job's reply,
  "tp":      the W3C traceparent of the span that saved the job, stored as its field `tp`}}
Each job's values:
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
  group         the job's group ('' = none): its jobs are taken in turn with other groups'
Returns per job, in argument order, '<id>' of the job made (by this call or by an earlier send
of the same job), or '=<id>' of the existing job its unique key resolved it to.
Events: 'enqueue' [type] for inactive jobs, 'delayed' [due] for delayed ones, all in one
message (a JSON array when there are several); the 'enqueue' events of one type are one
entry listing their ids ("ids" instead of "id"). A duplicate publishes nothing; a replaced job
publishes 'delayed' [due] when it is delayed again, 'enqueue' [type] when it leaves delayed.
]]
--@include util, keys
local base, call, window = ARGV[1], ARGV[2], ARGV[3]
-- Arguments a plain save does not use are not sent: Redis spends about 900 instructions on
-- each argument it hands a script.
local values, from, extra, options = ARGV, call == '' and 3 or 4, nil, nil
-- 13 values a job (NEW_JOB_VALUES of the create block), and maybe the JSON of their options.
local rest = #ARGV - from + 1
local count = (rest - rest % 13) / 13
if rest % 13 == 1 then options = cjson.decode(ARGV[#ARGV]) end
local first = redis.call('INCRBY', key_ids(base), count) - count + 1
local record = call ~= '' and key_saved(base, call)
-- Recorded: this very call ran before. Its replies again, and the ids just reserved go back.
if record and not redis.call('SET', record, int(first), 'NX', 'PX', window) then
  redis.call('INCRBY', key_ids(base), -count)
  local replies = redis.call('GET', record)
  -- A record is the call's first id when it made every job in order, else its replies.
  if string.sub(replies, 1, 1) == '[' then return cjson.decode(replies) end
  local made_first = tonumber(replies)
  replies = {}
  for n = 1, count do replies[n] = int(made_first + n - 1) end
  return replies
end
local ids, dups, made, waits
--@block create
if dups then
  for n in pairs(dups) do ids[n] = '=' .. ids[n] end
end
if record and made < count then redis.call('SET', record, cjson.encode(ids), 'PX', window) end
return ids
