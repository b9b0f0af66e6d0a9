--[[ tree_read: one job's place in a flow and a page of one part of its children, read at one
instant (read-only). A part is a parent's pending set, its results or its child-errors: each
is read with SSCAN or HSCAN, so a page costs about `limit` members however many children
there are, and a page holds at most `limit` of them. A small set or hash comes whole from
its first scan (an intset, a listpack): it is then listed in id order, a page starting after
the last id of the one before, which stays exact while children settle. Otherwise a page
takes scan batches until it is full; the members of the last batch that did not fit are
carried to the next page (and listed there if they are still members). As with SCAN, a child
present from the first page to the last is listed, and one may be listed twice while the
part changes.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  the job's id
ARGV[3]  part: 'pending', 'complete', 'failed' (their members' jobs), 'results' (the results
         themselves, without the summary) or '' (the summary alone)
ARGV[4]  where the page starts: 'start', 'after' (ARGV[5]: the last id listed) or 'scan'
         (ARGV[5]: the scan cursor, ARGV[6]: ids carried, comma-separated, or '')
ARGV[7]  the most members in the page (1..500)
ARGV[8]  the most pending children whose states are read one by one: above it, a sample of
         that many (SRANDMEMBER) stands for them
Returns false when the job does not exist, else
  { {type, state, parent, children, on_child_failure, cancel_children, failed_child},
    {pending, complete, failed},
    {state, count, state, count, ...} of the pending children read ('missing' for an id
      with no job), the number of pending children read, the lowest pending id read (or false),
    { {id, type, state, text, total, pending, complete, failed}, ... } the page: text is the
      child's error JSON (failed) or result JSON (results), false otherwise; the counts are
      false unless the child is a parent; type, state and counts are false for 'results',
    the next page: {'after', id}, {'scan', cursor, carried ids} or false at the end }
]]
--@include keys
local base, id, part, mode = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local limit, most_states = tonumber(ARGV[7]), tonumber(ARGV[8])
local job = redis.call('HMGET', key_job(base, id), 'type', 'state', 'parent', 'children', 'on_child_failure',
  'cancel_children', 'failed_child')
if not job[1] then return false end

local pending_key, results_key, errors_key = key_pending(base, id), key_results(base, id), key_child_errors(base, id)
local counts = { redis.call('SCARD', pending_key), redis.call('HLEN', results_key), redis.call('HLEN', errors_key) }

local states, read, lowest = {}, 0, false
if part ~= 'results' and counts[1] > 0 then
  local ids
  if counts[1] <= most_states then ids = redis.call('SMEMBERS', pending_key)
  else ids = redis.call('SRANDMEMBER', pending_key, most_states) end
  local by_state = {}
  for _, child in ipairs(ids) do
    local state = redis.call('HGET', key_job(base, child), 'state') or 'missing'
    by_state[state] = (by_state[state] or 0) + 1
    local n = tonumber(child)
    if not lowest or n < lowest then lowest = n end
  end
  read = #ids
  for state, n in pairs(by_state) do
    states[#states + 1] = state
    states[#states + 1] = n
  end
end

local page, next_page = {}, false
if part ~= '' then
  local key = part == 'pending' and pending_key or (part == 'complete' or part == 'results') and results_key
    or errors_key
  local is_set = part == 'pending'
  local with_text = part == 'failed' or part == 'results'
  local texts = {}

  -- One scan call: the next cursor and the members it gave (their texts kept when wanted).
  local function scan(cursor, count)
    if is_set then
      local reply = redis.call('SSCAN', key, cursor, 'COUNT', count)
      return reply[1], reply[2]
    end
    local reply = redis.call('HSCAN', key, cursor, 'COUNT', count)
    local flat, members = reply[2], {}
    for i = 1, #flat, 2 do
      members[#members + 1] = flat[i]
      if with_text then texts[flat[i]] = flat[i + 1] end
    end
    return reply[1], members
  end
  local function by_id(a, b) return tonumber(a) < tonumber(b) end
  local listed = {}
  local function add(member)
    if listed[member] then return end
    listed[member] = true
    page[#page + 1] = member
  end

  if mode == 'after' then
    -- A part once small enough to come whole: read it whole again (it is small, or its
    -- children are bounded by a flow's size), ids after the last one listed.
    local after, rest, cursor = tonumber(ARGV[5]), {}, '0'
    repeat
      local members
      cursor, members = scan(cursor, 1000)
      for _, member in ipairs(members) do
        if tonumber(member) > after then rest[#rest + 1] = member end
      end
    until cursor == '0'
    table.sort(rest, by_id)
    for i = 1, math.min(limit, #rest) do add(rest[i]) end
    if #rest > limit then next_page = { 'after', page[#page] } end
  else
    local cursor, carried = '0', {}
    if mode == 'scan' then
      cursor = ARGV[5]
      for member in string.gmatch(ARGV[6], '%d+') do
        local present
        if is_set then present = redis.call('SISMEMBER', key, member) == 1
        else
          local text = redis.call('HGET', key, member)
          present = text ~= false
          if with_text and present then texts[member] = text end
        end
        if present then
          if #page < limit then add(member) else carried[#carried + 1] = member end
        end
      end
    end
    -- A scan of a large part may give nothing for a while (empty buckets): it stops after
    -- so many calls with a short page, and the next page goes on from its cursor.
    local calls = 0
    while #page < limit and (cursor ~= '0' or (mode == 'start' and calls == 0)) and calls < 50 do
      local started = cursor
      local members
      cursor, members = scan(cursor, limit)
      calls = calls + 1
      table.sort(members, by_id)
      if mode == 'start' and started == '0' and cursor == '0' and #members > limit then
        -- The whole part in one reply: listed in id order from here on.
        for i = 1, limit do add(members[i]) end
        next_page = { 'after', page[#page] }
        break
      end
      for _, member in ipairs(members) do
        if #page < limit then add(member) elseif not listed[member] then carried[#carried + 1] = member end
      end
    end
    if not next_page and (#carried > 0 or cursor ~= '0') then
      next_page = { 'scan', cursor, table.concat(carried, ',') }
    end
  end

  for i, member in ipairs(page) do
    local jtype, state, children = false, false, false
    if part ~= 'results' then
      jtype, state, children = unpack(redis.call('HMGET', key_job(base, member), 'type', 'state', 'children'))
    end
    local item = { member, jtype, state, with_text and texts[member] or false, false, false, false, false }
    if children then
      item[5] = children
      item[6] = redis.call('SCARD', key_pending(base, member))
      item[7] = redis.call('HLEN', key_results(base, member))
      item[8] = redis.call('HLEN', key_child_errors(base, member))
    end
    page[i] = item
  end
end

return { job, counts, states, read, lowest, page, next_page }
