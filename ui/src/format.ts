// Numbers, times and previews as people read them.
import type { Limits, RateLimit } from './api';
import { m, num } from './messages';

export const PRIORITIES: Array<[name: string, value: number]> = [
  ['critical', -15],
  ['high', -10],
  ['medium', -5],
  ['normal', 0],
  ['low', 10],
];

/** Kue's name of a priority ('high'), or the number itself. */
export function priorityName(priority: number): string {
  const named = PRIORITIES.find(([, value]) => value === priority);
  return named ? m.priorityNames[named[0]]! : String(priority);
}

/** Epoch ms from Kue's string times; undefined when absent. */
export function ms(value: string | number | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** A full local date and time. */
export const formatTime = (at: number): string => dateTime.format(at);

/** Time of day when it is today, else date and time. */
export function formatWhen(at: number, now = Date.now()): string {
  return new Date(at).toDateString() === new Date(now).toDateString() ? timeOnly.format(at) : dateTime.format(at);
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

/** "3 min. ago", "in 2 hr." */
export function formatRelative(at: number, now = Date.now()): string {
  const diff = at - now;
  if (Math.abs(diff) < 5_000) return m.justNow;
  for (const [unit, size] of UNITS) {
    if (Math.abs(diff) >= size || unit === 'second') return relative.format(Math.round(diff / size), unit);
  }
  return m.justNow;
}

/** "850 ms", "1.2 s", "3 min 4 s", "2 h 5 min", "3 d 4 h". */
export function formatDuration(msValue: number): string {
  if (!Number.isFinite(msValue) || msValue < 0) return '—';
  if (msValue < 1_000) return `${Math.round(msValue)} ms`;
  if (msValue < 60_000) return `${(msValue / 1_000).toFixed(msValue < 10_000 ? 2 : 1)} s`;
  const s = Math.round(msValue / 1_000);
  if (s < 3_600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `${Math.floor(s / 3_600)} h ${Math.floor((s % 3_600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3_600)} h`;
}

export const formatCount = num;

/** The units a duration of a limit is written in, largest first. */
export const DURATION_UNITS = [
  ['min', 60_000],
  ['s', 1_000],
  ['ms', 1],
] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number][0];

/** A duration in the largest unit that holds it whole: 1000 → 1 s, 90000 → 90 s, 1500 → 1500 ms. */
export function wholeUnits(msValue: number): { amount: number; unit: DurationUnit } {
  const [unit, size] = DURATION_UNITS.find(([, size]) => msValue % size === 0) ?? DURATION_UNITS[2];
  return { amount: msValue / size, unit };
}

/** A rate as people read it: "100 per 1 s". */
export function rateWords(rate: RateLimit): string {
  const { amount, unit } = wholeUnits(rate.duration);
  return m.rateWords(rate.max, amount, m.units[unit]);
}

/** A rate and a concurrency: a type's own limits, or those of each of its groups. */
type LimitPair = Pick<Limits, 'rate' | 'concurrency'>;

/** Whether a type has a rate or concurrency limit of its own (its groups' and a hold are not). */
export const hasOwnLimits = (limits: LimitPair): boolean => limits.rate !== null || limits.concurrency !== null;

/** Whether a type has any limit: its own or its groups'. */
export const hasLimits = (limits: Limits): boolean => hasOwnLimits(limits) || limits.group !== null;

/** A rate and a concurrency in words: "100 per 1 s, at most 20 at once". */
export function pairWords(limits: LimitPair): string {
  const words = limits.rate ? [rateWords(limits.rate)] : [];
  if (limits.concurrency !== null) words.push(m.atMostActive(limits.concurrency));
  return words.join(', ');
}

/** Every limit of a type in words: "100 per 1 s; each group: at most 2 at once". */
export function limitsWords(limits: Limits): string {
  const words = hasOwnLimits(limits) ? [pairWords(limits)] : [];
  if (limits.group) words.push(m.eachGroup(pairWords(limits.group)));
  return words.join('; ');
}

/**
 * A job's title: `data.title` when it is a string with more than blanks (Kue's special key,
 * "will display in the job listings"); any other title is plain data.
 */
export function titleOf(data: unknown): string | undefined {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const title = (data as { title?: unknown }).title;
  return typeof title === 'string' && title.trim() !== '' ? title : undefined;
}

/** The first line of a text that is not blank (an error's message, without its stack). */
export function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '') ?? '';
}

/**
 * JSON text of a value, cut at `max` characters without serializing the rest: a row's
 * preview of a megabyte payload costs as much as one of a tiny one. `omit` leaves out one
 * key of the value itself (a titled row shows its data without the title again).
 */
export function preview(value: unknown, max = 240, omit?: string): string {
  let out = '';
  const write = (text: string) => {
    out += text;
    return out.length < max;
  };
  const walk = (v: unknown, depth: number): boolean => {
    if (v === null || typeof v !== 'object') {
      const text =
        typeof v === 'string'
          ? JSON.stringify(v.length > max ? v.slice(0, max) : v)
          : String(JSON.stringify(v) ?? 'null');
      return write(text);
    }
    if (depth > 6) return write('…');
    if (Array.isArray(v)) {
      if (!write('[')) return false;
      for (let i = 0; i < v.length; i++) {
        if ((i > 0 && !write(',')) || !walk(v[i], depth + 1)) return false;
      }
      return write(']');
    }
    if (!write('{')) return false;
    let first = true;
    for (const key in v) {
      if (!Object.prototype.hasOwnProperty.call(v, key) || (depth === 0 && key === omit)) continue;
      if (
        (!first && !write(',')) ||
        !write(`${JSON.stringify(key)}:`) ||
        !walk((v as Record<string, unknown>)[key], depth + 1)
      )
        return false;
      first = false;
    }
    return write('}');
  };
  walk(value, 0);
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}
