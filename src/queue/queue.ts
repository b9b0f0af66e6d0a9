import { EventEmitter, once } from 'node:events';
import { defaults } from '../defaults.js';
import { ConnectionError, JobNotFoundError, KueError, ErrorCode } from '../errors.js';
import type { JobEvent } from '../events/event-bus.js';
import type { Logger } from '../logger.js';
import { Maintenance } from '../maintenance/maintenance.js';
import type { NewJob } from '../store/codec.js';
import { connectionFactory, type ConnectionRole, type RedisClient } from '../store/connection.js';
import { keyBase, type JobState } from '../store/keys.js';
import { SAVE_BATCH, Store } from '../store/store.js';
import { encodeRetention, type RetentionOption } from '../store/retention.js';
import type { ProcessHandler } from '../worker/handler.js';
import { Worker } from '../worker/worker.js';
import { optionalThenCallback, withCallback, type Callback } from './callback.js';
import { Job } from './job.js';
import { Backoffs, encodeBackoff, type BackoffFunction } from './backoffs.js';
import { FINAL_EVENTS, JobEvents } from './job-events.js';
import type { QueueOptions } from './options.js';
import { TestMode } from './test-mode.js';
import { QueueAdmin } from './admin.js';
import { searchWords } from './search-words.js';
import { checkEvictionPolicy } from './eviction-warning.js';
import { QueueSubscription } from './subscription.js';
import { resolveQueueOptions } from './resolve-options.js';
import * as check from './validate.js';

/**
 * A Kue queue: creates jobs, runs workers, emits queue-level events (`job complete`, ...)
 * for jobs of every process, and answers questions about jobs. Use `kue.createQueue()` for
 * the process's shared queue, `new kue.Queue(options)` for an independent one.
 */
export class Queue extends EventEmitter {
  readonly prefix: string;
  /** The command connection (an ioredis client). */
  readonly client: RedisClient;
  readonly testMode = new TestMode();
  readonly priorities: Record<string, number>;
  /** Paging, search, bulk actions, pausing types, throughput: see QueueAdmin. */
  readonly admin = new QueueAdmin(this);
  /** @internal */
  readonly store: Store;
  private readonly makeConnection: (role: ConnectionRole) => RedisClient;
  private readonly logger: Logger;
  private readonly jobEvents: boolean;
  /** Whether jobs are indexed for search (`disableSearch: false`). */
  readonly searchEnabled: boolean;
  private readonly lockDuration: number;
  private readonly retention: { complete: RetentionOption; fail: RetentionOption };
  private readonly subscriber: RedisClient;
  private readonly subscription: QueueSubscription;
  private readonly maintenance?: Maintenance;
  private readonly workers: Worker[] = [];
  private readonly watchers = new JobEvents();
  private readonly backoffs = new Backoffs();
  private shutdownPromise?: Promise<void>;
  private warnedNoErrorListener = false;
  /** When each distinct error message was last reported. */
  private readonly recentErrors = new Map<string, number>();

  constructor(options: QueueOptions = {}) {
    super();
    const o = resolveQueueOptions(options);
    this.prefix = o.prefix;
    this.priorities = o.priorities;
    this.logger = o.logger;
    this.jobEvents = o.jobEvents;
    this.searchEnabled = !o.disableSearch;
    this.lockDuration = o.lockDuration;
    this.retention = { complete: o.removeOnComplete, fail: o.removeOnFail };
    this.makeConnection = connectionFactory(o.redis, { commandTimeout: o.commandTimeout });
    this.client = this.watch(this.makeConnection('command'));
    this.store = new Store(this.client, keyBase(this.prefix), o.durableSaves);
    checkEvictionPolicy(this.client, this.store, this.logger, (message, policy) => {
      this.logger.warn({ prefix: this.prefix, maxmemoryPolicy: policy }, message);
      // The default logger is silent, and losing jobs is worth one word anyway.
      if (!options?.logger) process.emitWarning(`kue: ${message}`, 'KueWarning');
    });
    this.subscriber = this.watch(this.makeConnection('subscriber'));
    this.subscription = new QueueSubscription({
      store: this.store,
      client: this.client,
      subscriber: this.subscriber,
      watchers: this.watchers,
      dispatch: (e) => this.dispatch(e),
      reportError: (err) => this.reportError(err),
      shuttingDown: () => this.shutdownPromise !== undefined,
    });
    // Job events are subscribed to once something here wants them (a listener, a saved job to
    // watch): a worker process that only processes jobs then parses none of them.
    this.on('newListener', (name: string | symbol) => {
      if (typeof name === 'string' && (name.startsWith('job ') || name === 'event')) void this.subscription.listenForEvents();
    });
    if (o.maintenance) {
      this.maintenance = new Maintenance(
        this.store,
        {
          maxStalls: o.maxStalls,
          batch: defaults.maintenanceBatch,
          interval: o.maintenanceInterval,
        },
        (err) => this.reportError(err),
      );
      this.maintenance.start();
      this.subscription.listenForDueTimes(this.maintenance);
    }
  }

  /** Starts building a job of `type`; call `.save()` to enqueue it. */
  create<D = any>(type: string, data?: D): Job<D> {
    return new Job<D>(type, data, this);
  }

  /** Alias of `create`. */
  createJob<D = any>(type: string, data?: D): Job<D> {
    return this.create(type, data);
  }

  /**
   * Processes jobs of `type`, up to `concurrency` at once (default 1). See `ProcessHandler`
   * for the handler's shapes.
   */
  process<D = any>(type: string, handler: ProcessHandler<D>): void;
  process<D = any>(type: string, concurrency: number, handler: ProcessHandler<D>): void;
  process(type: string, a: number | ProcessHandler, b?: ProcessHandler): void {
    check.jobType(type);
    const [concurrency, handler] = typeof a === 'function' ? [1, a] : [check.concurrency(a), b];
    if (typeof handler !== 'function') throw new TypeError('process needs a handler function');
    if (this.shutdownPromise) throw new KueError(ErrorCode.ShutdownInProgress, 'queue is shut down');
    const worker = new Worker(type, concurrency, handler, {
      store: this.store,
      createBlocking: () => this.makeConnection('blocking'),
      lockDuration: this.lockDuration,
      renewEvery: Math.max(50, Math.floor(this.lockDuration * defaults.lockRenewFraction)),
      idleBlockSeconds: defaults.idleBlockSeconds,
      makeJob: (record) => Job.fromRecord(record, this),
      retryDelay: (record) => this.backoffs.retryDelay(record, (err) => this.reportError(err)),
      onError: (err) => this.reportError(err),
    });
    this.workers.push(worker);
    worker.start();
  }

  /**
   * Registers a named backoff strategy, usable by jobs saved anywhere with
   * `.backoff({type: name})`: every worker process registers the same name.
   */
  backoffStrategy(name: string, strategy: BackoffFunction): this {
    this.backoffs.register(name, strategy);
    return this;
  }

  /** Accepted for compatibility: state changes are atomic, so jobs cannot get stuck. */
  watchStuckJobs(_interval?: number): this {
    return this;
  }

  /**
   * Stops taking jobs, waits up to `timeout` ms (no limit when omitted) for active jobs, fails
   * those still active with a shutdown error (retried while attempts remain) and closes every
   * connection. With a `type`, only that type's workers stop and the queue stays open.
   */
  shutdown(...args: Array<number | string | Callback<void> | undefined>): Promise<void> {
    const timeout = args.find((a): a is number => typeof a === 'number') ?? 0;
    const type = args.find((a): a is string => typeof a === 'string');
    const callback = args.find((a): a is Callback<void> => typeof a === 'function');
    if (type !== undefined) {
      const closing = this.workers.filter((w) => w.type === type).map((w) => w.close(timeout));
      return withCallback(Promise.all(closing).then(() => undefined), callback);
    }
    if (this.shutdownPromise) {
      return withCallback(
        Promise.reject(new KueError(ErrorCode.ShutdownInProgress, 'Shutdown already in progress')),
        callback,
      );
    }
    this.shutdownPromise = this.close(timeout);
    return withCallback(this.shutdownPromise, callback);
  }

  private async close(timeout: number): Promise<void> {
    this.maintenance?.stop();
    await Promise.all(this.workers.map((w) => w.close(timeout)));
    await this.subscription.close();
    if (this.client.status === 'ready') {
      const ended = once(this.client, 'end');
      await this.client.quit().catch(() => this.client.disconnect());
      await ended;
    } else {
      this.client.disconnect();
    }
    this.emit('shutdown');
  }

  // Counts and listings.

  inactiveCount(type?: string | Callback<number>, callback?: Callback<number>): Promise<number> {
    return this.countIn('inactive', type, callback);
  }
  activeCount(type?: string | Callback<number>, callback?: Callback<number>): Promise<number> {
    return this.countIn('active', type, callback);
  }
  completeCount(type?: string | Callback<number>, callback?: Callback<number>): Promise<number> {
    return this.countIn('complete', type, callback);
  }
  failedCount(type?: string | Callback<number>, callback?: Callback<number>): Promise<number> {
    return this.countIn('failed', type, callback);
  }
  delayedCount(type?: string | Callback<number>, callback?: Callback<number>): Promise<number> {
    return this.countIn('delayed', type, callback);
  }

  /** Number of jobs in a state, optionally of one type. */
  card(state: JobState, type?: string | Callback<number>, callback?: Callback<number>): Promise<number> {
    return this.countIn(check.state(state), type, callback);
  }

  private countIn(state: JobState, type?: string | Callback<number>, callback?: Callback<number>): Promise<number> {
    const [t, cb] = optionalThenCallback<string, number>(type, callback);
    return withCallback(this.store.count(state, t), cb);
  }

  inactive(type?: string | Callback<number[]>, callback?: Callback<number[]>): Promise<number[]> {
    return this.idsIn('inactive', type, callback);
  }
  active(type?: string | Callback<number[]>, callback?: Callback<number[]>): Promise<number[]> {
    return this.idsIn('active', type, callback);
  }
  complete(type?: string | Callback<number[]>, callback?: Callback<number[]>): Promise<number[]> {
    return this.idsIn('complete', type, callback);
  }
  failed(type?: string | Callback<number[]>, callback?: Callback<number[]>): Promise<number[]> {
    return this.idsIn('failed', type, callback);
  }
  delayed(type?: string | Callback<number[]>, callback?: Callback<number[]>): Promise<number[]> {
    return this.idsIn('delayed', type, callback);
  }

  /** Ids of every job in a state (optionally of one type). Use `rangeByState` on big queues. */
  state(state: JobState, type?: string | Callback<number[]>, callback?: Callback<number[]>): Promise<number[]> {
    return this.idsIn(check.state(state), type, callback);
  }

  private idsIn(state: JobState, type?: string | Callback<number[]>, callback?: Callback<number[]>): Promise<number[]> {
    const [t, cb] = optionalThenCallback<string, number[]>(type, callback);
    return withCallback(this.store.ids(state, 0, -1, 'asc', t), cb);
  }

  /** Every job type saved so far. */
  types(callback?: Callback<string[]>): Promise<string[]> {
    return withCallback(this.store.types(), callback);
  }

  /** Total milliseconds spent by completed jobs. */
  workTime(callback?: Callback<number>): Promise<number> {
    return withCallback(this.store.workTime(), callback);
  }

  /** Loads a job; rejects with `JobNotFoundError` naming the id when there is none. */
  async getJob(id: number | string, type?: string): Promise<Job> {
    const n = check.jobId(id);
    const record = await this.store.getJob(n);
    if (!record) throw new JobNotFoundError(id);
    if (type !== undefined && record.type !== type) {
      throw new JobNotFoundError(id, `job ${id} is of type "${record.type}", not "${type}"`);
    }
    return Job.fromRecord(record, this);
  }

  async range(from: number, to: number, order?: 'asc' | 'desc'): Promise<Job[]> {
    return this.loadRange('all', from, to, order);
  }

  async rangeByState(state: JobState, from: number, to: number, order?: 'asc' | 'desc'): Promise<Job[]> {
    return this.loadRange(check.state(state), from, to, order);
  }

  async rangeByType(type: string, state: JobState, from: number, to: number, order?: 'asc' | 'desc'): Promise<Job[]> {
    return this.loadRange(check.state(state), from, to, order, check.jobType(type));
  }

  private async loadRange(state: JobState | 'all', from: number, to: number, order?: string, type?: string): Promise<Job[]> {
    check.rangeBound('from', from);
    // As in Kue (ZRANGE underneath), to = -1 means "to the end".
    if (to !== -1) check.rangeBound('to', to);
    const ids = await this.store.ids(state, from, to, check.order(order), type);
    return this.loadJobs(ids);
  }

  /** @internal Jobs by id, in that order, skipping ids that no longer exist. */
  async loadJobs(ids: number[]): Promise<Job[]> {
    const records = await this.store.getJobs(ids);
    return records.map((r) => Job.fromRecord(r, this));
  }

  /** The log lines of a job. */
  log(id: number | string, callback?: Callback<string[]>): Promise<string[]> {
    return withCallback(this.store.getLog(check.jobId(id)), callback);
  }

  // Called by Job.

  /**
   * Saves many jobs built with `create()`, in as few round trips as possible (one script per
   * 1,000 jobs). Every job is validated before anything is written; resolves with the jobs,
   * which then have their ids.
   */
  saveAll<J extends Job>(jobs: J[], callback?: Callback<J[]>): Promise<J[]> {
    return withCallback(this.saveJobs(jobs).then(() => jobs), callback);
  }

  /** @internal */
  saveJob(job: Job): Promise<void> {
    return this.saveJobs([job]);
  }

  private async saveJobs(jobs: Job[]): Promise<void> {
    if (this.testMode.isEntered) this.testMode.jobs.push(...jobs);
    if (this.testMode.intercepts) return;
    const fields = jobs.map((job) => this.newJobFields(job));
    // Saved Job objects get their events, and listeners get the events of this save.
    if (this.jobEvents || this.subscription.wanted) await this.subscription.subscribed();
    this.watchers.saveStarted();
    try {
      if (jobs.length === 1) {
        // The single saves of one tick share one script (Store.saveJob).
        this.saved(jobs[0]!, await this.store.saveJob(fields[0]!), fields[0]!.delay);
        return;
      }
      for (let start = 0; start < jobs.length; start += SAVE_BATCH) {
        const ids = await this.store.saveJobs(fields.slice(start, start + SAVE_BATCH));
        ids.forEach((id, i) => this.saved(jobs[start + i]!, id, fields[start + i]!.delay));
      }
    } finally {
      this.watchers.saveEnded();
    }
  }

  /** Fills in a job that was just saved, and starts its job-level events. */
  private saved(job: Job, id: number, delay: number): void {
    const saved = Object.assign(job, { id });
    job._state = delay > 0 ? 'delayed' : 'inactive';
    job.created_at = job.updated_at = Date.now();
    this.backoffs.remember(id, job._backoff);
    if (this.jobEvents && job._jobEvents !== false) this.watchers.watch(saved);
  }

  /** @internal */
  async updateJob(job: Job): Promise<void> {
    if (job.id === undefined) throw new Error('job has not been saved yet');
    const f = this.newJobFields(job);
    const b = f.backoff;
    const written = await this.store.update(job.id, {
      data: f.data,
      priority: String(f.priority),
      attempts: String(f.attempts),
      delay: String(f.delay),
      ttl: String(f.ttl),
      remove_on_complete: encodeRetention(f.removeOnComplete),
      remove_on_fail: encodeRetention(f.removeOnFail),
      backoff: b?.type ?? '',
      backoff_delay: b?.delay === undefined ? '' : String(b.delay),
      backoff_max: b?.maxDelay === undefined ? '' : String(b.maxDelay),
      ...(this.searchEnabled && { words: f.words.join(' ') }),
    });
    if (!written) throw new JobNotFoundError(job.id);
    this.backoffs.remember(job.id, job._backoff);
  }

  /** @internal */
  async removeJob(id: number): Promise<void> {
    if (!(await this.store.remove(id))) throw new JobNotFoundError(id);
  }

  /** @internal */
  async moveJob(id: number, state: JobState): Promise<void> {
    if (!(await this.store.move(id, state, this.lockDuration))) throw new JobNotFoundError(id);
  }

  /** @internal */
  logJob(id: number, line: string): void {
    this.store.log(id, [line]).catch((err: unknown) => this.reportError(err));
  }

  /** @internal */
  progressJob(id: number, percent: number, data: unknown): void {
    let json = '';
    try {
      json = data === undefined ? '' : (JSON.stringify(data) ?? '');
    } catch (err) {
      this.reportError(new TypeError(`progress data of job ${id} cannot be stored as JSON: ${(err as Error).message}`));
    }
    this.store.progress(id, percent, json).catch((err: unknown) => this.reportError(err));
  }

  /** Sends an error to 'error' listeners (or, with none, to the logger and one process warning). */
  reportError(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    // During an outage every worker's loop fails the same way each second: report each
    // distinct message once per window, not as a flood.
    const now = Date.now();
    const last = this.recentErrors.get(error.message);
    if (last !== undefined && now - last < defaults.errorRepeatWindow) return;
    this.recentErrors.set(error.message, now);
    if (this.recentErrors.size > 100) {
      for (const [message, at] of this.recentErrors) if (now - at >= defaults.errorRepeatWindow) this.recentErrors.delete(message);
    }
    if (this.listenerCount('error') > 0) {
      this.emit('error', error);
      return;
    }
    this.logger.error({ err: error }, 'kue error');
    if (!this.warnedNoErrorListener) {
      this.warnedNoErrorListener = true;
      process.emitWarning(`kue: ${error.message} (add queue.on('error') to handle Kue errors)`, 'KueWarning');
    }
  }

  private newJobFields(job: Job): NewJob {
    return {
      type: job.type,
      data: check.jobData(job.data),
      priority: job._priority,
      delay: job._delay,
      attempts: job._max_attempts,
      backoff: encodeBackoff(job._backoff),
      ttl: job._ttl,
      removeOnComplete: job._removeOnComplete ?? this.retention.complete,
      removeOnFail: job._removeOnFail ?? this.retention.fail,
      words: this.searchEnabled ? searchWords(job.data, job._searchKeys) : [],
    };
  }

  /** Routes one transition to queue listeners and to the Job object saved here, if any. */
  private dispatch(e: JobEvent): void {
    this.emit(`job ${e.event}`, e.id, ...e.args);
    // Every transition as one object, with its job type (what dashboards and bridges need).
    this.emit('event', e);
    this.watchers.deliver(e);
    if (FINAL_EVENTS.has(e.event)) this.backoffs.forget(e.id);
  }

  /** Reports a connection's first error of each outage, not every reconnection attempt. */
  private watch(client: RedisClient): RedisClient {
    let down = false;
    client.on('error', (err: Error) => {
      if (down) return;
      down = true;
      this.reportError(new ConnectionError(`redis connection error: ${err.message}`, err));
    });
    client.on('ready', () => (down = false));
    return client;
  }
}
