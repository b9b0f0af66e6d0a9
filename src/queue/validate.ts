import { defaults } from '../defaults.js';
import { JOB_STATES, type JobState } from '../store/keys.js';

/** Argument checks at the API's edge. Each message names the bad value and its type. */

function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value}" (string)`;
  if (typeof value === 'function') return 'a function';
  if (value === null) return 'null';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return `${text.length > 60 ? `${text.slice(0, 57)}...` : text} (${typeof value})`;
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
      throw new RangeError(`unknown priority ${describe(level)}; use one of ${Object.keys(names).join(', ')} or a number`);
    }
    return n;
  }
  if (typeof level !== 'number') throw new TypeError(`priority must be a name or a number, got ${describe(level)}`);
  if (!Number.isInteger(level) || Math.abs(level) > 2 ** 31) {
    throw new RangeError(`priority must be an integer between -2^31 and 2^31, got ${describe(level)}`);
  }
  return level;
}

/** A non-negative whole number of milliseconds. */
export function milliseconds(name: string, value: unknown): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number of milliseconds, got ${describe(value)}`);
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number of milliseconds >= 0, got ${describe(value)}`);
  }
  return Math.round(value);
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

export function order(value: unknown): 'asc' | 'desc' {
  if (value === undefined) return 'asc';
  if (value !== 'asc' && value !== 'desc') throw new RangeError(`order must be "asc" or "desc", got ${describe(value)}`);
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
