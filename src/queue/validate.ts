import { defaults } from '../defaults.js';
import { JOB_STATES, MOVE_TARGETS, type JobState, type MoveTarget } from '../store/keys.js';
import type { Kue011Migration } from '../store/kue011/migrate.js';
import type { RetentionOption } from '../store/retention.js';
import type { BackoffOption, UniqueKey } from './job-types.js';
import { describe } from '../describe.js';
export { progressPercent } from '../progress.js';

export { describe };

/** Argument checks at the API's edge. Each message names the bad value and its type. */

export function prefix(value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`prefix must be a non-empty string, got ${describe(value)}`);
  if (value === '') throw new RangeError('prefix must be a non-empty string, got "" (string)');
  return value;
}

export function boolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be true or false, got ${describe(value)}`);
  return value;
}

/** A whole number from `min` to `max`. */
export function integer(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

/** A group key: a non-empty string of at most 1,024 characters. */
export function groupKey(key: unknown): string {
  if (typeof key !== 'string') throw new TypeError(`group must be a non-empty string, got ${describe(key)}`);
  if (key.length === 0 || key.length > 1024) {
    throw new RangeError(`group must be a non-empty string of at most 1024 characters, got ${describe(key)}`);
  }
  return key;
}

/** A cancellation's reason: a string of at most 1,000 characters ('' or undefined: none). */
export function cancelReason(reason: unknown): string {
  if (reason === undefined) return '';
  if (typeof reason !== 'string') throw new TypeError(`cancel reason must be a string, got ${describe(reason)}`);
  if (reason.length > 1000) throw new RangeError(`cancel reason must be at most 1000 characters, got ${reason.length}`);
  return reason;
}

export function jobType(type: unknown): string {
  if (typeof type !== 'string' || type.length === 0) {
    throw new TypeError(`job type must be a non-empty string, got ${describe(type)}`);
  }
  return type;
}

export function priority(level: unknown, names: Record<string, number> = defaults.priorities): number {
  if (typeof level === 'string') {
    const n = Object.hasOwn(names, level) ? names[level] : undefined;
    if (n === undefined) {
      throw new RangeError(
        `unknown priority ${describe(level)}; use one of ${Object.keys(names).join(', ')} or a number`,
      );
    }
    return n;
  }
  if (typeof level !== 'number') throw new TypeError(`priority must be a name or a number, got ${describe(level)}`);
  if (!Number.isInteger(level) || Math.abs(level) > 2 ** 31) {
    throw new RangeError(`priority must be an integer between -2^31 and 2^31, got ${describe(level)}`);
  }
  return level;
}

/**
 * The largest number of milliseconds accepted, 2^44 (about 557 years, so epoch times fit):
 * due times and deadlines are Redis server times plus a span, and must stay exact integers
 * in Lua.
 */
const MAX_MS = 2 ** 44;

/** A non-negative whole number of milliseconds. */
export function milliseconds(name: string, value: unknown): number {
  if (typeof value !== 'number')
    throw new TypeError(`${name} must be a number of milliseconds, got ${describe(value)}`);
  if (!Number.isFinite(value) || value < 0 || value > MAX_MS) {
    throw new RangeError(
      `${name} must be a number of milliseconds from 0 to 2^44 (about 557 years), got ${describe(value)}`,
    );
  }
  return Math.round(value);
}

/** The longest wait Node's timers honour (ms); they fire at once when asked to wait longer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A whole number of milliseconds a timer of this process waits: from `min` to 2^31 - 1. */
export function timerSpan(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number')
    throw new TypeError(`${name} must be a number of milliseconds, got ${describe(value)}`);
  if (!Number.isFinite(value) || value < min || value > MAX_TIMER_MS) {
    throw new RangeError(
      `${name} must be a number of milliseconds from ${min} to 2^31-1 (about 24.8 days), got ${describe(value)}`,
    );
  }
  return Math.round(value);
}

/** `durableSaves`: false, true (1 replica, 1,000 ms) or {replicas, timeout}. */
export function durableSaves(value: unknown): { replicas: number; timeout: number } | undefined {
  if (value === false) return undefined;
  if (value === true) return { ...defaults.durableSaves };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`durableSaves must be true, false or {replicas, timeout}, got ${describe(value)}`);
  }
  const extra = Object.keys(value).filter((k) => k !== 'replicas' && k !== 'timeout');
  if (extra.length) throw new RangeError(`durableSaves takes replicas and timeout, not ${extra.join(', ')}`);
  const { replicas = defaults.durableSaves.replicas, timeout = defaults.durableSaves.timeout } = value as {
    replicas?: unknown;
    timeout?: unknown;
  };
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 1 || replicas > 100) {
    throw new RangeError(`durableSaves.replicas must be an integer from 1 to 100, got ${describe(replicas)}`);
  }
  const ms = milliseconds('durableSaves.timeout', timeout);
  if (ms < 1) throw new RangeError('durableSaves.timeout must be at least 1 ms (0 would wait forever)');
  return { replicas, timeout: ms };
}

/** `metrics`: {maxTypes, lease} (docs/metrics.md). */
export function metrics(value: unknown): { maxTypes: number; lease: number } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`metrics must be an object {maxTypes, lease}, got ${describe(value)}`);
  }
  const extra = Object.keys(value).filter((k) => k !== 'maxTypes' && k !== 'lease');
  if (extra.length) throw new RangeError(`metrics takes maxTypes and lease, not ${extra.join(', ')}`);
  const { maxTypes, lease } = value as { maxTypes?: unknown; lease?: unknown };
  return {
    maxTypes: maxTypes === undefined ? defaults.metrics.maxTypes : integer('metrics.maxTypes', maxTypes, 0, 100_000),
    lease: lease === undefined ? defaults.metrics.lease : timerSpan('metrics.lease', lease, 1_000),
  };
}

export function attempts(n: unknown): number {
  if (typeof n !== 'number') throw new TypeError(`attempts must be a number, got ${describe(n)}`);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`attempts must be an integer >= 1, got ${describe(n)}`);
  return n;
}

export function concurrency(n: unknown): number {
  if (typeof n !== 'number') throw new TypeError(`concurrency must be a number, got ${describe(n)}`);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`concurrency must be an integer >= 1, got ${describe(n)}`);
  return n;
}

export function state(value: unknown): JobState {
  if (typeof value !== 'string' || !(JOB_STATES as readonly string[]).includes(value)) {
    throw new RangeError(`state must be one of ${JOB_STATES.join(', ')}, got ${describe(value)}`);
  }
  return value as JobState;
}

/** A state a job can be moved into by hand (every state but `waiting`). */
export function moveTarget(value: unknown): MoveTarget {
  if (typeof value !== 'string' || !(MOVE_TARGETS as readonly string[]).includes(value)) {
    const why = value === 'waiting' ? ' (a job waits only as the parent of a flow)' : '';
    throw new RangeError(`a job can be moved to ${MOVE_TARGETS.join(', ')}, got ${describe(value)}${why}`);
  }
  return value as MoveTarget;
}

export function order(value: unknown): 'asc' | 'desc' {
  if (value === undefined) return 'asc';
  if (value !== 'asc' && value !== 'desc')
    throw new RangeError(`order must be "asc" or "desc", got ${describe(value)}`);
  return value;
}

export function rangeBound(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be an integer >= 0, got ${describe(value)}`);
  }
  return value;
}

/** Serialises job data; data that JSON cannot represent is refused before anything is written. */
export function jobData(data: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(data ?? {});
  } catch (err) {
    throw new TypeError(`job data cannot be stored as JSON: ${(err as Error).message}`);
  }
  if (text === undefined) throw new TypeError(`job data cannot be stored as JSON, got ${describe(data)}`);
  return text;
}

export function jobId(id: unknown): number {
  const n = typeof id === 'string' && /^\d{1,15}$/.test(id) ? Number(id) : id;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    throw new TypeError(`job id must be a positive integer, got ${describe(id)}`);
  }
  return n;
}

function retainedCount(name: string, value: unknown, shown: unknown): number {
  if (typeof value !== 'number') throw new TypeError(`${name} count must be a number, got ${describe(shown)}`);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} count must be an integer >= 0 (finished jobs to keep), got ${describe(shown)}`);
  }
  return value;
}

function retainedAge(name: string, value: unknown, shown: unknown): number {
  if (typeof value !== 'number') throw new TypeError(`${name} age must be a number of seconds, got ${describe(shown)}`);
  // Stored in whole milliseconds, which must stay an exact integer.
  if (!(value >= 0) || value * 1000 > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`${name} age must be a number of seconds >= 0 (at most 2^53 ms), got ${describe(shown)}`);
  }
  return value;
}

/** `removeOnComplete` / `removeOnFail`: true, false, a count to keep, or `{age (s), count}`. */
export function retention(name: string, value: unknown): RetentionOption {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return retainedCount(name, value, value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${name} must be true, false, a count or {age, count}, got ${describe(value)}`);
  }
  const extra = Object.keys(value).filter((k) => k !== 'age' && k !== 'count');
  if (extra.length > 0) throw new TypeError(`${name} takes only age (seconds) and count, got ${describe(value)}`);
  const { age, count } = value as { age?: unknown; count?: unknown };
  if (age === undefined && count === undefined)
    throw new RangeError(`${name} needs an age or a count, got ${describe(value)}`);
  return {
    ...(age !== undefined && { age: retainedAge(name, age, value) }),
    ...(count !== undefined && { count: retainedCount(name, count, value) }),
  };
}

/** A job's backoff: `true`/`false`, `{type, delay, maxDelay}` or a function. */
export function backoff(option: unknown): BackoffOption {
  if (typeof option === 'object' && option !== null) {
    const { type, delay, maxDelay } = option as { type?: unknown; delay?: unknown; maxDelay?: unknown };
    if (type !== undefined && (typeof type !== 'string' || type === '')) {
      throw new TypeError(`backoff type must be a non-empty string, got ${typeof type}`);
    }
    if (delay !== undefined) milliseconds('backoff delay', delay);
    if (maxDelay !== undefined) milliseconds('backoff maxDelay', maxDelay);
  } else if (typeof option !== 'boolean' && typeof option !== 'function') {
    throw new TypeError(`backoff must be true, an object or a function, got ${typeof option}`);
  }
  return option as BackoffOption;
}

/** `job.unique(key, {ttl, replace})`: a non-empty string key; a ttl of whole ms from 1; nothing else. */
export function unique(key: unknown, options: unknown): UniqueKey {
  if (typeof key !== 'string') throw new TypeError(`unique key must be a non-empty string, got ${describe(key)}`);
  if (key === '') throw new RangeError('unique key must be a non-empty string, got "" (string)');
  if (options === undefined) return { key };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`unique options must be an object {ttl, replace}, got ${describe(options)}`);
  }
  const unknown = Object.keys(options).filter((k) => k !== 'ttl' && k !== 'replace');
  if (unknown.length > 0) {
    throw new TypeError(`unique options take ttl and replace; got unknown option ${describe(unknown[0])}`);
  }
  const { ttl, replace } = options as { ttl?: unknown; replace?: unknown };
  if (ttl !== undefined) {
    if (typeof ttl !== 'number')
      throw new TypeError(`unique ttl must be a number of milliseconds, got ${describe(ttl)}`);
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_MS) {
      throw new RangeError(`unique ttl must be a whole number of milliseconds from 1 to 2^44, got ${describe(ttl)}`);
    }
  }
  return {
    key,
    ...(ttl !== undefined && { ttl }),
    ...(replace !== undefined && { replace: boolean('unique replace', replace) }),
  };
}

/** The options of `queue.admin.migrateFromKue011`. */
export function kue011Migration(options: unknown): Kue011Migration {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`migrateFromKue011 needs options {from, dryRun?, functionBackoff?}, got ${describe(options)}`);
  }
  const o = options as Record<string, unknown>;
  const known = ['from', 'dryRun', 'functionBackoff', 'reserveIds', 'onProgress'];
  const unknown = Object.keys(o).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new TypeError(`migrateFromKue011 takes ${known.join(', ')}; got unknown option ${describe(unknown[0])}`);
  }
  if (typeof o.from !== 'string' || o.from === '') {
    throw new TypeError(`from must be the Kue 0.11 prefix (e.g. "q"), got ${describe(o.from)}`);
  }
  const replacement = o.functionBackoff;
  if (
    replacement !== undefined &&
    typeof replacement !== 'number' &&
    (typeof replacement !== 'string' || replacement === '')
  ) {
    throw new TypeError(
      `functionBackoff must be a backoff strategy's name or a delay in milliseconds, got ${describe(replacement)}`,
    );
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw new TypeError(`onProgress must be a function, got ${describe(o.onProgress)}`);
  }
  return {
    from: o.from,
    dryRun: o.dryRun === undefined ? false : boolean('dryRun', o.dryRun),
    functionBackoff: typeof replacement === 'number' ? milliseconds('functionBackoff', replacement) : replacement,
    reserveIds: o.reserveIds === undefined ? 0 : integer('reserveIds', o.reserveIds, 0, 2 ** 40),
    onProgress: o.onProgress as Kue011Migration['onProgress'],
  };
}

/** The `children` option of a removal or cancel of a flow's parent: what becomes of its pending children. */
export function childrenOption<A extends 'remove' | 'cancel'>(options: unknown, action: A): A | 'keep' {
  if (options === undefined || options === null) return action;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`options must be an object like {children: 'keep'}, got ${describe(options)}`);
  }
  const unknown = Object.keys(options).filter((k) => k !== 'children');
  if (unknown.length) throw new TypeError(`unknown option(s) ${unknown.join(', ')}; known: children`);
  const children = (options as { children?: unknown }).children ?? action;
  if (children !== action && children !== 'keep') {
    throw new RangeError(`children must be '${action}' or 'keep', got ${describe(children)}`);
  }
  return children as A | 'keep';
}
