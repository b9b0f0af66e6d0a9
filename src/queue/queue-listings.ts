import type { JobState } from '../store/keys.js';
import type { Store } from '../store/store.js';
import { optionalThenCallback, withCallback, type Callback } from './callback.js';
import type { SavedJob } from './job.js';
import type { QueueJobs } from './jobs.js';
import { QueueControls } from './queue-controls.js';
import * as check from './validate.js';

/** A queue's counts and listings of jobs, by state and type; `Queue` provides the parts. */
export abstract class QueueListings extends QueueControls {
  /** @internal */
  abstract readonly store: Store;
  /** @internal */
  abstract readonly jobs: QueueJobs;

  inactiveCount(type?: string | Callback<number>, callback?: Callback<number>): Promise<number> {
    return this.countIn('inactive', type, callback);
  }
  activeCount(type?: string | Callback<number>, callback?: Callback<number>): Promise<number> {
    return this.countIn('active', type, callback);
  }
  completeCount(type?: string | Callback<number>, callback?: Callback<number>): Promise<number> {
    return this.countIn('complete', type, callback);
  }
  failedCount(type?: string | Callback<number>, callback?: Callback<number>): Promise<number> {
    return this.countIn('failed', type, callback);
  }
  delayedCount(type?: string | Callback<number>, callback?: Callback<number>): Promise<number> {
    return this.countIn('delayed', type, callback);
  }
  /** Parents of flows waiting for their children. */
  waitingCount(type?: string | Callback<number>, callback?: Callback<number>): Promise<number> {
    return this.countIn('waiting', type, callback);
  }

  /** Number of jobs in a state, optionally of one type. */
  card(state: JobState, type?: string | Callback<number>, callback?: Callback<number>): Promise<number> {
    return this.countIn(check.state(state), type, callback);
  }

  private countIn(state: JobState, type?: string | Callback<number>, callback?: Callback<number>): Promise<number> {
    const [t, cb] = optionalThenCallback<string, number>(type, callback);
    return withCallback(this.store.count(state, t), cb);
  }

  inactive(type?: string | Callback<number[]>, callback?: Callback<number[]>): Promise<number[]> {
    return this.idsIn('inactive', type, callback);
  }
  active(type?: string | Callback<number[]>, callback?: Callback<number[]>): Promise<number[]> {
    return this.idsIn('active', type, callback);
  }
  complete(type?: string | Callback<number[]>, callback?: Callback<number[]>): Promise<number[]> {
    return this.idsIn('complete', type, callback);
  }
  failed(type?: string | Callback<number[]>, callback?: Callback<number[]>): Promise<number[]> {
    return this.idsIn('failed', type, callback);
  }
  delayed(type?: string | Callback<number[]>, callback?: Callback<number[]>): Promise<number[]> {
    return this.idsIn('delayed', type, callback);
  }
  /** Ids of the parents of flows waiting for their children. */
  waiting(type?: string | Callback<number[]>, callback?: Callback<number[]>): Promise<number[]> {
    return this.idsIn('waiting', type, callback);
  }

  /** Ids of every job in a state (optionally of one type). Use `rangeByState` on big queues. */
  state(state: JobState, type?: string | Callback<number[]>, callback?: Callback<number[]>): Promise<number[]> {
    return this.idsIn(check.state(state), type, callback);
  }

  private idsIn(state: JobState, type?: string | Callback<number[]>, callback?: Callback<number[]>): Promise<number[]> {
    const [t, cb] = optionalThenCallback<string, number[]>(type, callback);
    return withCallback(this.store.ids(state, 0, -1, 'asc', t), cb);
  }

  /** Every job type saved so far. */
  types(callback?: Callback<string[]>): Promise<string[]> {
    return withCallback(this.store.types(), callback);
  }

  /** Total milliseconds spent by completed jobs. */
  workTime(callback?: Callback<number>): Promise<number> {
    return withCallback(this.store.workTime(), callback);
  }

  /** Loads a job; rejects with `JobNotFoundError` naming the id when there is none. */
  getJob(id: number | string, type?: string): Promise<SavedJob> {
    return this.jobs.getJob(id, type);
  }

  range(from: number, to: number, order?: 'asc' | 'desc'): Promise<SavedJob[]> {
    return this.jobs.loadRange('all', from, to, order);
  }

  rangeByState(state: JobState, from: number, to: number, order?: 'asc' | 'desc'): Promise<SavedJob[]> {
    return this.jobs.loadRange(state, from, to, order);
  }

  rangeByType(type: string, state: JobState, from: number, to: number, order?: 'asc' | 'desc'): Promise<SavedJob[]> {
    return this.jobs.loadRange(state, from, to, order, type);
  }

  /** Jobs by id, in that order, skipping ids that no longer exist. */
  loadJobs(ids: number[]): Promise<SavedJob[]> {
    return this.jobs.load(ids);
  }
}
