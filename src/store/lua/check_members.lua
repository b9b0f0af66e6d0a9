--[[ check_members: read-only check of a batch of members of one index (`kue check`): each
must name an existing job that belongs there. Members gone since they were read are skipped.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  the index's key
ARGV[3]  the state the index holds, or 'present' for a bitmap of ids (members are ids),
         or 'spans' for B:present (members are span numbers, each naming a bitmap)
ARGV[4]  the type the index holds, '' for every type
ARGV[5]  first member, ARGV[6] ... the others
Returns a flat list of id (or the member itself when it is malformed), code, key triples.
]]
--@include keys, index, present
local base, key, state, jtype = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local findings = {}

local function found(id, code)
  findings[#findings + 1] = id
  findings[#findings + 1] = code
  findings[#findings + 1] = key
end

-- A bitmap of ids must be listed in B:present, or listings of every job skip it.
if state == 'present' and redis.call('EXISTS', key) == 1 then
  -- The caller classified the key as B:present:<n>: its span is the digits it ends with.
  local span = string.match(key, '%d+$')
  if not redis.call('ZSCORE', key_present_spans(base), span) then
    findings[#findings + 1] = ''
    findings[#findings + 1] = 'missing-from-index'
    findings[#findings + 1] = key_present_spans(base)
  end
end

local function still_there(member)
  if state == 'present' then
    local n = tonumber(member)
    return redis.call('GETBIT', key, n % PRESENT_SPAN) == 1, fifo(member)
  end
  return redis.call('ZSCORE', key, member), member
end

for i = 5, #ARGV do
  local member = ARGV[i]
  local there
  there, member = still_there(member)
  if state == 'spans' then
    if there and not string.match(member, '^%d+$') then
      found(member, 'malformed-member')
    elseif there and redis.call('EXISTS', key_present(base, tonumber(member))) == 0 then
      found(member, 'orphan-member')
    end
  elseif there then
    local id = id_of(member)
    if not string.match(id, '^[1-9]%d*$') or fifo(id) ~= member then
      found(member, 'malformed-member')
    else
      local jk = key_job(base, id)
      if redis.call('TYPE', jk).ok ~= 'hash' then
        found(id, 'orphan-member')
      else
        local s, t = unpack(redis.call('HMGET', jk, 'state', 'type'))
        if (state ~= 'present' and s ~= state) or (jtype ~= '' and t ~= jtype) then
          found(id, 'extra-index')
        end
      end
    end
  end
end
return findings
