import { Queue } from './queue/queue.js';
import { Job, setDefaultJobs } from './queue/job.js';
import type { QueueOptions } from './queue/options.js';
import {
  ConnectionError,
  ErrorCode,
  JobNotFoundError,
  KueError,
  LockLostError,
  NotReplicatedError,
  OutOfMemoryError,
  ShutdownError,
  StateChangedError,
  ScheduleNotFoundError,
  TtlExceededError,
} from './errors.js';
import { defaults } from './defaults.js';
import { version } from './version.js';
import { createApp, type KueApp } from './http/app.js';

let shared: Queue | undefined;
let sharedApp: KueApp | undefined;
/** The options the process last gave createQueue: what the process queue comes back with. */
let lastOptions: QueueOptions | undefined;

/**
 * Returns the process's shared queue, creating it with `options` on the first call. Later
 * options are ignored until `shutdown()` clears it, as in Kue. For independent queues (two
 * prefixes in one process) use `new kue.Queue(options)`.
 */
export function createQueue(options?: QueueOptions): Queue {
  if (options !== undefined) lastOptions = options;
  if (!shared) {
    const queue = new Queue(options);
    shared = queue;
    queue.once('shutdown', () => {
      if (shared !== queue) return;
      shared = undefined;
      sharedApp = undefined;
    });
  }
  return shared;
}

/**
 * The process queue for the `Job` statics and `kue.app`: after a shutdown they open it again
 * with the options the process gave last, not Kue's defaults.
 */
const processQueue = (): Queue => createQueue(lastOptions);

setDefaultJobs(() => processQueue().jobs);

/** Kue's priority names and numbers. */
export const priorities: Readonly<Record<string, number>> = Object.freeze({ ...defaults.priorities });

const kueModule = {
  createQueue,
  createApp,
  Queue,
  Job,
  /**
   * The Express application serving the process queue's JSON API and dashboard, made on
   * first use: call `kue.createQueue(options)` first when the options are not the defaults.
   */
  get app(): KueApp {
    return (sharedApp ??= createApp({ queue: processQueue() }));
  },
  version,
  priorities,
  KueError,
  JobNotFoundError,
  LockLostError,
  ShutdownError,
  TtlExceededError,
  ConnectionError,
  OutOfMemoryError,
  NotReplicatedError,
  StateChangedError,
  ScheduleNotFoundError,
  ErrorCode,
};

/**
 * The module is callable like Kue's: `kue(options)` is `kue.createQueue(options)`, the process
 * queue; and as Kue 0.11 exported the Queue constructor itself, `new kue(options)` is an
 * independent queue, like `new kue.Queue(options)`.
 */
function kueFunction(options?: QueueOptions): Queue {
  return new.target ? new Queue(options) : createQueue(options);
}
const kue = Object.defineProperties(kueFunction, Object.getOwnPropertyDescriptors(kueModule)) as typeof kueModule &
  ((options?: QueueOptions) => Queue) &
  (new (options?: QueueOptions) => Queue);
export default kue;

export {
  createApp,
  Queue,
  Job,
  version,
  KueError,
  JobNotFoundError,
  LockLostError,
  ShutdownError,
  TtlExceededError,
  ConnectionError,
  OutOfMemoryError,
  NotReplicatedError,
  StateChangedError,
  ScheduleNotFoundError,
  ErrorCode,
};
export type { QueueOptions } from './queue/options.js';
export type { BackoffOption, JobJSON, SavingJob, ProcessHandler } from './queue/job.js';
export type { RetentionOption } from './store/retention.js';
export type { Callback } from './queue/callback.js';
export type { JobEvent } from './events/event-bus.js';
export type { DoneCallback, DoneAndContext, WorkerContext } from './worker/handler.js';
export type { RedisConnectionOptions, RedisSetting, RedisClient } from './store/connection.js';
export type { JobState } from './store/keys.js';
export type { Logger } from './logger.js';
export type { AppOptions, KueApp } from './http/app.js';
export type { AuthOption } from './http/security.js';
export type { QueueAdmin, BulkOptions, MinuteStats } from './queue/admin.js';
export type { AttemptError } from './store/replies.js';
export type { CheckReport, CheckFinding, CheckCode } from './store/check.js';
export type { ScheduleInfo, ScheduleTemplate } from './queue/schedules.js';
export type { ScheduleRuleInput } from './queue/schedule-rule.js';
export type { MissedPolicy, OverlapPolicy } from './maintenance/schedule-times.js';
