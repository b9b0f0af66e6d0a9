import { EventEmitter } from 'node:events';
import { withCallback, type Callback } from './callback.js';
import type { Job } from './job.js';
import type { GroupInfo, LimitOptions, QueueLimits, TypeLimits } from './limits.js';
import type { ScheduleRuleInput } from './schedule-rule.js';
import type { QueueSchedules, ScheduleInfo } from './schedules.js';

/**
 * What a queue controls about when jobs run, over every process: schedules (recurring runs),
 * limits of job types (rate, concurrency) and groups (turns, per-group limits, pausing). The
 * state of each lives in Redis; `Queue` provides the parts.
 */
export abstract class QueueControls extends EventEmitter {
  /** @internal Schedules: use `schedule`, `unschedule`, `schedules` and friends. */
  abstract readonly scheduling: QueueSchedules;
  /** @internal Job type limits and groups: use `limit`, `limits`, `groups` and friends. */
  abstract readonly limiting: QueueLimits;

  // Schedules: recurring runs, one job per due time however many processes declare them.

  /**
   * Creates or replaces the schedule `id`: runs of `job` (an unsaved `queue.create(...)`)
   * by `rule` (`{cron, tz}` or `{every}`, see ScheduleRuleInput). Any number of processes may
   * declare the same schedule at once: there is one schedule, with one next run.
   */
  schedule(id: string, rule: ScheduleRuleInput, job: Job, callback?: Callback<ScheduleInfo>): Promise<ScheduleInfo> {
    return withCallback(this.scheduling.upsert(id, rule, job), callback);
  }

  /** Removes a schedule (runs already made stay); resolves false when there was none. */
  unschedule(id: string, callback?: Callback<boolean>): Promise<boolean> {
    return withCallback(this.scheduling.remove(id), callback);
  }

  /** Every schedule, by next due time (paused and finished ones last). */
  schedules(callback?: Callback<ScheduleInfo[]>): Promise<ScheduleInfo[]> {
    return withCallback(this.scheduling.list(), callback);
  }

  /** One schedule; rejects with ScheduleNotFoundError when there is none. */
  getSchedule(id: string, callback?: Callback<ScheduleInfo>): Promise<ScheduleInfo> {
    return withCallback(this.scheduling.get(id), callback);
  }

  /** Stops a schedule's runs, in every process, until resumed; false when already paused. */
  pauseSchedule(id: string, callback?: Callback<boolean>): Promise<boolean> {
    return withCallback(this.scheduling.pause(id), callback);
  }

  /** Resumes a schedule at its next due time from now; false when it was not paused. */
  resumeSchedule(id: string, callback?: Callback<boolean>): Promise<boolean> {
    return withCallback(this.scheduling.resume(id), callback);
  }

  /** Makes one run of a schedule now (due now), paused or not; its next due time stays. */
  runNow(id: string, callback?: Callback<{ jobId: number; due: Date }>): Promise<{ jobId: number; due: Date }> {
    return withCallback(this.scheduling.runNow(id), callback);
  }

  // Limits: rate and concurrency of a job type over every worker process, enforced in Redis.

  /**
   * Sets or changes the limits of a job type (`{rate: {max, duration}, concurrency, group}`;
   * an option left out stays, null removes it), or removes them all (`null`). Running workers
   * obey from their next take. Resolves with the type's limits after the change.
   */
  limit(type: string, options: LimitOptions | null, callback?: Callback<TypeLimits>): Promise<TypeLimits> {
    return withCallback(this.limiting.set(type, options), callback);
  }

  /** Every job type with limits, and how much of them is in use. */
  limits(callback?: Callback<TypeLimits[]>): Promise<TypeLimits[]> {
    return withCallback(this.limiting.list(), callback);
  }

  // Groups: the jobs of one type taken in turn across groups (`job.group(key)`).

  /** A type's groups with jobs waiting or active, or paused: the largest first (at most 1,000). */
  groups(type: string, callback?: Callback<GroupInfo[]>): Promise<GroupInfo[]> {
    return withCallback(this.limiting.groups(type), callback);
  }

  /** Stops taking one group's jobs, in every process, until resumed; false when already paused. */
  pauseGroup(type: string, group: string, callback?: Callback<boolean>): Promise<boolean> {
    return withCallback(this.limiting.pauseGroup(type, group, true), callback);
  }

  /** Resumes a paused group; false when it was not paused. */
  resumeGroup(type: string, group: string, callback?: Callback<boolean>): Promise<boolean> {
    return withCallback(this.limiting.pauseGroup(type, group, false), callback);
  }
}
