import { encodeNewJob, type NewJob } from './codec.js';
import type { Outcome } from './redis-errors.js';
import { ScriptStatus } from './script-status.js';
import type { ScriptName } from './scripts.js';
import type { JobState } from './keys.js';

/** Runs one of the queue's scripts (Store.run). */
export type ScriptRunner = (
  name: ScriptName,
  args: Array<string | number>,
  outcome?: () => Outcome,
) => Promise<unknown>;

/** A schedule as stored (see lua/includes/schedules.lua); rule and template stay JSON text here. */
export interface StoredSchedule {
  id: string;
  /** The rule as JSON text, as `queue.schedule` wrote it. */
  rule: string;
  /** The job template as the values save takes (type, data, priority, ...). */
  template: string[];
  rev: string;
  /** Next due time (epoch ms), null while paused or once finished. */
  next: number | null;
  /** The latest due time handled (a run made or skipped): no run is ever made for it again. */
  last: number | null;
  /** The latest run (scheduled or run now), its due time and its state (null once it is gone). */
  lastRun: { jobId: number; due: number; state: JobState | null } | null;
  runs: number;
  paused: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A schedule whose next due time has come, with what computing its runs needs. */
export interface DueSchedule {
  id: string;
  rev: string;
  next: number;
  last: number | null;
  runs: number;
  createdAt: number;
  rule: string;
}

/** The runs of one schedule to make, and where its next due time moves (null: none). */
export interface FireRequest {
  id: string;
  rev: string;
  expectedNext: number;
  newNext: number | null;
  skipOverlap: boolean;
  /** The most runs the schedule makes in all (its rule's limit). */
  limit: number | undefined;
  dues: number[];
}

export type UpsertStatus =
  | typeof ScriptStatus.CREATED
  | typeof ScriptStatus.CHANGED
  | typeof ScriptStatus.UNCHANGED
  | typeof ScriptStatus.CONFLICT;

function num(text: string | undefined): number | null {
  if (text === undefined || text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

function decodeTemplate(text: string | undefined): string[] {
  try {
    const values: unknown = JSON.parse(text ?? '[]');
    return Array.isArray(values) ? values.map(String) : [];
  } catch {
    return [];
  }
}

function decodeStored(id: string, flat: string[], state: string): StoredSchedule {
  const h: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) h[flat[i]!] = flat[i + 1]!;
  const lastJob = num(h.last_job);
  return {
    id,
    rule: h.rule ?? '{}',
    template: decodeTemplate(h.job),
    rev: h.rev ?? '0',
    next: num(h.next),
    last: num(h.last),
    lastRun:
      lastJob === null
        ? null
        : { jobId: lastJob, due: num(h.last_due) ?? 0, state: (state || null) as JobState | null },
    runs: num(h.runs) ?? 0,
    paused: h.paused === '1',
    createdAt: num(h.created_at) ?? 0,
    updatedAt: num(h.updated_at) ?? 0,
  };
}

/**
 * The schedule scripts, typed (the Store's `schedules`). Every change is one script; the
 * client computes due times and the scripts compare and set.
 */
export class ScheduleStore {
  constructor(private readonly run: ScriptRunner) {}

  /** Schedules by id (all when `ids` is empty, by next due time), with the server's clock. */
  async list(ids: string[], limit: number): Promise<{ now: number; schedules: StoredSchedule[] }> {
    const [now, found] = (await this.run('schedule_list', [limit, ...ids])) as [
      number,
      Array<[string, string[], string]>,
    ];
    return { now, schedules: found.map(([id, flat, state]) => decodeStored(id, flat, state)) };
  }

  /** Creates or replaces a schedule when its revision is still `expectedRev` ('0': none yet). */
  async upsert(
    id: string,
    expectedRev: string,
    rule: string,
    template: NewJob,
    next: number | null,
    createdAt: number,
  ): Promise<{ status: UpsertStatus; rev: string }> {
    const [status, rev] = (await this.run('schedule_upsert', [
      id,
      expectedRev,
      rule,
      JSON.stringify(encodeNewJob(template)),
      next ?? '',
      createdAt,
    ])) as [UpsertStatus, string];
    return { status, rev: String(rev) };
  }

  /**
   * The schedules due now (at most `limit`), leased to this caller for `lease` ms (other
   * sweeps skip them meanwhile), the server's clock and the next due time after now.
   */
  async due(limit: number, lease: number): Promise<{ now: number; nextDue: number; schedules: DueSchedule[] }> {
    const [now, nextDue, rows] = (await this.run('schedule_due', [limit, lease])) as [number, number, string[][]];
    const schedules = rows.map(([id, rev, next, last, runs, createdAt, rule]) => ({
      id: id!,
      rev: rev!,
      next: num(next) ?? 0,
      last: num(last),
      runs: num(runs) ?? 0,
      createdAt: num(createdAt) ?? 0,
      rule: rule!,
    }));
    return { now, nextDue, schedules };
  }

  /** Makes the runs of due schedules; `made[i]` is the runs made for request i, or STALE. */
  async fire(
    requests: FireRequest[],
  ): Promise<{ now: number; nextDue: number; made: Array<number | typeof ScriptStatus.STALE> }> {
    const args: Array<string | number> = [];
    for (const r of requests) {
      args.push(
        r.id,
        r.rev,
        r.expectedNext,
        r.newNext ?? '',
        r.skipOverlap ? '1' : '0',
        r.limit ?? '',
        r.dues.length,
        ...r.dues,
      );
    }
    const [now, nextDue, made] = (await this.run('schedule_fire', args, () => ({
      refused: 'no schedule fired',
      uncertain: 'the due schedules may have fired',
    }))) as [number, number, Array<number | typeof ScriptStatus.STALE>];
    return { now, nextDue, made };
  }

  /** Deletes a schedule; false when there was none. */
  async remove(id: string): Promise<boolean> {
    return (await this.run('schedule_remove', [id])) === ScriptStatus.DONE;
  }

  /** Pauses a schedule: CHANGED, UNCHANGED (already paused) or NO_SCHEDULE. */
  async pause(id: string): Promise<unknown> {
    return this.run('schedule_pause', [id, '1', '', '']);
  }

  /** Resumes a schedule read at `rev`, with its next due time: CHANGED, UNCHANGED, NO_SCHEDULE or CONFLICT. */
  async resume(id: string, rev: string, next: number | null): Promise<unknown> {
    return this.run('schedule_pause', [id, '0', rev, next ?? '']);
  }

  /** Makes one run due now; null when there is no such schedule. */
  async runNow(id: string): Promise<{ jobId: number; due: number } | null> {
    const reply = await this.run('schedule_run', [id]);
    if (reply === ScriptStatus.NO_SCHEDULE) return null;
    const [jobId, due] = reply as [string, string];
    return { jobId: Number(jobId), due: Number(due) };
  }
}
