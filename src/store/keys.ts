/**
 * Every Redis key and channel name of a queue. Nothing outside `store/` builds key names.
 * All keys share one hash tag derived from the prefix, so one queue lives in one cluster slot.
 */
/** A job's states; `waiting` is a flow's parent waiting for its children (docs/flows.md). */
export const JOB_STATES = ['inactive', 'delayed', 'active', 'complete', 'failed', 'waiting'] as const;
export type JobState = (typeof JOB_STATES)[number];
/** The states a job can be moved into by hand: a job enters `waiting` only as a flow's parent. */
export const MOVE_TARGETS = [
  'inactive',
  'delayed',
  'active',
  'complete',
  'failed',
] as const satisfies readonly JobState[];
export type MoveTarget = (typeof MOVE_TARGETS)[number];

/** Ids per bitmap of `B:present:<n>`, as PRESENT_SPAN in lua/includes/present.lua. */
export const PRESENT_SPAN = 8192;

/** `q` becomes `{q}`; a prefix that already carries a `{tag}` is kept as it is. */
export function keyBase(prefix: string): string {
  return /\{[^}]+\}/.test(prefix) ? prefix : `{${prefix}}`;
}

export class Keys {
  readonly ids: string;
  /** Numbers of the id bitmaps that exist (see `present`). */
  readonly presentSpans: string;
  readonly types: string;
  readonly paused: string;
  /** Types that have (or had) limits: a flow hash (see `flow`). */
  readonly limited: string;
  readonly workTime: string;
  /** The job events, a capped stream every process reads from where it left off. */
  readonly stream: string;
  /** Due times of jobs just delayed, for every process's promotion timer. */
  readonly timers: string;
  /** Channel: cancellations of running jobs, for the workers holding them. */
  readonly cancel: string;
  /** Every schedule id, scored by its next due time (+inf while paused or finished). */
  readonly schedules: string;
  /** Flow parents whose pending children are still to be cancelled or cut loose (`cancel:<id>`, `detach:<id>`). */
  readonly cascade: string;
  /** Set (PX) by each metrics scrape: while it exists, the scripts that end jobs count into `metrics(type)`. */
  readonly metricsLease: string;
  /** The types a scrape exports under their own name (at most maxTypes; it only grows). */
  readonly metricsNamed: string;

  constructor(readonly base: string) {
    this.ids = `${base}:ids`;
    this.presentSpans = `${base}:present`;
    this.types = `${base}:types`;
    this.paused = `${base}:paused`;
    this.limited = `${base}:limited`;
    this.workTime = `${base}:stats:work-time`;
    this.stream = `${base}:stream`;
    this.timers = `${base}:timers`;
    this.cancel = `${base}:cancel`;
    this.schedules = `${base}:schedules`;
    this.cascade = `${base}:cascade`;
    this.metricsLease = `${base}:metrics:lease`;
    this.metricsNamed = `${base}:metrics:named`;
  }

  job(id: number | string): string {
    return `${this.base}:job:${id}`;
  }

  log(id: number | string): string {
    return `${this.base}:job:${id}:log`;
  }

  errors(id: number | string): string {
    return `${this.base}:job:${id}:errors`;
  }

  /** A flow's parent: its children not yet settled. */
  pending(id: number | string): string {
    return `${this.base}:job:${id}:pending`;
  }

  /** A flow's parent: each completed child's result (JSON text). */
  results(id: number | string): string {
    return `${this.base}:job:${id}:results`;
  }

  /** A flow's parent: each failed, cancelled or removed child's `{error, code}`. */
  childErrors(id: number | string): string {
    return `${this.base}:job:${id}:child-errors`;
  }

  /** Bitmap of which ids of one span exist (bit i: id span * PRESENT_SPAN + i). */
  present(span: number): string {
    return `${this.base}:present:${span}`;
  }

  /** A type's index of a state; without a type, the sweeps' index (delayed and active only). */
  state(state: JobState, type?: string): string {
    return type === undefined ? `${this.base}:${state}` : `${this.base}:type:${type}:${state}`;
  }

  search(word: string): string {
    return `${this.base}:search:${word}`;
  }

  /** Counters of one minute (minutes since the epoch). */
  minute(minute: number): string {
    return `${this.base}:stats:${minute}`;
  }

  /** One schedule's hash: rule, job template, next due time, last run, revision. */
  schedule(id: string): string {
    return `${this.base}:schedule:${id}`;
  }

  wake(type: string): string {
    return `${this.base}:type:${type}:wake`;
  }

  /** A type's limits (rate, concurrency, a pause a handler asked for); absent when it has none. */
  flow(type: string): string {
    return `${this.base}:type:${type}:flow`;
  }

  /** The start times of a rate-limited type's latest jobs, newest first. */
  starts(type: string): string {
    return `${this.base}:type:${type}:starts`;
  }

  /** A type's Prometheus counters and histograms (lua/includes/metrics.lua). */
  metrics(type: string): string {
    return `${this.base}:type:${type}:metrics`;
  }

  /** A type's keys for its groups (see lua/includes/keys.lua). */
  typeGroups(
    type: string,
    part: 'grouped' | 'groups' | 'group-active' | 'group-paused' | 'group-held' | 'group-waiting',
  ): string {
    return `${this.base}:type:${type}:${part}`;
  }

  /** One group's waiting jobs ('jobs') or start times ('starts'). */
  group(type: string, part: 'jobs' | 'starts', group: string): string {
    return `${this.base}:group:${Buffer.byteLength(type)}:${type}:${part}:${group}`;
  }

  /** The reason the attempt under `lock` was cancelled, while it is remembered (lua/cancel.lua). */
  cancelled(lock: string): string {
    return `${this.base}:cancelled:${lock}`;
  }

  /** The job holding a unique key: `<id>` until it finishes, `<id> ttl` for a ttl (lua/includes/unique.lua). */
  unique(key: string): string {
    return `${this.base}:unique:${key}`;
  }

  /** The reply of one save call, kept for the queue's saveRetryWindow (lua/save.lua). */
  saved(call: string): string {
    return `${this.base}:saved:${call}`;
  }
}

/** Index members are `len|id` so that equal scores sort by numeric id (FIFO). */
export function memberOf(id: number | string): string {
  const s = String(id);
  return `${String(s.length).padStart(2, '0')}|${s}`;
}

export function idOfMember(member: string): number {
  return Number(member.slice(3));
}
