import cronstrue from 'cronstrue';
import type { ScheduleRule } from '../maintenance/schedule-times.js';

const UNITS: Array<[number, string]> = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
  [1_000, 'second'],
];

/** "every 30 seconds", "every hour", "every 1500 ms": the largest unit that divides the span. */
export function describeEvery(ms: number): string {
  for (const [size, unit] of UNITS) {
    if (ms % size === 0) {
      const n = ms / size;
      return n === 1 ? `every ${unit}` : `every ${n} ${unit}s`;
    }
  }
  return `every ${ms} ms`;
}

function describeCron(cron: string): string {
  try {
    return cronstrue.toString(cron, { use24HourTimeFormat: true, verbose: false });
  } catch {
    // croner accepts a few forms cronstrue does not read: the expression itself is still true.
    return `cron ${cron}`;
  }
}

/** Descriptions by rule text: a listing describes the same few rules again and again. */
const described = new Map<string, string>();
const MAX_DESCRIBED = 10_000;

/** A rule in words, for people: "At 03:00, Europe/Berlin", "every 30 seconds, at most 10 runs". */
export function describeRule(rule: ScheduleRule): string {
  const key = JSON.stringify(rule);
  let text = described.get(key);
  if (text === undefined) {
    text = wordsOf(rule);
    if (described.size >= MAX_DESCRIBED) described.clear();
    described.set(key, text);
  }
  return text;
}

function wordsOf(rule: ScheduleRule): string {
  const parts = [rule.every !== undefined ? describeEvery(rule.every) : `${describeCron(rule.cron!)}, ${rule.tz}`];
  if (rule.startAt !== undefined) parts.push(`from ${new Date(rule.startAt).toISOString()}`);
  if (rule.endAt !== undefined) parts.push(`until ${new Date(rule.endAt).toISOString()}`);
  if (rule.limit !== undefined) parts.push(`at most ${rule.limit} run${rule.limit === 1 ? '' : 's'}`);
  if (rule.overlap === 'skip') parts.push('no overlap');
  return parts.join(', ');
}
