import { defaults } from '../defaults.js';
import type { DueSchedule, FireRequest, ScheduleStore } from '../store/schedule-store.js';
import { parseStoredRule, Timetable } from './schedule-times.js';

/** Runs one fire makes for a schedule at most: the latest ones are kept. */
export const MAX_RUNS_PER_FIRE = 1_000;
/** Missed due times that `missed: 'all'` runs at most: the latest ones. */
export const MAX_MISSED_RUNS = 100;

/**
 * The runs a due schedule makes now. Due times from `now - missedAfter` to now are on time:
 * each gets its run, so a process that is a little late (a busy event loop, a reconnection)
 * loses none. Older ones were missed (no process could run them) and get what the rule's
 * `missed` says: 'last' one run for the latest, 'skip' none, 'all' one each (the latest
 * MAX_MISSED_RUNS). The next due time is the first after now.
 */
export function planRuns(due: DueSchedule, now: number, missedAfter: number): FireRequest {
  const rule = parseStoredRule(due.rule);
  const times = new Timetable(rule, due.createdAt);
  const onTimeFrom = now - missedAfter;
  const onTime = times.latest(Math.max(due.next, onTimeFrom), now, MAX_RUNS_PER_FIRE);
  let missed: number[] = [];
  if (due.next < onTimeFrom && rule.missed !== 'skip') {
    missed = times.latest(due.next, onTimeFrom - 1, rule.missed === 'all' ? MAX_MISSED_RUNS : 1);
  }
  const dues = [...missed, ...onTime].filter((t) => due.last === null || t > due.last).slice(-MAX_RUNS_PER_FIRE);
  return {
    id: due.id,
    rev: due.rev,
    expectedNext: due.next,
    newNext: times.firstFrom(now + 1),
    skipOverlap: rule.overlap === 'skip',
    limit: rule.limit,
    dues,
  };
}

/** What a sweep learnt: the server's clock and the next due time of any schedule (-1: none). */
export interface ScheduleSweepReply {
  now: number;
  nextDue: number;
}

/**
 * One pass over the due schedules: lease them (at most `batch`), compute their runs, fire them
 * in one script. Any number of processes may run it at once: the lease keeps them from doing
 * the same work, and the fire script, which compares and sets, makes each due time's run once
 * even when a lease lapsed (a process that lost the race changes nothing).
 */
export async function sweepSchedules(
  store: ScheduleStore,
  batch: number,
  missedAfter: number,
  onError: (err: unknown) => void,
): Promise<ScheduleSweepReply & { full: boolean }> {
  const due = await store.due(batch, defaults.scheduleLease);
  if (due.schedules.length === 0) return { now: due.now, nextDue: due.nextDue, full: false };
  const requests = due.schedules.map((s) => {
    try {
      return planRuns(s, due.now, missedAfter);
    } catch (err) {
      // A rule this version cannot read: the schedule stops (next none) instead of being
      // read again and again; upserting it again starts it afresh.
      onError(new Error(`schedule "${s.id}" has a rule that cannot be read; it stops`, { cause: err }));
      const stop: FireRequest = {
        id: s.id,
        rev: s.rev,
        expectedNext: s.next,
        newNext: null,
        skipOverlap: false,
        limit: undefined,
        dues: [],
      };
      return stop;
    }
  });
  const fired = await store.fire(requests);
  return { now: fired.now, nextDue: fired.nextDue, full: due.schedules.length >= batch };
}
