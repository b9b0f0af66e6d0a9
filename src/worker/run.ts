import type { JobRecord } from '../store/codec.js';
import type { ProcessSpan } from '../tracing/tracing.js';

/** One attempt a worker is running: its job, its lock, and how it ends. */
export interface Running<J> {
  record: JobRecord;
  job: J;
  lock: string;
  settled: boolean;
  /** Renewal found the lock taken from us: the handler's report will be refused. */
  lockLost?: boolean;
  ttlTimer?: NodeJS.Timeout;
  /**
   * Made when the handler first reads its signal (ctx.signal, job.signal): an AbortSignal
   * costs some microseconds to make, as much as a job's whole share of a busy worker's CPU,
   * and most handlers never read it.
   */
  controller?: AbortController;
  /** Why the attempt was stopped from outside, once it was: a signal made later starts aborted. */
  stopReason?: Error;
  /** The run's consumer span, when a tracer records it (see worker/traced-run.ts). */
  span?: ProcessSpan;
}

/** The run's signal, made on first use; aborted already when the attempt was stopped. */
export function signalOf(run: Running<unknown>): AbortSignal {
  if (!run.controller) {
    run.controller = new AbortController();
    if (run.stopReason) run.controller.abort(run.stopReason);
  }
  return run.controller.signal;
}

/** Aborts the run's signal (now or when it is first read) with `reason`; the first reason stays. */
export function abortRun(run: Running<unknown>, reason: Error): void {
  if (run.stopReason) return;
  run.stopReason = reason;
  run.controller?.abort(reason);
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
  abortRun(run, reason);
  run.span?.end(reason);
  return true;
}
