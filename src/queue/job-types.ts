import type { JobState } from '../store/keys.js';
import type { RetentionOption } from '../store/retention.js';

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
  /** The worker that last took the job (`host:pid:random`); null until one does. */
  workerId: string | null;
  /** A run of a schedule: its id and the due time (epoch ms) it ran for; null for other jobs. */
  schedule: { id: string; due: number } | null;
  /** The job's group (jobs of a type are taken in turn across groups); null for none. */
  group: string | null;
}
