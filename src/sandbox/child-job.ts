import { format } from 'node:util';
import { progressPercent } from '../progress.js';
import type { ChildFailure } from '../store/tree-store.js';
import { toJson, type FromChild, type JobRead } from './protocol.js';

/**
 * The job a sandboxed processor receives, in its worker thread or child process: the job's
 * id, type and data (a JSON copy), and `log` / `progress`, which the parent applies to the
 * real job (so they reach Redis in order with the job's completion, as in-process). On a
 * flow's parent, `childResults()` and `childFailures()` are read by the parent for the child.
 */
export interface SandboxedJob<D = any> {
  readonly id: number;
  readonly type: string;
  readonly data: D;
  /** Kue's `job.log(format, ...args)`: printf-style, formatted here, written by the parent. */
  log(format: unknown, ...args: unknown[]): this;
  /** Kue's `job.progress(completed, total, [data])`; `data` must be JSON-serialisable. */
  progress(completed: number, total: number, data?: unknown): this;
  /** The percentage last reported by this attempt. */
  progress(): number;
  /**
   * On a flow's parent: its children's results by child id, as `Job#childResults()` reads
   * them in the parent process (a JSON copy). Rejects with the parent's error (Redis), or
   * when the attempt ends before the answer arrives.
   */
  childResults(): Promise<Record<string, unknown>>;
  /**
   * On a flow's parent: its children that failed for good, were cancelled, removed or moved to
   * failed, by child id, as `Job#childFailures()`. Rejects as `childResults()` does.
   */
  childFailures(): Promise<Record<string, ChildFailure>>;
}

/**
 * What a sandboxed processor's `ctx` (and `done`) carries: the parent worker's id and an
 * AbortSignal that aborts when the parent aborts the attempt (cancel, ttl, shutdown, a lost
 * lock), with the parent's reason. The child is killed `abortGraceMs` later if the handler
 * has not settled by then.
 */
export interface SandboxedContext {
  readonly id: string;
  readonly signal: AbortSignal;
}

/** `done(err)` fails the attempt, `done(null, result)` completes it (result as JSON). */
export type SandboxedDone = ((err?: unknown, result?: unknown) => void) & SandboxedContext;

/**
 * The function a processor file exports (`export default` or `module.exports`): `(job)`
 * returning a promise, `(job, done)` or `(job, ctx, done)`, as in-process.
 */
export type SandboxedProcessor<D = any> = (job: SandboxedJob<D>, ctx: SandboxedDone, done: SandboxedDone) => unknown;

/**
 * Builds the child's job for one run; `send` posts to the parent, `read` asks the parent for
 * a read of the job and resolves with its answer.
 */
export function childJob(
  run: { runId: number; id: number; type: string; dataJson: string },
  send: (message: FromChild) => void,
  read: (what: JobRead) => Promise<unknown>,
): SandboxedJob {
  let percent = 0;
  const job = {
    id: run.id,
    type: run.type,
    data: JSON.parse(run.dataJson) as unknown,
    log(fmt: unknown, ...args: unknown[]) {
      // Formatted here: the arguments may not survive the trip (functions, class instances),
      // and the parent's job.log of one string writes it unchanged.
      send({ kind: 'kue:log', runId: run.runId, line: format(fmt, ...args) });
      return job;
    },
    progress(completed?: number, total?: number, data?: unknown) {
      if (completed === undefined) return percent;
      // Checked here as Job.progress checks, so a bad call throws in the handler as it does
      // in-process instead of surfacing later in the parent.
      percent = progressPercent(completed, total);
      send({ kind: 'kue:progress', runId: run.runId, completed, total: total!, dataJson: toJson(data) });
      return job;
    },
    childResults: () => read('childResults'),
    childFailures: () => read('childFailures'),
  };
  return job as SandboxedJob;
}
