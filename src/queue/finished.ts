import { CancelledError, ChildFailedError, JobFailedError, JobNotFoundError, TimeoutError } from '../errors.js';
import type { JobEvent } from '../events/job-event.js';
import type { JobRecord } from '../store/codec.js';

/** Options of `job.finished()`. */
export interface FinishedOptions {
  /** Milliseconds to wait at most; then the promise rejects with TimeoutError. Default: no limit. */
  timeout?: number;
  /** Aborting it rejects the promise with the signal's reason. */
  signal?: AbortSignal;
}

/** What the waiters need from their queue. */
export interface FinishedDeps {
  /** Settles once the event stream is read from a known position (events after it arrive). */
  listen: () => Promise<void>;
  /** A job's record, or undefined when it does not exist. */
  load: (id: number) => Promise<JobRecord | undefined>;
}

interface Waiter {
  resolve: (result: unknown) => void;
  reject: (err: unknown) => void;
}

/** The events after which a job's record may show its end (a move by hand may end it too). */
const ENDING_EVENTS = new Set(['complete', 'failed', 'cancelled', 'remove', 'moved']);

type Outcome = { result: unknown } | { error: Error } | undefined;

/** The end of a job, from its record, or from its ending event when the record is gone. */
function outcomeOf(id: number, record: JobRecord | undefined, event?: JobEvent): Outcome {
  if (record?.state === 'complete') return { result: record.result ?? null };
  if (record?.state === 'failed') {
    if (record.cancelled !== undefined) return { error: new CancelledError(id, record.cancelled) };
    const child = ChildFailedError.of({ id, flow: record.flow, _error: record.error });
    return { error: child ?? new JobFailedError(id, record.error ?? 'failed') };
  }
  if (record) return undefined;
  // Removed: on completion or failure (its ending event, in the same entry, says how it ended), or by hand.
  if (event?.event === 'complete') return { result: event.args[0] ?? null };
  if (event?.event === 'cancelled') return { error: new CancelledError(id, String(event.args[0] ?? '')) };
  if (event?.event === 'failed') return { error: new JobFailedError(id, String(event.args[0])) };
  return { error: new JobNotFoundError(id, `job ${id} does not exist (removed before it finished?)`) };
}

/**
 * `job.finished()`: promises settled by the job's end, seen in its record or in the event
 * stream. A waiter is registered before the record is read and the stream is read from a
 * position taken before that, so an end happening meanwhile is caught by one or the other.
 */
export class FinishedWaiters {
  private readonly waiters = new Map<number, Set<Waiter>>();
  /**
   * When each waited-for job was created, as first read: Redis that lost its data (restarted
   * from an older snapshot) gives the id to a new job, whose end must not settle the waiter.
   */
  private readonly created = new Map<number, number>();

  constructor(private readonly deps: FinishedDeps) {}

  async wait(id: number, options: FinishedOptions = {}): Promise<unknown> {
    const { timeout, signal } = checkOptions(options);
    signal?.throwIfAborted();
    await this.deps.listen();
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => settle(() => reject(signal!.reason));
      const settle = (then: () => void) => {
        const set = this.waiters.get(id);
        if (!set?.delete(waiter)) return;
        if (set.size === 0) {
          this.waiters.delete(id);
          this.created.delete(id);
        }
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        then();
      };
      const waiter: Waiter = {
        resolve: (result) => settle(() => resolve(result)),
        reject: (err) => settle(() => reject(err)),
      };
      const set = this.waiters.get(id) ?? new Set();
      set.add(waiter);
      this.waiters.set(id, set);
      if (timeout !== undefined) {
        timer = setTimeout(
          () => waiter.reject(new TimeoutError(`job ${id} did not finish within ${timeout} ms`)),
          timeout,
        );
      }
      // It may have aborted while the stream's position was awaited.
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      void this.check(id);
    });
  }

  /** Every job event goes by here: an ending one settles the job's waiters. */
  deliver(e: JobEvent): void {
    if (this.waiters.has(e.id) && ENDING_EVENTS.has(e.event)) void this.check(e.id, e);
  }

  /** Events were lost (or Redis lost data): every waited-for job is read again. */
  recheck(): void {
    for (const id of this.waiters.keys()) void this.check(id);
  }

  private async check(id: number, event?: JobEvent): Promise<void> {
    let outcome: Outcome;
    try {
      let record = await this.deps.load(id);
      const created = this.created.get(id);
      if (record && created !== undefined && record.createdAt !== created) {
        record = undefined;
        event = undefined;
      }
      if (record && this.waiters.has(id)) this.created.set(id, record.createdAt);
      outcome = outcomeOf(id, record, event);
    } catch {
      // Redis unreachable: the ending event (if this is one) still tells, else keep waiting:
      // the stream or a later recheck will tell.
      if (!event) return;
      outcome = outcomeOf(id, undefined, event);
    }
    if (!outcome) return;
    for (const waiter of [...(this.waiters.get(id) ?? [])]) {
      if ('error' in outcome) waiter.reject(outcome.error);
      else waiter.resolve(outcome.result);
    }
  }
}

function checkOptions(options: FinishedOptions): FinishedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('finished options must be an object');
  const { timeout, signal } = options;
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0 && timeout <= 2 ** 31 - 1))
    throw new RangeError(`finished timeout must be a whole number of ms from 1 to ${2 ** 31 - 1}, got ${timeout}`);
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw new TypeError('finished signal must be an AbortSignal');
  for (const key of Object.keys(options))
    if (key !== 'timeout' && key !== 'signal') throw new TypeError(`finished takes no option "${key}"`);
  return options;
}
