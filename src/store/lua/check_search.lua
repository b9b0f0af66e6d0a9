--[[ check_search: read-only check of a batch of members of one search word's set
(`kue check`): each must be a job whose search words still include the word.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  the word
ARGV[3]  first job id, ARGV[4] ... the others
Returns a flat list of id, code, key triples.
]]
--@include keys
local base, word = ARGV[1], ARGV[2]
local key = key_search(base, word)
local findings = {}

for i = 3, #ARGV do
  local id = ARGV[i]
  if redis.call('SISMEMBER', key, id) == 1 then
    local jk = key_job(base, id)
    local code
    if redis.call('TYPE', jk).ok ~= 'hash' then
      code = 'orphan-member'
    elseif not string.find(' ' .. (redis.call('HGET', jk, 'words') or '') .. ' ', ' ' .. word .. ' ', 1, true) then
      code = 'extra-index'
    end
    if code then
      findings[#findings + 1] = id
      findings[#findings + 1] = code
      findings[#findings + 1] = key
    end
  end
end
return findings
