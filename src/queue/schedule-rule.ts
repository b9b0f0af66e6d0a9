import { cronPattern, type ScheduleRule } from '../maintenance/schedule-times.js';
import { describe } from './validate.js';

/** What `queue.schedule` takes as a rule: `cron` or `every`, and the options below. */
export interface ScheduleRuleInput {
  /**
   * Five fields (minute hour day month weekday), or six with seconds first; `@daily` and the
   * other nicknames too. Read in `tz`.
   * @example '0 3 * * *'
   */
  cron?: string;
  /** Milliseconds between due times, on a fixed grid from `startAt` (or one period after creation). */
  every?: number;
  /**
   * IANA time zone of the cron fields.
   * @default 'UTC'
   */
  tz?: string;
  /** No due time before this. */
  startAt?: Date | number;
  /** No due time after this: then the schedule is finished (listed, next null). */
  endAt?: Date | number;
  /** The most runs the schedule makes; then it is finished. */
  limit?: number;
  /**
   * Due times that passed while no process of the queue could run them: `'last'` one run for
   * the latest, `'skip'` none, `'all'` one for each (the latest 100).
   * @default 'last'
   */
  missed?: 'last' | 'skip' | 'all';
  /**
   * `'skip'`: no run while the schedule's previous run is still waiting or active.
   * @default 'allow'
   */
  overlap?: 'allow' | 'skip';
}

const OPTIONS = ['cron', 'every', 'tz', 'startAt', 'endAt', 'limit', 'missed', 'overlap'];
/** Due times and spans stay exact integers in Lua (as validate.ts' milliseconds). */
const MAX_MS = 2 ** 44;
/** Schedule ids are stored in job hashes: at most 64 bytes keeps them compact (listpack). */
const MAX_ID_BYTES = 64;

/** A schedule id: 1 to 64 bytes of UTF-8 with no control characters. */
export function scheduleId(id: unknown): string {
  if (typeof id !== 'string' || id === '') {
    throw new TypeError(`schedule id must be a non-empty string, got ${describe(id)}`);
  }
  // eslint-disable-next-line no-control-regex
  if (Buffer.byteLength(id) > MAX_ID_BYTES || /[\u0000-\u001f\u007f]/.test(id)) {
    throw new RangeError(`schedule id must be at most 64 bytes without control characters, got ${describe(id)}`);
  }
  return id;
}

/** An IANA zone name as Intl spells it ('utc' becomes 'UTC'), or a RangeError naming it. */
export function timeZone(tz: unknown): string {
  if (typeof tz !== 'string' || tz === '')
    throw new TypeError(`tz must be an IANA time zone name, got ${describe(tz)}`);
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    throw new RangeError(`unknown time zone ${describe(tz)}; use an IANA name such as "Europe/Berlin"`);
  }
}

function instant(name: string, value: unknown): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number')
    throw new TypeError(`${name} must be a Date or epoch milliseconds, got ${describe(value)}`);
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_MS) {
    throw new RangeError(`${name} must be a valid time from 1970 on, got ${describe(value)}`);
  }
  return Math.round(ms);
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new RangeError(`${name} must be ${allowed.map((a) => `"${a}"`).join(' or ')}, got ${describe(value)}`);
  }
  return value as T;
}

/** A cron expression croner accepts (5 or 6 fields), or a RangeError naming it. */
function cronExpression(cron: unknown, tz: string): string {
  if (typeof cron !== 'string') throw new TypeError(`cron must be a string, got ${describe(cron)}`);
  try {
    cronPattern(cron, tz);
  } catch (err) {
    throw new RangeError(`invalid cron expression ${describe(cron)}: ${(err as Error).message}`);
  }
  return cron;
}

/** Checks a rule and completes it with its defaults; throws naming the first bad value. */
export function scheduleRule(input: unknown): ScheduleRule {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError(`a schedule rule must be an object such as { cron: '0 3 * * *' }, got ${describe(input)}`);
  }
  const given = input as Record<string, unknown>;
  const unknown = Object.keys(given).filter((k) => !OPTIONS.includes(k));
  if (unknown.length > 0) {
    throw new TypeError(`unknown schedule option "${unknown[0]}"; a rule takes ${OPTIONS.join(', ')}`);
  }
  if ((given.cron === undefined) === (given.every === undefined)) {
    throw new TypeError(`a schedule rule needs either cron or every (not both), got ${describe(input)}`);
  }
  const tz = given.tz === undefined ? 'UTC' : timeZone(given.tz);
  // Keys in a fixed order: the same rule is the same JSON text, whichever process declares it.
  const rule: ScheduleRule = { tz, missed: 'last', overlap: 'allow' };
  if (given.cron !== undefined) rule.cron = cronExpression(given.cron, tz);
  if (given.every !== undefined) {
    const every = given.every;
    if (typeof every !== 'number')
      throw new TypeError(`every must be a number of milliseconds, got ${describe(every)}`);
    if (!Number.isInteger(every) || every <= 0 || every > MAX_MS) {
      throw new RangeError(`every must be a whole number of milliseconds > 0, got ${describe(every)}`);
    }
    rule.every = every;
  }
  if (given.startAt !== undefined) rule.startAt = instant('startAt', given.startAt);
  if (given.endAt !== undefined) rule.endAt = instant('endAt', given.endAt);
  if (rule.startAt !== undefined && rule.endAt !== undefined && rule.endAt < rule.startAt) {
    throw new RangeError(`endAt must not be before startAt, got ${describe(given.endAt)}`);
  }
  if (given.limit !== undefined) {
    const limit = given.limit;
    if (typeof limit !== 'number') throw new TypeError(`limit must be a number of runs, got ${describe(limit)}`);
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`limit must be a whole number of runs >= 1, got ${describe(limit)}`);
    }
    rule.limit = limit;
  }
  if (given.missed !== undefined) rule.missed = oneOf('missed', given.missed, ['last', 'skip', 'all']);
  if (given.overlap !== undefined) rule.overlap = oneOf('overlap', given.overlap, ['allow', 'skip']);
  return ordered(rule);
}

/** The rule with its keys in one order (cron, every, tz, startAt, endAt, limit, missed, overlap). */
function ordered(rule: ScheduleRule): ScheduleRule {
  const out: Record<string, unknown> = {};
  for (const key of OPTIONS) {
    const value = (rule as unknown as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out as unknown as ScheduleRule;
}
