--[[ present: the id bitmaps that tell which ids exist (set when a job is saved, cleared when
it is deleted). Needs util and keys. ]]
--@include util, keys

-- One bit per id in bitmaps of PRESENT_SPAN ids (B:present:<n>, 1 KB each), whose numbers the
-- small zset B:present lists. An id costs an eighth of a byte instead of a zset entry, and a
-- span whose jobs are all gone is deleted. PRESENT_SPAN in keys.ts is the same span (a test
-- compares them), for check.ts, which reads the bitmaps.
local PRESENT_SPAN = 8192

-- Sets the bits of new ids (a list of id strings, ascending): one command per span touched,
-- or per 1,000 ids (Lua's unpack spreads at most about 8,000 values).
local function mark_present(base, ids)
  local span_of, ops = nil, nil
  local function flush()
    if ops then
      redis.call('BITFIELD', key_present(base, span_of), unpack(ops))
      redis.call('ZADD', key_present_spans(base), span_of, int(span_of))
    end
  end
  for _, id in ipairs(ids) do
    local n = tonumber(id)
    local span = math.floor(n / PRESENT_SPAN)
    if span ~= span_of or #ops >= 4000 then
      flush()
      span_of, ops = span, {}
    end
    ops[#ops + 1] = 'SET'
    ops[#ops + 1] = 'u1'
    ops[#ops + 1] = int(n % PRESENT_SPAN)
    ops[#ops + 1] = '1'
  end
  flush()
end

local function unmark_present(base, id)
  local n = tonumber(id)
  local span = math.floor(n / PRESENT_SPAN)
  local key = key_present(base, span)
  redis.call('SETBIT', key, n % PRESENT_SPAN, 0)
  if redis.call('BITCOUNT', key) == 0 then
    redis.call('DEL', key)
    redis.call('ZREM', key_present_spans(base), int(span))
  end
end
