import { EventEmitter } from 'node:events';
import type { JobState } from '../store/keys.js';
import type { RetentionOption } from '../store/retention.js';
import type { BackoffOption, FlowInfo, UniqueKey } from './job-types.js';

/**
 * What a Job holds: its record as loaded from Redis, or its options before its first save
 * (job.ts adds the methods). An EventEmitter of the job's own events in the process that
 * saved it (Kue's job-level events).
 */
export class JobFieldsBase<D = any> extends EventEmitter {
  /** Integer id, set once saved (see SavedJob). */
  id?: number;
  type!: string;
  data!: D;
  /** What the handler passed to `done(null, result)`, once complete. */
  result?: unknown;
  created_at?: number;
  updated_at?: number;
  promote_at?: number;
  started_at?: number;
  failed_at?: number;
  completed_at?: number;
  /** Milliseconds the successful attempt ran. */
  duration?: number;
  progress_data?: unknown;
  /** The worker that last took the job, once one has. */
  workerId?: string;
  /** A run of a schedule: the schedule's id and the due time (epoch ms) it was made for. */
  schedule?: { id: string; due: number };
  /**
   * Set by a save: `true` when the job's unique key was held, so the save made no job and `id`
   * is the existing job's (whose record this object does not hold: `Job.get` loads it);
   * `false` when the save made the job.
   */
  duplicate?: boolean;
  /** Set when the job was cancelled: the reason given ('' for none). */
  cancelled?: string;
  /** Set on the jobs of a flow: its parent's id, or (on a parent) its children and policy. */
  flow?: FlowInfo;
  /** The W3C traceparent of the span that saved the job, when a tracer recorded one. */
  _traceparent?: string;
  /** On a job handed to a handler: makes its attempt's signal (see `signal`). */
  _signal?: () => AbortSignal;
  /** Raw fields, named as in Kue. Prefer the methods. */
  _priority = 0;
  _max_attempts = 1;
  _attempts = 0;
  _delay = 0;
  _ttl = 0;
  _state?: JobState;
  _error?: string;
  _stack?: string;
  _progress = 0;
  /** Unset (undefined) means the queue's default applies when the job is saved. */
  _removeOnComplete?: RetentionOption;
  _removeOnFail?: RetentionOption;
  _backoff?: BackoffOption;
  _jobEvents?: boolean;
  _searchKeys?: string[];
  _unique?: UniqueKey;
  _group?: string;
  /** The worker's lock on this attempt (set on jobs handed to a handler). */
  _lock?: string;
  /**
   * The save calls this Job object was sent in: a retry of its save names them, so Redis gives
   * it the job an earlier send made (within the saveRetryWindow) instead of a second.
   */
  _sends?: string[];
}
