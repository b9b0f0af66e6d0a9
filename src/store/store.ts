import type { RedisClient } from './connection.js';
import { encodeSave, type NewJob } from './codec.js';
import { StoreReads } from './reads.js';
import { Keys, memberOf, type JobState } from './keys.js';
import { NotReplicatedError } from '../errors.js';
import { scriptError, type Outcome } from './redis-errors.js';
import { ScriptStatus } from './script-status.js';
import { defineScripts, noteIfSlow, pipeScript, runScript, type ScriptName, type SlowScripts } from './scripts.js';
import { ScheduleStore } from './schedule-store.js';
import { noteSend, saveCallToken, saveReply, type SaveReply } from './save-calls.js';
import { FlowStore } from './flow-store.js';
import { TreeStore } from './tree-store.js';
import { MetricsStore } from './metrics-store.js';
import {
  decodePage,
  decodeTake,
  expireReply,
  moveOutcome,
  sweep,
  type BulkAction,
  type ExpireReply,
  type FinishReply,
  type MoveOutcome,
  type Page,
  type PageRequest,
  type SweepReply,
  type TakeReply,
  type TakeRequest,
  type TakenPair,
} from './replies.js';

export type { SaveReply } from './save-calls.js';

/** Most jobs per save script: bounds how long one script holds Redis. */
export const SAVE_BATCH = 1_000;

/** Jobs one cancel script call ends: keeps each call short for Redis. */
const CANCEL_BATCH = 500;

/** A running job whose lock its worker no longer holds; `cancelled` is the reason when it was cancelled. */
export interface LostLock {
  id: number;
  cancelled?: string;
}

/**
 * The typed face of the Lua state machine and of the reads: the only place that knows key
 * names and Redis commands. Callers never see KEYS or ARGV.
 */
export class Store extends StoreReads {
  private pendingSaves: Array<{ job: NewJob; resolve: (reply: SaveReply) => void; reject: (err: unknown) => void }> =
    [];
  private pendingProgress: Array<{
    args: Array<string | number>;
    resolve: (written: boolean) => void;
    reject: (err: unknown) => void;
  }> = [];

  /** The schedule scripts. */
  readonly schedules = new ScheduleStore((name, args, outcome) => this.run(name, args, outcome));
  /** The scripts of job types' limits. */
  readonly flow = new FlowStore((name, args, outcome) => this.run(name, args, outcome));
  /** The scrape of the Prometheus metrics, and whether the scripts that end jobs count. */
  readonly metrics = new MetricsStore((name, args, outcome) => this.run(name, args, outcome), this.client, this.keys);
  /** The scripts and reads of flows (a parent and the children it waits for). */
  readonly trees: TreeStore;

  constructor(
    client: RedisClient,
    base: string,
    /** Saves are acknowledged once this many replicas hold them (`durableSaves`). */
    private readonly durability?: { replicas: number; timeout: number },
    /** How long Redis keeps each save call's reply, so the call sent again makes nothing twice (ms; 0: not kept). */
    private readonly saveRetryWindow = 0,
    /** Entries the event stream keeps. */
    streamCap = 100_000,
    private readonly slow?: SlowScripts,
  ) {
    super(client, new Keys(base));
    defineScripts(client, streamCap);
    this.trees = new TreeStore(
      (name, args, outcome) => this.run(name, args, outcome),
      client,
      this.keys,
      saveRetryWindow,
    );
  }

  /** Runs a script; `outcome` says what a failure means for the change (asked only on failure). */
  private async run(name: ScriptName, args: Array<string | number>, outcome?: () => Outcome): Promise<unknown> {
    this.flushPending();
    // Not timed when sent while the connection is down: it waits for that, not for the script.
    const sentAt = this.slow && this.client.status === 'ready' ? performance.now() : -1;
    try {
      const reply = await runScript(this.client, name, this.keys.ids, [this.keys.base, ...args]);
      if (sentAt >= 0) noteIfSlow(this.slow!, name, sentAt);
      return reply;
    } catch (err) {
      throw scriptError(
        err,
        outcome?.() ?? {
          refused: `"${name}" did not run, nothing changed`,
          uncertain: `"${name}" may have run: Redis may have received it`,
        },
      );
    }
  }

  /**
   * Saves jobs in one script; returns what became of each, in order. All are saved or none.
   * With a saveRetryWindow, the call carries a token of its own and Redis records its reply
   * for that long: the call resent (by ioredis, after a reconnection) gets the reply back, and
   * each job notes the call in its `sends`, so a retry of it finds what it made.
   */
  async saveJobs(jobs: NewJob[], separately = false): Promise<SaveReply[]> {
    // Single saves batched together each fail alone, as far as their callers know.
    const one = separately || jobs.length === 1;
    const what = one ? 'the job' : `these ${jobs.length} jobs`;
    const outcome = () => ({
      refused: `${what} ${one ? 'was' : 'were'} not saved`,
      uncertain: `${what} may have been saved: Redis may have received ${one ? 'it' : 'them'}`,
    });
    const call = this.saveRetryWindow > 0 ? saveCallToken() : '';
    const args = encodeSave(call, this.saveRetryWindow, jobs);
    if (call) jobs.forEach((job, i) => job.sends && noteSend(job.sends, `${call}.${i}`));
    const replies = (
      this.durability ? await this.saveReplicated(args, outcome, what) : await this.run('save', args, outcome)
    ) as string[];
    return replies.map(saveReply);
  }

  /**
   * The save script and a WAIT for replicas, back to back on one connection (in a pipeline,
   * so a cluster client sends both to the master of the queue's slot).
   */
  private async saveReplicated(args: Array<string | number>, outcome: () => Outcome, what: string): Promise<unknown> {
    const { replicas, timeout } = this.durability!;
    this.flushPending();
    const pipeline = pipeScript(this.client.pipeline(), 'save', this.keys.ids, [this.keys.base, ...args]).wait(
      replicas,
      timeout,
    );
    let replies;
    try {
      replies = await pipeline.exec();
    } catch (err) {
      throw scriptError(err, outcome());
    }
    const [[saveError, ids], [waitError, acknowledged]] = replies as [[Error | null, unknown], [Error | null, unknown]];
    if (saveError) throw scriptError(saveError, outcome());
    if (waitError || (acknowledged as number) < replicas) {
      const confirmed = waitError
        ? 'WAIT failed'
        : `${acknowledged as number} of ${replicas} replicas confirmed it within ${timeout} ms`;
      throw new NotReplicatedError(
        `${what} may have been saved, but ${confirmed}: a failover now could lose it`,
        waitError ?? undefined,
      );
    }
    return ids;
  }

  /**
   * Saves one job. The saves of one tick go to Redis as one script (ids in call order), so
   * a producer saving many jobs at once pays one request, not one per job.
   */
  saveJob(job: NewJob): Promise<SaveReply> {
    return new Promise((resolve, reject) => {
      this.pendingSaves.push({ job, resolve, reject });
      if (this.pendingSaves.length === 1) process.nextTick(() => this.flushPending());
    });
  }

  /** Sends the batched saves and progress reports, before any other script or read. */
  protected flushPending(): void {
    const saves = this.pendingSaves.splice(0);
    for (let start = 0; start < saves.length; start += SAVE_BATCH) {
      const batch = saves.slice(start, start + SAVE_BATCH);
      this.saveJobs(
        batch.map((s) => s.job),
        true,
      ).then(
        (replies) => batch.forEach((s, i) => s.resolve(replies[i]!)),
        (err: unknown) => batch.forEach((s) => s.reject(err)),
      );
    }
    const progress = this.pendingProgress.splice(0);
    if (progress.length === 0) return;
    const outcome = () => ({
      refused: 'the progress was not recorded',
      uncertain: 'the progress may have been recorded',
    });
    this.run(
      'progress',
      progress.flatMap((p) => p.args),
      outcome,
    ).then(
      (written) => progress.forEach((p, i) => p.resolve((written as number[])[i] === ScriptStatus.DONE)),
      (err: unknown) => progress.forEach((p) => p.reject(err)),
    );
  }

  async take(req: TakeRequest): Promise<TakeReply> {
    const [pairs, wait] = (await this.run('take', [req.type, req.count, req.workerId, req.lockDuration])) as [
      TakenPair[],
      number?,
    ];
    return decodeTake(pairs, wait);
  }

  /**
   * Completes a batch of jobs of one type (each with the lock its worker holds and its result
   * as JSON text, '' for none) and takes the next jobs, in one script.
   */
  async completeBatch(
    jobs: ReadonlyArray<{ id: number; lock: string; resultJson: string }>,
    next: TakeRequest,
  ): Promise<TakeReply & { statuses: Array<FinishReply['status']> }> {
    const args: Array<string | number> = [next.count, next.workerId, next.lockDuration];
    for (const job of jobs) args.push(job.id, job.lock, job.resultJson);
    const [statuses, taken, wait] = (await this.run(`complete${this.metrics.variant()}`, args)) as [
      Array<FinishReply['status']>,
      TakenPair[],
      number?,
    ];
    return { statuses, ...decodeTake(taken, wait) };
  }

  /** Completes one job and takes the next ones (completeBatch of one). */
  async complete(id: number, lock: string, resultJson: string, next: TakeRequest): Promise<FinishReply> {
    const { statuses, ...took } = await this.completeBatch([{ id, lock, resultJson }], next);
    return { status: statuses[0]!, ...took };
  }

  async fail(
    id: number,
    lock: string,
    error: { message: string; stack: string },
    retryDelay: number,
    next: TakeRequest,
    firstAttempt?: string,
  ): Promise<FinishReply> {
    const args = [id, lock, error.message, error.stack, retryDelay, next.count, next.workerId, next.lockDuration];
    // The first attempt's span, for the retries' links: an argument only when there is one.
    if (firstAttempt !== undefined) args.push(firstAttempt);
    const reply = (await this.run(`fail${this.metrics.variant()}`, args)) as [
      FinishReply['status'],
      TakenPair[],
      number?,
    ];
    return { status: reply[0], ...decodeTake(reply[1], reply[2]) };
  }

  async promote(limit: number): Promise<SweepReply> {
    return sweep(await this.run('promote', [limit]));
  }

  async expire(limit: number, maxStalls: number): Promise<ExpireReply> {
    return expireReply(await this.run('expire', [limit, maxStalls]));
  }

  /** Renews locks; returns the jobs whose lock is lost, with the reason of those cancelled. */
  async renew(lockDuration: number, held: Array<{ id: number; lock: string }>): Promise<LostLock[]> {
    if (held.length === 0) return [];
    const flat = (await this.run('renew', [lockDuration, ...held.flatMap((h) => [h.id, h.lock])])) as string[];
    const lost: LostLock[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const mark = flat[i + 1]!;
      lost.push({ id: Number(flat[i]), ...(mark.startsWith('c:') && { cancelled: mark.slice(2) }) });
    }
    return lost;
  }

  /**
   * Cancels jobs (cancel.lua), at most CANCEL_BATCH per script call: per id, 'cancelled', the
   * state of a job that had already finished, or '' for none.
   */
  async cancel(ids: number[], reason: string, children: 'cancel' | 'keep' = 'cancel'): Promise<string[]> {
    const replies: string[] = [];
    const keep = children === 'keep' ? 'keep' : '';
    for (let i = 0; i < ids.length; i += CANCEL_BATCH)
      replies.push(...((await this.run('cancel', [reason, keep, ...ids.slice(i, i + CANCEL_BATCH)])) as string[]));
    await this.trees.finishCascades();
    return replies;
  }

  /**
   * Removes a job, when it is in one of the `expected` states (any when omitted); a flow's
   * parent takes its pending children along unless `children` is 'keep'.
   */
  async remove(
    id: number,
    expected?: readonly JobState[],
    children: 'remove' | 'keep' = 'remove',
  ): Promise<MoveOutcome> {
    const outcome = moveOutcome(
      await this.run('remove', [id, expected?.join(',') ?? '', children === 'keep' ? 'keep' : '']),
    );
    await this.trees.finishCascades();
    return outcome;
  }

  /**
   * Puts a job into a state, when it is in one of the `expected` states (any when omitted):
   * the check and the move are one script, so a job that moved on meanwhile stays untouched.
   */
  async move(id: number, state: JobState, lockDuration: number, expected?: readonly JobState[]): Promise<MoveOutcome> {
    return moveOutcome(await this.run('move', [id, state, lockDuration, expected?.join(',') ?? '']));
  }

  /**
   * Records a job's progress. The calls of one tick go to Redis as one script, sent before
   * any other script of this Store, so a job's progress never lands after its completion.
   */
  progress(id: number, percent: number, dataJson: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pendingProgress.push({ args: [id, percent, dataJson], resolve, reject });
      if (this.pendingProgress.length === 1) process.nextTick(() => this.flushPending());
    });
  }

  async log(id: number, lines: string[]): Promise<boolean> {
    return (await this.run('log', [id, ...lines])) !== ScriptStatus.NO_JOB;
  }

  /** Rewrites job fields (names as stored; '' deletes one). */
  async update(id: number, fields: Record<string, string>): Promise<boolean> {
    return (await this.run('update', [id, ...Object.entries(fields).flat()])) === ScriptStatus.DONE;
  }

  /** One batch of a bulk action; returns how many it handled and how many still match. */
  async bulk(
    action: BulkAction,
    state: JobState,
    filter: { type?: string; before?: number },
    batch: number,
  ): Promise<{ handled: number; remaining: number }> {
    const [handled, remaining] = (await this.run('bulk', [
      action,
      state,
      filter.type ?? '',
      filter.before === undefined ? '' : filter.before,
      batch,
    ])) as [number, number];
    if (action === 'remove') await this.trees.finishCascades();
    return { handled, remaining };
  }

  /** Pauses (or resumes) taking jobs of a type everywhere; true when that changed anything. */
  async setPaused(type: string, paused: boolean): Promise<boolean> {
    return (await this.run('pause', [type, paused ? '1' : '0'])) === ScriptStatus.CHANGED;
  }

  // Reads that run a script (consistent across several keys); plain reads are in StoreReads.

  /** One page of a state (or of every job by id), resumable exactly by cursor even while it changes. */
  async page(state: JobState | 'all', options: PageRequest): Promise<Page> {
    const cursor = options.cursor;
    const reply = (await this.run('page', [
      state,
      options.type ?? '',
      cursor ? cursor.score : '',
      cursor ? memberOf(cursor.id) : '',
      options.limit,
      options.order,
    ])) as Array<string | number>;
    return decodePage(reply, options.limit);
  }

  /** Jobs in a state, of one type or of every type; 'all' counts every job. */
  async count(state: JobState | 'all', type?: string): Promise<number> {
    return (await this.run('count', [state, type ?? ''])) as number;
  }

  /** Ids at ranks `from`..`to` (inclusive, -1 = the end, as in ZRANGE) of a state, or of every job by id. */
  async ids(
    state: JobState | 'all',
    from: number,
    to: number,
    order: 'asc' | 'desc',
    type?: string,
  ): Promise<number[]> {
    return ((await this.run('range', [state, type ?? '', from, to, order])) as Array<string | number>).map(Number);
  }
}
