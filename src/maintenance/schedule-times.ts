import { Cron } from 'croner';

/** What `missed` does with due times that passed while no process of the queue could run them. */
export type MissedPolicy = 'last' | 'skip' | 'all';
/** What `overlap` does while the previous run of a schedule is still waiting or active. */
export type OverlapPolicy = 'allow' | 'skip';

/**
 * A schedule's rule, checked and complete (queue/schedule-rule.ts makes it from what a user
 * passes): stored as JSON in the schedule's hash, with its keys always in this order so two
 * processes declaring the same rule write the same text.
 */
export interface ScheduleRule {
  /** Five fields, or six with seconds first (croner's syntax, Vixie-cron semantics). */
  cron?: string;
  /** Milliseconds between due times, on a fixed grid (see Timetable). */
  every?: number;
  /** IANA time zone the cron fields are read in. */
  tz: string;
  /** Epoch ms: no due time before. */
  startAt?: number;
  /** Epoch ms: no due time after. */
  endAt?: number;
  /** The most runs the schedule makes; then it is finished. */
  limit?: number;
  missed: MissedPolicy;
  overlap: OverlapPolicy;
}

/** Parsed cron patterns by time zone and text: a sweep over many schedules parses each once. */
const patterns = new Map<string, Cron>();
const MAX_PATTERNS = 10_000;

/** A croner pattern (throws croner's own RangeError or TypeError for a bad one). */
export function cronPattern(cron: string, tz: string): Cron {
  const key = `${tz} ${cron}`;
  let pattern = patterns.get(key);
  if (!pattern) {
    // 'no-wildcard': as in Vixie cron, a rule whose second, minute and hour fields hold no `*`
    // and no step is fixed-time (lists and ranges too), so a wall-clock time that happens twice
    // runs once; the others are interval rules and follow elapsed time across a DST change.
    pattern = new Cron(cron, { timezone: tz, mode: '5-or-6-parts', fixedTimeRule: 'no-wildcard' });
    if (patterns.size >= MAX_PATTERNS) patterns.clear();
    patterns.set(key, pattern);
  }
  return pattern;
}

/** A stored rule read back (JSON the queue wrote; never evaluated). Throws when it is not one. */
export function parseStoredRule(text: string): ScheduleRule {
  const rule = JSON.parse(text) as ScheduleRule;
  const cron = typeof rule?.cron === 'string';
  const every = typeof rule?.every === 'number' && rule.every > 0;
  if (cron === every || typeof rule.tz !== 'string') throw new TypeError(`not a schedule rule: ${text.slice(0, 80)}`);
  return rule;
}

/**
 * The due times of a rule. `every` rules lie on the grid startAt + k × every, k ≥ 0 (without
 * startAt, the grid starts one period after the schedule was created), so a busy queue keeps
 * its rhythm: due times never drift with the time runs take to start. Cron rules are croner's:
 * in their time zone, a wall-clock time that happens twice (autumn) runs once, at its first
 * occurrence, and one that does not exist (spring) runs at the next valid instant.
 */
export class Timetable {
  private readonly anchor: number;
  private readonly first: number;
  private readonly end: number;

  constructor(
    readonly rule: ScheduleRule,
    createdAt: number,
  ) {
    this.anchor = rule.startAt ?? createdAt + (rule.every ?? 0);
    this.first = rule.startAt ?? Number.NEGATIVE_INFINITY;
    this.end = rule.endAt ?? Number.POSITIVE_INFINITY;
  }

  /** The first due time at or after `t` (epoch ms), or null when none comes. */
  firstFrom(t: number): number | null {
    const { every, cron, tz } = this.rule;
    let due: number | null;
    if (every !== undefined) {
      const lower = Math.max(t, this.anchor);
      due = this.anchor + Math.ceil((lower - this.anchor) / every) * every;
    } else {
      // croner looks strictly after a time, in whole seconds.
      due =
        cronPattern(cron!, tz)
          .nextRun(new Date(Math.max(t, this.first) - 1))
          ?.getTime() ?? null;
    }
    return due !== null && due <= this.end ? due : null;
  }

  /** The next `n` due times at or after `t`, ascending. */
  upcoming(t: number, n: number): number[] {
    const out: number[] = [];
    for (let due = this.firstFrom(t); due !== null && out.length < n; due = this.firstFrom(due + 1)) out.push(due);
    return out;
  }

  /** The latest `max` due times in [from, to], ascending. */
  latest(from: number, to: number, max: number): number[] {
    const lo = Math.max(from, this.first);
    const hi = Math.min(to, this.end);
    if (hi < lo || max <= 0) return [];
    const { every, cron, tz } = this.rule;
    if (every !== undefined) {
      const kHi = Math.floor((hi - this.anchor) / every);
      const kLo = Math.max(0, Math.ceil((lo - this.anchor) / every), kHi - max + 1);
      const out: number[] = [];
      for (let k = kLo; k <= kHi; k++) out.push(this.anchor + k * every);
      return out;
    }
    return cronPattern(cron!, tz)
      .previousRuns(max, new Date(hi + 1))
      .map((d) => d.getTime())
      .filter((due) => due >= lo && due <= hi)
      .reverse();
  }
}
