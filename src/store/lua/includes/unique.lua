--[[ unique: freeing a job's unique key (job.unique(key)) as the job finishes. Needs keys.

B:unique:<key> names the job that holds the key: '<id>' while job <id> waits, is delayed or
runs, '<id> ttl' for a key held a ttl (PX) whatever becomes of its job. The job's hash keeps
the key in its field 'unique' (and the ttl in 'unique_ttl'). The create block claims keys;
a key whose job is gone or finished never blocks a save there, so a key this function does
not free (a job moved to complete by hand) costs memory, never a lost save. ]]
--@include keys

-- Frees `ukey` (the job's 'unique' field, nil when it has none) when job `id` (a string)
-- holds it until it finishes: never a key held for a ttl, nor one a newer job took over
-- (a replacing save while this job ran).
local function release_unique(base, id, ukey)
  if not ukey then return end
  local key = key_unique(base, ukey)
  if redis.call('GET', key) == id then redis.call('DEL', key) end
end
