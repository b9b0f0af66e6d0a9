--[[ present_ids: every job by id, read from the id bitmaps (Job.range, the dashboard's "all").
Needs keys and present. ]]
--@include keys, present

-- Ids of existing jobs in id order (descending when desc), strictly after the id `after`
-- (nil: from the first), skipping the first `skip`, at most `limit` of them.
local function present_ids(base, after, skip, limit, desc)
  local ids = {}
  local after_span = after and math.floor(after / PRESENT_SPAN)
  local spans
  if desc then
    spans = redis.call('ZREVRANGEBYSCORE', key_present_spans(base), after_span or '+inf', '-inf')
  else
    spans = redis.call('ZRANGEBYSCORE', key_present_spans(base), after_span or '-inf', '+inf')
  end
  for _, s in ipairs(spans) do
    if #ids >= limit then break end
    local span = tonumber(s)
    local key = key_present(base, span)
    -- A whole span is skipped by its count, without reading it.
    local skipped = false
    if skip > 0 and span ~= after_span then
      local n = redis.call('BITCOUNT', key)
      if n <= skip then
        skip = skip - n
        skipped = true
      end
    end
    if not skipped then
      local bits = redis.call('GET', key) or ''
      local first = span * PRESENT_SPAN
      local from_byte, to_byte, step = 1, #bits, 1
      if desc then from_byte, to_byte, step = #bits, 1, -1 end
      for i = from_byte, to_byte, step do
        local byte = string.byte(bits, i)
        if byte ~= 0 then
          -- Bit 7 of a byte is its lowest offset.
          for k = 0, 7 do
            local b = desc and k or 7 - k
            if bit.band(byte, bit.lshift(1, b)) ~= 0 then
              local id = first + (i - 1) * 8 + (7 - b)
              if not after or (desc and id < after) or (not desc and id > after) then
                if skip > 0 then
                  skip = skip - 1
                else
                  ids[#ids + 1] = id
                  if #ids >= limit then return ids end
                end
              end
            end
          end
        end
      end
    end
  end
  return ids
end
