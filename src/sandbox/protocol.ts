/**
 * The messages between a sandbox pool (parent) and one of its children (a worker thread or a
 * child process). Every message is plain JSON, so threads and processes carry the same thing;
 * job data, results and progress data travel as JSON text, as they are stored in Redis, so a
 * sandboxed handler sees exactly what an in-process one would after a round trip through
 * Redis. Kinds start with `kue:` so a processor that posts messages of its own on the same
 * channel (`parentPort`, `process.send`) is ignored instead of misread.
 */

/** An error as it crosses between threads or processes. */
export interface SerializedError {
  name: string;
  message: string;
  stack: string;
}

/**
 * The reads of its job a child asks the parent for: the child has no Redis connection, the
 * parent has the real job. Each is the method of that name on the parent's job.
 */
export type JobRead = 'childResults' | 'childFailures';

/** Parent to child. */
export type ToChild =
  /** Load the processor file; answered by `kue:ready` or `kue:load-failed`. */
  | { kind: 'kue:load'; file: string }
  /**
   * Run one job; answered by `kue:done` (after any `kue:log` and `kue:progress`). `workerId`:
   * the parent worker's id, the handler's `ctx.id`.
   */
  | { kind: 'kue:run'; runId: number; id: number; type: string; dataJson: string; workerId: string }
  /** Abort the run: its `ctx.signal` aborts with this reason. */
  | { kind: 'kue:abort'; runId: number; reason: SerializedError }
  /** The answer to the run's `kue:request`: the value as JSON text, or the error it failed with. */
  | { kind: 'kue:reply'; runId: number; requestId: number; valueJson?: string; error?: SerializedError };

/** How a child's fatal error reached it. */
export type FatalOrigin = 'uncaught exception' | 'unhandled rejection';

/** Child to parent. */
export type FromChild =
  | { kind: 'kue:ready' }
  | { kind: 'kue:load-failed'; error: SerializedError }
  | { kind: 'kue:log'; runId: number; line: string }
  | { kind: 'kue:progress'; runId: number; completed: number; total: number; dataJson?: string }
  /**
   * A read of the run's job (`requestId` numbers the run's requests), answered by `kue:reply`
   * while the run lasts; the child rejects what is unanswered when the run ends.
   */
  | { kind: 'kue:request'; runId: number; requestId: number; read: JobRead }
  /**
   * The run settled. `memoryMb`: the child's JS heap plus the memory its JS objects hold
   * outside it (Buffers), after the run, for the `maxMemoryMb` recycling check.
   */
  | { kind: 'kue:done'; runId: number; error?: SerializedError; resultJson?: string; memoryMb: number }
  /** The child is about to exit because of this error (sent before it exits, when it can). */
  | { kind: 'kue:fatal'; error: SerializedError; origin: FatalOrigin };

/** Whether a message is one of ours (anything else on the channel came from the processor). */
export function isProtocolMessage<M extends { kind: string }>(message: unknown): message is M {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { kind?: unknown }).kind === 'string' &&
    (message as { kind: string }).kind.startsWith('kue:')
  );
}

/** Any thrown value as a name, message and stack (a string stays the message). */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) {
    return { name: err.name, message: err.message, stack: err.stack ?? '' };
  }
  if (typeof err === 'string') return { name: 'Error', message: err, stack: '' };
  let message: string;
  try {
    message = JSON.stringify(err) ?? String(err);
  } catch {
    message = String(err);
  }
  return { name: 'Error', message, stack: '' };
}

/** An Error with the name, message and stack that crossed. */
export function deserializeError(e: SerializedError): Error {
  const err = new Error(e.message);
  err.name = e.name;
  err.stack = e.stack || `${e.name}: ${e.message}`;
  return err;
}

/** JSON text of a value, or undefined for undefined (which JSON cannot carry). */
export function toJson(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

export function fromJson(text: string | undefined): unknown {
  return text === undefined ? undefined : JSON.parse(text);
}
