--[[ views: a state's jobs of every type, for the reads and bulk actions that list or count
them. Needs keys and index (swept). ]]
--@include keys, index

-- The indexes that together hold the jobs in a state: the type's own, or for every type
-- the sweeps' index where there is one, else every type's. A type's inactive jobs that belong
-- to a group are in its `grouped` index.
local function state_keys(base, state, jtype)
  if swept(state) and not (jtype and jtype ~= '') then return { key_state(base, state) } end
  local types = (jtype and jtype ~= '') and { jtype } or redis.call('SMEMBERS', key_types(base))
  local keys = {}
  for _, t in ipairs(types) do
    keys[#keys + 1] = key_state(base, state, t)
    if state == 'inactive' then keys[#keys + 1] = key_state(base, 'grouped', t) end
  end
  return keys
end

-- Orders merged index entries {member, score} as ZRANGE (or ZREVRANGE) orders one index:
-- by score, then by member.
local function entry_order(desc)
  if desc then
    return function(a, b)
      if a[2] ~= b[2] then return a[2] > b[2] end
      return a[1] > b[1]
    end
  end
  return function(a, b)
    if a[2] ~= b[2] then return a[2] < b[2] end
    return a[1] < b[1]
  end
end
