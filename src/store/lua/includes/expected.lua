--[[ expected: compare-and-move. A move or removal asked for by an operator (the dashboard,
the JSON API) names the states it expects the job in, and is refused, in the same script,
when the job moved on since they looked: a job a worker took meanwhile keeps its lock.
Needs nothing. ]]

-- Whether a job's state is one of `expected` (comma-separated; '' expects any).
local function state_expected(expected, state)
  if expected == '' then return true end
  for s in string.gmatch(expected, '[^,]+') do
    if s == state then return true end
  end
  return false
end
