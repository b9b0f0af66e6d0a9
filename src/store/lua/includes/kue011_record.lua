--[[ kue011_record: a job hash as Kue 0.11 wrote it, turned into the fields of this package's
job hash. It only reads text and numbers: data, result and progress data are checked to be
JSON, and a backoff function's source is recognised as not being a setting and replaced,
never run. Needs util and data.

Kue 0.11's fields: type, data (JSON), state, priority, created_at, updated_at, promote_at
(the due time), delay, ttl, max_attempts, attempts (attempts made), backoff (JSON
{type, delay, maxDelay}, 'true', or the source of a function), removeOnComplete, started_at,
failed_at, duration, progress, progress_data (JSON), result (JSON), error (the stack, or the
message), workerId (kept as worker_id: the job's JSON shows it as workerId).
]]
--@include util, data

-- The error an active job gets: Kue 0.11 left it active when its worker went away.
local KUE011_STRANDED = 'active in Kue 0.11 when its queue was migrated: its worker was gone'

-- A number written as text, or nil when it is none (nan and the infinities are none).
local function finite(text)
  local n = tonumber(text)
  if n and n == n and n ~= math.huge and n ~= -math.huge then return n end
  return nil
end

local function is_json(text)
  return (pcall(cjson.decode, text))
end

local function is_kue011_state(state)
  return state == 'inactive' or state == 'delayed' or state == 'active' or state == 'complete' or
    state == 'failed'
end

-- A 0.11 backoff as this package stores it: kind, base delay (ms, nil = the job's delay), cap,
-- and whether the stored setting was replaced (a function's source, or a setting not
-- understood: Kue 0.11 would have thrown on it). Kue 0.11 stored objects as JSON and
-- `backoff(true)` as 'true'.
local function kue011_backoff(text, replacement_kind, replacement_delay)
  if not text or text == '' then return nil, nil, nil, false end
  if text == 'true' then return 'fixed', nil, nil, false end
  if string.sub(text, 1, 1) == '{' then
    local ok, setting = pcall(cjson.decode, text)
    if ok and type(setting) == 'table' then
      local kind = setting.type
      if kind == nil then kind = 'fixed' end
      if kind == 'fixed' or kind == 'exponential' then
        return kind, finite(setting.delay), finite(setting.maxDelay), false
      end
    end
  end
  return replacement_kind, replacement_delay, nil, true
end

-- Kue 0.11 stored an Error's stack (its first line holds the message) or a bare message.
local function kue011_error(text)
  local cut = string.find(text, '\n', 1, true)
  if cut then return string.sub(text, 1, cut - 1), text end
  return text, ''
end

--[[ The job a 0.11 hash `h` (a table of its fields) becomes. `now` is the server clock (ms);
replacement_kind and replacement_delay (ms, or nil for the job's own delay) are the backoff
that replaces a stored function. Returns a table
  { jtype, state, score, fields, errors_entry, kue011_state, replaced }
(fields a flat name, value list for HSET; errors_entry one entry for B:job:<id>:errors or
nil), or nil and the reason the hash cannot be moved as it is. ]]
local function kue011_job(h, now, replacement_kind, replacement_delay)
  local kue011_state = h.state
  if not kue011_state then return nil, 'no state yet: a Kue 0.11 producer may be writing it (run again)' end
  if not is_kue011_state(kue011_state) then return nil, 'unknown state "' .. kue011_state .. '"' end
  if not h.type or h.type == '' then return nil, 'no type' end
  -- Kue 0.11 read a job without data as {}.
  local data = h.data or '{}'
  if not is_json(data) then return nil, 'data is not JSON' end
  if h.result and not is_json(h.result) then return nil, 'result is not JSON' end
  if h.progress_data and not is_json(h.progress_data) then return nil, 'progress data is not JSON' end
  local priority = finite(h.priority or '0')
  if not priority then return nil, 'priority is not a number' end

  local created = finite(h.created_at) or finite(h.updated_at) or now
  local updated = finite(h.updated_at) or created
  local delay = finite(h.delay) or 0
  local max = math.max(1, math.floor(finite(h.max_attempts) or 1))
  local made = math.max(0, math.floor(finite(h.attempts) or 0))
  local started, failed_at, completed = finite(h.started_at), finite(h.failed_at), nil
  local message, stack
  if h.error and h.error ~= '' then message, stack = kue011_error(h.error) end
  local state, score = kue011_state, priority
  if kue011_state == 'delayed' then
    score = finite(h.promote_at) or (created + delay)
  elseif kue011_state == 'active' then
    -- The attempt it was in is over: counted like a failed one, without backoff.
    made = made + 1
    message, stack, failed_at, updated = KUE011_STRANDED, '', now, now
    if made >= max then state, score = 'failed', now else state = 'inactive' end
  elseif kue011_state == 'complete' then
    -- Kue 0.11 counted the attempt that completed too; here `made` counts failures only.
    made = math.max(0, made - 1)
    completed = updated
    score = updated
  elseif kue011_state == 'failed' then
    score = failed_at or updated
  end

  local fields = data_fields(data)
  local function put(name, value)
    if value ~= nil and value ~= '' then
      fields[#fields + 1] = name
      fields[#fields + 1] = value
    end
  end
  local function put_int(name, n)
    if n then put(name, int(n)) end
  end
  -- As save writes them: defaults are left out.
  put('type', h.type)
  put('state', state)
  put_int('created_at', created)
  if priority ~= 0 then put('priority', h.priority) end
  if updated ~= created then put_int('updated_at', updated) end
  if delay > 0 then put_int('delay', delay) end
  if max ~= 1 then put_int('attempts', max) end
  if made > 0 then put_int('made', made) end
  local kind, backoff_delay, backoff_max, replaced = kue011_backoff(h.backoff, replacement_kind, replacement_delay)
  put('backoff', kind)
  put_int('backoff_delay', backoff_delay)
  put_int('backoff_max', backoff_max)
  local ttl = finite(h.ttl)
  if ttl and ttl > 0 then put_int('ttl', ttl) end
  if h.removeOnComplete and h.removeOnComplete ~= 'false' then put('remove_on_complete', '1') end
  if state == 'delayed' then put_int('promote_at', score) end
  put_int('started_at', started)
  put_int('failed_at', failed_at)
  put_int('completed_at', completed)
  put_int('duration', finite(h.duration))
  local progress = finite(h.progress)
  if progress and progress ~= 0 then put_int('progress', progress) end
  put('progress_data', h.progress_data)
  put('result', h.result)
  put('error', message)
  put('stack', stack)
  put('worker_id', h.workerId)

  local errors_entry
  if message then
    -- The shape fail_attempt gives every failed attempt.
    errors_entry = '{"attempt":' .. math.max(made, 1) .. ',"started_at":' .. (started and int(started) or 'null') ..
      ',"failed_at":' .. (failed_at and int(failed_at) or 'null') .. ',"error":' .. cjson.encode(message) ..
      ',"stack":' .. cjson.encode(stack or '') .. '}'
  end
  return {
    jtype = h.type, state = state, score = score, fields = fields, errors_entry = errors_entry,
    kue011_state = kue011_state, replaced = replaced,
  }
end
