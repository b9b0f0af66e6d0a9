import { ScheduleNotFoundError } from '../errors.js';
import { parseStoredRule, Timetable, type ScheduleRule } from '../maintenance/schedule-times.js';
import type { JobState } from '../store/keys.js';
import { decodeRetention, type RetentionOption } from '../store/retention.js';
import type { StoredSchedule } from '../store/schedule-store.js';
import { ScriptStatus } from '../store/script-status.js';
import type { Store } from '../store/store.js';
import { Job } from './job.js';
import type { QueueJobs } from './jobs.js';
import { scheduleId, scheduleRule, type ScheduleRuleInput } from './schedule-rule.js';
import { describeRule } from './schedule-words.js';

/** The most schedules one listing returns. */
export const MAX_SCHEDULES_LISTED = 10_000;
/** Due times a listing shows ahead. */
const UPCOMING = 5;
/** Tries of a compare-and-set that other processes keep changing under it. */
const TRIES = 20;

/** The job each run of a schedule is made from. */
export interface ScheduleTemplate {
  type: string;
  data: unknown;
  priority: number;
  attempts: number;
  backoff?: { type: string; delay?: number; maxDelay?: number };
  ttl: number;
  removeOnComplete: RetentionOption;
  removeOnFail: RetentionOption;
}

/** A schedule as `queue.schedules()` lists it. Times are Dates of the Redis server's clock. */
export interface ScheduleInfo extends Omit<ScheduleRule, 'startAt' | 'endAt'> {
  id: string;
  startAt?: Date;
  endAt?: Date;
  /** The rule in words: "At 03:00, Europe/Berlin", "every 30 seconds". */
  description: string;
  /** The next due time; null while paused or once finished. */
  next: Date | null;
  /** The next five due times (from `next`; none while paused or once finished). */
  upcoming: Date[];
  /** The latest run (scheduled, or made by runNow) and its state now (null once it is gone). */
  last: { jobId: number; due: Date; state: JobState | null } | null;
  /** Scheduled runs made so far (runNow's are not counted). */
  runs: number;
  paused: boolean;
  /** No run will come: past endAt, or limit reached. */
  finished: boolean;
  job: ScheduleTemplate;
  createdAt: Date;
  updatedAt: Date;
}

function templateOf(values: string[]): ScheduleTemplate {
  const [type = '', data = '{}', priority, , attempts, backoff, backoffDelay, backoffMax, ttl, roc, rof] = values;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    parsed = data;
  }
  const template: ScheduleTemplate = {
    type,
    data: parsed,
    priority: Number(priority) || 0,
    attempts: Number(attempts) || 1,
    ttl: Number(ttl) || 0,
    removeOnComplete: decodeRetention(roc),
    removeOnFail: decodeRetention(rof),
  };
  if (backoff) {
    template.backoff = { type: backoff };
    if (backoffDelay) template.backoff.delay = Number(backoffDelay);
    if (backoffMax) template.backoff.maxDelay = Number(backoffMax);
  }
  return template;
}

/**
 * The next due times of listed schedules, by rule, creation time and next due time: a cron rule
 * in a time zone costs croner about 0.1 ms per due time, and a dashboard lists every schedule
 * every few seconds while their next due times rarely change.
 */
const upcomingCache = new Map<string, number[]>();
const MAX_CACHED = 20_000;

function upcomingOf(rule: ScheduleRule, s: StoredSchedule, count: number): number[] {
  const key = `${s.rule}|${s.createdAt}|${s.next}|${count}`;
  let times = upcomingCache.get(key);
  if (!times) {
    times = new Timetable(rule, s.createdAt).upcoming(s.next!, count);
    if (upcomingCache.size >= MAX_CACHED) upcomingCache.clear();
    upcomingCache.set(key, times);
  }
  return times;
}

/** A stored schedule as users see it; a rule this version cannot read still lists, as text. */
function infoOf(s: StoredSchedule): ScheduleInfo {
  let rule: ScheduleRule;
  let description: string;
  let upcoming: number[] = [];
  try {
    rule = parseStoredRule(s.rule);
    description = describeRule(rule);
    if (s.next !== null) {
      const left = rule.limit === undefined ? UPCOMING : Math.min(UPCOMING, rule.limit - s.runs);
      upcoming = upcomingOf(rule, s, left);
    }
  } catch {
    rule = { tz: 'UTC', missed: 'last', overlap: 'allow' };
    description = `unreadable rule ${s.rule.slice(0, 60)}`;
  }
  const { startAt, endAt, ...rest } = rule;
  return {
    id: s.id,
    ...rest,
    ...(startAt !== undefined && { startAt: new Date(startAt) }),
    ...(endAt !== undefined && { endAt: new Date(endAt) }),
    description,
    next: s.next === null ? null : new Date(s.next),
    upcoming: upcoming.map((t) => new Date(t)),
    last: s.lastRun && { jobId: s.lastRun.jobId, due: new Date(s.lastRun.due), state: s.lastRun.state },
    runs: s.runs,
    paused: s.paused,
    finished: !s.paused && s.next === null,
    job: templateOf(s.template),
    createdAt: new Date(s.createdAt),
    updatedAt: new Date(s.updatedAt),
  };
}

/** The first due time of a rule from `now`, or null when the schedule has no run left. */
function firstDue(rule: ScheduleRule, createdAt: number, runs: number, now: number): number | null {
  if (rule.limit !== undefined && runs >= rule.limit) return null;
  return new Timetable(rule, createdAt).firstFrom(now);
}

/**
 * A queue's schedules: upsert, remove, pause, resume, run now, list. Every change is one
 * script that compares what this process read with what is stored and sets the new state
 * only when they still agree; a process that loses such a race reads again.
 */
export class QueueSchedules {
  constructor(
    private readonly store: Store,
    private readonly jobs: QueueJobs,
    /** Tells this process's schedule timer of a due time (Redis clock) it set. */
    private readonly hintDue: (due: number) => void,
  ) {}

  /** Creates or replaces a schedule; the same rule and job again change nothing. */
  async upsert(id: unknown, ruleInput: ScheduleRuleInput, job: unknown): Promise<ScheduleInfo> {
    const name = scheduleId(id);
    const rule = scheduleRule(ruleInput);
    if (!(job instanceof Job) || job.id !== undefined) {
      throw new TypeError(`a schedule's job must be an unsaved job from queue.create(type, data), got ${typeof job}`);
    }
    if (job._delay > 0)
      throw new RangeError(`a schedule's job cannot have a delay (got ${job._delay} ms): runs start when due`);
    if (job._unique) {
      throw new TypeError(
        `a schedule's job cannot have a unique key (got "${job._unique.key}"): use the rule's overlap: 'skip' for one run at a time`,
      );
    }
    if (typeof job._backoff === 'function') {
      throw new TypeError(
        "a schedule's job cannot have a backoff function (it lives in one process); use a named strategy",
      );
    }
    const template = this.jobs.fieldsOf(job);
    const ruleText = JSON.stringify(rule);
    for (let i = 0; i < TRIES; i++) {
      const { now, schedules } = await this.store.schedules.list([name], 1);
      const stored = schedules[0];
      const createdAt = stored?.createdAt ?? now;
      const next = firstDue(rule, createdAt, stored?.runs ?? 0, now);
      const { status } = await this.store.schedules.upsert(
        name,
        stored?.rev ?? '0',
        ruleText,
        template,
        next,
        createdAt,
      );
      if (status === ScriptStatus.CONFLICT) continue;
      // The script told every process; this one hears it here too, before it has subscribed.
      const info = await this.get(name);
      if (info.next) this.hintDue(info.next.getTime());
      return info;
    }
    throw new Error(`schedule "${name}" kept changing under this upsert (${TRIES} tries)`);
  }

  /** Deletes a schedule (its runs made so far stay); false when there was none. */
  remove(id: unknown): Promise<boolean> {
    return this.store.schedules.remove(scheduleId(id));
  }

  /** Stops a schedule's runs until it is resumed; false when it was paused already. */
  async pause(id: unknown): Promise<boolean> {
    const name = scheduleId(id);
    const status = await this.store.schedules.pause(name);
    if (status === ScriptStatus.NO_SCHEDULE) throw new ScheduleNotFoundError(name);
    return status === ScriptStatus.CHANGED;
  }

  /** Resumes a paused schedule at its first due time from now (none for the time it was paused). */
  async resume(id: unknown): Promise<boolean> {
    const name = scheduleId(id);
    for (let i = 0; i < TRIES; i++) {
      const { now, schedules } = await this.store.schedules.list([name], 1);
      const stored = schedules[0];
      if (!stored) throw new ScheduleNotFoundError(name);
      if (!stored.paused) return false;
      const next = firstDue(parseStoredRule(stored.rule), stored.createdAt, stored.runs, now);
      const status = await this.store.schedules.resume(name, stored.rev, next);
      if (status === ScriptStatus.NO_SCHEDULE) throw new ScheduleNotFoundError(name);
      if (status === ScriptStatus.CONFLICT) continue;
      if (next !== null) this.hintDue(next);
      return status === ScriptStatus.CHANGED;
    }
    throw new Error(`schedule "${name}" kept changing under this resume (${TRIES} tries)`);
  }

  /** Makes one run now (due now), paused or not; the schedule's next due time stays. */
  async runNow(id: unknown): Promise<{ jobId: number; due: Date }> {
    const name = scheduleId(id);
    const made = await this.store.schedules.runNow(name);
    if (!made) throw new ScheduleNotFoundError(name);
    return { jobId: made.jobId, due: new Date(made.due) };
  }

  async get(id: unknown): Promise<ScheduleInfo> {
    const name = scheduleId(id);
    const { schedules } = await this.store.schedules.list([name], 1);
    if (!schedules[0]) throw new ScheduleNotFoundError(name);
    return infoOf(schedules[0]);
  }

  /** Every schedule (the first MAX_SCHEDULES_LISTED), by next due time; paused and finished last. */
  async list(): Promise<ScheduleInfo[]> {
    const { schedules } = await this.store.schedules.list([], MAX_SCHEDULES_LISTED);
    return schedules.map(infoOf);
  }
}
