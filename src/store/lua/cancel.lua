--[[ cancel: end jobs that are waiting, delayed or running, for good, whatever attempts they
have left (job.cancel, Job.cancel, the dashboard's cancel, `kue cancel`). A cancelled job ends
failed: its error is 'cancelled' (and the reason), its field 'cancelled' keeps the reason, its
failed attempts list gets an entry with "code":"CANCELLED", its unique key is freed and its
removeOnFail and retention apply as for any final failure. A waiting or delayed job never
starts and spends no attempt; a running one counts the attempt it was making, loses its lock
(its worker's later report is refused as CANCELLED, B:cancelled:<lock> says so) and B:cancel
tells the worker holding it to abort its handler's signal. A running job of a type with a
concurrency limit frees its place at once: the type's idle workers are woken. A flow's child
settles its parent (blocks/settle.lua); a flow's parent has its pending children
cancelled too, unless told to keep them (tree_cascade).

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  the reason ('' for none)
ARGV[3]  'keep' to leave a cancelled parent's pending children running, '' to cancel them
ARGV[4..] job ids
Returns per id, in order: 'cancelled', the state of a job that had already finished
('complete' or 'failed'), or '' when there is no such job.
Events per job cancelled: 'cancelled' [reason], then 'failed' [message] (and 'remove' [type]
when removeOnFail deletes it).
]]
--@include util, cancel_job
local base, reason, children = ARGV[1], ARGV[2], ARGV[3]
local now = now_ms()
local replies, settling = {}, nil
for i = 4, #ARGV do
  local reply, child = cancel_job(base, ARGV[i], reason, children, now)
  replies[#replies + 1] = reply
  if child then
    settling = settling or {}
    settling[#settling + 1] = child
  end
end
if settling then
  --@block settle
end
return replies
