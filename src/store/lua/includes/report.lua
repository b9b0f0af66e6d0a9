--[[ report: whether a worker's report (complete or fail) may end a job's attempt. Needs
keys and status. ]]
--@include keys, status

-- How a worker's report under `lock` meets the job: nil when it may end the attempt, else
-- the status that refuses it. An attempt cancelled while its report was on its way is
-- CANCELLED, not LOCK_LOST: its worker has nothing to warn about.
local function report_refusal(base, state, held, ended, lock)
  if ended == lock then return STATUS.REPEATED end
  if state == 'active' and held == lock then return nil end
  if redis.call('EXISTS', key_cancelled(base, lock)) == 1 then return STATUS.CANCELLED end
  if not state then return STATUS.NO_JOB end
  return STATUS.LOCK_LOST
end
