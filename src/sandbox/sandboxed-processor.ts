import { TtlExceededError } from '../errors.js';
import type { JobHandler } from '../worker/handler.js';
import { childEntryPath } from './child-entry-path.js';
import { processorPath, resolveSandboxOptions } from './options.js';
import { SandboxPool } from './pool.js';
import type { SandboxJobHost } from './sandbox-child.js';

/** A job as the parent's worker hands it to the handler; `ttl()` when the job has one. */
export interface SandboxableJob extends SandboxJobHost {
  ttl?(): number;
}

/** A sandboxed processor: the handler the parent's Kue worker runs, and its pool. */
export interface SandboxedProcessorHandle<J> {
  readonly handler: JobHandler<J>;
  readonly pool: SandboxPool;
  /** Stops every child; call after the worker has stopped handing out jobs. */
  close(): Promise<void>;
}

/** The longest delay setTimeout honours. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Makes the handler of `queue.process(type, n, file, options)`: to the parent's Kue worker
 * (which takes the jobs, renews their locks, enforces their ttl and reports their results)
 * it is an ordinary promise-returning handler; each job runs in a child of the pool. Checks
 * the file and the options first and throws (TypeError, RangeError) before anything starts.
 * No child starts until the first job.
 */
export function sandboxedProcessor<J extends SandboxableJob>(
  file: string | URL,
  options: unknown,
  report: (err: unknown) => void,
): SandboxedProcessorHandle<J> {
  const resolved = resolveSandboxOptions(options);
  const path = processorPath(file);
  // A package built without its child program fails here, not at the first job.
  childEntryPath();
  const pool = new SandboxPool(path, resolved, report);
  const handler: JobHandler<J> = (job, ctx) => {
    // The worker's ctx gains `signal` (cancel, ttl, shutdown timeout, lost lock); read it
    // loosely so this compiles with and without it.
    const parentSignal = (ctx as { signal?: AbortSignal }).signal;
    const ttl = typeof job.ttl === 'function' ? job.ttl() : 0;
    if (!(ttl > 0 && ttl <= MAX_TIMER_MS)) return pool.run(job, ctx.id, parentSignal);
    // The worker fails an attempt at its ttl and frees the slot; abort the child at the same
    // moment, so a job past its ttl does not run on in a child nobody waits for.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new TtlExceededError()), ttl);
    const forward = () => controller.abort(parentSignal!.reason);
    if (parentSignal?.aborted) forward();
    else parentSignal?.addEventListener('abort', forward, { once: true });
    return pool.run(job, ctx.id, controller.signal).finally(() => {
      clearTimeout(timer);
      parentSignal?.removeEventListener('abort', forward);
    });
  };
  return { handler, pool, close: () => pool.close() };
}
