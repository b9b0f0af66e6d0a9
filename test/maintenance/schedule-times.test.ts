// Due times of schedule rules, computed without Redis: the daylight-saving cases of a zone
// with DST (Europe/Berlin), `every` grids, and what a late sweep makes under each `missed`.
import { describe, expect, it } from 'vitest';
import { planRuns, MAX_MISSED_RUNS } from '../../src/maintenance/schedule-sweep.js';
import { Timetable, type ScheduleRule } from '../../src/maintenance/schedule-times.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const at = (text: string) => Date.parse(text);
const rule = (r: Partial<ScheduleRule>): ScheduleRule => ({ tz: 'UTC', missed: 'last', overlap: 'allow', ...r });

describe('daylight saving (Europe/Berlin, 02:30 every day)', () => {
  const daily = new Timetable(rule({ cron: '30 2 * * *', tz: 'Europe/Berlin' }), 0);

  it('on the spring-forward day (29 March 2026, 02:00 -> 03:00) 02:30 does not exist: it runs once, at 03:00', () => {
    const due = daily.firstFrom(at('2026-03-28T12:00:00Z'));
    expect(iso(due)).toBe('2026-03-29T01:00:00.000Z'); // 03:00 CEST
    // Only one run that day, and the next day is 02:30 again.
    expect(daily.latest(at('2026-03-28T23:00:00Z'), at('2026-03-29T21:59:59Z'), 10).map(iso)).toEqual([
      '2026-03-29T01:00:00.000Z',
    ]);
    expect(iso(daily.firstFrom(due! + 1))).toBe('2026-03-30T00:30:00.000Z');
  });

  it('on the fall-back day (25 October 2026, 03:00 -> 02:00) 02:30 happens twice: it runs once, at the first', () => {
    const runs = daily.latest(at('2026-10-24T22:00:00Z'), at('2026-10-25T22:59:59Z'), 10);
    expect(runs.map(iso)).toEqual(['2026-10-25T00:30:00.000Z']); // 02:30 CEST
    expect(iso(daily.firstFrom(runs[0]! + 1))).toBe('2026-10-26T01:30:00.000Z'); // 02:30 CET
  });

  it('a list of hours is fixed-time too: 02:30 and 14:30 run once each on the fall-back day', () => {
    const twice = new Timetable(rule({ cron: '30 2,14 * * *', tz: 'Europe/Berlin' }), 0);
    expect(twice.latest(at('2026-10-24T22:00:00Z'), at('2026-10-25T22:59:59Z'), 10).map(iso)).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T13:30:00.000Z',
    ]);
  });

  it('a rule stepping through the hours follows elapsed time: every 15 minutes, both 02:xx hours of the fall-back day', () => {
    const quarter = new Timetable(rule({ cron: '*/15 * * * *', tz: 'Europe/Berlin' }), 0);
    const runs = quarter.latest(at('2026-10-25T00:00:00Z'), at('2026-10-25T01:59:59Z'), 20);
    expect(runs).toHaveLength(8);
    expect(runs.slice(1).every((t, i) => t - runs[i]! === 15 * 60_000)).toBe(true);
  });

  it('a rule in UTC is not moved by the change', () => {
    const utc = new Timetable(rule({ cron: '30 2 * * *' }), 0);
    expect(utc.upcoming(at('2026-03-28T12:00:00Z'), 2).map(iso)).toEqual([
      '2026-03-29T02:30:00.000Z',
      '2026-03-30T02:30:00.000Z',
    ]);
  });
});

describe('daylight saving, as a sweep fires it (Europe/Berlin, 02:30 every day)', () => {
  const due = (next: number) => ({
    id: 'daily',
    rev: '1',
    next,
    last: null,
    runs: 0,
    createdAt: 0,
    rule: JSON.stringify(rule({ cron: '30 2 * * *', tz: 'Europe/Berlin' })),
  });

  it('spring forward: one run due at 03:00 CEST, the next one the following day at 02:30', () => {
    const next = at('2026-03-29T01:00:00Z');
    const plan = planRuns(due(next), next + 5, 10_000);
    expect(plan.dues.map(iso)).toEqual(['2026-03-29T01:00:00.000Z']);
    expect(iso(plan.newNext)).toBe('2026-03-30T00:30:00.000Z');
  });

  it('fall back: one run at the first 02:30, none at the second an hour later', () => {
    const next = at('2026-10-25T00:30:00Z');
    const plan = planRuns(due(next), next + 5, 10_000);
    expect(plan.dues.map(iso)).toEqual(['2026-10-25T00:30:00.000Z']);
    expect(iso(plan.newNext)).toBe('2026-10-26T01:30:00.000Z');
    // A sweep that runs late, after the second 02:30 has passed too, still makes one run.
    const late = planRuns(due(next), at('2026-10-25T01:30:05Z'), 10_000);
    expect(late.dues.map(iso)).toEqual(['2026-10-25T00:30:00.000Z']);
  });
});

describe('every: a fixed grid', () => {
  it('starts one period after creation, and keeps its grid whenever it is asked', () => {
    const t = new Timetable(rule({ every: 500 }), 10_000);
    expect(t.firstFrom(0)).toBe(10_500);
    expect(t.firstFrom(10_501)).toBe(11_000);
    expect(t.firstFrom(11_000)).toBe(11_000);
    expect(t.latest(10_000, 12_100, 100)).toEqual([10_500, 11_000, 11_500, 12_000]);
    expect(t.latest(10_000, 12_100, 2)).toEqual([11_500, 12_000]);
  });

  it('starts at startAt, and has no due time after endAt', () => {
    const t = new Timetable(rule({ every: 1_000, startAt: 5_000, endAt: 7_000 }), 0);
    expect(t.upcoming(0, 10)).toEqual([5_000, 6_000, 7_000]);
    expect(t.firstFrom(7_001)).toBeNull();
  });

  it('six cron fields run on seconds', () => {
    const t = new Timetable(rule({ cron: '*/20 * * * * *' }), 0);
    expect(t.upcoming(at('2026-01-01T00:00:01Z'), 3).map(iso)).toEqual([
      '2026-01-01T00:00:20.000Z',
      '2026-01-01T00:00:40.000Z',
      '2026-01-01T00:01:00.000Z',
    ]);
  });
});

describe('a late sweep (due times missed while no process ran)', () => {
  const due = (r: Partial<ScheduleRule>, next: number) => ({
    id: 's',
    rev: '1',
    next,
    last: null,
    runs: 0,
    createdAt: 0,
    rule: JSON.stringify(rule(r)),
  });
  const now = 1_000_000;
  const missedAfter = 10_000;

  it("'last' (the default) runs the latest missed due time once, and every due time of the last 10 s", () => {
    const plan = planRuns(due({ every: 1_000 }, 1_000), now, missedAfter);
    expect(plan.dues).toEqual([989_000, ...Array.from({ length: 11 }, (_, i) => 990_000 + i * 1_000)]);
    expect(plan.newNext).toBe(1_001_000);
    expect(plan.expectedNext).toBe(1_000);
  });

  it("'skip' runs none of the missed ones", () => {
    const plan = planRuns(due({ every: 1_000, missed: 'skip' }, 1_000), now, missedAfter);
    expect(plan.dues[0]).toBe(990_000);
    expect(plan.dues).toHaveLength(11);
  });

  it(`'all' runs each missed due time, the latest ${MAX_MISSED_RUNS}`, () => {
    const plan = planRuns(due({ every: 1_000, missed: 'all' }, 1_000), now, missedAfter);
    expect(plan.dues).toHaveLength(MAX_MISSED_RUNS + 11);
    expect(plan.dues[0]).toBe(989_000 - (MAX_MISSED_RUNS - 1) * 1_000);
  });

  it('a sweep on time makes one run and moves next one period on', () => {
    const plan = planRuns(due({ every: 1_000 }, now), now + 3, missedAfter);
    expect(plan.dues).toEqual([now]);
    expect(plan.newNext).toBe(now + 1_000);
  });

  it('never plans a due time at or before the last one handled', () => {
    const plan = planRuns({ ...due({ every: 1_000 }, now - 2_000), last: now - 1_000 }, now, missedAfter);
    expect(plan.dues).toEqual([now]);
  });
});
