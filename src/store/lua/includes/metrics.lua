--[[ metrics: the Prometheus counters of each job type (docs/metrics.md), in a hash per type,
key_metrics(base, type). They are written only while a scrape's lease exists
(key_metrics_lease, set by the metrics script). complete and fail come in variants told the
answer (complete_on, complete_off, ...: metrics_on set before the body, see
MetricsStore.variant), which look nothing up; otherwise the first job a call ends asks once
(EXISTS) and the rest of the call reads the answer. Needs nothing but keys, which its users
include themselves.

Fields of B:type:<type>:metrics (counts since the first scrape; short names keep the hash a
listpack):
  f   jobs failed for good (cancelled jobs are not in it)
  t   failed attempts that will run again (retried, at once or after their backoff)
  s   stalls (a job whose lock expired; one that stalled too often also counts in f)
  x   jobs cancelled
  r<i> / w<i>  completed jobs by run time / wait time, bucket i of metrics_bucket (not
       cumulative); their sum is the number of completed jobs
  rs / ws      the sums of those run / wait times, in ms
]]

-- Whether a scrape's lease is on: nil until told, or until the first job of a call ends.
local metrics_on = nil

-- The bucket index (0 to 15) of a duration in ms: the smallest upper bound it does not exceed,
-- of 5 10 25 50 100 250 500 ms, 1 2.5 5 10 30 s, 1 5 30 min, then +Inf (15). The same bounds
-- as METRICS_BUCKETS_MS in src/store/metrics-store.ts (a test compares them). A macro:
-- written out where it is called, it makes no function.
local function metrics_bucket(ms) return ms <= 5 and 0 or ms <= 10 and 1 or ms <= 25 and 2 or ms <= 50 and 3 or ms <= 100 and 4 or ms <= 250 and 5 or ms <= 500 and 6 or ms <= 1000 and 7 or ms <= 2500 and 8 or ms <= 5000 and 9 or ms <= 10000 and 10 or ms <= 30000 and 11 or ms <= 60000 and 12 or ms <= 300000 and 13 or ms <= 1800000 and 14 or 15 end
