import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../store/connection.js';
import type { BoundLogger } from '../logger.js';
import type { JobRecord } from '../store/codec.js';
import type { TakeReply, TakeRequest } from '../store/replies.js';
import type { LostLock, Store } from '../store/store.js';
import { ScriptStatus } from '../store/script-status.js';
import { CancelledError, LockLostError, ShutdownError, TtlExceededError } from '../errors.js';
import { IdleWait } from './idle-wait.js';
import { abortRun, signalOf, stopRun, type Running } from './run.js';
import { contextPrototype, makeDone, sharedContext, type SharedContext } from './context.js';
import { CancelInbox } from './cancel-inbox.js';
import { ActiveRuns } from './active-runs.js';
import { describeError, type JobHandler } from './handler.js';
import type { Tracing } from '../tracing/tracing.js';
import { invokeHandler, spanFailed } from './traced-run.js';
import { WorkerLog } from './worker-log.js';

/** What a worker needs from the queue that owns it; `J` is the job object handlers get. */
export interface WorkerDeps<J> {
  store: Store;
  createBlocking: () => RedisClient;
  lockDuration: number;
  renewEvery: number;
  idleBlockSeconds: number;
  /** Builds the Job object a handler receives; `signal` gives the attempt's (made on first use). */
  makeJob: (record: JobRecord, signal: () => AbortSignal) => J;
  /** Wait before the next attempt, or -1 to let the script apply the built-in backoff. */
  retryDelay: (record: JobRecord) => number;
  onError: (err: unknown) => void;
  /** The queue's tracing, when it traces: each run gets a consumer span (traced-run.ts). */
  tracing?: Tracing;
  /** Where the worker logs (worker-log.ts); none: silent. */
  logger?: BoundLogger;
}

/** The longest delay setTimeout honours. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs one `queue.process(type, concurrency, handler)` registration: takes jobs into free
 * slots (several per script), blocks on the type's wake marker while idle, renews the locks
 * of running jobs, enforces ttl locally, and reports each result in the same script that
 * takes the next job.
 */
export class Worker<J> {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  /** What every `done` (also `ctx`) of this worker inherits: see context.ts. */
  private readonly contextPrototype = contextPrototype();
  private readonly sharedContext: SharedContext;
  private readonly cancels = new CancelInbox();
  private readonly active = new ActiveRuns<Running<J>>();
  /** Slots promised to take requests still in flight. */
  private reserved = 0;
  private taking = false;
  private closed = false;
  private loopRunning = false;
  private readonly idle: IdleWait;
  private readonly log: WorkerLog;
  private renewTimer?: NodeJS.Timeout;
  private slotFreed?: () => void;
  private takeInFlight?: Promise<unknown>;
  private idleWaiters: Array<() => void> = [];
  /** Runs settled successfully in this tick, completed together (see completeSoon). */
  private completions: Array<{ run: Running<J>; resultJson: string; resolve: () => void }> = [];
  /** Take requests sent so far: part of every lock (see request). */
  private requests = 0;

  constructor(
    readonly type: string,
    readonly concurrency: number,
    private readonly handler: JobHandler<J>,
    private readonly deps: WorkerDeps<J>,
  ) {
    this.sharedContext = sharedContext(this.id, this);
    this.idle = new IdleWait(deps, type);
    this.log = new WorkerLog(deps.logger, type, this.id);
  }

  get activeCount(): number {
    return this.active.size;
  }

  start(): void {
    if (this.closed || this.taking) return;
    this.taking = true;
    this.log.started(this.concurrency);
    this.renewTimer ??= setInterval(() => void this.renewLocks(), this.deps.renewEvery);
    this.renewTimer.unref();
    if (!this.loopRunning) void this.loop();
  }

  resume(): void {
    this.start();
  }

  /** Stops taking, waits up to `timeout` ms (0: no limit) for running jobs, fails the rest. */
  async pause(timeout: number): Promise<void> {
    this.taking = false;
    this.idle.drop();
    this.wakeLoop();
    // Jobs from a take already sent are locked to this worker: they run like the others.
    await this.takeInFlight;
    if (this.active.size > 0) {
      await (timeout > 0 ? Promise.race([this.whenIdle(), sleep(timeout)]) : this.whenIdle());
    }
    const left = this.active.values();
    await Promise.all(
      left.map((run) => {
        // The handler hears it first, then the attempt is reported failed. A run that settled
        // (its report still on its way) is not aborted after the fact.
        if (!run.settled) abortRun(run, new ShutdownError('Shutdown'));
        return this.settle(run, new ShutdownError('Shutdown'));
      }),
    );
  }

  /** Pauses for good and releases the worker's connections. */
  async close(timeout: number): Promise<void> {
    this.closed = true;
    await this.pause(timeout);
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = undefined;
    this.log.stopped();
  }

  private free(): number {
    return this.taking ? this.concurrency - this.active.size - this.reserved : 0;
  }

  private request(count: number): TakeRequest {
    this.reserved += count;
    // The script's lock is `<owner>:<the job's take count>`. A job's take count starts again at
    // 1 when Redis loses its data (a restart without persistence reuses ids from 1), so with
    // the bare worker id as owner a job from before the restart and the new job with its id
    // could get the same lock from this worker, and the old job's late result would complete
    // the new one. Numbering every request makes each lock this worker ever gets unique.
    const owner = `${this.id}/${++this.requests}`;
    return { type: this.type, count, workerId: owner, lockDuration: this.deps.lockDuration };
  }

  private async loop(): Promise<void> {
    this.loopRunning = true;
    try {
      while (this.taking) {
        const free = this.free();
        if (free <= 0) {
          await new Promise<void>((r) => (this.slotFreed = r));
          continue;
        }
        const req = this.request(free);
        let reply: TakeReply;
        const taking = this.deps.store.take(req);
        this.takeInFlight = taking.catch(() => undefined);
        try {
          reply = await taking;
        } catch (err) {
          this.reserved -= req.count;
          this.takeInFlight = undefined;
          if (this.taking) this.deps.onError(err);
          await sleep(1_000);
          continue;
        }
        this.reserved -= req.count;
        for (const record of reply.taken) this.launch(record);
        this.takeInFlight = undefined;
        // Held back by the type's limits: wait as long as they say (a wake marker, left when
        // the limits change, ends the wait early); 0 means until a slot of the type frees.
        if (reply.taken.length < req.count && this.taking)
          await this.idle.wait(reply.wait || undefined, () => this.taking);
      }
    } finally {
      this.loopRunning = false;
    }
  }

  private wakeLoop(): void {
    const r = this.slotFreed;
    this.slotFreed = undefined;
    r?.();
  }

  private whenIdle(): Promise<void> {
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /**
   * A running job was cancelled (B:cancel, heard by the queue): its handler's signal aborts
   * and its slot is free at once. Redis has already ended the attempt, so nothing is reported.
   */
  cancelled(id: number, lock: string, reason: string): void {
    const run = this.active.get(id);
    if (run?.lock === lock) {
      if (stopRun(run, new CancelledError(id, reason))) this.release(run);
      return;
    }
    // Maybe a job whose take reply is still on its way to this worker: launch asks.
    if (this.taking) this.cancels.note(id, lock, reason);
  }

  private launch(record: JobRecord): void {
    const run = { record, lock: record.lock ?? '', settled: false } as Running<J>;
    run.job = this.deps.makeJob(record, () => signalOf(run));
    const earlier = this.active.get(record.id);
    // We were handed this id again under a new lock while still running it: the earlier run
    // lost its job (stall recovery, a move, or Redis lost its data and the id now names
    // another job) before renewal noticed. Refuse its result here, as renewal would have.
    if (earlier && stopRun(earlier, new LockLostError(record.id))) {
      earlier.lockLost = true;
      this.log.lockLost(record.id);
    }
    this.active.set(record.id, run);
    const cancelled = this.cancels.take(record.id, run.lock);
    if (cancelled !== undefined) {
      // Cancelled before this worker saw it taken: the handler never starts.
      stopRun(run, new CancelledError(record.id, cancelled));
      this.release(run);
      return;
    }
    // Node fires longer timers at once; past its limit the expiry sweep alone ends the job.
    if (record.ttl > 0 && record.ttl <= MAX_TIMER_MS) {
      run.ttlTimer = setTimeout(() => {
        abortRun(run, new TtlExceededError());
        void this.settle(run, new TtlExceededError());
      }, record.ttl);
    }
    // The same function is `done` (second argument of two-parameter handlers, third of
    // three-parameter ones) and carries the worker context, so it also serves as `ctx`.
    const done = makeDone(
      this.contextPrototype,
      this.sharedContext,
      run,
      (err, result) => void this.settle(run, err, result),
      (ms) => this.rateLimit(run, ms),
    );
    // The consumer span, when the queue traces and a tracer records it.
    run.span = this.deps.tracing?.process(record);
    invokeHandler(this.handler, run, done);
  }

  /** ctx.rateLimit: holds the type back for `ms` and puts the job back, unless it is settled. */
  private async rateLimit(run: Running<J>, ms: number): Promise<void> {
    if (typeof ms !== 'number' || !(ms > 0) || ms === Infinity) {
      throw new RangeError(`rateLimit(ms): ms must be a positive number of milliseconds, got ${String(ms)}`);
    }
    if (run.settled) return;
    run.settled = true;
    clearTimeout(run.ttlTimer);
    try {
      await this.deps.store.flow.rateLimit(this.type, Math.ceil(ms), run.record.id, run.lock);
    } finally {
      this.release(run);
    }
  }

  /** Reports a job's outcome once; later reports for the same attempt are ignored. */
  private async settle(run: Running<J>, err: unknown, result?: unknown): Promise<void> {
    if (run.settled) {
      if (run.lockLost) {
        run.lockLost = false;
        this.deps.onError(new LockLostError(run.record.id));
      }
      return;
    }
    run.settled = true;
    clearTimeout(run.ttlTimer);
    let failure = err;
    let resultJson = '';
    if (failure == null && result !== undefined) {
      try {
        resultJson = JSON.stringify(result) ?? '';
      } catch (e) {
        failure = new TypeError(`job ${run.record.id} result cannot be stored as JSON: ${(e as Error).message}`);
      }
    }
    if (failure == null) {
      await this.completeSoon(run, resultJson);
      return;
    }
    const reason = failure;
    const firstAttempt = spanFailed(run, reason);
    const reply = await this.finish([run], (next) =>
      this.deps.store.fail(
        run.record.id,
        run.lock,
        describeError(reason),
        reason instanceof TtlExceededError || reason instanceof ShutdownError ? -1 : this.deps.retryDelay(run.record),
        next,
        firstAttempt,
      ),
    );
    this.log.failed(run.record, reply?.status, reason);
    if (reply?.status === ScriptStatus.LOCK_LOST) this.deps.onError(new LockLostError(run.record.id));
  }

  /**
   * Completes a job together with every other job settled in the same tick: one script call
   * (and one socket write) for all of them, which is what a busy worker's throughput rests on.
   */
  private completeSoon(run: Running<J>, resultJson: string): Promise<void> {
    return new Promise((resolve) => {
      this.completions.push({ run, resultJson, resolve });
      if (this.completions.length === 1) process.nextTick(() => void this.flushCompletions());
    });
  }

  private async flushCompletions(): Promise<void> {
    const batch = this.completions.splice(0);
    const reply = await this.finish(
      batch.map((c) => c.run),
      (next) =>
        this.deps.store.completeBatch(
          batch.map((c) => ({ id: c.run.record.id, lock: c.run.lock, resultJson: c.resultJson })),
          next,
        ),
    );
    batch.forEach((c, i) => {
      if (reply?.statuses[i] === ScriptStatus.LOCK_LOST) this.log.resultRefused(c.run.record.id, this.deps.onError);
      c.resolve();
    });
  }

  /**
   * Sends the report of settled runs together with a request for the next jobs (their slots
   * are free again), retrying while Redis is unreachable; then starts what was taken and
   * releases the runs' slots.
   */
  private async finish<R extends { taken: JobRecord[] }>(
    runs: Running<J>[],
    send: (next: TakeRequest) => Promise<R>,
  ): Promise<R | undefined> {
    const next = this.request(this.taking ? this.free() + runs.length : 0);
    let reply: R | undefined;
    for (let attempt = 0; reply === undefined; attempt++) {
      try {
        reply = await send(attempt === 0 ? next : { ...next, count: 0 });
      } catch (e) {
        // The scripts refuse a second report of the same attempt, so retrying is safe. A
        // closing worker tries once: the lock then lapses and stall recovery takes over.
        if (attempt >= (this.closed ? 0 : 4)) {
          this.deps.onError(e);
          break;
        }
        await sleep(250 * 2 ** attempt);
      }
    }
    this.reserved -= next.count;
    // Launch what was taken before releasing the slots, so the worker never looks idle while
    // it holds jobs (pause and shutdown wait for idle).
    for (const record of reply?.taken ?? []) this.launch(record);
    for (const run of runs) this.release(run);
    return reply;
  }

  private release(run: Running<J>): void {
    run.span?.end(run.stopReason);
    if (this.active.get(run.record.id) === run) this.active.delete(run.record.id);
    if (this.active.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
    if (this.free() > 0) this.wakeLoop();
  }

  private async renewLocks(): Promise<void> {
    const held = this.active
      .values()
      .filter((r) => !r.settled)
      .map((r) => ({ id: r.record.id, lock: r.lock }));
    if (held.length === 0) return;
    let lost: LostLock[];
    try {
      lost = await this.deps.store.renew(this.deps.lockDuration, held);
    } catch (err) {
      this.deps.onError(err);
      return;
    }
    const sentLock = new Map(held.map((h) => [h.id, h.lock]));
    for (const { id, cancelled } of lost) {
      const run = this.active.get(id);
      // The same id taken again under a new lock since the renewal left: that run is not lost.
      if (run?.lock !== sentLock.get(id)) continue;
      // Someone else owns the job now (it stalled, expired or was moved), or it was cancelled
      // and the message did not reach this process: free the slot, refuse what comes later.
      const reason = cancelled === undefined ? new LockLostError(id) : new CancelledError(id, cancelled);
      if (!run || !stopRun(run, reason)) continue;
      run.lockLost = cancelled === undefined;
      if (run.lockLost) this.log.lockLost(id);
      this.release(run);
    }
  }
}
