--[[ take: move up to count inactive jobs of one type to active, each under a new lock.

KEYS[1]  B:ids (routing only)
ARGV[1]  B
ARGV[2]  type
ARGV[3]  count, the worker's free slots
ARGV[4]  worker id (unique per worker, becomes part of each lock)
ARGV[5]  lock duration in ms; the worker renews it while the job runs
Returns {taken, wait}: taken = {id, HGETALL} pairs, highest priority first, FIFO within a
priority; wait, only when the type's limits (B:type:<type>:flow) held every job back: the ms
to wait before asking again, 0 = until an active job of the type ends.
Nothing is taken while the type is paused (B:paused).
]]
--@include util, events
local base, jtype, count, worker, lock_ms = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local now = now_ms()
local now_text = int(now)
local taken, wait, start_event = {}, nil, nil
--@block take
if start_event then emit_all(base, { start_event }) end
return { taken, wait }
