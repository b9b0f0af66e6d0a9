import { once } from 'node:events';
import { defaults } from '../defaults.js';
import { KueError, ErrorCode } from '../errors.js';
import type { JobEvent } from '../events/job-event.js';
import { Maintenance } from '../maintenance/maintenance.js';
import { connectionFactory, type ConnectionRole, type RedisClient } from '../store/connection.js';
import { keyBase } from '../store/keys.js';
import { Store } from '../store/store.js';
import { Tracing } from '../tracing/tracing.js';
import { Worker } from '../worker/worker.js';
import { isProcessorFile, type SandboxOptions } from '../sandbox/options.js';
import { sandboxedProcessor, type SandboxedProcessorHandle } from '../sandbox/sandboxed-processor.js';
import { optionalThenCallback, withCallback, type Callback, type Saved } from './callback.js';
import { Job, type ProcessHandler, type SavedJob } from './job.js';
import { Backoffs, type BackoffFunction } from './backoffs.js';
import { ErrorReporter } from './error-reporter.js';
import { FINAL_EVENTS, JobEvents } from './job-events.js';
import { QueueJobs } from './jobs.js';
import { flattenFlow, type FlowChild, type FlowOptions } from './flows.js';
import type { QueueOptions } from './options.js';
import { TestMode } from './test-mode.js';
import { QueueAdmin } from './admin.js';
import { QueueSchedules } from './schedules.js';
import { QueueLimits } from './limits.js';
import { QueueMetrics } from './metrics.js';
import { QueueListings } from './queue-listings.js';
import { checkEvictionPolicy } from './eviction-warning.js';
import { logConnection, slowScriptLog, type ConnectionFields } from './queue-log.js';
import { bindLogger, type BoundLogger } from '../logger.js';
import { QueueSubscription } from './subscription.js';
import { resolveQueueOptions } from './resolve-options.js';
import * as check from './validate.js';

/**
 * A Kue queue: creates jobs, runs workers, emits queue-level events (`job complete`, ...)
 * for jobs of every process, and answers questions about jobs. Use `kue.createQueue()` for
 * the process's shared queue, `new kue.Queue(options)` for an independent one.
 */
export class Queue extends QueueListings {
  readonly prefix: string;
  /** The command connection (an ioredis client). */
  readonly client: RedisClient;
  readonly testMode = new TestMode();
  readonly priorities: Record<string, number>;
  /** Paging, search, bulk actions, pausing types, throughput: see QueueAdmin. */
  readonly admin: QueueAdmin;
  /** @internal */
  readonly store: Store;
  /** @internal The queue's jobs as Job objects: what every Job of this queue talks through. */
  readonly jobs: QueueJobs;
  /** @internal */
  readonly scheduling: QueueSchedules;
  /** @internal */
  readonly limiting: QueueLimits;
  /** Prometheus metrics of the whole queue: `register(registry)`, `text()` (docs/metrics.md). */
  readonly metrics: QueueMetrics;
  /** Whether jobs are indexed for search (`disableSearch: false`). */
  readonly searchEnabled: boolean;
  private readonly makeConnection: (role: ConnectionRole, log?: ConnectionFields) => RedisClient;
  /** The logger given, each entry with this queue's prefix (`queue`). */
  private readonly logger: BoundLogger;
  private readonly errors: ErrorReporter;
  private readonly lockDuration: number;
  private readonly subscriber: RedisClient;
  private readonly subscription: QueueSubscription;
  private readonly maintenance?: Maintenance;
  private readonly workers: Array<Worker<SavedJob>> = [];
  /** The pools of sandboxed processors, by the worker they serve. */
  private readonly sandboxes = new Map<Worker<SavedJob>, SandboxedProcessorHandle<SavedJob>>();
  private readonly watchers = new JobEvents();
  private readonly backoffs = new Backoffs();
  private shutdownPromise?: Promise<void>;

  constructor(options: QueueOptions = {}) {
    super();
    const o = resolveQueueOptions(options);
    this.prefix = o.prefix;
    this.priorities = o.priorities;
    this.logger = bindLogger(o.logger, { queue: this.prefix });
    this.errors = new ErrorReporter(this, this.logger);
    this.searchEnabled = !o.disableSearch;
    this.lockDuration = o.lockDuration;
    const connect = connectionFactory(o.redis, { commandTimeout: o.commandTimeout });
    this.makeConnection = (role, log = { role }) => logConnection(connect(role), this.logger, log);
    this.client = this.errors.watch(this.makeConnection('command'));
    this.store = new Store(
      this.client,
      keyBase(this.prefix),
      o.durableSaves,
      o.saveRetryWindow,
      o.events.maxLen,
      slowScriptLog(this.logger, o.slowScriptThreshold),
    );
    checkEvictionPolicy(this.client, this.store, this.logger, (message, policy) => {
      this.logger.warn({ prefix: this.prefix, maxmemoryPolicy: policy }, message);
      // The default logger is silent, and losing jobs is worth one word anyway.
      if (!options?.logger) process.emitWarning(`kue: ${message}`, 'KueWarning');
    });
    this.subscriber = this.errors.watch(this.makeConnection('subscriber'));
    this.subscription = new QueueSubscription({
      store: this.store,
      client: this.client,
      subscriber: this.subscriber,
      createReader: () => this.errors.watch(this.makeConnection('blocking', { role: 'events' })),
      watchers: this.watchers,
      dispatch: (e) => this.dispatch(e),
      eventsLost: (after) => {
        this.logger.warn(
          { after },
          'kue: job events lost: the stream dropped entries before this process read them (see events.maxLen)',
        );
        this.emit('events lost', { after });
        this.jobs.finishing.recheck();
      },
      reportError: (err) => this.reportError(err),
      shuttingDown: () => this.shutdownPromise !== undefined,
    });
    this.jobs = new QueueJobs({
      store: this.store,
      priorities: this.priorities,
      testMode: this.testMode,
      subscription: this.subscription,
      watchers: this.watchers,
      backoffs: this.backoffs,
      jobEvents: o.jobEvents,
      searchEnabled: this.searchEnabled,
      retention: { complete: o.removeOnComplete, fail: o.removeOnFail },
      lockDuration: this.lockDuration,
      reportError: (err) => this.reportError(err),
      tracing: Tracing.create(o.tracing),
    });
    this.admin = new QueueAdmin(this.store, this.jobs);
    this.limiting = new QueueLimits(this.store);
    this.metrics = new QueueMetrics(this.store, this.prefix, o.metrics);
    this.scheduling = new QueueSchedules(this.store, this.jobs, (due) => this.maintenance?.hintSchedule(due));
    // Job events are subscribed to once something here wants them (a listener, a saved job to
    // watch): a worker process that only processes jobs then parses none of them.
    this.on('newListener', (name: string | symbol) => {
      if (typeof name === 'string' && (name.startsWith('job ') || name === 'event'))
        void this.subscription.listenForEvents();
    });
    if (o.maintenance) {
      this.maintenance = Maintenance.started(this.store, o, (err) => this.reportError(err), this.logger);
      this.subscription.listenForDueTimes(this.maintenance);
    }
  }

  /** Starts building a job of `type`; call `.save()` to enqueue it. */
  create<D = any>(type: string, data?: D): Job<D> {
    return new Job<D>(type, data, this.jobs);
  }

  /** Alias of `create`. */
  createJob<D = any>(type: string, data?: D): Job<D> {
    return this.create(type, data);
  }

  /**
   * Processes jobs of `type`, up to `concurrency` at once (default 1). See `ProcessHandler`
   * for the handler's shapes. Given a file (a path, or a `file:` URL such as
   * `new URL('./render.js', import.meta.url)`) instead of a function, each job runs in a pool
   * of worker threads or child processes that load it (docs/sandboxed-processors.md).
   */
  process<D = any>(type: string, handler: ProcessHandler<D>): void;
  process<D = any>(type: string, concurrency: number, handler: ProcessHandler<D>): void;
  process(type: string, processor: string | URL, options?: SandboxOptions): void;
  process(type: string, concurrency: number, processor: string | URL, options?: SandboxOptions): void;
  process(type: string, ...args: unknown[]): void {
    check.jobType(type);
    const first = args[0];
    const concurrency = typeof first === 'function' || isProcessorFile(first) ? 1 : check.concurrency(args.shift());
    const [target, options] = args;
    let sandbox: SandboxedProcessorHandle<SavedJob> | undefined;
    if (isProcessorFile(target)) {
      // Checks the file and the options, starting nothing: a child starts at the first job.
      sandbox = sandboxedProcessor<SavedJob>(target, options, (err) => this.reportError(err));
    } else if (typeof target !== 'function') {
      throw new TypeError('process needs a handler function or a processor file (a path or a file: URL)');
    }
    const handler = sandbox?.handler ?? (target as ProcessHandler);
    if (this.shutdownPromise) throw new KueError(ErrorCode.ShutdownInProgress, 'queue is shut down');
    const worker = new Worker<SavedJob>(type, concurrency, handler, {
      store: this.store,
      createBlocking: () => this.makeConnection('blocking', { role: 'worker', type }),
      lockDuration: this.lockDuration,
      renewEvery: Math.max(50, Math.floor(this.lockDuration * defaults.lockRenewFraction)),
      idleBlockSeconds: defaults.idleBlockSeconds,
      makeJob: (record, signal) => Object.assign(this.jobs.fromRecord(record), { _signal: signal }),
      retryDelay: (record) => this.backoffs.retryDelay(record, (err) => this.reportError(err)),
      onError: (err) => this.reportError(err),
      tracing: this.jobs.tracing,
      logger: this.logger,
    });
    this.workers.push(worker);
    if (this.workers.length === 1) {
      this.subscription.listenForCancels((id, lock, reason) => {
        for (const w of this.workers) w.cancelled(id, lock, reason);
      });
    }
    if (sandbox) this.sandboxes.set(worker, sandbox);
    // A listener registered just before (the README's order) has started the event
    // subscription: the first jobs wait for it, or their events could go out before it hears.
    if (this.subscription.wanted) void this.subscription.subscribed().then(() => worker.start());
    else worker.start();
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
      const closing = this.workers.filter((w) => w.type === type).map((w) => this.closeWorker(w, timeout));
      return withCallback(
        Promise.all(closing).then(() => undefined),
        callback,
      );
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
    await Promise.all(this.workers.map((w) => this.closeWorker(w, timeout)));
    this.subscription.close();
    if (this.client.status === 'ready') {
      const ended = once(this.client, 'end');
      await this.client.quit().catch(() => this.client.disconnect());
      await ended;
    } else {
      this.client.disconnect();
    }
    this.emit('shutdown');
  }

  /** Stops a worker, then the children of its sandboxed processor (none outlives the queue). */
  private async closeWorker(worker: Worker<SavedJob>, timeout: number): Promise<void> {
    await worker.close(timeout);
    await this.sandboxes.get(worker)?.close();
  }

  /** The log lines of a job. */
  log(id: number | string, callback?: Callback<string[]>): Promise<string[]> {
    return withCallback(this.jobs.readLog(check.jobId(id)), callback);
  }

  /**
   * Saves many jobs built with `create()`, in as few round trips as possible (one script per
   * 1,000 jobs). Every job is validated before anything is written; resolves with the jobs,
   * which then have their ids.
   */
  saveAll<J extends Job>(jobs: J[], callback?: Callback<Array<Saved<J>>>): Promise<Array<Saved<J>>> {
    return withCallback(
      this.jobs.saveAll(jobs).then(() => jobs as Array<Saved<J>>),
      callback,
    );
  }

  /**
   * Saves a flow: `parent` runs once every one of its `children` has completed (each child a
   * job made by `create()`, or `{job, children, ...options}`, a parent in turn). All its jobs
   * are saved or none; resolves with the parent, which has its id (every Job object of the
   * flow gets its own). While it waits the parent is in state `waiting`; its handler reads
   * `job.childResults()`. See docs/flows.md for `onChildFailure` and `cancelChildren`.
   */
  flow<J extends Job>(
    parent: J,
    children: FlowChild[],
    options?: FlowOptions | Callback<Saved<J>>,
    callback?: Callback<Saved<J>>,
  ): Promise<Saved<J>> {
    const [opts, cb] = optionalThenCallback<FlowOptions, Saved<J>>(options, callback);
    const saving = (async () => {
      await this.jobs.saveFlow(flattenFlow(parent, children, opts, (job) => job._isOf(this.jobs)));
      return parent as Saved<J>;
    })();
    return withCallback(saving, cb);
  }

  /**
   * Starts reading the job events, as adding a `job …` or `event` listener does; resolves once
   * every event appended from then on will be heard (so a history read after it leaves no gap).
   */
  listenForEvents(): Promise<void> {
    return this.subscription.listenForEvents();
  }

  /** Sends an error to 'error' listeners (or, with none, to the logger and one process warning). */
  reportError(err: unknown): void {
    this.errors.report(err);
  }

  /** Routes one transition to queue listeners and to the Job object saved here, if any. */
  private dispatch(e: JobEvent): void {
    // Kue's own bookkeeping first: a listener that throws must not stop it.
    this.jobs.finishing.deliver(e);
    if (FINAL_EVENTS.has(e.event)) this.backoffs.forget(e.id);
    try {
      // Asked first: a producer hears every event of the jobs it saves, mostly with no
      // listener, and an emit nobody hears would still spread its arguments for each.
      const name = `job ${e.event}`;
      if (this.listenerCount(name) > 0) this.emit(name, e.id, ...e.args);
      // Every transition as one object, with its job type (what dashboards and bridges need).
      if (this.listenerCount('event') > 0) this.emit('event', e);
    } finally {
      this.watchers.deliver(e);
    }
  }
}
