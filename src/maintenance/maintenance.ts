import type { SweepReply } from '../store/replies.js';
import type { Store } from '../store/store.js';
import { ScriptStatus } from '../store/script-status.js';

export interface MaintenanceOptions {
  /** Stall budget passed to the expiry script. */
  maxStalls: number;
  /** Most jobs moved per script call. */
  batch: number;
  /** Longest sleep when nothing is due (ms): heals missed wake-up hints. */
  interval: number;
}

/**
 * Timers that run the idempotent sweeps (promotion of delayed jobs, expiry of stalled and
 * over-ttl active jobs) exactly when the next entry falls due, never by polling faster than
 * `interval`. Every process runs them; the scripts make concurrent runs harmless.
 */
export class Maintenance {
  private readonly timers = new Map<'promote' | 'expire', { handle: NodeJS.Timeout; at: number }>();
  /** Redis clock minus local clock (ms), learnt from each sweep. */
  private clockOffset = 0;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly options: MaintenanceOptions,
    private readonly onError: (err: unknown) => void,
  ) {}

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

  /** Sets the sweep's timer to fire in `inMs`, unless it already fires sooner. */
  private schedule(sweep: 'promote' | 'expire', inMs: number): void {
    if (this.stopped) return;
    const wait = Math.max(0, Math.min(inMs, this.options.interval));
    const at = Date.now() + wait;
    const current = this.timers.get(sweep);
    if (current && current.at <= at) return;
    if (current) clearTimeout(current.handle);
    const handle = setTimeout(() => void this.run(sweep), wait);
    handle.unref();
    this.timers.set(sweep, { handle, at });
  }

  private async run(sweep: 'promote' | 'expire'): Promise<void> {
    this.timers.delete(sweep);
    if (this.stopped) return;
    let reply: SweepReply;
    try {
      reply =
        sweep === 'promote'
          ? await this.store.promote(this.options.batch)
          : await this.store.expire(this.options.batch, this.options.maxStalls);
    } catch (err) {
      if (!this.stopped) this.onError(err);
      this.schedule(sweep, this.options.interval);
      return;
    }
    this.clockOffset = reply.now - Date.now();
    if (reply.moved >= this.options.batch) this.schedule(sweep, 0);
    else if (reply.nextDue !== ScriptStatus.NOTHING_DUE) this.schedule(sweep, reply.nextDue - reply.now);
    else this.schedule(sweep, this.options.interval);
  }
}
