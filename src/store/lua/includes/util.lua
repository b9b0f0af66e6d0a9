--[[ util: the server clock and small helpers with no knowledge of the key layout. Needs
nothing. ]]

-- The Redis server's clock, so workers on many machines agree on due times and deadlines.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function int(n)
  return string.format('%d', n)
end

-- The list kept in map[key], made empty on first use: for grouping work by index or type.
local function list_in(map, key)
  local list = map[key]
  if not list then
    list = {}
    map[key] = list
  end
  return list
end
