import { defaults } from '../defaults.js';
import { checkQueue, type CheckReport } from '../store/check.js';
import type { JobState } from '../store/keys.js';
import { migrateFromKue011 } from '../store/kue011/migrate.js';
import type { Kue011MigrationProgress, Kue011MigrationReport } from '../store/kue011/report.js';
import type { AttemptError, BulkAction, PageCursor } from '../store/replies.js';
import type { Store } from '../store/store.js';
import type { SavedJob } from './job.js';
import type { QueueJobs } from './jobs.js';
import { withCallback, type Callback } from './callback.js';
import {
  readChildResults,
  readFlowTree,
  type ChildResultsPage,
  type FlowTree,
  type FlowTreeOptions,
} from './flow-tree.js';
import { readEventHistory, type EventHistory, type EventHistoryOptions } from './event-history.js';
import { stems } from './search-words.js';
import * as check from './validate.js';

/** Entries one bulk script handles per call: keeps each call short for Redis. */
const BULK_BATCH = 500;
/** The most jobs one page or listing holds (`page`, and the JSON API's listings). */
export const MAX_PAGE = 1_000;
/** Per-minute counters expire after 25 h (see the store's key layout). */
export const MAX_THROUGHPUT_MINUTES = 25 * 60;

export interface BulkOptions {
  /** Only jobs of this type. */
  type?: string;
  /** Only jobs that entered their state before this time (epoch ms; complete and failed only). */
  before?: number;
  /** Called after each batch with the running total. */
  onProgress?: (handled: number, remaining: number) => void;
}

/** The states whose jobs can be cancelled. */
export const CANCELLABLE_STATES = ['inactive', 'delayed', 'active', 'waiting'] as const;
export type CancellableState = (typeof CANCELLABLE_STATES)[number];

/** What `cancelJobs` did with each id it was given. */
export interface CancelOutcome {
  cancelled: number[];
  /** Jobs that had already finished (complete or failed): left as they were. */
  finished: number[];
  /** Ids with no job. */
  missing: number[];
}

export interface MinuteStats {
  /** Start of the minute, epoch ms. */
  at: number;
  complete: number;
  failed: number;
  retried: number;
  /** Total run time of the attempts that completed in the minute (ms). */
  runMs: number;
  /** Total time those jobs waited in inactive before they started (ms). */
  waitMs: number;
}

/** What `migrateFromKue011` moves, and how. */
export interface Kue011MigrationOptions {
  /**
   * The prefix Kue 0.11 wrote its keys under, as the key names show it: `'q'` for keys
   * `q:job:1` (Kue 0.11's default client, node_redis), `'{q}'` for keys `{q}:job:1` (Kue
   * 0.11 given an ioredis client through `createClientFactory`).
   */
  from: string;
  /** Only report what would move; write nothing. @default false */
  dryRun?: boolean;
  /**
   * What replaces a backoff function Kue 0.11 stored as source text (never run): the name of
   * a strategy the new workers register with `queue.backoffStrategy(name, fn)`, or a fixed
   * delay in milliseconds.
   * @default a fixed backoff of the job's own delay, as `backoff(true)`
   */
  functionBackoff?: string | number;
  /**
   * Ids to leave free above Kue 0.11's id counter: new jobs start above them. Needed only when
   * Kue 0.11 wrote `q:…` keys (its own counter) and Kue 0.11 producers keep saving after this
   * run: their jobs take those ids, and the next run moves them without a conflict.
   * @default 0
   */
  reserveIds?: number;
  /** Called after each batch of jobs. */
  onProgress?: (progress: Kue011MigrationProgress) => void;
}

function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(`${cursor.score}|${cursor.id}`).toString('base64url');
}

function decodeCursor(text: string): PageCursor {
  const match = /^(-?\d{1,16})\|(\d{1,16})$/.exec(Buffer.from(text, 'base64url').toString());
  if (!match) throw new RangeError('cursor is not one this queue returned');
  return { score: Number(match[1]), id: Number(match[2]) };
}

function expectedStates(from: unknown): JobState[] {
  const list = Array.isArray(from) ? (from as unknown[]) : [from];
  if (list.length === 0) throw new RangeError('from must name at least one state');
  return list.map((s) => check.state(s));
}

/**
 * Operations beyond Kue's API, for dashboards and operators: cursor-paged listings, search,
 * bulk actions, pausing types across all workers and per-minute throughput. Reach it as
 * `queue.admin`.
 */
export class QueueAdmin {
  constructor(
    private readonly store: Store,
    private readonly jobs: QueueJobs,
  ) {}

  /**
   * A page of jobs in a state ('all' for every job), oldest first or newest first, with a
   * cursor for the next page (null at the end). Stays fast however long the list: each page
   * costs O(log n + limit).
   */
  async page(
    state: JobState | 'all',
    options: { type?: string; cursor?: string; limit?: number; order?: 'asc' | 'desc' } = {},
  ): Promise<{ jobs: SavedJob[]; next: string | null }> {
    if (state === 'all' && options.type !== undefined) {
      throw new RangeError('a type filter needs a state: the index of all jobs is not kept per type');
    }
    const limit = Math.min(check.rangeBound('limit', options.limit ?? defaults.pageLimit) || 1, MAX_PAGE);
    const page = await this.store.page(state === 'all' ? 'all' : check.state(state), {
      type: options.type === undefined ? undefined : check.jobType(options.type),
      cursor: options.cursor ? decodeCursor(options.cursor) : undefined,
      limit,
      order: check.order(options.order),
    });
    const jobs = await this.jobs.load(page.ids);
    return { jobs, next: page.next ? encodeCursor(page.next) : null };
  }

  /**
   * Moves a job to `state` only while it is in one of the `from` states, checked and moved in
   * one script: an operator's action never pulls a job that moved on meanwhile (say, one a
   * worker has taken since) out from under its worker. Rejects with `StateChangedError` (code
   * `STATE_CHANGED`) when the job is elsewhere, `JobNotFoundError` when it is gone.
   */
  async moveJob(id: number | string, state: JobState, from: JobState | readonly JobState[]): Promise<void> {
    await this.jobs.move(check.jobId(id), check.moveTarget(state), expectedStates(from));
  }

  /**
   * Removes a job only while it is in one of the `from` states (see moveJob); a flow's parent
   * takes its pending children along unless `{children: 'keep'}`.
   */
  async removeJob(
    id: number | string,
    from: JobState | readonly JobState[],
    options?: { children?: 'remove' | 'keep' },
  ): Promise<void> {
    await this.jobs.remove(check.jobId(id), check.childrenOption(options, 'remove'), expectedStates(from));
  }

  /** Every failed attempt of a job (the latest 50), oldest first, with its error and stack. */
  async attemptErrors(id: number): Promise<AttemptError[]> {
    return this.store.getErrors(check.jobId(id));
  }

  /**
   * One job's place in a flow, read at one instant: its parent and policy, its children's
   * counts, its pending children by state and the oldest of them (why it still waits), and a
   * page of one part of its children (`pending`, `complete` or `failed`; a nested parent with
   * its own counts). Each page costs about `limit` children however many there are; pass
   * `next` back as `cursor` for the next. Rejects with JobNotFoundError for an unknown id.
   * @example
   *   const tree = await queue.admin.flowTree(parent.id, { part: 'failed', limit: 20 });
   */
  flowTree(id: number | string, options?: FlowTreeOptions, callback?: Callback<FlowTree>): Promise<FlowTree> {
    return withCallback(
      Promise.resolve().then(() => readFlowTree(this.store, id, options)),
      callback,
    );
  }

  /** A page of a flow parent's children's results (`job.childResults()` reads them all). */
  childResults(
    id: number | string,
    options?: { cursor?: string; limit?: number },
    callback?: Callback<ChildResultsPage>,
  ): Promise<ChildResultsPage> {
    return withCallback(
      Promise.resolve().then(() => readChildResults(this.store, id, options)),
      callback,
    );
  }

  /** Ids of jobs whose search words include every word of the query (stemmed, any case). */
  /**
   * The job events the event stream still holds (events.maxLen entries), oldest first, a page
   * at a time: after an entry, from a time, or from the oldest kept. A dashboard or a tool that
   * restarts reads what it missed.
   */
  events(options?: EventHistoryOptions, callback?: Callback<EventHistory>): Promise<EventHistory> {
    return withCallback(
      Promise.resolve().then(() => readEventHistory(this.store, options)),
      callback,
    );
  }

  async search(query: string): Promise<number[]> {
    if (typeof query !== 'string') throw new TypeError('search query must be a string');
    return this.store.search(stems(query));
  }

  /** Stops every worker, in every process, from taking jobs of a type. Running jobs finish. */
  async pauseType(type: string): Promise<boolean> {
    return this.store.setPaused(check.jobType(type), true);
  }

  async resumeType(type: string): Promise<boolean> {
    return this.store.setPaused(check.jobType(type), false);
  }

  async pausedTypes(): Promise<string[]> {
    return this.store.pausedTypes();
  }

  /** Moves every failed job (of a type) back to inactive; returns how many moved. */
  retryAll(options: BulkOptions = {}): Promise<number> {
    return this.bulk('retry', 'failed', options);
  }

  /** Makes every delayed job (of a type) inactive now. */
  promoteAll(options: BulkOptions = {}): Promise<number> {
    return this.bulk('promote', 'delayed', options);
  }

  /** Removes every job in a state (of a type, older than a time); returns how many. */
  removeAll(state: JobState, options: BulkOptions = {}): Promise<number> {
    return this.bulk('remove', check.state(state), options);
  }

  /** Cancels jobs by id (see `job.cancel`), in batches; says what became of each id. */
  async cancelJobs(
    ids: Array<number | string>,
    reason?: string,
    options?: { children?: 'cancel' | 'keep' },
  ): Promise<CancelOutcome> {
    const [checked, text] = [ids.map((id) => check.jobId(id)), check.cancelReason(reason)];
    const children = check.childrenOption(options, 'cancel');
    const outcome: CancelOutcome = { cancelled: [], finished: [], missing: [] };
    const replies = await this.store.cancel(checked, text, children);
    replies.forEach((reply, i) => {
      const kind = reply === 'cancelled' ? 'cancelled' : reply === '' ? 'missing' : 'finished';
      outcome[kind].push(checked[i]!);
    });
    return outcome;
  }

  /**
   * Cancels every waiting, delayed and running job and every flow parent waiting for its
   * children, or those of one `state` (and of a type), in batches of BULK_BATCH; returns how
   * many it cancelled itself (a parent's pending children, cancelled with it, not counted).
   */
  async cancelAll(
    options: Omit<BulkOptions, 'before'> & { state?: CancellableState } = {},
    reason?: string,
  ): Promise<number> {
    const text = check.cancelReason(reason);
    const type = options.type === undefined ? undefined : check.jobType(options.type);
    if (options.state !== undefined && !CANCELLABLE_STATES.includes(options.state))
      throw new RangeError(
        `state must be one of ${CANCELLABLE_STATES.join(', ')}, got ${check.describe(options.state)}`,
      );
    let total = 0;
    // Rounds until one cancels nothing: a job can move between the states while they are
    // walked (a delayed job promoted, a running one failing into a retry).
    for (let round = -1; round !== 0;) {
      round = 0;
      // Waiting parents first: each takes its pending children along.
      for (const state of options.state ? [options.state] : (['waiting', 'delayed', 'inactive', 'active'] as const)) {
        for (;;) {
          const ids = await this.store.ids(state, 0, BULK_BATCH - 1, 'asc', type);
          if (ids.length === 0) break;
          const cancelled = (await this.store.cancel(ids, text)).filter((r) => r === 'cancelled').length;
          round += cancelled;
          total += cancelled;
          options.onProgress?.(total, await this.store.count(state, type));
          // Every id listed was in the state: a batch cancels jobs unless they all moved on.
          if (cancelled === 0) break;
        }
      }
    }
    return total;
  }

  private async bulk(action: BulkAction, state: JobState, options: BulkOptions): Promise<number> {
    const filter = {
      type: options.type === undefined ? undefined : check.jobType(options.type),
      before: options.before === undefined ? undefined : check.milliseconds('before', options.before),
    };
    let total = 0;
    for (;;) {
      const { handled, remaining } = await this.store.bulk(action, state, filter, BULK_BATCH);
      total += handled;
      options.onProgress?.(total, remaining);
      if (handled === 0 || remaining === 0) return total;
    }
  }

  /** Completed, failed and retried counts and run/wait totals per minute, for the last `minutes`. */
  async throughput(options: { minutes?: number; type?: string } = {}): Promise<MinuteStats[]> {
    const minutes = Math.min(
      Math.max(1, Math.floor(options.minutes ?? defaults.throughputMinutes)),
      MAX_THROUGHPUT_MINUTES,
    );
    const last = Math.floor(Date.now() / 60_000);
    const raw = await this.store.minuteStats(last - minutes + 1, last);
    return raw.map(({ minute, byType }) => {
      const row: MinuteStats = { at: minute * 60_000, complete: 0, failed: 0, retried: 0, runMs: 0, waitMs: 0 };
      for (const [type, fields] of Object.entries(byType)) {
        if (options.type !== undefined && type !== options.type) continue;
        row.complete += fields.complete ?? 0;
        row.failed += fields.failed ?? 0;
        row.retried += fields.retried ?? 0;
        row.runMs += fields.run_ms ?? 0;
        row.waitMs += fields.wait_ms ?? 0;
      }
      return row;
    });
  }

  /**
   * Moves every job Kue 0.11 wrote under the prefix `options.from` into this queue, keeping
   * its id, state, priority and FIFO order, due time, attempts, error, result, log and
   * progress; active jobs (stranded by Kue 0.11) go back to inactive with their attempt
   * counted. Each job moves whole in one script, so a run stopped at any point is finished by
   * running it again, and a run after a complete one changes nothing. Rejects with
   * `MigrationRefusedError`, writing nothing, when this queue holds another job under an id
   * the Kue 0.11 jobs keep. See docs/migrating.md.
   * @example
   *   const report = await queue.admin.migrateFromKue011({ from: 'q' });
   */
  migrateFromKue011(
    options: Kue011MigrationOptions,
    callback?: Callback<Kue011MigrationReport>,
  ): Promise<Kue011MigrationReport> {
    const run = Promise.resolve().then(() => migrateFromKue011(this.store, check.kue011Migration(options)));
    return withCallback(run, callback);
  }

  /**
   * Walks every key of the queue and reports each inconsistency: a job in two state indexes
   * or none, a record whose state disagrees with its index, per-type and all-types indexes
   * that disagree, index entries, log, error or search keys of jobs that do not exist.
   * Read-only, and safe on a queue that keeps working: each job is judged at one instant.
   * Reads the keys with SCAN, so it takes time proportional to the queue's size.
   */
  check(): Promise<CheckReport> {
    return checkQueue(this.store);
  }
}
