import type { JobState } from '../store/keys.js';
import type { Saved } from './callback.js';
import type { FinishedOptions } from './finished.js';

/**
 * What a job needs from the queue it belongs to: the narrow side of the queue a Job talks
 * through, so that Job depends on this and not on the whole Queue. `J` is the Job class (a
 * parameter, so that this module and job.ts need not import each other).
 */
export interface JobHost<J> {
  /** Priority names of the queue (`job.priority('high')`). */
  readonly priorities: Record<string, number>;
  /** Saves a new job; on success the job has its id. */
  insert(job: J): Promise<void>;
  /** Writes a saved job's data and options back. */
  update(job: J): Promise<void>;
  /** Removes a job; a flow's parent takes its pending children along unless `children` is 'keep'. */
  remove(id: number, children?: 'remove' | 'keep'): Promise<void>;
  move(id: number, state: JobState): Promise<void>;
  /** Per id: true when cancelled, false when already finished; a JobNotFoundError for none. */
  cancel(ids: number[], reason: string, children?: 'cancel' | 'keep'): Promise<boolean[]>;
  /** Appends a log line in the background; failures go to reportError. */
  log(id: number, line: string): void;
  /** Records progress in the background; failures go to reportError. */
  progress(id: number, percent: number, data: unknown): void;
  reportError(err: unknown): void;
  /** The job's result once it completes; rejects once it fails for good or is removed. */
  finished(id: number, options?: FinishedOptions): Promise<unknown>;
  /** A flow parent's children's results, by child id. */
  childResults(id: number): Promise<Record<string, unknown>>;
  /** A flow parent's children that failed, were cancelled, removed or moved to failed, by child id. */
  childFailures(id: number): Promise<Record<string, { error: string; code: string }>>;
}

/**
 * What Kue's static helpers (`Job.get`, `Job.rangeByState`, ...) need: the process's jobs.
 * The jobs it loads are saved ones (`L`, with their id).
 */
export interface JobDirectory<J, L extends J = Saved<J>> extends JobHost<J> {
  getJob(id: number | string, type?: string): Promise<L>;
  readLog(id: number): Promise<string[]>;
  loadRange(state: JobState | 'all', from: number, to: number, order?: string, type?: string): Promise<L[]>;
}
