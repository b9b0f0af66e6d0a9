import { format } from 'node:util';
import type { JobState } from '../store/keys.js';
import type { RetentionOption } from '../store/retention.js';
import {
  awaitable,
  optionalThenCallback,
  withCallback,
  type Callback,
  type Saved,
  type SavingJob,
} from './callback.js';
import type { JobDirectory, JobHost } from './job-host.js';
import type { FinishedOptions } from './finished.js';
import { JobFieldsBase } from './job-fields.js';
import { jobStatics, type JobStatics } from './job-statics.js';
import type { BackoffOption, JobJSON, PriorityName, UniqueKey, UniqueOptions } from './job-types.js';
import { kueJson } from './job-json.js';
import * as check from './validate.js';
import type { JobHandler } from '../worker/handler.js';

export type { BackoffOption, JobJSON, PriorityName, PriorityNames, UniqueKey, UniqueOptions } from './job-types.js';
export type { SavingJob } from './callback.js';

/**
 * A saved job: what `await job.save()` resolves to, what `Job.get`, the listings and
 * `queue.admin` load, and what `process` handlers receive. Its `id` is set.
 */
export type SavedJob<D = any> = Saved<Job<D>>;

/**
 * A job handler of `queue.process`: `(job, done)`, `(job, ctx, done)`, or `(job)` returning a
 * promise. The job it gets is saved.
 */
export type ProcessHandler<D = any> = JobHandler<SavedJob<D>>;

/** Finds the jobs a free-standing Job or a `Job.*` static call works with (the process queue's). */
let resolveDefaultJobs: () => JobDirectory<Job> = () => {
  throw new Error('no queue: call kue.createQueue() first');
};
export function setDefaultJobs(resolver: () => JobDirectory<Job>): void {
  resolveDefaultJobs = resolver;
}
const statics: JobStatics<SavedJob> = jobStatics(() => resolveDefaultJobs());

/**
 * A job: a chainable builder before `save()`, a record of Redis afterwards, and an
 * EventEmitter of its own events in the process that saved it (Kue's job-level events).
 */
export class Job<D = any> extends JobFieldsBase<D> {
  private boundHost?: JobHost<Job>;
  /** The first save while it is on its way: calls made meanwhile wait for it, in order. */
  private inserting?: Promise<void>;

  /** A job of `type`; without a host it belongs to the process's queue (`kue.createQueue()`). */
  constructor(type: string, data?: D, host?: JobHost<Job>) {
    super();
    this.type = check.jobType(type);
    this.data = (data ?? {}) as D;
    this.boundHost = host;
  }

  /**
   * On a job handed to a handler, `ctx.signal` (for `(job, done)` handlers): aborts when the
   * attempt must stop (cancelled, ttl, shutdown timeout, lock lost). Undefined elsewhere.
   */
  get signal(): AbortSignal | undefined {
    return this._signal?.();
  }

  private get host(): JobHost<Job> {
    return (this.boundHost ??= resolveDefaultJobs());
  }

  /** True while the job's first save (or the flow it is part of) is on its way. */
  get saving(): boolean {
    return this.id === undefined && this.inserting !== undefined;
  }

  /** Whether the job belongs to the queue whose jobs `host` holds. */
  _isOf(host: JobHost<Job>): boolean {
    return this.host === host;
  }

  /** The job's first save goes with others (a flow): calls made meanwhile wait for it. */
  _insertWith(inserting: Promise<void>): void {
    this.inserting = inserting;
    inserting.catch(() => this.inserting === inserting && (this.inserting = undefined));
  }

  /** Sets the priority by name (`low normal medium high critical`) or number; lower runs first. */
  priority(): number;
  priority(level: PriorityName | number): this;
  priority(level?: PriorityName | number): this | number {
    if (level === undefined) return this._priority;
    this._priority = check.priority(level, this.boundHost?.priorities);
    return this;
  }

  /** Sets how many attempts the job gets (default 1). */
  attempts(): { made: number; remaining: number; max: number };
  attempts(n: number): this;
  attempts(n?: number): this | { made: number; remaining: number; max: number } {
    if (n === undefined) {
      const [made, max] = [this._attempts, this._max_attempts];
      return { made, remaining: Math.max(0, max - made), max };
    }
    this._max_attempts = check.attempts(n);
    return this;
  }

  /**
   * Waits between attempts: `true` (fixed, the job's delay), `{type: 'fixed' | 'exponential',
   * delay, maxDelay}`, `{type: name}` for a strategy registered with `queue.backoffStrategy`,
   * or a function `(attempts, lastDelay) => ms` that runs in this process only.
   */
  backoff(): BackoffOption | undefined;
  backoff(option: BackoffOption): this;
  backoff(option?: BackoffOption): this | BackoffOption | undefined {
    if (option === undefined) return this._backoff;
    this._backoff = check.backoff(option);
    return this;
  }

  /** Delays the job by milliseconds from now, or until a Date. */
  delay(): number;
  delay(ms: number | Date): this;
  delay(ms?: number | Date): this | number {
    if (ms === undefined) return this._delay;
    if (ms instanceof Date) {
      if (Number.isNaN(ms.getTime())) throw new RangeError('delay got an invalid Date');
      this._delay = Math.max(0, ms.getTime() - Date.now());
    } else {
      this._delay = check.milliseconds('delay', ms);
    }
    return this;
  }

  /** Fails an attempt that stays active longer than this many milliseconds ("TTL exceeded"). */
  ttl(): number;
  ttl(ms: number): this;
  ttl(ms?: number): this | number {
    if (ms === undefined) return this._ttl;
    this._ttl = check.milliseconds('ttl', ms);
    return this;
  }

  /**
   * What happens once the job completes: `true` deletes it (hash, log, every index entry);
   * a number `n` keeps the newest `n` completed jobs of its type and deletes older ones;
   * `{age, count}` deletes completed jobs of its type older than `age` seconds or beyond the
   * newest `count`, whichever deletes more; `false` keeps it. Unset: the queue's
   * `removeOnComplete` option.
   */
  removeOnComplete(): RetentionOption;
  removeOnComplete(option: RetentionOption): this;
  removeOnComplete(option?: RetentionOption): this | RetentionOption {
    if (option === undefined) return this._removeOnComplete ?? false;
    this._removeOnComplete = check.retention('removeOnComplete', option);
    return this;
  }

  /**
   * The same as `removeOnComplete`, for a job that fails for good (no attempts left, or
   * stalled too often); a failed attempt that will be retried removes nothing.
   */
  removeOnFail(): RetentionOption;
  removeOnFail(option: RetentionOption): this;
  removeOnFail(option?: RetentionOption): this | RetentionOption {
    if (option === undefined) return this._removeOnFail ?? false;
    this._removeOnFail = check.retention('removeOnFail', option);
    return this;
  }

  /** Turns job-level events for this job on or off (queue-level events always fire). */
  events(enabled: boolean): this {
    this._jobEvents = Boolean(enabled);
    return this;
  }

  /** Which data keys the full-text index covers (default: all); a string `data.title` is always indexed. */
  searchKeys(): string[] | undefined;
  searchKeys(keys: string | string[]): this;
  searchKeys(keys?: string | string[]): this | string[] | undefined {
    if (keys === undefined) return this._searchKeys;
    const list = Array.isArray(keys) ? keys : [keys];
    if (!list.every((k) => typeof k === 'string')) throw new TypeError('searchKeys takes strings');
    this._searchKeys = list;
    return this;
  }

  /**
   * Makes the job unique by `key` (see docs/unique-jobs.md): while a job with that key waits,
   * is delayed or runs, saving this one makes no job; it resolves to that job instead (`id` is
   * its id, `duplicate` is true). `{ttl}` holds the key that many ms after the save whatever
   * becomes of the job (a throttle); `{replace: true}` gives a waiting or delayed holder this
   * job's data and delay instead (a debounce). With no argument, the key and options set.
   */
  unique(): UniqueKey | undefined;
  unique(key: string, options?: UniqueOptions): this;
  unique(...args: [] | [key: string, options?: UniqueOptions]): this | UniqueKey | undefined {
    if (args.length === 0) return this._unique;
    if (this.id !== undefined) throw new Error(`job ${this.id} is saved: its unique key cannot change`);
    this._unique = check.unique(args[0], args[1]);
    return this;
  }

  /**
   * Puts the job in a group (a tenant, a customer): jobs of one type are taken in turn across
   * groups, so a group with many waiting jobs does not hold the others back. Set before the
   * first save; per-group limits and pausing: `queue.limit(type, {group})`, `queue.pauseGroup`.
   */
  group(): string | undefined;
  group(key: string): this;
  group(key?: string): this | string | undefined {
    if (arguments.length === 0) return this._group;
    if (this.id !== undefined) throw new Error(`job ${this.id} is saved: its group cannot change`);
    this._group = check.groupKey(key);
    return this;
  }

  /**
   * Saves the job (or, when it already has an id, its changes). Returns the job itself, which
   * may also be awaited: `const job = await queue.create(t, d).save()` is a SavedJob (its `id`
   * set), as is the job the callback gets.
   */
  save(callback?: Callback<Saved<this>>): SavingJob<this> {
    let saving: Promise<void>;
    if (this.id !== undefined || this.inserting) saving = this.afterSave(() => this.host.update(this));
    else {
      // A failed save may be tried again: later calls no longer wait for this one.
      this._insertWith((saving = this.host.insert(this)));
    }
    return awaitable(this, saving, callback, (err) => this.host.reportError(err));
  }

  /** Writes the job's data and options back to Redis. */
  update(callback?: Callback<this>): Promise<this> {
    return this.ask(() => this.host.update(this).then(() => this), callback);
  }

  /** Deletes the job, its log and its index entries. */
  remove(options?: { children?: 'remove' | 'keep' } | Callback<this>, callback?: Callback<this>): Promise<this> {
    const [given, cb] = optionalThenCallback<{ children?: 'remove' | 'keep' }, this>(options, callback);
    const removing = Promise.resolve()
      .then(() => check.childrenOption(given, 'remove'))
      .then((children) => this.afterSave((id) => this.host.remove(id, children)))
      .then(() => this);
    return withCallback(removing, cb);
  }

  /**
   * Cancels the job from any process (docs/cancellation.md): it ends failed, not retried; a
   * running handler's signal aborts with a CancelledError. Resolves false when the job had
   * already finished; rejects with a JobNotFoundError when it does not exist. A flow's parent
   * has its pending children cancelled too, unless `{children: 'keep'}`.
   */
  cancel(
    reason?: string | Callback<boolean>,
    options?: { children?: 'cancel' | 'keep' } | Callback<boolean>,
    callback?: Callback<boolean>,
  ): Promise<boolean> {
    const cb = [callback, options, reason].find((a): a is Callback<boolean> => typeof a === 'function');
    const given = typeof reason === 'function' ? undefined : reason;
    const opts = typeof options === 'function' ? undefined : options;
    const cancelling = Promise.resolve()
      .then(() => [check.cancelReason(given), check.childrenOption(opts, 'cancel')] as const)
      .then(([text, children]) => this.afterSave(async (id) => (await this.host.cancel([id], text, children))[0]!));
    return withCallback(cancelling, cb);
  }

  /** A flow parent's children's results by child id (null for none), read in pages of 1,000. */
  childResults(callback?: Callback<Record<string, unknown>>): Promise<Record<string, unknown>> {
    return this.ask((id) => this.host.childResults(id), callback);
  }

  /** A flow parent's children that failed, by id: `{error, code}`, code FAILED, CANCELLED, REMOVED or MOVED. */
  childFailures(
    callback?: Callback<Record<string, { error: string; code: string }>>,
  ): Promise<Record<string, { error: string; code: string }>> {
    return this.ask((id) => this.host.childFailures(id), callback);
  }

  /**
   * Resolves with the job's result once it completes; rejects once it fails for good
   * (JobFailedError, CancelledError, ChildFailedError) or is removed (JobNotFoundError). Works
   * from any process, across reconnections, and for a job that ended before the call.
   */
  finished(options?: FinishedOptions | Callback<unknown>, callback?: Callback<unknown>): Promise<unknown> {
    const [opts, cb] = optionalThenCallback<FinishedOptions, unknown>(options, callback);
    return this.ask((id) => this.host.finished(id, opts), cb);
  }

  /** With no argument the job's state; with one, moves the job to that state. */
  state(): JobState | undefined;
  state(state: JobState, callback?: Callback<this>): Promise<this>;
  state(state?: JobState, callback?: Callback<this>): Promise<this> | JobState | undefined {
    if (state === undefined) return this._state;
    const target = check.moveTarget(state);
    const moving = this.afterSave((id) => this.host.move(id, target)).then(() => {
      this._state = target;
      return this;
    });
    return withCallback(moving, callback);
  }

  inactive(callback?: Callback<this>): Promise<this> {
    return this.state('inactive', callback);
  }
  active(callback?: Callback<this>): Promise<this> {
    return this.state('active', callback);
  }
  complete(callback?: Callback<this>): Promise<this> {
    return this.state('complete', callback);
  }
  failed(callback?: Callback<this>): Promise<this> {
    return this.state('failed', callback);
  }
  delayed(callback?: Callback<this>): Promise<this> {
    return this.state('delayed', callback);
  }

  /**
   * Appends a line to the job's log: printf-style for a format string, inspected otherwise.
   * Written in the background, in order with the job's other writes; errors reach the queue's
   * 'error' event.
   */
  log(format_: unknown, ...args: unknown[]): this {
    const line = format(format_, ...args);
    this.whenSaved((id) => this.host.log(id, line));
    return this;
  }

  /**
   * With arguments, records progress as a 0-100 percentage of completed/total, plus optional
   * data (written in the background like `log`). With none, returns the percentage.
   */
  progress(): number;
  progress(completed: number, total: number, data?: unknown): this;
  progress(completed?: number, total?: number, data?: unknown): this | number {
    if (completed === undefined) return this._progress;
    const percent = check.progressPercent(completed, total);
    this._progress = percent;
    this.progress_data = data;
    this.whenSaved((id) => this.host.progress(id, percent, data));
    return this;
  }

  /** Kue's JSON shape. */
  toJSON(): JobJSON {
    return kueJson(this);
  }

  private requireId(): number {
    if (this.id === undefined) throw new Error(`job of type "${this.type}" has not been saved yet`);
    return this.id;
  }

  /**
   * Runs `op` with the job's id: at once when it has one; after the save on its way, as Kue
   * ran calls made right after `save()` (`create(...).save().remove()`), in call order.
   */
  private afterSave<T>(op: (id: number) => Promise<T>): Promise<T> {
    if (this.id !== undefined) return op(this.id);
    if (!this.inserting) return Promise.reject(new Error(`job of type "${this.type}" has not been saved yet`));
    return this.inserting.then(() => op(this.requireId()));
  }

  /** `afterSave`, settling a callback too. */
  private ask<T>(op: (id: number) => Promise<T>, callback?: Callback<T>): Promise<T> {
    return withCallback(this.afterSave(op), callback);
  }

  /** `afterSave` for the background writes (log, progress): a failed save is reported by save. */
  private whenSaved(write: (id: number) => void): void {
    if (this.id !== undefined || !this.inserting) return write(this.requireId());
    this.inserting.then(
      () => write(this.requireId()),
      () => undefined,
    );
  }

  // Kue's static helpers, on the process queue's jobs (see kue.createQueue and job-statics.ts).

  /** Loads a job by id; with a type, also checks the job is of that type. */
  static get = statics.get;
  /** Jobs of every state by id rank, `from`..`to` inclusive. */
  static range = statics.range;
  /** Jobs in one state, `from`..`to` inclusive. */
  static rangeByState = statics.rangeByState;
  /** Jobs of one type in one state, `from`..`to` inclusive. */
  static rangeByType = statics.rangeByType;
  /** A job's log lines, in order (Kue's `Job.log(id, cb)`). */
  static log = statics.log;
  /** Removes a job by id. */
  static remove = statics.remove;
  /** Cancels a job by id, from any process (see `job.cancel`). */
  static cancel = statics.cancel;
}
