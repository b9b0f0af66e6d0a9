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
  /** The same limits for each group of the type (see `job.group(key)`); null removes both. */
  group?: { rate?: RateLimit | null; concurrency?: number | null } | null;
}

/** A group of a job type: its waiting and active jobs, and whether it is paused. */
export interface GroupInfo {
  group: string;
  waiting: number;
  active: number;
  paused: boolean;
}

/** The most groups `queue.groups(type)` lists. */
export const MAX_GROUPS_LISTED = 1_000;

/** A job type's limits, and how much of them is in use. */
export interface TypeLimits {
  type: string;
  rate: RateLimit | null;
  concurrency: number | null;
  /** The limits of each group of the type; null when it has none. */
  group: { rate: RateLimit | null; concurrency: number | null } | null;
  /** Until when a handler's `ctx.rateLimit(ms)` holds the type back; null when it does not. */
  heldUntil: Date | null;
  /** Jobs of the type active now, in every process. */
  active: number;
  /** Jobs of the type started within the last rate window (0 without a rate). */
  recentStarts: number;
}

/** The most a limit may say: a day of ms, or a billion jobs. */
const MAX_LIMIT = 1_000_000_000;
const OPTIONS = new Set(['rate', 'concurrency', 'group']);
const GROUP_OPTIONS = new Set(['rate', 'concurrency']);
const RATE_OPTIONS = new Set(['max', 'duration']);

function unknownOption(what: string, key: string, known: Set<string>): never {
  throw new TypeError(`${what}: unknown option "${key}"; use ${[...known].join(', ')}`);
}

type FlowChanges = { [F in keyof FlowFields]?: number | null };

/** Checks a rate option: {max, duration} or null (removes it). */
function rateOf(what: string, value: unknown): { max: number | null; ms: number | null } {
  if (value === null) return { max: null, ms: null };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${what} must be {max, duration} or null, got ${check.describe(value)}`);
  }
  for (const k of Object.keys(value as object)) if (!RATE_OPTIONS.has(k)) unknownOption(what, k, RATE_OPTIONS);
  const { max, duration } = value as Record<string, unknown>;
  return {
    max: check.integer(`${what}.max`, max, 1, MAX_LIMIT),
    ms: check.integer(`${what}.duration`, duration, 1, 86_400_000),
  };
}

function objectOf(what: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${what} must be an object or null, got ${check.describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** Checks `limit()`'s options and turns them into flow hash changes (null removes a field). */
export function limitChanges(options: unknown): FlowChanges {
  const changes: FlowChanges = {};
  for (const [key, value] of Object.entries(objectOf('limit options', options))) {
    if (!OPTIONS.has(key)) unknownOption('limit', key, OPTIONS);
    if (value === undefined) continue;
    if (key === 'concurrency') {
      changes.concurrency = value === null ? null : check.integer('limit concurrency', value, 1, MAX_LIMIT);
    } else if (key === 'rate') {
      const rate = rateOf('limit rate', value);
      [changes.rate_max, changes.rate_ms] = [rate.max, rate.ms];
    } else if (value === null) {
      changes.g_concurrency = changes.g_rate_max = changes.g_rate_ms = null;
    } else {
      for (const [k, v] of Object.entries(objectOf('limit group', value))) {
        if (!GROUP_OPTIONS.has(k)) unknownOption('limit group', k, GROUP_OPTIONS);
        if (v === undefined) continue;
        if (k === 'concurrency') {
          changes.g_concurrency = v === null ? null : check.integer('limit group.concurrency', v, 1, MAX_LIMIT);
        } else {
          const rate = rateOf('limit group.rate', v);
          [changes.g_rate_max, changes.g_rate_ms] = [rate.max, rate.ms];
        }
      }
    }
  }
  return changes;
}

const rateLimit = (max: number | null, duration: number | null): RateLimit | null =>
  max !== null && duration !== null ? { max, duration } : null;

function typeLimits(stored: StoredLimits, now = Date.now()): TypeLimits {
  return {
    type: stored.type,
    rate: rateLimit(stored.rateMax, stored.rateMs),
    concurrency: stored.concurrency,
    group:
      stored.groupConcurrency === null && stored.groupRateMax === null
        ? null
        : { rate: rateLimit(stored.groupRateMax, stored.groupRateMs), concurrency: stored.groupConcurrency },
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

  /** A type's groups with jobs waiting or active, or paused: the largest first. */
  async groups(type: unknown): Promise<GroupInfo[]> {
    return (await this.store.flow.groups(check.jobType(type), MAX_GROUPS_LISTED)).groups;
  }

  /** Pauses or resumes one group of a type, in every process; true when that changed something. */
  async pauseGroup(type: unknown, group: unknown, pause: boolean): Promise<boolean> {
    return this.store.flow.pauseGroup(check.jobType(type), check.groupKey(group), pause);
  }

  /** Every type with limits (or a handler's hold), by type name. */
  async list(): Promise<TypeLimits[]> {
    const all = await this.store.flow.read();
    return all.map((stored) => typeLimits(stored)).sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  }
}
