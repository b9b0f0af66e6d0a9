--[[ unique: one job's unique key, inside the create block's loop (see includes/unique.lua for
the key). The key is held while the job it names waits, is delayed or runs, or while its ttl
lasts whatever became of that job. A job whose key is held makes nothing new: it resolves to
the holder. With replace, a holder that waits or is delayed takes this job's data, search
words and delay (counted from now: it moves between inactive and delayed as needed, and one
that stays inactive keeps its place) and keeps its id, priority and other options; a holder
that runs is never touched, and the new job takes the key over instead (the debounce keeps
the newest data). A key that is free, or whose job is gone or finished (unless its ttl still
lasts, and then only with replace), goes to the new job.
Reads  base, now, events: the create block's; data, words, delay, d: the job's values; opts:
       its options (unique, ttl, replace); id: the id the new job would get
Sets   reply   '=<holder id>' when the job resolves to the holder
       claimed true when the new job takes the key ]]
--@include util, keys, index, data, search, events, queueing

local ukey, replace = opts.unique, opts.replace
local uttl = opts.ttl and int(opts.ttl) or ''
local key = key_unique(base, ukey)
local held = redis.call('GET', key)
local holder = held and string.match(held, '^%d+')
local state, jtype_held, words_held, priority_held, group_held
if holder then
  local named
  state, named, jtype_held, words_held, priority_held, group_held =
    unpack(redis.call('HMGET', key_job(base, holder), 'state', 'unique', 'type', 'words', 'priority', 'group'))
  -- A job that does not name the key never held it (its id came again after Redis lost its
  -- data): the key is as good as free.
  if named ~= ukey then state = nil end
end
local pending = state == 'inactive' or state == 'delayed'

if replace then
  if pending then
    local jk = key_job(base, holder)
    set_data(jk, data)
    if (words_held or '') ~= words then
      unindex_words(base, holder, words_held)
      index_words(base, holder, words)
      if words == '' then redis.call('HDEL', jk, 'words') else redis.call('HSET', jk, 'words', words) end
    end
    if d > 0 then
      index_remove(base, jtype_held, state, holder, group_held)
      schedule(base, holder, jtype_held, now + d, now)
      redis.call('HSET', jk, 'delay', delay)
      events[#events + 1] = event_text(holder, jtype_held, 'delayed', '[' .. int(now + d) .. ']')
    else
      redis.call('HDEL', jk, 'delay')
      if state == 'delayed' then
        index_remove(base, jtype_held, state, holder, group_held)
        enqueue(base, holder, jtype_held, tonumber(priority_held) or 0, now, group_held)
        events[#events + 1] = event_text(holder, jtype_held, 'enqueue', '[' .. cjson.encode(jtype_held) .. ']')
      else
        redis.call('HSET', jk, 'updated_at', int(now))
      end
    end
    if uttl == '' then redis.call('HDEL', jk, 'unique_ttl') else redis.call('HSET', jk, 'unique_ttl', uttl) end
    reply = '=' .. holder
  end
elseif holder and (pending or state == 'active' or state == 'waiting' or string.sub(held, -4) == ' ttl') then
  reply = '=' .. holder
end

-- A plain duplicate leaves the key as it is (a ttl runs from the save that set it); a new job
-- or a replaced one holds it as this save says, a ttl counted from now.
if replace or not reply then
  local value = reply and holder or id
  if uttl == '' then
    redis.call('SET', key, value)
  else
    redis.call('SET', key, value .. ' ttl', 'PX', uttl)
  end
end
claimed = not reply
