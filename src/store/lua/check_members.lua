--[[ check_members: read-only check of a batch of members of one index (`kue check`): each
must name an existing job that belongs there. Members gone since they were read are skipped.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  the index's key
ARGV[3]  the state the index holds, '' for the all-jobs index
ARGV[4]  the type the index holds, '' for every type
ARGV[5]  first member, ARGV[6] ... the others
Returns a flat list of id (or the member itself when it is malformed), code, key triples.
]]
local base, key, state, jtype = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local findings = {}

local function found(id, code)
  findings[#findings + 1] = id
  findings[#findings + 1] = code
  findings[#findings + 1] = key
end

for i = 5, #ARGV do
  local member = ARGV[i]
  if redis.call('ZSCORE', key, member) then
    local id = id_of(member)
    if not string.match(id, '^[1-9]%d*$') or fifo(id) ~= member then
      found(member, 'malformed-member')
    else
      local jk = job_key(base, id)
      if redis.call('TYPE', jk).ok ~= 'hash' then
        found(id, 'orphan-member')
      else
        local s, t = unpack(redis.call('HMGET', jk, 'state', 'type'))
        if (state ~= '' and s ~= state) or (jtype ~= '' and t ~= jtype) then
          found(id, 'extra-index')
        end
      end
    end
  end
end
return findings
