import type { JobJSON } from './job-types.js';
import type { Job } from './job.js';

/** A job in Kue's JSON shape (`job.toJSON()`, the JSON API). */
export function kueJson(job: Job): JobJSON {
  // Kue's shape: times as strings of epoch ms; absent values as null, so every key is there.
  const str = (n: number | undefined) => (n === undefined ? null : String(n));
  const json: JobJSON = {
    id: String(job.id ?? ''),
    type: job.type,
    data: job.data,
    result: job.result ?? null,
    priority: job._priority,
    progress: job._progress,
    progress_data: job.progress_data ?? null,
    state: job._state,
    error: job._error ?? null,
    attempts: job.attempts(),
    created_at: str(job.created_at) ?? '',
    updated_at: str(job.updated_at) ?? '',
    started_at: str(job.started_at),
    failed_at: str(job.failed_at),
    promote_at: str(job.promote_at),
    completed_at: str(job.completed_at),
    duration: str(job.duration),
    delay: job._delay,
    ttl: job._ttl,
    removeOnComplete: job.removeOnComplete(),
    removeOnFail: job.removeOnFail(),
    workerId: job.workerId ?? null,
    schedule: job.schedule ?? null,
    group: job._group ?? null,
    unique: job._unique
      ? { key: job._unique.key, ...(job._unique.ttl !== undefined && { ttl: job._unique.ttl }) }
      : null,
    cancelled: job.cancelled ?? null,
  };
  if (job._backoff && typeof job._backoff === 'object') json.backoff = job._backoff as JobJSON['backoff'];
  return json;
}
