/**
 * What a migration from Kue 0.11 did (or, in a dry run, would do), tallied from the replies
 * of the `migrate` script.
 */
import { KUE011_STATES, type Kue011State } from './keys.js';

/** A Kue 0.11 job left where it is, and why. */
export interface Kue011SkippedJob {
  id: number;
  /** Its Kue 0.11 state ('' when it has none yet). */
  state: string;
  /** Its type ('' when it has none). */
  type: string;
  /** e.g. "data is not JSON", "no state yet: a Kue 0.11 producer may be writing it (run again)" */
  reason: string;
}

export interface Kue011MigrationReport {
  /** The Kue 0.11 prefix read, as in its key names (`q`, or `{q}`). */
  from: string;
  /** The key base of the queue the jobs went to (`{q}`). */
  to: string;
  dryRun: boolean;
  /** Jobs moved (in a dry run: that would move), by their Kue 0.11 state. */
  moved: Record<Kue011State, number>;
  /** The same per type: type, then Kue 0.11 state. */
  movedByType: Record<string, Partial<Record<Kue011State, number>>>;
  /** Active jobs gone back to inactive, their interrupted attempt counted. */
  requeued: number;
  /** Active jobs failed because that attempt was their last. */
  failedStranded: number;
  /** Jobs whose stored backoff function (or a setting not understood) was replaced. */
  backoffsReplaced: number;
  /** Jobs kept in Kue 0.11's layout, each with its reason (the first 1,000). */
  skipped: Kue011SkippedJob[];
  /** How many were skipped in all. */
  skippedCount: number;
  /**
   * Ids the queue already holds another job under. A run refuses to start when there is
   * any (`MigrationRefusedError`); one that appears during a run leaves that job in place.
   */
  conflicts: number[];
  /** Index entries of Kue 0.11 that are not members `len|id`: left as they are. */
  malformed: Array<{ key: string; member: string }>;
  /** Jobs found moved by an earlier run (their leftover 0.11 index entries are removed). */
  alreadyMoved: number;
  /** Kue 0.11 index entries naming no job (removed, as Kue 0.11 itself did on reading them). */
  dangling: number;
  /** The id the next job saved gets at least: above every id Kue 0.11 gave. */
  nextId: number;
  /** Milliseconds of Kue 0.11's work-time total added to the queue's. */
  workTimeCarried: number;
  /** Jobs still in Kue 0.11's indexes when the run ended: the skipped, and any saved meanwhile. */
  left: number;
  /** Kue 0.11 keys removed once no job was left in its indexes (its type set, wake-up lists). */
  keysRemoved: number;
  /** How long the run took (ms). */
  durationMs: number;
  /**
   * When no Kue 0.11 job was found under `from`: the other spelling of the prefix (`{q}` for
   * `q`, and back), when Kue 0.11 jobs are there: the queue was written through the other client.
   */
  elsewhere?: { prefix: string; jobs: number };
}

/** Where a run is, after each batch. */
export interface Kue011MigrationProgress {
  /** 'check': the read-only pass (a dry run, or a run's look for conflicts first); 'move': the moves. */
  pass: 'check' | 'move';
  /** Jobs handled in this pass so far (moved, skipped or found moved already). */
  handled: number;
  moved: number;
  skipped: number;
  /** Jobs in Kue 0.11's index of every job when the pass began. */
  total: number;
}

/** What the `migrate` script did with one id ('unread': a conflicts-only look found none). */
export type MigrateOutcome = 'moved' | 'skipped' | 'conflict' | 'already' | 'dangling' | 'unread';

/** Most skipped jobs and malformed entries listed one by one (the counts go on). */
const LISTED = 1_000;

export function emptyReport(from: string, to: string, dryRun: boolean): Kue011MigrationReport {
  return {
    from,
    to,
    dryRun,
    moved: Object.fromEntries(KUE011_STATES.map((s) => [s, 0])) as Record<Kue011State, number>,
    movedByType: {},
    requeued: 0,
    failedStranded: 0,
    backoffsReplaced: 0,
    skipped: [],
    skippedCount: 0,
    conflicts: [],
    malformed: [],
    alreadyMoved: 0,
    dangling: 0,
    nextId: 1,
    workTimeCarried: 0,
    left: 0,
    keysRemoved: 0,
    durationMs: 0,
  };
}

/** Adds one job's outcome (six values of the `migrate` script's reply) to the report. */
export function tally(report: Kue011MigrationReport, reply: readonly string[]): MigrateOutcome {
  const [id, outcome, kue011State, state, type, note] = reply as [
    string,
    MigrateOutcome,
    string,
    string,
    string,
    string,
  ];
  switch (outcome) {
    case 'moved': {
      const from = kue011State as Kue011State;
      report.moved[from] += 1;
      const byType = (report.movedByType[type] ??= {});
      byType[from] = (byType[from] ?? 0) + 1;
      if (from === 'active') {
        if (state === 'failed') report.failedStranded += 1;
        else report.requeued += 1;
      }
      if (note === 'backoff replaced') report.backoffsReplaced += 1;
      break;
    }
    case 'skipped':
      report.skippedCount += 1;
      if (report.skipped.length < LISTED)
        report.skipped.push({ id: Number(id), state: kue011State, type, reason: note });
      break;
    case 'conflict':
      report.conflicts.push(Number(id));
      break;
    case 'already':
      report.alreadyMoved += 1;
      break;
    case 'dangling':
      report.dangling += 1;
      break;
  }
  return outcome;
}

export function noteMalformed(report: Kue011MigrationReport, key: string, member: string): void {
  if (report.malformed.length < LISTED) report.malformed.push({ key, member });
}

/** Jobs moved in all. */
export function movedCount(report: Kue011MigrationReport): number {
  return Object.values(report.moved).reduce((a, b) => a + b, 0);
}
