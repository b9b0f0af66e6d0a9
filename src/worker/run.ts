import type { JobRecord } from '../store/codec.js';

/** One attempt a worker is running: its job, its lock, and how it ends. */
export interface Running<J> {
  record: JobRecord;
  job: J;
  lock: string;
  settled: boolean;
  /** Renewal found the lock taken from us: the handler's report will be refused. */
  lockLost?: boolean;
  ttlTimer?: NodeJS.Timeout;
  /** Aborts the handler's signal (ctx.signal, job.signal) when the attempt must stop. */
  controller: AbortController;
}

/**
 * Ends a run's attempt from outside the handler (cancelled, timed out, shut down, lock lost):
 * nothing the handler reports later counts, and its signal aborts with `reason`. Answers
 * false when the run had already settled.
 */
export function stopRun(run: Running<unknown>, reason: Error): boolean {
  if (run.settled) return false;
  run.settled = true;
  clearTimeout(run.ttlTimer);
  run.controller.abort(reason);
  return true;
}
