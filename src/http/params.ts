import { JOB_STATES, type JobState } from '../store/keys.js';
import { HttpError } from './errors.js';

/** The most jobs one listing returns. */
export const MAX_LISTING = 1_000;

export function jobIdParam(text: string | undefined): number {
  if (text === undefined || !/^\d{1,15}$/.test(text) || Number(text) < 1) {
    throw new HttpError(400, `job id must be a positive integer, got "${String(text).slice(0, 40)}"`);
  }
  return Number(text);
}

export function stateParam(text: string | undefined): JobState {
  if (!text || !(JOB_STATES as readonly string[]).includes(text)) {
    throw new HttpError(400, `state must be one of ${JOB_STATES.join(', ')}, got "${String(text).slice(0, 40)}"`);
  }
  return text as JobState;
}

export function orderParam(text: string | undefined): 'asc' | 'desc' {
  if (text === undefined || text === '' ) return 'asc';
  if (text !== 'asc' && text !== 'desc') throw new HttpError(400, `order must be "asc" or "desc", got "${text.slice(0, 40)}"`);
  return text;
}

/** Kue's `from..to` (inclusive); the span is capped at MAX_LISTING jobs. */
export function rangeParam(text: string | undefined): { from: number; to: number } {
  const match = /^(\d{1,9})\.\.(\d{1,9})$/.exec(text ?? '');
  if (!match) throw new HttpError(400, `range must be "from..to" with whole numbers, got "${String(text).slice(0, 40)}"`);
  const from = Number(match[1]);
  const to = Number(match[2]);
  if (to < from) throw new HttpError(400, `range end ${to} is before its start ${from}`);
  return { from, to: Math.min(to, from + MAX_LISTING - 1) };
}

/** A whole number in a query string, within bounds, or the default when absent. */
export function intQuery(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new HttpError(400, `${name} must be a whole number from ${min} to ${max}`);
  }
  return n;
}

/** An optional string query value (the first, when repeated). */
export function stringQuery(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && v !== '' ? v : undefined;
}
