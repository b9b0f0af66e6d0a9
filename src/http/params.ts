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

/** An optional string query value (the first, when repeated). */
export function stringQuery(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && v !== '' ? v : undefined;
}
