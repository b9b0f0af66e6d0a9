--[[ check_unique: read-only check of a batch of unique keys or of save records (`kue check`),
each judged at one instant. A unique key holds '<id>' or '<id> ttl' (includes/unique.lua):
one held until its job finishes must name a job that waits, is delayed or runs and names the
key in its 'unique' field (else it is stale: its job finished or went without freeing it;
it blocks no save, but costs memory), and one held for a ttl must expire. A save record
(save.lua) holds a first id or a JSON array of replies, and must expire.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  'unique' or 'saved': what the names are
ARGV[3]  first name (the key after B:unique: or B:saved:), ARGV[4] ... the others
Returns a flat list of id ('' for none), code, key triples.
]]
--@include keys
local base, kind = ARGV[1], ARGV[2]
local findings = {}

local function found(id, code, key)
  findings[#findings + 1] = id
  findings[#findings + 1] = code
  findings[#findings + 1] = key
end

for i = 3, #ARGV do
  local name = ARGV[i]
  local key = kind == 'unique' and key_unique(base, name) or key_saved(base, name)
  -- A key gone since it was read is skipped; one of the wrong type is the caller's finding.
  local value = redis.pcall('GET', key)
  if type(value) == 'string' then
    local expires = redis.call('PTTL', key) >= 0
    if kind == 'unique' then
      local id, timed = string.match(value, '^%d+$'), string.match(value, '^(%d+) ttl$')
      if timed then
        if not expires then found(timed, 'bad-unique', key) end
      elseif not id or expires then
        -- A key held until its job finishes must not vanish while the job waits.
        found(id or '', 'bad-unique', key)
      else
        local state, named = unpack(redis.call('HMGET', key_job(base, id), 'state', 'unique'))
        if named ~= name or not (state == 'inactive' or state == 'delayed' or state == 'active' or state == 'waiting') then
          found(id, 'unique-stale', key)
        end
      end
    elseif not expires or not (string.match(value, '^%d+$') or pcall(cjson.decode, value)) then
      found('', 'bad-save-record', key)
    end
  end
end
return findings
