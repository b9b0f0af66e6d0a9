import type { FlowFields, StoredLimits } from '../store/flow-store.js';
import type { Store } from '../store/store.js';
import * as check from './validate.js';

/** At most `max` jobs start in any window of `duration` ms, over every worker process. */
export interface RateLimit {
  max: number;
  duration: number;
}

/**
 * What `queue.limit(type, options)` changes: each option given replaces the one stored, null
 * removes it, one left out stays.
 */
export interface LimitOptions {
  rate?: RateLimit | null;
  /** At most this many jobs of the type active at once, over every worker process. */
  concurrency?: number | null;
}

/** A job type's limits, and how much of them is in use. */
export interface TypeLimits {
  type: string;
  rate: RateLimit | null;
  concurrency: number | null;
  /** Until when a handler's `ctx.rateLimit(ms)` holds the type back; null when it does not. */
  heldUntil: Date | null;
  /** Jobs of the type active now, in every process. */
  active: number;
  /** Jobs of the type started within the last rate window (0 without a rate). */
  recentStarts: number;
}

/** The most a limit may say: a day of ms, or a billion jobs. */
const MAX_LIMIT = 1_000_000_000;
const OPTIONS = new Set(['rate', 'concurrency']);
const RATE_OPTIONS = new Set(['max', 'duration']);

function unknownOption(what: string, key: string, known: Set<string>): never {
  throw new TypeError(`${what}: unknown option "${key}"; use ${[...known].join(', ')}`);
}

/** Checks `limit()`'s options and turns them into flow hash changes (null removes a field). */
export function limitChanges(options: unknown): { [F in keyof FlowFields]?: number | null } {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`limit options must be an object or null, got ${check.describe(options)}`);
  }
  const changes: { [F in keyof FlowFields]?: number | null } = {};
  for (const [key, value] of Object.entries(options)) {
    if (!OPTIONS.has(key)) unknownOption('limit', key, OPTIONS);
    if (value === undefined) continue;
    if (key === 'concurrency') {
      changes.concurrency = value === null ? null : check.integer('limit concurrency', value, 1, MAX_LIMIT);
    } else if (value === null) {
      changes.rate_max = changes.rate_ms = null;
    } else {
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw new TypeError(`limit rate must be {max, duration} or null, got ${check.describe(value)}`);
      }
      for (const k of Object.keys(value as object))
        if (!RATE_OPTIONS.has(k)) unknownOption('limit rate', k, RATE_OPTIONS);
      const { max, duration } = value as Record<string, unknown>;
      changes.rate_max = check.integer('limit rate.max', max, 1, MAX_LIMIT);
      changes.rate_ms = check.integer('limit rate.duration', duration, 1, 86_400_000);
    }
  }
  return changes;
}

function typeLimits(stored: StoredLimits, now = Date.now()): TypeLimits {
  return {
    type: stored.type,
    rate: stored.rateMax !== null && stored.rateMs !== null ? { max: stored.rateMax, duration: stored.rateMs } : null,
    concurrency: stored.concurrency,
    heldUntil: stored.heldUntil !== null && stored.heldUntil > now ? new Date(stored.heldUntil) : null,
    active: stored.active,
    recentStarts: stored.recentStarts,
  };
}

/** A queue's job type limits: set, changed and removed at run time, obeyed by every worker. */
export class QueueLimits {
  constructor(private readonly store: Store) {}

  async set(type: unknown, options: unknown): Promise<TypeLimits> {
    const name = check.jobType(type);
    const clear = options === null;
    const changes = clear ? {} : limitChanges(options);
    return typeLimits(await this.store.flow.set(name, changes, clear));
  }

  /** Every type with limits (or a handler's hold), by type name. */
  async list(): Promise<TypeLimits[]> {
    const all = await this.store.flow.read();
    return all.map((stored) => typeLimits(stored)).sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  }
}
