--[[ remove: delete a job, its log and every index entry, whatever its state.
An active job's worker loses its lock with it: its late reply is refused. A flow's child
settles its parent (as 'removed'); a flow's parent has its pending children removed too,
unless told to keep them (tree_cascade).

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  job id
ARGV[3]  the states the caller expects the job in, comma-separated; '' for any
ARGV[4]  'keep' to leave a removed parent's pending children, '' to remove them
Returns STATUS.DONE (1) when removed, STATUS.NO_JOB (0) when there was no such job, or the
job's state (a string) when it is in none of the expected ones (nothing changed).
Events: 'remove' [type].
]]
--@include util, keys, status, expected, parents
local base, id, expected, children = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local jtype, state = unpack(redis.call('HMGET', key_job(base, id), 'type', 'state'))
if not jtype then return STATUS.NO_JOB end
if not state_expected(expected, state) then return state or '' end
local now = now_ms()
local child = remove_job(base, id, jtype, state, children, now)
if child then
  local settling = { child }
  --@block settle
end
return STATUS.DONE
