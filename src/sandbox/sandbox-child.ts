import { fork, type ChildProcess } from 'node:child_process';
import { Worker as Thread } from 'node:worker_threads';
import { SandboxCrashError, SandboxLoadError } from '../errors.js';
import type { ChildFailure } from '../store/tree-store.js';
import { childEntryPath } from './child-entry-path.js';
import { inheritableExecArgv, type ResolvedSandboxOptions } from './options.js';
import {
  deserializeError,
  fromJson,
  isProtocolMessage,
  serializeError,
  type FromChild,
  type JobRead,
  type SerializedError,
  type ToChild,
} from './protocol.js';

/** The parent's side of a job: where the child's log lines and progress go, and its reads. */
export interface SandboxJobHost {
  readonly id: number;
  readonly type: string;
  readonly data: unknown;
  log(line: string): unknown;
  progress(completed: number, total: number, data?: unknown): unknown;
  childResults(): Promise<Record<string, unknown>>;
  childFailures(): Promise<Record<string, ChildFailure>>;
}

/** What the child may ask of its job (`kue:request`): anything else is refused. */
const JOB_READS: Record<JobRead, (job: SandboxJobHost) => Promise<unknown>> = {
  childResults: (job) => job.childResults(),
  childFailures: (job) => job.childFailures(),
};

interface Run {
  runId: number;
  job: SandboxJobHost;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  /** Set once the run was aborted: whatever the child reports afterwards is ignored. */
  abortReason?: unknown;
  graceTimer?: NodeJS.Timeout;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** How much of a child process's stderr is kept to tell why it died (V8's OOM report). */
const STDERR_TAIL = 16 * 1024;
/** How long after a child process's exit its stderr may still be read (ms). */
const STDERR_WAIT = 200;

let runIds = 0;

/** A run refused because its child had died before the job was sent: safe to run elsewhere. */
export class ChildGoneError extends SandboxCrashError {
  constructor() {
    super('sandboxed processor had stopped before the job reached it');
  }
}

/**
 * One worker thread or child process of a pool, seen from the parent: started by `spawn` and
 * given its file by `load`, it runs one job at a time (`run`), forwards the job's log lines
 * and progress, and turns every way it can die into a settled run, so a job never waits on a
 * child that is gone.
 */
export class SandboxChild {
  /** Jobs this child has run (for `recycleAfterJobs`). */
  jobsRun = 0;
  /** Its memory after the last job, in MB (for `maxMemoryMb`). */
  memoryMb = 0;
  /** Set once it exited or is being stopped: it takes no more jobs. */
  gone = false;
  /** Set once its file loaded: a death before is a load failure, reported by the pool. */
  private loaded = false;
  idleTimer?: NodeJS.Timeout;
  /** Resolves once the thread or process has exited. */
  readonly exited: Promise<void>;
  private current?: Run;
  /** Why it died, when it said so (`kue:fatal`) or the thread reported an error. */
  private cause?: SandboxCrashError;
  private stopping?: string;
  private lastExit?: { code: number | null; signal: NodeJS.Signals | null };
  private stderrTail = '';
  private readonly listeners = new Set<(message: FromChild) => void>();
  private markExited!: () => void;
  private readonly thread?: Thread;
  private readonly process?: ChildProcess;

  private constructor(
    private readonly options: ResolvedSandboxOptions,
    private readonly report: (err: unknown) => void,
  ) {
    this.exited = new Promise((r) => (this.markExited = r));
    const entry = childEntryPath();
    if (options.isolation === 'thread') {
      this.thread = new Thread(entry, {
        ...(options.maxMemoryMb > 0 && { resourceLimits: { maxOldGenerationSizeMb: options.maxMemoryMb } }),
        // A thread inherits the parent's options, but `--input-type` (of `node --input-type=module
        // -e`) refuses its file: then it gets the parent's options fit for a child.
        ...(process.execArgv.some((a) => a.startsWith('--input-type')) && { execArgv: inheritableExecArgv() }),
      });
      this.thread.on('message', (m: unknown) => this.receive(m));
      this.thread.on('error', (err: Error & { code?: string }) => {
        this.cause ??=
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new SandboxCrashError(this.outOfMemory())
            : new SandboxCrashError(`sandboxed processor crashed: ${err.message}`, err.stack);
      });
      this.thread.on('exit', (code) => this.died(code, null));
    } else {
      const execArgv = [...options.execArgv];
      if (options.maxMemoryMb > 0) execArgv.push(`--max-old-space-size=${options.maxMemoryMb}`);
      this.process = fork(entry, [], {
        execArgv,
        env: options.env,
        // stderr passes through, and its tail tells an out-of-memory abort from other aborts.
        stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
        serialization: 'json',
      });
      this.process.stderr!.on('data', (chunk: Buffer) => {
        process.stderr.write(chunk);
        this.stderrTail = (this.stderrTail + chunk.toString()).slice(-STDERR_TAIL);
      });
      this.process.on('message', (m: unknown) => this.receive(m));
      // Sending to a child that just died emits 'error' (EPIPE, ERR_IPC_CHANNEL_CLOSED): the
      // exit that follows says what happened; the parent must not crash on it.
      this.process.on('error', () => undefined);
      // Settled on 'close', when stderr has been read to its end (an out-of-memory report is
      // its last words), but no later than STDERR_WAIT after 'exit': a grandchild the
      // processor started may hold the stderr pipe open for as long as it runs.
      this.process.on('exit', (code, signal) => {
        this.gone = true; // no new job for it meanwhile
        setTimeout(() => this.died(code, signal), STDERR_WAIT).unref();
      });
      this.process.on('close', (code, signal) => this.died(code, signal));
    }
  }

  /** Starts a thread or process (throws when it cannot even be started); `load` comes next. */
  static spawn(options: ResolvedSandboxOptions, report: (err: unknown) => void): SandboxChild {
    return new SandboxChild(options, report);
  }

  /**
   * Loads `file` in the child. Rejects with a SandboxLoadError when it does not load, in
   * `loadTimeoutMs` or at all (the child is stopped), or dies meanwhile (also when stopped).
   */
  async load(file: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const outcome = await new Promise<FromChild | 'exited' | 'timeout'>((resolve) => {
      const listener = (m: FromChild) => {
        if (m.kind === 'kue:ready' || m.kind === 'kue:load-failed') resolve(m);
      };
      this.listeners.add(listener);
      void this.exited.then(() => resolve('exited'));
      // A file whose top-level await never ends would hold its jobs active for good.
      timer = setTimeout(() => resolve('timeout'), this.options.loadTimeoutMs);
      this.send({ kind: 'kue:load', file });
    });
    clearTimeout(timer);
    this.listeners.clear();
    if (outcome === 'timeout') {
      void this.stop('its file did not load in time', true);
      throw new SandboxLoadError(file, `it did not finish loading within ${this.options.loadTimeoutMs} ms`);
    }
    if (outcome !== 'exited' && outcome.kind === 'kue:ready') {
      this.loaded = true;
      return;
    }
    if (outcome !== 'exited' && outcome.kind === 'kue:load-failed') {
      void this.stop('its file did not load');
      throw loadError(file, outcome.error);
    }
    // It died while loading: a top-level process.exit(), a crash, bad execArgv, or a stop.
    const why = this.stopping ? `it was stopped: ${this.stopping}` : this.describeDeath(this.lastExit!);
    throw new SandboxLoadError(file, why, this.cause?.stack);
  }

  /**
   * Runs one job: resolves with its result, rejects with its error, with a SandboxCrashError
   * when the child dies, or with the signal's reason once aborted (the child is told, and
   * killed if it has not settled `abortGraceMs` later; nothing it reports after the abort
   * counts).
   */
  run(job: SandboxJobHost, workerId: string, signal?: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      // The pool hands out live children only, and runs the job elsewhere when this one was
      // seen to die in between (ChildGoneError): the job did not reach it.
      if (this.gone || this.process?.connected === false) return reject(new ChildGoneError());
      const run: Run = { runId: ++runIds, job, resolve, reject, signal };
      this.current = run;
      this.jobsRun++;
      if (signal) {
        run.onAbort = () => this.abort(run, signal.reason);
        if (signal.aborted) return run.onAbort();
        signal.addEventListener('abort', run.onAbort, { once: true });
      }
      const dataJson = JSON.stringify(job.data) ?? 'null';
      this.send({ kind: 'kue:run', runId: run.runId, id: job.id, type: job.type, dataJson, workerId });
    });
  }

  /**
   * Ends the child: a thread is terminated; a process gets SIGTERM, then SIGKILL after
   * `killAfterMs` (or at once with `now`). A job it was running fails with `why`.
   */
  stop(why: string, now = false): Promise<void> {
    clearTimeout(this.idleTimer);
    if (this.stopping === undefined && this.lastExit === undefined) {
      this.gone = true;
      this.stopping = why;
      if (this.thread) {
        void this.thread.terminate();
      } else if (this.process && this.process.exitCode === null && this.process.signalCode === null) {
        this.process.kill(now ? 'SIGKILL' : 'SIGTERM');
        if (!now) {
          const timer = setTimeout(() => this.process!.kill('SIGKILL'), this.options.killAfterMs);
          void this.exited.then(() => clearTimeout(timer));
        }
      }
    }
    return this.exited;
  }

  private send(message: ToChild): void {
    if (this.gone && message.kind !== 'kue:abort') return;
    if (this.thread) this.thread.postMessage(message);
    else if (this.process?.connected) this.process.send(message);
  }

  private abort(run: Run, reason: unknown): void {
    if (this.current !== run || run.abortReason !== undefined) return;
    run.abortReason = reason ?? new Error('aborted');
    this.send({ kind: 'kue:abort', runId: run.runId, reason: serializeError(run.abortReason) });
    run.graceTimer = setTimeout(
      () => void this.stop(`it did not settle within ${this.options.abortGraceMs} ms of an abort`, true),
      this.options.abortGraceMs,
    );
  }

  private receive(raw: unknown): void {
    if (!isProtocolMessage<FromChild>(raw)) return;
    for (const listener of this.listeners) listener(raw);
    const run = this.current;
    switch (raw.kind) {
      case 'kue:log':
      case 'kue:progress':
        if (run?.runId !== raw.runId) break;
        try {
          if (raw.kind === 'kue:log') run.job.log(raw.line);
          else run.job.progress(raw.completed, raw.total, fromJson(raw.dataJson));
        } catch (err) {
          this.report(err);
        }
        break;
      case 'kue:request':
        // A request of an ended run is dropped: the child rejected it when the run ended.
        if (run?.runId === raw.runId) this.answer(run, raw.requestId, raw.read);
        break;
      case 'kue:done':
        if (run?.runId !== raw.runId) break;
        this.memoryMb = raw.memoryMb;
        if (raw.error) this.settle(run, deserializeError(raw.error));
        else this.settle(run, null, fromJson(raw.resultJson));
        break;
      case 'kue:fatal':
        this.cause = new SandboxCrashError(
          `sandboxed processor crashed with an ${raw.origin}: ${raw.error.message}`,
          raw.error.stack,
        );
        break;
    }
  }

  /**
   * Reads the run's job for the child and replies with the value as JSON text, or the error
   * (Redis's, say) as a SerializedError. A reply that comes after the run ended (the job
   * settled, the child died) is not sent: the child has rejected the request by then.
   */
  private answer(run: Run, requestId: number, read: JobRead): void {
    const reply = (outcome: { valueJson: string } | { error: SerializedError }) => {
      if (this.current === run) this.send({ kind: 'kue:reply', runId: run.runId, requestId, ...outcome });
    };
    const reading = Object.hasOwn(JOB_READS, read)
      ? Promise.resolve().then(() => JOB_READS[read](run.job))
      : Promise.reject(new TypeError(`a sandboxed job cannot read ${String(read)}`));
    reading
      .then((value) => JSON.stringify(value) ?? 'null')
      .then(
        (valueJson) => reply({ valueJson }),
        (err: unknown) => reply({ error: serializeError(err) }),
      )
      .catch((err: unknown) => this.report(err));
  }

  private settle(run: Run, err: unknown, result?: unknown): void {
    if (this.current !== run) return;
    this.current = undefined;
    clearTimeout(run.graceTimer);
    if (run.onAbort) run.signal?.removeEventListener('abort', run.onAbort);
    if (run.abortReason !== undefined) run.reject(run.abortReason);
    else if (err != null) run.reject(err);
    else run.resolve(result);
  }

  private died(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.lastExit) return;
    this.gone = true;
    this.lastExit = { code, signal };
    clearTimeout(this.idleTimer);
    const run = this.current;
    if (run) {
      const why = this.stopping
        ? new SandboxCrashError(`sandboxed processor was stopped: ${this.stopping}`)
        : (this.cause ?? new SandboxCrashError(this.describeDeath({ code, signal })));
      this.settle(run, why);
    } else if (!this.stopping && this.loaded) {
      // It died between jobs (a timer of the processor threw, a signal from outside): no job
      // to fail, so it is reported here.
      this.report(this.cause ?? new SandboxCrashError(`${this.describeDeath({ code, signal })} while idle`));
    }
    this.markExited();
  }

  private outOfMemory(): string {
    const limit = this.options.maxMemoryMb > 0 ? ` (maxMemoryMb ${this.options.maxMemoryMb})` : '';
    return `sandboxed processor ran out of memory${limit}`;
  }

  private describeDeath({ code, signal }: { code: number | null; signal: NodeJS.Signals | null }): string {
    if (this.cause) return this.cause.message;
    if (/heap out of memory|Reached heap limit/.test(this.stderrTail)) return this.outOfMemory();
    if (signal) return `sandboxed processor was killed by ${signal}`;
    return `sandboxed processor exited with code ${code ?? 'unknown'}`;
  }
}

function loadError(file: string, error: SerializedError): SandboxLoadError {
  return new SandboxLoadError(file, `${error.name}: ${error.message}`, error.stack);
}
