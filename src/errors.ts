/** Codes carried by every error Kue raises itself, stable across versions. */
export const ErrorCode = {
  JobNotFound: 'JOB_NOT_FOUND',
  LockLost: 'LOCK_LOST',
  Shutdown: 'SHUTDOWN',
  ShutdownInProgress: 'SHUTDOWN_IN_PROGRESS',
  TtlExceeded: 'TTL_EXCEEDED',
  Connection: 'CONNECTION',
  OutOfMemory: 'OUT_OF_MEMORY',
  NotReplicated: 'NOT_REPLICATED',
  StateChanged: 'STATE_CHANGED',
  MigrationRefused: 'MIGRATION_REFUSED',
  ScheduleNotFound: 'SCHEDULE_NOT_FOUND',
  Cancelled: 'CANCELLED',
  SandboxCrashed: 'SANDBOX_CRASHED',
  SandboxLoadFailed: 'SANDBOX_LOAD_FAILED',
  ChildFailed: 'CHILD_FAILED',
  FlowConflict: 'FLOW_CONFLICT',
  JobFailed: 'JOB_FAILED',
  Timeout: 'TIMEOUT',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class of Kue's own errors. Bad arguments raise plain `TypeError` / `RangeError`. */
export class KueError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** `Job.get` (and friends) for an id that does not exist. */
export class JobNotFoundError extends KueError {
  constructor(
    readonly jobId: number | string,
    message = `job ${jobId} does not exist`,
  ) {
    super(ErrorCode.JobNotFound, message);
  }
}

/** A worker reported on a job whose lock it no longer holds (it stalled, expired or moved). */
export class LockLostError extends KueError {
  constructor(readonly jobId: number | string) {
    super(ErrorCode.LockLost, `job ${jobId} is no longer held by this worker; its result was refused`);
  }
}

/** The attempt was ended by `queue.shutdown()` or `ctx.pause()` before the handler finished. */
export class ShutdownError extends KueError {
  constructor(message = 'Shutdown') {
    super(ErrorCode.Shutdown, message);
  }
}

/**
 * An attempt outlived its job's `ttl`: its worker fails it with this error and frees the
 * slot. The job is retried while attempts remain, like any failed attempt.
 */
export class TtlExceededError extends KueError {
  constructor() {
    super(ErrorCode.TtlExceeded, 'TTL exceeded');
  }
}

/** Redis could not be reached (or did not answer) in time. */
export class ConnectionError extends KueError {
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.Connection, message, { cause });
  }
}

/**
 * Redis refused a write because it reached `maxmemory` and may evict nothing (policy
 * `noeviction`). Redis refuses a script only before its first write, so nothing was changed.
 */
export class OutOfMemoryError extends KueError {
  constructor(what: string, cause?: unknown) {
    super(ErrorCode.OutOfMemory, `Redis is out of memory (maxmemory reached, policy noeviction): ${what}`, { cause });
  }
}

/**
 * A durable save (`durableSaves`) was not confirmed by enough replicas: either the master
 * refused it because too few replicas are connected (`min-replicas-to-write`; nothing was
 * written) or no replica confirmed it in time (it may have been saved, and a failover now
 * may lose it). Either way the save is worth retrying once the replicas are back.
 */
export class NotReplicatedError extends KueError {
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.NotReplicated, message, { cause });
  }
}

/**
 * A move or removal that stated the state the job should be in (the dashboard's and JSON
 * API's actions) found it in another: it moved on since it was looked at, and was left as it
 * is. A running job keeps its worker's lock.
 */
export class StateChangedError extends KueError {
  constructor(
    readonly jobId: number,
    readonly expected: readonly string[],
    readonly actual: string,
  ) {
    super(
      ErrorCode.StateChanged,
      `job ${jobId} is ${actual || 'in no state'}, not ${expected.join(' or ')}: it was left as it is`,
    );
  }
}

/**
 * A migration from Kue 0.11 (`queue.admin.migrateFromKue011`, `kue migrate`) that refused to
 * start and wrote nothing: the queue already holds other jobs under ids the Kue 0.11 jobs
 * keep (`ids` lists them), or the Kue 0.11 keys lie in other Redis Cluster slots than the
 * queue's.
 */
export class MigrationRefusedError extends KueError {
  constructor(
    message: string,
    readonly ids: readonly number[] = [],
  ) {
    super(ErrorCode.MigrationRefused, message);
  }
}

/**
 * The job was cancelled (`job.cancel(reason)`, `Job.cancel`, the dashboard, `kue cancel`): a
 * running handler's `ctx.signal` aborts with it. The job ends failed and is not retried.
 */
export class CancelledError extends KueError {
  constructor(
    readonly jobId: number | string,
    readonly reason = '',
  ) {
    super(ErrorCode.Cancelled, reason ? `job ${jobId} was cancelled: ${reason}` : `job ${jobId} was cancelled`);
  }
}

/** A call named a schedule that does not exist (never made, or removed). */
export class ScheduleNotFoundError extends KueError {
  constructor(readonly scheduleId: string) {
    super(ErrorCode.ScheduleNotFound, `schedule "${scheduleId}" does not exist`);
  }
}

/**
 * A sandboxed processor's thread or process died while it ran a job (an uncaught exception,
 * an unhandled rejection, `process.exit()`, running out of memory, a signal): that attempt
 * fails with this error, whose message says how it died, and the pool starts a new child.
 */
export class SandboxCrashError extends KueError {
  constructor(message: string, stack?: string) {
    super(ErrorCode.SandboxCrashed, message);
    if (stack) this.stack = `${this.name}: ${message}\n${stack}`;
  }
}

/**
 * A sandboxed processor's file could not be loaded (it threw while loading, is missing, or
 * exports no function): the jobs given to it fail with this error, reported once on the
 * queue's `error` event; loading is tried again after `loadRetryMs`.
 */
export class SandboxLoadError extends KueError {
  constructor(
    readonly file: string,
    reason: string,
    stack?: string,
  ) {
    super(ErrorCode.SandboxLoadFailed, `sandboxed processor ${file} could not be loaded: ${reason}`);
    if (stack) this.stack = `${this.name}: ${this.message}\n${stack}`;
  }
}

/**
 * Why a flow's parent failed without running: one of its children failed for good, was
 * cancelled, removed or moved to failed (policy `onChildFailure: 'fail'`, the default). The
 * parent's record keeps the message and the child (`job.flow.failedChild`), its failed
 * attempts an entry with code CHILD_FAILED; `ChildFailedError.of(job)` rebuilds the error
 * from a loaded parent.
 */
export class ChildFailedError extends KueError {
  constructor(
    readonly jobId: number,
    readonly childId: number,
    message: string,
  ) {
    super(ErrorCode.ChildFailed, message);
  }

  /** The error of a loaded parent that a child failed, or undefined for any other job. */
  static of(job: { id?: number; flow?: { failedChild?: number }; _error?: string }): ChildFailedError | undefined {
    const childId = job.flow?.failedChild;
    if (job.id === undefined || childId === undefined) return undefined;
    return new ChildFailedError(job.id, childId, job._error ?? `child ${childId} failed`);
  }
}

/**
 * A flow was not saved because a job of it has a unique key another job holds: a parent would
 * otherwise wait for a job that is not its own. Nothing of the flow was written.
 */
export class FlowConflictError extends KueError {
  constructor(
    /** Where the job is in the flow, e.g. "children[3]". */
    readonly place: string,
    readonly uniqueKey: string,
    readonly holderId: number,
  ) {
    super(
      ErrorCode.FlowConflict,
      `the flow was not saved: ${place} has the unique key "${uniqueKey}", which job ${holderId} holds`,
    );
  }
}

/**
 * `job.finished()`: the job failed for good (its last attempt failed, it outlived its ttl or
 * stalled too often, or it was moved to failed). `error` is the job's own error message.
 */
export class JobFailedError extends KueError {
  constructor(
    readonly jobId: number,
    readonly error: string,
  ) {
    super(ErrorCode.JobFailed, `job ${jobId} failed: ${error}`);
  }
}

/** A wait given a `timeout` (e.g. `job.finished({timeout})`) ran out first. */
export class TimeoutError extends KueError {
  constructor(message: string) {
    super(ErrorCode.Timeout, message);
  }
}
