/** Kue's `done`: `done(err)` fails the attempt, `done(null, result)` completes it. */
export type DoneCallback = (err?: unknown, result?: unknown) => void;

/** The worker context handed to three-parameter handlers (Kue's `ctx`). */
export interface WorkerContext {
  /** Unique id of this worker (host, pid and a random part). */
  readonly id: string;
  /**
   * Aborted when this attempt must stop, with the reason: a CancelledError (the job was
   * cancelled from any process), a TtlExceededError (its ttl ran out), a ShutdownError (a
   * shutdown or pause timeout ended) or a LockLostError (another worker owns the job now).
   * Pass it to fetch, streams, timers and child processes so the work stops with it; whatever
   * the handler reports after it aborted changes nothing. Also `job.signal`. Made on first
   * read, by a getter of ctx's prototype: read it as `ctx.signal` (spreading ctx leaves it out).
   */
  readonly signal: AbortSignal;
  /**
   * Stops taking jobs of this `process()` registration, waits up to `timeout` ms (no limit
   * when omitted) for its active jobs, then fails those still running with a shutdown error
   * (retried while attempts remain). Returns a promise when no callback is given.
   */
  pause(timeout?: number, callback?: (err?: Error | null) => void): Promise<void>;
  pause(callback: (err?: Error | null) => void): Promise<void>;
  /** Starts taking jobs again after `pause`. */
  resume(): void;
  /** Like `pause`, for good: the registration takes no more jobs. */
  shutdown(timeout?: number, callback?: (err?: Error | null) => void): Promise<void>;
  shutdown(callback: (err?: Error | null) => void): Promise<void>;
  /**
   * The service this job calls said "slow down" (an HTTP 429, say): no worker of any process
   * takes jobs of this type for `ms`, and this job goes back to `inactive`, in its place,
   * without spending an attempt. The handler just returns; whatever it reports afterwards is
   * ignored. Throws a RangeError unless `ms` is a positive number.
   */
  rateLimit(ms: number): Promise<void>;
}

/**
 * The second argument of a handler: `done` for `(job, done)` handlers and `ctx` for
 * `(job, ctx, done)` ones. It is one object that is both, which is what lets TypeScript type
 * either shape of handler without annotations.
 */
export type DoneAndContext = DoneCallback & WorkerContext;

/**
 * A handler of the jobs `J` a worker hands out: `(job, done)`, `(job, ctx, done)`, or `(job)`
 * returning a promise. A handler that returns a promise settles the job by that promise (its
 * value becomes the result) unless it called `done` first.
 */
export type JobHandler<J> = (job: J, ctx: DoneAndContext, done: DoneCallback) => unknown;

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Turns whatever a handler passed to `done(err)` into a message and a stack. */
export function describeError(err: unknown): { message: string; stack: string } {
  if (err instanceof Error) return { message: err.message, stack: err.stack ?? '' };
  if (typeof err === 'string') return { message: err, stack: '' };
  try {
    return { message: JSON.stringify(err) ?? String(err), stack: '' };
  } catch {
    return { message: String(err), stack: '' };
  }
}
