// Request text to values. Only parsing happens here: what a job id, state, order or bound
// may be is decided by the API's own checks (src/queue/validate.ts), whose TypeError or
// RangeError answers 400.
import { MAX_PAGE } from '../queue/admin.js';
import * as check from '../queue/validate.js';
import { HttpError } from './errors.js';

/**
 * Kue's `from..to` (inclusive ranks) with at most 9 digits each; the span is capped at
 * MAX_PAGE jobs. A range that runs backwards is refused here: the API would list nothing.
 */
export function rangeParam(text: string | undefined): { from: number; to: number } {
  const match = /^(\d{1,9})\.\.(\d{1,9})$/.exec(text ?? '');
  if (!match)
    throw new HttpError(
      400,
      `range must be "from..to" with whole numbers of at most 9 digits, got ${check.describe(text)}`,
    );
  const from = check.rangeBound('from', Number(match[1]));
  const to = check.rangeBound('to', Number(match[2]));
  if (to < from) throw new HttpError(400, `range end ${to} is before its start ${from}`);
  return { from, to: Math.min(to, from + MAX_PAGE - 1) };
}

/** A whole number in a query string, checked against bounds, or the default when absent. */
export function intQuery(text: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  // Other text goes to the check as it is, so that its message shows it.
  return check.integer(name, /^-?\d+$/.test(text) ? Number(text) : text, min, max);
}

/** The most ids one by-id read or one bulk request may name. */
export const MAX_IDS = 1_000;

/** A list of job ids, as an array (body) or comma-separated text (query); at most MAX_IDS. */
export function idList(value: unknown, name: string): number[] {
  const items = typeof value === 'string' ? (value === '' ? [] : value.split(',')) : value;
  if (!Array.isArray(items)) throw new HttpError(400, `${name} must be an array of job ids`);
  if (items.length > MAX_IDS) throw new HttpError(413, `at most ${MAX_IDS} ids per request`);
  return items.map((item) => check.jobId(item));
}

/** A JSON body that must be an object (or absent: {}); another shape answers 400. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'the body must be a JSON object');
  return body as Record<string, unknown>;
}

/** An optional string query value (the first, when repeated). */
export function stringQuery(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** `true` / `false` (or `1` / `0`) in a query string, or undefined when absent. */
export function booleanQuery(text: string | undefined, name: string): boolean | undefined {
  if (text === undefined) return undefined;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new HttpError(400, `${name} must be true or false, got ${check.describe(text)}`);
}
