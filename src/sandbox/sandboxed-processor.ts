import type { JobHandler } from '../worker/handler.js';
import { childEntryPath } from './child-entry-path.js';
import { processorPath, resolveSandboxOptions } from './options.js';
import { SandboxPool } from './pool.js';
import type { SandboxJobHost } from './sandbox-child.js';

/** A job as the parent's worker hands it to the handler. */
export type SandboxableJob = SandboxJobHost;

/** A sandboxed processor: the handler the parent's Kue worker runs, and its pool. */
export interface SandboxedProcessorHandle<J> {
  readonly handler: JobHandler<J>;
  readonly pool: SandboxPool;
  /** Stops every child; call after the worker has stopped handing out jobs. */
  close(): Promise<void>;
}

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
  // The worker's signal aborts at the job's ttl, a cancel, a shutdown's timeout or a lost lock:
  // the pool forwards it to the child, and ends a child that does not stop within its grace.
  const handler: JobHandler<J> = (job, ctx) => pool.run(job, ctx.id, ctx.signal);
  return { handler, pool, close: () => pool.close() };
}
