/**
 * The key layout Kue 0.11 wrote, which the migration reads and retires. The Lua include
 * `kue011_keys` builds the same names (a test compares the two sides).
 */
import type { JobState } from '../keys.js';

/** A state Kue 0.11 had: every state of this package but a flow's `waiting`. */
export type Kue011State = Exclude<JobState, 'waiting'>;
/** The states Kue 0.11 indexed: the same five names as this package's. */
export const KUE011_STATES: readonly Kue011State[] = ['inactive', 'delayed', 'active', 'complete', 'failed'];

export class Kue011Keys {
  /** The id counter. */
  readonly ids: string;
  /** Every job, scored by priority. */
  readonly jobs: string;
  /** Every type ever saved. */
  readonly types: string;
  /** Milliseconds spent by completed jobs. */
  readonly workTime: string;

  /**
   * @param prefix the prefix as it appears in the key names: `q` for Kue 0.11 on its default
   * client (node_redis), `{q}` when it ran on ioredis, which made it wrap the prefix in braces.
   */
  constructor(readonly prefix: string) {
    this.ids = `${prefix}:ids`;
    this.jobs = `${prefix}:jobs`;
    this.types = `${prefix}:job:types`;
    this.workTime = `${prefix}:stats:work-time`;
  }

  job(id: number | string): string {
    return `${this.prefix}:job:${id}`;
  }

  log(id: number | string): string {
    return `${this.prefix}:job:${id}:log`;
  }

  /** Jobs in a state; with a type, the jobs of that type in it. */
  state(state: JobState, type?: string): string {
    return type === undefined ? `${this.prefix}:jobs:${state}` : `${this.prefix}:jobs:${type}:${state}`;
  }

  /** The list a type's workers block on for wake-up markers. */
  wake(type: string): string {
    return `${this.prefix}:${type}:jobs`;
  }
}

/**
 * The hash tag Redis Cluster hashes a key by: the text between the first `{` and the first
 * `}` after it, when not empty; otherwise the whole key (null here).
 */
export function hashTag(key: string): string | null {
  const open = key.indexOf('{');
  if (open < 0) return null;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : null;
}
