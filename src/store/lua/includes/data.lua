--[[ data: a job's data in the job hash, in pieces that keep the hash compact. Needs nothing. ]]

-- A job's data goes into fields of at most 64 bytes (data, data.1, data.2, ...), cut
-- between UTF-8 characters, when it is short enough: Redis keeps a hash whose values are all
-- this small as one compact listpack (hash-max-listpack-value, 64 by default), a third of the
-- size of the table it becomes when one value is longer. Longer data stays in one field.
local DATA_PIECE, DATA_PIECES_MAX = 64, 256

local function data_fields(data)
  if #data <= DATA_PIECE or #data > DATA_PIECES_MAX then return { 'data', data } end
  local fields, at, n = {}, 1, 0
  while at <= #data do
    local stop = at + DATA_PIECE - 1
    -- Never cut before a continuation byte (10xxxxxx) of a character.
    while stop < #data and stop > at do
      local next_byte = string.byte(data, stop + 1)
      if next_byte < 128 or next_byte >= 192 then break end
      stop = stop - 1
    end
    -- The usual names are written out: joining a number to a string costs a format (some
    -- 3,000 instructions).
    fields[#fields + 1] = n == 0 and 'data' or n == 1 and 'data.1' or n == 2 and 'data.2' or ('data.' .. n)
    fields[#fields + 1] = string.sub(data, at, stop)
    at, n = stop + 1, n + 1
  end
  return fields
end

-- Writes a job's data, deleting pieces left over from longer data.
local function set_data(jk, data)
  local fields = data_fields(data)
  redis.call('HSET', jk, unpack(fields))
  local n = #fields / 2
  while redis.call('HDEL', jk, 'data.' .. n) == 1 do n = n + 1 end
end

local function get_data(jk)
  local data = redis.call('HGET', jk, 'data')
  if not data then return nil end
  local pieces, n = { data }, 1
  while true do
    local piece = redis.call('HGET', jk, 'data.' .. n)
    if not piece then break end
    pieces[#pieces + 1] = piece
    n = n + 1
  end
  return table.concat(pieces)
end
