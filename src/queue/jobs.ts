import { FlowConflictError, JobNotFoundError, StateChangedError } from '../errors.js';
import type { JobRecord, NewJob } from '../store/codec.js';
import type { JobState } from '../store/keys.js';
import { encodeRetention, type RetentionOption } from '../store/retention.js';
import type { MoveOutcome } from '../store/replies.js';
import { SAVE_BATCH, type SaveReply, type Store } from '../store/store.js';
import type { ChildFailure } from '../store/tree-store.js';
import type { FlatFlowJob } from './flows.js';
import { FinishedWaiters, type FinishedOptions } from './finished.js';
import { encodeBackoff, type Backoffs } from './backoffs.js';
import { Job, type SavedJob } from './job.js';
import type { JobDirectory, JobHost } from './job-host.js';
import type { JobEvents } from './job-events.js';
import { searchWords } from './search-words.js';
import type { QueueSubscription } from './subscription.js';
import type { TestMode } from './test-mode.js';
import type { SendSpan, Tracing } from '../tracing/tracing.js';
import * as check from './validate.js';

/** A Job filled from a stored record, talking through `host`. */
function jobFromRecord(record: JobRecord, host: JobHost<Job>): SavedJob {
  const job = Object.assign(new Job(record.type, record.data, host), { id: record.id });
  job.result = record.result;
  job.created_at = record.createdAt;
  job.updated_at = record.updatedAt;
  job.promote_at = record.promoteAt;
  job.started_at = record.startedAt;
  job.failed_at = record.failedAt;
  job.completed_at = record.completedAt;
  job.duration = record.duration;
  job.progress_data = record.progressData;
  job._priority = record.priority;
  job._max_attempts = record.attempts.max;
  job._attempts = record.attempts.made;
  job._delay = record.delay;
  job._ttl = record.ttl;
  job._state = record.state;
  job._error = record.error;
  job._stack = record.stack;
  job._progress = record.progress;
  job._removeOnComplete = record.removeOnComplete;
  job._removeOnFail = record.removeOnFail;
  job._lock = record.lock;
  job.workerId = record.workerId;
  job.schedule = record.schedule;
  job._group = record.group;
  job._unique = record.unique;
  job.cancelled = record.cancelled;
  if (record.flow) job.flow = record.flow;
  if (record.traceparent) job._traceparent = record.traceparent;
  if (record.backoff) {
    const { type, delay, maxDelay } = record.backoff;
    job._backoff = { type, ...(delay !== undefined && { delay }), ...(maxDelay !== undefined && { maxDelay }) };
  }
  return job;
}

/** The search words of a job when search is off: one empty list for every job. */
const NO_WORDS: readonly string[] = Object.freeze([]);

/** Turns a refused move or removal into its error. */
function settled(id: number, outcome: MoveOutcome, expected: readonly JobState[] = []): void {
  if (outcome.result === 'missing') throw new JobNotFoundError(id);
  if (outcome.result === 'unexpected') throw new StateChangedError(id, expected, outcome.state);
}

/** What a queue's job persistence is built from. */
export interface QueueJobsDeps {
  store: Store;
  priorities: Record<string, number>;
  testMode: TestMode;
  subscription: QueueSubscription;
  watchers: JobEvents;
  backoffs: Backoffs;
  /** Keep saved Job objects to emit their job-level events (`jobEvents`). */
  jobEvents: boolean;
  searchEnabled: boolean;
  retention: { complete: RetentionOption; fail: RetentionOption };
  lockDuration: number;
  reportError: (err: unknown) => void;
  /** The queue's tracing, when it traces: each save call gets a producer span. */
  tracing?: Tracing;
}

/**
 * Starts the producer span of a save (none when nothing records it) and gives each job its
 * trace context. One span per call: a bulk save is one span for all its jobs.
 */
function startSend(tracing: Tracing | undefined, fields: NewJob[]): SendSpan | undefined {
  // saveAll([]) sends nothing.
  const span = fields.length > 0 ? tracing?.send(fields) : undefined;
  if (span) for (const f of fields) f.traceparent = span.traceparent;
  return span;
}

/**
 * A queue's jobs as Job objects: saving (single saves of a tick batched, `saveAll` in
 * chunks), writing changes, moving, logging, progress, and loading. It is the host every
 * Job of the queue talks through, so Job needs nothing else of the queue.
 */
export class QueueJobs implements JobDirectory<Job> {
  readonly priorities: Record<string, number>;
  /** The promises of `job.finished()`, settled by job events. */
  readonly finishing: FinishedWaiters;

  constructor(private readonly deps: QueueJobsDeps) {
    this.priorities = deps.priorities;
    this.finishing = new FinishedWaiters({
      listen: () => deps.subscription.startEvents(),
      load: async (id) => (await deps.store.getJob(id)) ?? undefined,
    });
  }

  finished(id: number, options?: FinishedOptions): Promise<unknown> {
    return this.finishing.wait(id, options);
  }

  /** The queue's tracing (its workers make their runs' spans with it). */
  get tracing(): Tracing | undefined {
    return this.deps.tracing;
  }

  /** A Job of this queue from a stored record. */
  fromRecord(record: JobRecord): SavedJob {
    return jobFromRecord(record, this);
  }

  insert(job: Job): Promise<void> {
    return this.saveAll([job]);
  }

  /**
   * Saves jobs, validating every one before anything is written; one script per SAVE_BATCH.
   * Not async itself, so that a save costs one async call (send), not two.
   */
  saveAll(jobs: Job[]): Promise<void> {
    try {
      const { testMode } = this.deps;
      if (testMode.isEntered) testMode.jobs.push(...jobs);
      if (testMode.intercepts) return Promise.resolve();
      const fields = jobs.map((job) => {
        const f = this.fieldsOf(job);
        f.sends = job._sends ??= [];
        return f;
      });
      return this.send(jobs, fields, startSend(this.deps.tracing, fields));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  /** The saves of saveAll, after their checks; ends its producer span, if any, with the ids. */
  private async send(jobs: Job[], fields: NewJob[], span: SendSpan | undefined): Promise<void> {
    const { subscription, watchers, store } = this.deps;
    try {
      // Saved Job objects get their events, and listeners get the events of this save.
      if (this.deps.jobEvents || subscription.wanted) await subscription.subscribed();
      watchers.saveStarted();
      try {
        if (jobs.length === 1) {
          // The single saves of one tick share one script (Store.saveJob).
          const reply = await store.saveJob(fields[0]!);
          this.saved(jobs[0]!, reply, fields[0]!.delay);
          span?.sent([reply.id]);
          return;
        }
        const ids: number[] | undefined = span && [];
        for (let start = 0; start < jobs.length; start += SAVE_BATCH) {
          const replies = await store.saveJobs(fields.slice(start, start + SAVE_BATCH));
          replies.forEach((reply, i) => {
            this.saved(jobs[start + i]!, reply, fields[start + i]!.delay);
            ids?.push(reply.id);
          });
        }
        if (ids) span!.sent(ids);
      } finally {
        watchers.saveEnded();
      }
    } catch (err) {
      span?.failed(err);
      throw err;
    }
  }

  /**
   * Saves a flow (flows.ts lists and checks it) in one script, all or nothing: the parents
   * wait for their children. Every Job object gets its id; `save()` and the job's other
   * calls made meanwhile wait for the flow.
   */
  async saveFlow(list: FlatFlowJob[]): Promise<void> {
    const { testMode, subscription, watchers, store } = this.deps;
    if (testMode.isEntered) testMode.jobs.push(...list.map((e) => e.job));
    if (testMode.intercepts) return;
    const fields = list.map((e) => this.fieldsOf(e.job));
    const span = startSend(this.deps.tracing, fields);
    const root = list[0]!.job;
    const sends = (root._sends ??= []);
    const saving = (async () => {
      if (this.deps.jobEvents || subscription.wanted) await subscription.subscribed();
      watchers.saveStarted();
      try {
        const jobs = list.map((e, i) => ({ job: fields[i]!, parent: e.parent, ...(e.node && { node: e.node }) }));
        const reply = await store.trees.save(jobs, sends);
        if ('ids' in reply) return reply.ids;
        const { index, holder } = reply.conflict;
        throw new FlowConflictError(list[index]!.place, list[index]!.job.unique()!.key, holder);
      } finally {
        watchers.saveEnded();
      }
    })();
    if (span) {
      saving.then(
        (ids) => span.sent(ids),
        (err: unknown) => span.failed(err),
      );
    }
    const done = saving.then(() => undefined);
    for (const e of list) e.job._insertWith(done);
    const ids = await saving;
    ids.forEach((id, i) => {
      const { job, node, parent } = list[i]!;
      this.saved(job, { id, duplicate: false }, fields[i]!.delay);
      if (node) {
        job._state = 'waiting';
        job.flow = { ...node };
      }
      if (parent >= 0) job.flow = { ...job.flow, parentId: ids[parent]! };
    });
  }

  childResults(id: number): Promise<Record<string, unknown>> {
    return this.deps.store.trees.results(id);
  }

  childFailures(id: number): Promise<Record<string, ChildFailure>> {
    return this.deps.store.trees.failures(id);
  }

  /**
   * Fills in a job that was just saved, and starts its job-level events. A duplicate is the
   * existing job: its state and times are not known here, its backoff stays its own, and it
   * gets that job's events unless another Job object of this process gets them already.
   */
  private saved(job: Job, { id, duplicate }: SaveReply, delay: number): void {
    const { watchers, backoffs, jobEvents } = this.deps;
    const saved = Object.assign(job, { id, duplicate });
    if (!duplicate) {
      job._state = delay > 0 ? 'delayed' : 'inactive';
      job.created_at = job.updated_at = Date.now();
      backoffs.remember(id, job._backoff);
    }
    if (jobEvents && job._jobEvents !== false && !(duplicate && watchers.watches(id))) watchers.watch(saved);
  }

  async update(job: Job): Promise<void> {
    if (job.id === undefined) throw new Error('job has not been saved yet');
    // Its data and options are the ones its save offered, not the record's: writing them
    // would replace the existing job behind its back (a running one too).
    if (job.duplicate) {
      throw new Error(
        `job ${job.id} was not made by this Job object (its unique key was held): load it with Job.get(${job.id}) to change it`,
      );
    }
    const f = this.fieldsOf(job);
    const b = f.backoff;
    const written = await this.deps.store.update(job.id, {
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
      ...(this.deps.searchEnabled && { words: f.words.join(' ') }),
    });
    if (!written) throw new JobNotFoundError(job.id);
    this.deps.backoffs.remember(job.id, job._backoff);
  }

  /** Removes a job; with `expected` states, only a job in one of them (else StateChangedError). */
  async remove(id: number, children?: 'remove' | 'keep', expected?: readonly JobState[]): Promise<void> {
    settled(id, await this.deps.store.remove(id, expected, children), expected);
  }

  /** Moves a job; with `expected` states, only a job in one of them (else StateChangedError). */
  async move(id: number, state: JobState, expected?: readonly JobState[]): Promise<void> {
    settled(id, await this.deps.store.move(id, state, this.deps.lockDuration, expected), expected);
  }

  /** Cancels jobs: per id, true when cancelled, false when it had already finished; none: JobNotFoundError. */
  async cancel(ids: number[], reason: string, children?: 'cancel' | 'keep'): Promise<boolean[]> {
    const replies = await this.deps.store.cancel(ids, reason, children);
    return replies.map((reply, i) => {
      if (reply === '') throw new JobNotFoundError(ids[i]!);
      return reply === 'cancelled';
    });
  }

  log(id: number, line: string): void {
    this.deps.store.log(id, [line]).catch((err: unknown) => this.reportError(err));
  }

  progress(id: number, percent: number, data: unknown): void {
    let json = '';
    try {
      json = data === undefined ? '' : (JSON.stringify(data) ?? '');
    } catch (err) {
      this.reportError(new TypeError(`progress data of job ${id} cannot be stored as JSON: ${(err as Error).message}`));
    }
    this.deps.store.progress(id, percent, json).catch((err: unknown) => this.reportError(err));
  }

  reportError(err: unknown): void {
    this.deps.reportError(err);
  }

  /** Loads a job; rejects with `JobNotFoundError` naming the id when there is none. */
  async getJob(id: number | string, type?: string): Promise<SavedJob> {
    const n = check.jobId(id);
    const record = await this.deps.store.getJob(n);
    if (!record) throw new JobNotFoundError(id);
    if (type !== undefined && record.type !== type) {
      throw new JobNotFoundError(id, `job ${id} is of type "${record.type}", not "${type}"`);
    }
    return this.fromRecord(record);
  }

  /** A job's log lines, in order. */
  readLog(id: number): Promise<string[]> {
    return this.deps.store.getLog(id);
  }

  /** Jobs at ranks `from`..`to` of a state (or of every job by id), optionally of one type. */
  async loadRange(
    state: JobState | 'all',
    from: number,
    to: number,
    order?: string,
    type?: string,
  ): Promise<SavedJob[]> {
    if (state !== 'all') check.state(state);
    if (type !== undefined) check.jobType(type);
    check.rangeBound('from', from);
    // As in Kue (ZRANGE underneath), to = -1 means "to the end".
    if (to !== -1) check.rangeBound('to', to);
    const ids = await this.deps.store.ids(state, from, to, check.order(order), type);
    return this.load(ids);
  }

  /** Jobs by id, in that order, skipping ids that no longer exist. */
  async load(ids: number[]): Promise<SavedJob[]> {
    const records = await this.deps.store.getJobs(ids);
    return records.map((r) => this.fromRecord(r));
  }

  /** What save.lua stores of a job, checked; also a schedule's template. */
  fieldsOf(job: Job): NewJob {
    const { retention, searchEnabled } = this.deps;
    // Optional fields are set, not spread: a literal with spreads is copied property by property.
    const fields: NewJob = {
      type: job.type,
      data: check.jobData(job.data),
      priority: job._priority,
      delay: job._delay,
      attempts: job._max_attempts,
      backoff: encodeBackoff(job._backoff),
      ttl: job._ttl,
      removeOnComplete: job._removeOnComplete ?? retention.complete,
      removeOnFail: job._removeOnFail ?? retention.fail,
      words: searchEnabled ? searchWords(job.data, job._searchKeys) : NO_WORDS,
    };
    if (job._group !== undefined) fields.group = job._group;
    if (job._unique) fields.unique = job._unique;
    return fields;
  }
}
