--[[ report: whether a worker's report (complete or fail) may end a job's attempt. Needs
status. ]]
--@include status

-- How a worker's report under `lock` meets the job: nil when it may end the attempt, else
-- the status that refuses it.
local function report_refusal(state, held, ended, lock)
  if not state then return STATUS.NO_JOB end
  if ended == lock then return STATUS.REPEATED end
  if state ~= 'active' or held ~= lock then return STATUS.LOCK_LOST end
  return nil
end
