import { SandboxCrashError } from '../errors.js';
import type { ResolvedSandboxOptions } from './options.js';
import { ChildGoneError, SandboxChild, type SandboxJobHost } from './sandbox-child.js';

/**
 * The children of one sandboxed `process()` registration. It does not count slots: the
 * parent's Kue worker runs at most `concurrency` jobs at once, so the pool holds about that
 * many children, started when jobs need them. A child still finishing an aborted job (within
 * `abortGraceMs`) while the worker has moved on is the only time it holds more.
 */
export class SandboxPool {
  private readonly idle: SandboxChild[] = [];
  private readonly children = new Set<SandboxChild>();
  /**
   * The last load failure: until `retryAt`, jobs fail with it at once instead of starting a
   * child that would fail the same way (no respawn storm from a file that throws on import).
   */
  private loadFailure?: { error: Error; retryAt: number };
  /** The failure message last reported, so an outage of loading is reported once. */
  private reportedFailure?: string;
  private closed = false;
  /** Children started so far (diagnostics and tests). */
  started = 0;

  constructor(
    readonly file: string,
    private readonly options: ResolvedSandboxOptions,
    private readonly report: (err: unknown) => void,
  ) {}

  /** Children alive now (loading, idle or busy). */
  get size(): number {
    return this.children.size;
  }

  /**
   * Runs a job in an idle child, or a new one. Rejects with the job's error, the load error,
   * a SandboxCrashError when its child dies, or the signal's reason once aborted.
   */
  async run(job: SandboxJobHost, workerId: string, signal?: AbortSignal): Promise<unknown> {
    if (signal?.aborted) throw signal.reason;
    for (let tries = 1; ; tries++) {
      const child = await (signal ? this.acquireUnlessAborted(signal) : this.acquire());
      try {
        return await child.run(job, workerId, signal);
      } catch (err) {
        // An idle child that died just before (killed from outside) never got the job.
        if (!(err instanceof ChildGoneError) || tries >= 3) throw err;
      } finally {
        this.release(child);
      }
    }
  }

  /** Stops every child (a running job fails with a SandboxCrashError) and waits until all exited. */
  async close(): Promise<void> {
    this.closed = true;
    this.idle.length = 0;
    await Promise.all([...this.children].map((c) => c.stop('the queue is shutting down')));
    this.children.clear();
  }

  private async acquire(): Promise<SandboxChild> {
    const closed = () => new SandboxCrashError('sandboxed processor is closed: the queue is shutting down');
    if (this.closed) throw closed();
    for (let child = this.idle.pop(); child; child = this.idle.pop()) {
      clearTimeout(child.idleTimer);
      if (!child.gone) return child;
    }
    if (this.loadFailure && Date.now() < this.loadFailure.retryAt) throw this.loadFailure.error;
    let child: SandboxChild;
    try {
      child = SandboxChild.spawn(this.options, this.report);
    } catch (err) {
      // Not even started (the child program is missing, options a thread refuses).
      this.loadFailed(err as Error);
      throw err;
    }
    this.started++;
    // Counted from the start, so close() stops children still loading too.
    this.children.add(child);
    void child.exited.then(() => this.forget(child));
    try {
      await child.load(this.file);
    } catch (err) {
      if (this.closed) throw closed();
      this.loadFailed(err as Error);
      throw err;
    }
    this.loadFailure = undefined;
    this.reportedFailure = undefined;
    return child;
  }

  /**
   * acquire(), given up when the signal aborts first (a child that is slow to load, a job's
   * ttl): the child, once started, goes idle for the next job.
   */
  private acquireUnlessAborted(signal: AbortSignal): Promise<SandboxChild> {
    const acquiring = this.acquire();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        reject(signal.reason);
        acquiring.then(
          (child) => this.release(child),
          () => undefined,
        );
      };
      signal.addEventListener('abort', onAbort, { once: true });
      acquiring.then(
        (child) => {
          signal.removeEventListener('abort', onAbort);
          if (!signal.aborted) resolve(child);
        },
        (err: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
  }

  private loadFailed(error: Error): void {
    this.loadFailure = { error, retryAt: Date.now() + this.options.loadRetryMs };
    // Every job given to the file fails with the error; the queue hears of it once (again
    // only if a later try fails differently).
    if (this.reportedFailure !== error.message) {
      this.reportedFailure = error.message;
      this.report(error);
    }
  }

  /** A child that finished a job: kept idle, or replaced when it has done its share. */
  private release(child: SandboxChild): void {
    if (child.gone || this.closed) return;
    const o = this.options;
    if (o.recycleAfterJobs > 0 && child.jobsRun >= o.recycleAfterJobs) {
      void child.stop(`it ran ${child.jobsRun} jobs (recycleAfterJobs)`);
      return;
    }
    if (o.maxMemoryMb > 0 && child.memoryMb > o.maxMemoryMb) {
      void child.stop(`it used ${Math.round(child.memoryMb)} MB after a job (maxMemoryMb ${o.maxMemoryMb})`);
      return;
    }
    if (o.idleTimeout > 0) {
      child.idleTimer = setTimeout(() => {
        const at = this.idle.indexOf(child);
        if (at >= 0) this.idle.splice(at, 1);
        void child.stop(`it was idle for ${o.idleTimeout} ms (idleTimeout)`);
      }, o.idleTimeout);
      child.idleTimer.unref();
    }
    // Last in, first out: the warmest child runs the next job, and the others can go idle.
    this.idle.push(child);
  }

  private forget(child: SandboxChild): void {
    this.children.delete(child);
    const at = this.idle.indexOf(child);
    if (at >= 0) this.idle.splice(at, 1);
  }
}
