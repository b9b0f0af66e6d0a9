import type { JobState } from '../store/keys.js';
import type { RetentionOption } from '../store/retention.js';
import { traceIdOf } from '../tracing/traceparent.js';
import type { BackoffOption, FlowInfo, JobJSON, UniqueKey } from './job-types.js';

/** What a Job (job.ts) holds that its JSON shows: named here so this module need not import it. */
export interface JobFields {
  id?: number;
  type: string;
  data: unknown;
  result?: unknown;
  _priority: number;
  _progress: number;
  progress_data?: unknown;
  _state?: JobState;
  _error?: string;
  attempts(): { made: number; remaining: number; max: number };
  created_at?: number;
  updated_at?: number;
  started_at?: number;
  failed_at?: number;
  promote_at?: number;
  completed_at?: number;
  duration?: number;
  _delay: number;
  _ttl: number;
  removeOnComplete(): RetentionOption;
  removeOnFail(): RetentionOption;
  workerId?: string;
  schedule?: { id: string; due: number };
  _group?: string;
  _unique?: UniqueKey;
  cancelled?: string;
  flow?: FlowInfo;
  _backoff?: BackoffOption;
  _traceparent?: string;
}

/** A job in Kue's JSON shape (`job.toJSON()`, the JSON API). */
export function kueJson(job: JobFields): JobJSON {
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
  if (job.flow) json.flow = { ...job.flow };
  if (job._backoff && typeof job._backoff === 'object') json.backoff = job._backoff as JobJSON['backoff'];
  const traceId = traceIdOf(job._traceparent);
  if (traceId) json.traceId = traceId;
  return json;
}
