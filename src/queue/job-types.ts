import type { JobState } from '../store/keys.js';
import type { RetentionOption } from '../store/retention.js';
import type { FlowInfo } from '../store/tree-store.js';

/**
 * The priority names `job.priority(name)` accepts, as keys: Kue's five. A queue given its own
 * `priorities` map has other names; declare them by augmenting this interface
 * (`declare module 'kue' { interface PriorityNames { urgent: number } }`), or pass numbers.
 */
export interface PriorityNames {
  low: number;
  normal: number;
  medium: number;
  high: number;
  critical: number;
}

/** A priority name: `low` (10), `normal` (0), `medium` (-5), `high` (-10), `critical` (-15). */
export type PriorityName = keyof PriorityNames & string;

/** How long to wait before retrying a failed attempt. */
export type BackoffOption =
  | boolean
  | { type?: 'fixed' | 'exponential' | (string & {}); delay?: number; maxDelay?: number }
  | ((attempts: number, delay: number) => number);

/** Options of `job.unique(key, options)`; see docs/unique-jobs.md. */
export interface UniqueOptions {
  /**
   * Hold the key this many ms after the save, whatever becomes of the job (a throttle): saves
   * of the key meanwhile resolve to this job, even once it finished. Without a ttl the key is
   * held while the job waits, is delayed or runs, and freed as it completes, fails for good or
   * is removed. A whole number of ms, at least 1.
   * @example job.unique('digest:7', { ttl: 3_600_000 }) // at most one digest an hour
   */
  ttl?: number;
  /**
   * A save of the key while its job waits or is delayed gives that job this save's data,
   * search words and delay (counted from now) instead, keeping its id (a debounce: together
   * with a delay, the job runs once the saves pause). While the job runs it is never touched:
   * the save makes a new job, which takes the key over. With a ttl, each replacing save starts
   * the ttl again.
   * @default false
   * @example job.unique('reindex:9', { replace: true, ttl: 5_000 }).delay(5_000)
   */
  replace?: boolean;
}

/** A job's unique key and the options it was given, as `job.unique()` returns them. */
export interface UniqueKey extends UniqueOptions {
  key: string;
}

/** Kue's JSON shape of a job (the JSON API and `JSON.stringify(job)`). */
export type { FlowInfo, OnChildFailure } from '../store/tree-store.js';

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
  /** The worker that last took the job (`host:pid:random`); null until one does. */
  workerId: string | null;
  /** A run of a schedule: its id and the due time (epoch ms) it ran for; null for other jobs. */
  schedule: { id: string; due: number } | null;
  /** The job's group (jobs of a type are taken in turn across groups); null for none. */
  group: string | null;
  /** The job's unique key (and the ttl it was held for after its save, when it had one); null without one. */
  unique: { key: string; ttl?: number } | null;
  /** Set when the job was cancelled: the reason given ('' for none); null otherwise. */
  cancelled: string | null;
  /** Only on the jobs of a flow: the parent's id, or a parent's children and policy. */
  flow?: FlowInfo;
  /**
   * Only on a job saved while a tracer recorded: the id of the trace its save started
   * (32 hex digits), as tracing backends show it (docs/tracing.md).
   */
  traceId?: string;
}
