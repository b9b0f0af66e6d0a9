import type { JobRecord } from '../store/codec.js';
import type { BackoffOption } from './job-types.js';
import type { NewJob } from '../store/codec.js';
import * as check from './validate.js';

export type BackoffFunction = (attempts: number, delay: number) => number;

/** Computed by the Lua scripts themselves; everything else runs in a worker process. */
const BUILT_IN = new Set(['fixed', 'exponential']);
/** The stored backoff type of a job whose backoff is a function of its saving process. */
const LOCAL_FUNCTION = 'function';

/** How a job's backoff option is stored: never code, only a type name and numbers. */
export function encodeBackoff(option: BackoffOption | undefined): NewJob['backoff'] {
  if (option === undefined || option === false) return undefined;
  if (option === true) return { type: 'fixed' };
  if (typeof option === 'function') return { type: LOCAL_FUNCTION };
  return { type: option.type ?? 'fixed', delay: option.delay, maxDelay: option.maxDelay };
}

/**
 * The backoffs that live in this process: functions of jobs saved here (until they finish)
 * and named strategies registered with `queue.backoffStrategy`.
 */
export class Backoffs {
  private readonly byJob = new Map<number, BackoffFunction>();
  private readonly named = new Map<string, BackoffFunction>();

  register(name: string, strategy: BackoffFunction): void {
    if (typeof name !== 'string' || name === '' || BUILT_IN.has(name) || name === LOCAL_FUNCTION) {
      throw new TypeError(`backoff strategy name must be a new non-empty string, got ${String(name)}`);
    }
    if (typeof strategy !== 'function') throw new TypeError('backoffStrategy needs a function');
    this.named.set(name, strategy);
  }

  /** Remembers a job's own backoff function, if it has one. */
  remember(id: number, option: BackoffOption | undefined): void {
    if (typeof option === 'function') this.byJob.set(id, option);
  }

  forget(id: number): void {
    this.byJob.delete(id);
  }

  /**
   * The wait before the next attempt of a job that just failed, or -1 to let the script
   * apply the built-in backoff (also the fallback when the strategy is not here or throws).
   */
  retryDelay(record: JobRecord, report: (err: Error) => void): number {
    const kind = record.backoff?.type;
    if (kind === undefined || BUILT_IN.has(kind)) return -1;
    const strategy = kind === LOCAL_FUNCTION ? this.byJob.get(record.id) : this.named.get(kind);
    if (!strategy) {
      if (kind !== LOCAL_FUNCTION) {
        report(
          new Error(
            `job ${record.id}: no backoff strategy "${kind}" is registered in this process; using its fixed delay`,
          ),
        );
      }
      return -1;
    }
    try {
      return check.milliseconds('backoff result', strategy(record.attempts.made, record.lastBackoff ?? record.delay));
    } catch (err) {
      report(new Error(`job ${record.id}: backoff strategy "${kind}" failed: ${(err as Error).message}`));
      return -1;
    }
  }
}
