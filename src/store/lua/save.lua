--[[ save: create one or more jobs, each in state inactive (or delayed when it has a delay).

KEYS[1]  B:ids, the id counter (declared so cluster clients route the call to B's slot)
ARGV[1]  B, the queue's key base
ARGV[2..] one group of 13 values per job:
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
Returns the new ids, as strings, in argument order.
Events: 'enqueue' [type] for inactive jobs, 'delayed' [due] for delayed ones, all in one
message (a JSON array when there are several); the 'enqueue' events of one type are one
entry listing their ids ("ids" instead of "id").
]]
local base, values, from, count, extra, ids = ARGV[1], ARGV, 2
--@block create
return ids
