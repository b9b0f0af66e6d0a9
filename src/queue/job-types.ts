import type { JobState } from '../store/keys.js';
import type { RetentionOption } from '../store/retention.js';

/** How long to wait before retrying a failed attempt. */
export type BackoffOption =
  | boolean
  | { type?: 'fixed' | 'exponential' | (string & {}); delay?: number; maxDelay?: number }
  | ((attempts: number, delay: number) => number);

/** Kue's JSON shape of a job (the JSON API and `JSON.stringify(job)`). */
export interface JobJSON {
  id: string;
  type: string;
  data: unknown;
  result: unknown;
  priority: number;
  progress: number;
  progress_data: unknown;
  state: JobState | undefined;
  error: string | null;
  attempts: { made: number; remaining: number; max: number };
  created_at: string;
  updated_at: string;
  started_at: string | null;
  failed_at: string | null;
  promote_at: string | null;
  completed_at: string | null;
  duration: string | null;
  delay: number;
  ttl: number;
  removeOnComplete: RetentionOption;
  removeOnFail: RetentionOption;
  backoff?: { type: string; delay?: number; maxDelay?: number };
}

/** What a job's JSON is made of: the fields and readers of a Job. */
export interface JobFields {
  id?: number;
  type: string;
  data: unknown;
  result?: unknown;
  created_at?: number;
  updated_at?: number;
  promote_at?: number;
  started_at?: number;
  failed_at?: number;
  completed_at?: number;
  duration?: number;
  progress_data?: unknown;
  _priority: number;
  _progress: number;
  _state?: JobState;
  _error?: string;
  _delay: number;
  _ttl: number;
  _backoff?: BackoffOption;
  attempts(): { made: number; remaining: number; max: number };
  removeOnComplete(): RetentionOption;
  removeOnFail(): RetentionOption;
}

/** Kue's JSON shape of a job. */
export function jobJSON(job: JobFields): JobJSON {
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
  };
  if (job._backoff && typeof job._backoff === 'object') json.backoff = job._backoff as JobJSON['backoff'];
  return json;
}
