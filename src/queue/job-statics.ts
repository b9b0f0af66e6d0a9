import type { JobState } from '../store/keys.js';
import { optionalThenCallback, withCallback, type Callback } from './callback.js';
import type { JobDirectory } from './job-host.js';
import * as check from './validate.js';

/**
 * Kue's static helpers of `Job` (`Job.get`, `Job.range`, `Job.log`, ...), for the (saved)
 * jobs `J` a directory loads: the Job class exposes them as its statics, on the process queue's jobs.
 * Generic so that this module and job.ts need not import each other.
 */
export interface JobStatics<J> {
  /** Loads a job by id; with a type, also checks the job is of that type. */
  get(id: number | string, type?: string | Callback<J>, callback?: Callback<J>): Promise<J>;
  /** Jobs of every state by id rank, `from`..`to` inclusive. */
  range(from: number, to: number, order?: 'asc' | 'desc' | Callback<J[]>, callback?: Callback<J[]>): Promise<J[]>;
  /** Jobs in one state, `from`..`to` inclusive. */
  rangeByState(
    state: JobState,
    from: number,
    to: number,
    order?: 'asc' | 'desc' | Callback<J[]>,
    callback?: Callback<J[]>,
  ): Promise<J[]>;
  /** Jobs of one type in one state, `from`..`to` inclusive. */
  rangeByType(
    type: string,
    state: JobState,
    from: number,
    to: number,
    order?: 'asc' | 'desc' | Callback<J[]>,
    callback?: Callback<J[]>,
  ): Promise<J[]>;
  /** A job's log lines, in order (Kue's `Job.log(id, cb)`). */
  log(id: number | string, callback?: Callback<string[]>): Promise<string[]>;
  /** Removes a job by id. */
  remove(id: number | string, callback?: Callback<void>): Promise<void>;
  /** Cancels a job by id (see `job.cancel`): true when cancelled, false when already finished. */
  cancel(id: number | string, reason?: string | Callback<boolean>, callback?: Callback<boolean>): Promise<boolean>;
}

/** The static helpers over the directory `jobs()` returns when one of them is called. */
export function jobStatics<J, L extends J>(jobs: () => JobDirectory<J, L>): JobStatics<L> {
  type Order = 'asc' | 'desc';
  return {
    get(id, type, callback) {
      const [t, cb] = optionalThenCallback<string, L>(type, callback);
      return withCallback(jobs().getJob(id, t), cb);
    },
    range(from, to, order, callback) {
      const [o, cb] = optionalThenCallback<Order, L[]>(order, callback);
      return withCallback(jobs().loadRange('all', from, to, o), cb);
    },
    rangeByState(state, from, to, order, callback) {
      const [o, cb] = optionalThenCallback<Order, L[]>(order, callback);
      return withCallback(jobs().loadRange(state, from, to, o), cb);
    },
    rangeByType(type, state, from, to, order, callback) {
      const [o, cb] = optionalThenCallback<Order, L[]>(order, callback);
      return withCallback(jobs().loadRange(state, from, to, o, type), cb);
    },
    log(id, callback) {
      return withCallback(jobs().readLog(check.jobId(id)), callback);
    },
    remove(id, callback) {
      return withCallback(jobs().remove(check.jobId(id)), callback);
    },
    cancel(id, reason, callback) {
      const [given, cb] = optionalThenCallback<string, boolean>(reason, callback);
      const cancelling = Promise.resolve().then(async () => {
        const [ids, text] = [[check.jobId(id)], check.cancelReason(given)];
        return (await jobs().cancel(ids, text))[0]!;
      });
      return withCallback(cancelling, cb);
    },
  };
}
