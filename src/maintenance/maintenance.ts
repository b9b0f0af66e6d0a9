import { defaults } from '../defaults.js';
import { silentLogger, type BoundLogger } from '../logger.js';
import type { ExpireReply, SweepReply } from '../store/replies.js';
import type { Store } from '../store/store.js';
import { ScriptStatus } from '../store/script-status.js';
import { sweepSchedules } from './schedule-sweep.js';

type Sweep = 'promote' | 'expire' | 'schedules';
/** The longest wait Node's timers honour (ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface MaintenanceOptions {
  /** Stall budget passed to the expiry script. */
  maxStalls: number;
  /** Most jobs moved per script call. */
  batch: number;
  /** Longest sleep when nothing is due (ms): heals missed wake-up hints. */
  interval: number;
  /** Most due schedules fired per script call. */
  scheduleBatch: number;
  /** A schedule's due time older than this (ms) when fired was missed (see planRuns). */
  missedAfter: number;
}

/** One line per expiry pass that found stalled jobs: how many, the first ids, their types. */
function logStalls(logger: BoundLogger, reply: ExpireReply): ExpireReply {
  if (reply.stalled === 0) return reply;
  const ids = reply.named.map((job) => job.id);
  const types = [...new Set(reply.named.map((job) => job.type))];
  logger.warn(
    { count: reply.stalled, ids, types },
    'kue: stalled jobs recovered (their worker stopped renewing their locks: it died, froze or lost Redis); each runs again, or fails once past maxStalls',
  );
  return reply;
}

/**
 * Timers that run the idempotent sweeps (promotion of delayed jobs, expiry of stalled and
 * over-ttl active jobs, runs of due schedules) exactly when the next entry falls due, never by
 * polling faster than `interval`. Every process runs them; the scripts make concurrent runs
 * harmless. The schedule timer polls nothing of its own: it is set by the promotion sweep's
 * reply (which carries the first schedule's due time), by hints on upserts and by its own
 * replies, so a queue without schedules pays nothing for them. The promotion sweep also
 * finishes the cascades of flows (a failed parent's children to cancel), which scripts
 * announce with a due time of now.
 */
export class Maintenance {
  private readonly timers = new Map<Sweep, { handle: NodeJS.Timeout; at: number }>();
  /** Redis clock minus local clock (ms), learnt from each sweep. */
  private clockOffset = 0;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly options: MaintenanceOptions,
    private readonly onError: (err: unknown) => void,
    private readonly logger: BoundLogger = silentLogger,
  ) {}

  /** A queue's maintenance: its stall budget and interval, Kue's defaults for the rest; started. */
  static started(
    store: Store,
    queue: { maxStalls: number; maintenanceInterval: number },
    onError: (err: unknown) => void,
    logger?: BoundLogger,
  ): Maintenance {
    const maintenance = new Maintenance(
      store,
      {
        maxStalls: queue.maxStalls,
        batch: defaults.maintenanceBatch,
        interval: queue.maintenanceInterval,
        scheduleBatch: defaults.scheduleBatch,
        missedAfter: defaults.scheduleMissedAfter,
      },
      onError,
      logger,
    );
    maintenance.start();
    return maintenance;
  }

  start(): void {
    this.stopped = false;
    this.schedule('promote', 0);
    this.schedule('expire', 0);
  }

  stop(): void {
    this.stopped = true;
    for (const { handle } of this.timers.values()) clearTimeout(handle);
    this.timers.clear();
  }

  /** A job falls due at `due` (Redis clock): make sure promotion runs by then. */
  hintDelayed(due: number): void {
    this.schedule('promote', due - this.clockOffset - Date.now());
  }

  /** An active job's deadline is at `due` (Redis clock). */
  hintActive(due: number): void {
    this.schedule('expire', due - this.clockOffset - Date.now());
  }

  /** A schedule falls due at `due` (Redis clock): fire it then. */
  hintSchedule(due: number): void {
    this.schedule('schedules', due - this.clockOffset - Date.now());
  }

  /**
   * Sets the sweep's timer to fire in `inMs`, unless it already fires sooner. The promotion and
   * expiry timers wait at most `interval`; the schedule timer is refreshed by every promotion.
   */
  private schedule(sweep: Sweep, inMs: number): void {
    if (this.stopped) return;
    const cap = sweep === 'schedules' ? MAX_TIMER_MS : this.options.interval;
    const wait = Math.max(0, Math.min(inMs, cap));
    const at = Date.now() + wait;
    const current = this.timers.get(sweep);
    if (current && current.at <= at) return;
    if (current) clearTimeout(current.handle);
    const handle = setTimeout(() => void this.run(sweep), wait);
    handle.unref();
    this.timers.set(sweep, { handle, at });
  }

  private async run(sweep: Sweep): Promise<void> {
    this.timers.delete(sweep);
    if (this.stopped) return;
    if (sweep === 'schedules') return this.runSchedules();
    let reply: SweepReply;
    try {
      reply =
        sweep === 'promote'
          ? await this.store.promote(this.options.batch)
          : logStalls(this.logger, await this.store.expire(this.options.batch, this.options.maxStalls));
    } catch (err) {
      if (!this.stopped) this.onError(err);
      this.schedule(sweep, this.options.interval);
      return;
    }
    this.clockOffset = reply.now - Date.now();
    if (reply.moved >= this.options.batch) this.schedule(sweep, 0);
    else if (reply.nextDue !== ScriptStatus.NOTHING_DUE) this.schedule(sweep, reply.nextDue - reply.now);
    else this.schedule(sweep, this.options.interval);
    if (sweep === 'promote' && reply.nextSchedule !== ScriptStatus.NOTHING_DUE) {
      this.schedule('schedules', reply.nextSchedule - reply.now);
    }
    // Flow parents whose children are to be cancelled or removed (a parent failed by a child,
    // or a cancel or removal whose caller died before finishing it).
    if (sweep === 'promote' && reply.cascades > 0) {
      try {
        await this.store.trees.cascade();
      } catch (err) {
        if (!this.stopped) this.onError(err);
      }
    }
  }

  private async runSchedules(): Promise<void> {
    const { scheduleBatch, missedAfter, interval } = this.options;
    let reply;
    try {
      reply = await sweepSchedules(this.store.schedules, scheduleBatch, missedAfter, (err) => this.onError(err));
    } catch (err) {
      if (!this.stopped) this.onError(err);
      this.schedule('schedules', interval);
      return;
    }
    this.clockOffset = reply.now - Date.now();
    if (reply.full) this.schedule('schedules', 0);
    else if (reply.nextDue !== ScriptStatus.NOTHING_DUE) this.schedule('schedules', reply.nextDue - reply.now);
  }
}
